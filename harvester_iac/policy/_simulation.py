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

from harvester_iac.model import Inventory, StorageClass
from harvester_iac.policy._observed import Observed
from harvester_iac.policy._placement import (
    CAPACITY_REASONS,
    DiskLoad,
    PlacementSource,
    SitePlacement,
    Spot,
    VolumePlacement,
    observed_spots,
)
from harvester_iac.scheduler import ClusterState, ReplicaState, from_observed, place_inventory

__all__ = ["plan_placement"]


def _declared(inv: Inventory, s: Spot) -> bool:
    host = inv.host(s.host)
    return host is not None and host.disk(s.disk) is not None


def _longhorn_names(inv: Inventory, observed: Observed) -> dict[str, str]:
    """Declared volume key -> its Longhorn volume: its ``volumeName``, else the only volume
    Longhorn attributes to its VM when the VM has one disk (a master's root volume)."""
    lh = observed.longhorn
    if lh is None:
        return {}
    declared = list(inv.declared_volumes())
    disks_of: dict[str, int] = defaultdict(int)
    for v in declared:
        disks_of[v.vm] += 1
    by_vm: dict[str, list[str]] = defaultdict(list)
    for lv in lh.volumes:
        if lv.vm_name:
            by_vm[lv.vm_name].append(lv.name)
    out: dict[str, str] = {}
    for v in declared:
        if v.volume_name:
            if lh.volume(v.volume_name) is not None:
                out[v.key] = v.volume_name
        elif disks_of[v.vm] == 1 and len(by_vm.get(v.vm, ())) == 1:
            out[v.key] = by_vm[v.vm][0]
    return out


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
        planned = from_observed(inv, observed.longhorn.nodes)
        cluster = planned.cluster
        measured = {Spot(node, disk) for node, disk in planned.measured}
        names = _longhorn_names(inv, observed)
        for v in inv.declared_volumes():
            found = names.get(v.key)
            if found is None:
                continue
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
                new_bytes[Spot(p.node, p.disk)] += vp.size
        kept = len(vp.existing)
        source, note = PlacementSource.SIMULATED, ""
        if kept and observed is not None:
            differs = _differs(observed, lh_name.get(vp.volume, vp.volume), sc)
            if differs is None and kept >= vp.number_of_replicas:
                source, note = PlacementSource.OBSERVED, "Longhorn replicas in the evidence"
            else:
                note = (f"{differs or 'replicas missing'}: {kept} observed replica(s) kept, "
                        "the rest simulated")
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
            source=source, note=note))
    loads = []
    capacity = {Spot(h.name, d.name): d.capacity for h in inv.hosts for d in h.disks}
    for n in result.cluster.nodes:
        for d in n.disks:
            spot = Spot(n.name, d.name)
            if spot not in measured and capacity.get(spot) is None:
                continue  # neither declared nor observed: its size is a placeholder
            loads.append(DiskLoad(
                host=n.name, disk=d.name, maximum=d.storage_maximum,
                reserved=d.storage_reserved, available=d.storage_available,
                scheduled=d.storage_scheduled, new_bytes=new_bytes.get(spot, 0),
                observed=spot in measured))
    s = inv.longhorn.settings
    return SitePlacement(
        volumes=tuple(out), disks=tuple(loads),
        over_provisioning_pct=s.storage_over_provisioning_percentage,
        minimal_available_pct=s.storage_minimal_available_percentage,
        notes=result.notes)
