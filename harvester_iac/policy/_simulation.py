"""Build the site placement from the scheduler simulation and the observed replicas.

``harvester_iac.scheduler.place_inventory`` places every declared volume as Longhorn
would. With evidence, it runs on ``scheduler.from_observed``'s cluster (the plan applied to
Longhorn's reported nodes: one meaning for missing conditions and numbers) and keeps each
existing volume's live replicas, so only the missing ones are simulated, as Longhorn does
when numberOfReplicas is raised. A volume whose observed replicas already have the plan's
shape is reported as observed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from harvester_iac.model import Inventory, StorageClass
from harvester_iac.policy._observed import Observed, longhorn_node
from harvester_iac.policy._placement import (
    CAPACITY_REASONS,
    DiskLoad,
    PlacementSource,
    SitePlacement,
    Spot,
    VolumePlacement,
    observed_spots,
)
from harvester_iac.policy._volumes import longhorn_links, replicas_observed
from harvester_iac.scheduler import ClusterState, ReplicaState, from_observed, place_inventory

if TYPE_CHECKING:
    from harvester_iac.observe import LonghornNode

__all__ = ["plan_placement"]


def _nodes_by_host(inv: Inventory, observed: Observed) -> list[LonghornNode]:
    """Longhorn's nodes under the inventory's host names (a node named by a host's alias or
    FQDN is that host's)."""
    import dataclasses

    out = []
    for h in inv.hosts:
        node = longhorn_node(inv, observed, h.name)
        if node is not None:
            out.append(node if node.name == h.name else dataclasses.replace(node, name=h.name))
    return out


def _declared(inv: Inventory, s: Spot) -> bool:
    host = inv.host(s.host)
    return host is not None and host.disk(s.disk) is not None


def _differs(observed: Observed, name: str, sc: StorageClass | None) -> str | None:
    """Why the observed volume's shape differs from the plan, or ``None`` when it matches."""
    lv = observed.longhorn.volume(name) if observed.longhorn else None
    if lv is None or sc is None:
        return "not observed"
    if lv.number_of_replicas is not None and lv.number_of_replicas != sc.number_of_replicas:
        return (f"Longhorn has numberOfReplicas {lv.number_of_replicas}, the plan "
                f"{sc.number_of_replicas}")
    if tuple(lv.disk_selector) != tuple(sc.disk_selector) or \
            tuple(lv.node_selector) != tuple(sc.node_selector):
        return "Longhorn's selectors differ from the plan's"
    return None


def plan_placement(inv: Inventory, observed: Observed | None, *, now: datetime) -> SitePlacement:
    """Place every declared volume of ``inv`` (``now`` is kept for custom placers)."""
    del now  # the scheduler plans for the settled state, not for a moment
    cluster: ClusterState | None = None
    measured: set[Spot] = set()
    existing: dict[str, tuple[Spot, ...]] = {}
    lh_name: dict[str, str] = {}  # the scheduler's volume name -> Longhorn's
    if observed is not None and observed.has_longhorn:
        assert observed.longhorn is not None
        planned = from_observed(inv, _nodes_by_host(inv, observed))
        cluster = planned.cluster
        measured = {Spot(node, disk) for node, disk in planned.measured}
        links = longhorn_links(inv, observed)
        for v in inv.declared_volumes():
            link = links.get(v.key)
            if link is None:
                continue
            found = link.volume
            key = v.volume_name or f"{v.vm}-{v.disk}"
            lh_name[key] = found
            spots = tuple(s for s in observed_spots(inv, observed, found) if _declared(inv, s))
            if spots:
                existing[key] = spots
    replicas = {name: [ReplicaState(name=f"{name}-observed-{i}", node=s.host, disk=s.disk)
                       for i, s in enumerate(spots)] for name, spots in existing.items()}
    result = place_inventory(inv, observed_nodes=cluster, observed_replicas=replicas or None)
    declared = {v.key: v for v in inv.declared_volumes()}
    new_bytes: dict[Spot, int] = defaultdict(int)
    out: list[VolumePlacement] = []
    for vp in result.volumes:
        dv = declared[vp.key]
        sc = inv.storage_class(dv.storage_class)
        for p in vp.placements:
            if p is not None:
                new_bytes[Spot(p.node, p.disk)] += vp.size_bytes
        kept = len(vp.existing)
        source, note, unobserved = PlacementSource.SIMULATED, "", None
        if kept and observed is not None:
            differs = _differs(observed, lh_name.get(vp.volume, vp.volume), sc)
            if differs is None and kept >= vp.number_of_replicas:
                source, note = PlacementSource.OBSERVED, "Longhorn replicas in the evidence"
            else:
                note = (f"{differs or 'replicas missing'}: {kept} observed replica(s) kept, "
                        "the rest simulated")
        elif observed is not None and vp.volume in lh_name:
            name = lh_name[vp.volume]
            if not replicas_observed(observed, name) and _differs(observed, name, sc) is None:
                # Longhorn has this volume in the plan's shape already: the plan does not move
                # its replicas, and where they are was not observed
                unobserved = (f"the replicas of Longhorn volume {name} were not observed (no "
                              "Replica objects); it already has the plan's shape, so the plan "
                              "does not place them and where they are is unknown")
                note = "existing volume, replicas not observed: the simulation's guess"
        reasons = frozenset(e.rule.value for e in vp.exclusions)
        full = tuple(sorted({Spot(e.node, e.disk) for e in vp.exclusions
                             if e.rule.value in CAPACITY_REASONS and e.node and e.disk}))
        unplaced = vp.explanations or vp.errors
        if vp.missing and not unplaced:
            unplaced = (f"{vp.missing} replica(s) not placed",)
        out.append(VolumePlacement(
            volume=dv, wanted=vp.number_of_replicas,
            replicas=tuple(Spot(p.node, p.disk) for p in vp.replicas),
            unplaced=unplaced if vp.missing else (), reasons=reasons, full_disks=full,
            source=source, note=note, unobserved=unobserved))
    loads = []
    capacity = {Spot(h.name, d.name): d.capacity for h in inv.hosts for d in h.disks}
    for n in result.cluster.nodes:
        for d in n.disks:
            spot = Spot(n.name, d.name)
            if spot not in measured and capacity.get(spot) is None:
                continue  # neither declared nor observed: its size is a placeholder
            loads.append(DiskLoad(
                host=n.name, disk=d.name, maximum_bytes=d.storage_maximum_bytes,
                reserved_bytes=d.storage_reserved_bytes, available_bytes=d.storage_available_bytes,
                scheduled_bytes=d.storage_scheduled_bytes, new_bytes=new_bytes.get(spot, 0),
                observed=spot in measured))
    s = inv.longhorn.settings
    return SitePlacement(
        volumes=tuple(out), disks=tuple(loads),
        over_provisioning_pct=s.storage_over_provisioning_percentage,
        minimal_available_pct=s.storage_minimal_available_percentage,
        notes=result.notes)
