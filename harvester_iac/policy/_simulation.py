"""Build the site placement: observed replicas where they already match the plan, the
Longhorn scheduler simulation for the rest.

Volumes are placed masters first, then other VMs' disks, in inventory order, each one
committed before the next (Longhorn's node controller does the same). A volume that
exists with fewer replicas than the plan wants keeps its live replicas and gets the
missing ones simulated next to them, as Longhorn does when numberOfReplicas is raised.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from harvester_iac.model import DeclaredVolume, Inventory, StorageClass, clean_path
from harvester_iac.observe import LonghornDisk as ObservedDisk
from harvester_iac.scheduler import (
    AntiAffinity,
    ClusterState,
    DataLocality,
    DiskState,
    DiskType,
    LonghornVersion,
    NodeState,
    ReplicaState,
    Scheduler,
    SchedulingSettings,
    VolumeSpec,
)
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

__all__ = ["plan_placement"]

#: Stand-in size for a disk whose capacity the inventory does not give and nobody observed.
_UNKNOWN_CAPACITY = 2**60

@dataclass
class _DiskInfo:
    maximum: int
    reserved: int
    available: int
    scheduled: int
    observed: bool
    known: bool

def _observed_disk(observed: Observed | None, host: str, path: str) -> ObservedDisk | None:
    if observed is None:
        return None
    node = observed.node(host)
    if node is None:
        return None
    want = clean_path(path)
    return next((d for d in node.disks if d.path and clean_path(d.path) == want), None)

def _cluster(inv: Inventory, observed: Observed | None) -> tuple[ClusterState, dict[Spot, _DiskInfo]]:
    nodes = []
    info: dict[Spot, _DiskInfo] = {}
    for h in inv.hosts:
        disks = []
        for d in h.disks:
            od = _observed_disk(observed, h.name, d.path)
            if od is not None and od.storage_maximum:
                cond = od.condition("Schedulable")
                ready = od.condition("Ready")
                di = _DiskInfo(od.storage_maximum, od.storage_reserved or d.storage_reserved.bytes,
                               od.storage_available if od.storage_available is not None
                               else od.storage_maximum,
                               od.storage_scheduled or 0, True, True)
                schedulable = (cond is None or cond.true) and (ready is None or ready.true)
            else:
                cap = d.capacity.bytes if d.capacity is not None else None
                di = _DiskInfo(cap or _UNKNOWN_CAPACITY, d.storage_reserved.bytes,
                               cap or _UNKNOWN_CAPACITY, 0, False, cap is not None)
                schedulable = True
            info[Spot(h.name, d.name)] = di
            disks.append(DiskState(
                name=d.name, path=d.path, disk_type=DiskType(d.disk_type.value),
                allow_scheduling=d.allow_scheduling, eviction_requested=d.eviction_requested,
                schedulable=schedulable, tags=d.tags, storage_maximum=di.maximum,
                storage_available=di.available, storage_reserved=di.reserved,
                storage_scheduled=di.scheduled))
        node = observed.node(h.name) if observed is not None else None
        nodes.append(NodeState(
            name=h.name, zone=h.zone, tags=h.tags, disks=tuple(disks),
            ready=node.ready is not False if node else True,
            schedulable=node.schedulable is not False if node else True))
    return ClusterState(nodes=tuple(nodes)), info

def _spec(v: DeclaredVolume, sc: StorageClass | None, name: str) -> VolumeSpec:
    if sc is None:
        return VolumeSpec(name=name, size=v.size.bytes, attached_node=v.host)
    return VolumeSpec(
        name=name, size=v.size.bytes, number_of_replicas=sc.number_of_replicas,
        disk_selector=sc.disk_selector, node_selector=sc.node_selector,
        data_locality=DataLocality(sc.data_locality.value),
        replica_soft_anti_affinity=AntiAffinity(sc.replica_soft_anti_affinity.value),
        replica_zone_soft_anti_affinity=AntiAffinity(sc.replica_zone_soft_anti_affinity.value),
        replica_disk_soft_anti_affinity=AntiAffinity(sc.replica_disk_soft_anti_affinity.value),
        attached_node=v.host,
    )

def _matches_plan(observed: Observed, name: str, sc: StorageClass | None) -> str | None:
    """Why the observed volume differs from the plan, or ``None`` when it matches."""
    lv = observed.longhorn.volume(name) if observed.longhorn else None
    if lv is None or sc is None:
        return "not observed"
    if lv.number_of_replicas is not None and lv.number_of_replicas != sc.number_of_replicas:
        return (f"observed {lv.number_of_replicas} replica(s) wanted, the plan wants "
                f"{sc.number_of_replicas}")
    if tuple(lv.disk_selector) != tuple(sc.disk_selector) or \
            tuple(lv.node_selector) != tuple(sc.node_selector):
        return "observed selectors differ from the plan's"
    return None

def plan_placement(inv: Inventory, observed: Observed | None, *, now: datetime) -> SitePlacement:
    """Place every declared volume of ``inv``; see the module docstring for the order."""
    settings = inv.longhorn.settings
    sched_settings = SchedulingSettings(
        replica_soft_anti_affinity=settings.replica_soft_anti_affinity,
        replica_zone_soft_anti_affinity=settings.replica_zone_soft_anti_affinity,
        replica_disk_soft_anti_affinity=settings.replica_disk_soft_anti_affinity,
        storage_over_provisioning_percentage=settings.storage_over_provisioning_percentage,
        storage_minimal_available_percentage=settings.storage_minimal_available_percentage,
        allow_empty_disk_selector_volume=settings.allow_empty_disk_selector_volume,
        allow_empty_node_selector_volume=settings.allow_empty_node_selector_volume,
    )
    cluster, info = _cluster(inv, observed)
    try:
        version = LonghornVersion.parse(inv.longhorn.version)
    except ValueError:
        version = LonghornVersion.V1_12
    scheduler = Scheduler(cluster, settings=sched_settings, version=version, source=inv.source)
    new_bytes: dict[Spot, int] = defaultdict(int)
    out: list[VolumePlacement] = []
    for n, v in enumerate(inv.declared_volumes()):
        sc = inv.storage_class(v.storage_class)
        wanted = sc.number_of_replicas if sc else 3
        existing: tuple[Spot, ...] = ()
        note = ""
        if observed is not None and v.volume_name:
            existing = tuple(s for s in observed_spots(inv, observed, v.volume_name)
                             if s in info)
            differs = _matches_plan(observed, v.volume_name, sc)
            if existing and differs is None and len(existing) >= wanted:
                out.append(VolumePlacement(
                    volume=v, wanted=wanted, replicas=existing[:wanted],
                    source=PlacementSource.OBSERVED, note="Longhorn replicas in the evidence"))
                continue
            if existing:
                note = (f"{differs or 'observed replicas missing'}; {len(existing)} observed "
                        f"replica(s) kept, the rest simulated")
        name = v.volume_name or f"{v.vm}-{v.disk}-{n}"
        spec = _spec(v, sc, name)
        keep = existing[:wanted]
        replicas = [ReplicaState(name=f"observed-{i}", node=s.host, disk=s.disk)
                    for i, s in enumerate(keep)]
        result = scheduler.place(spec, replicas=replicas, now=now)
        placed = [p for p in result.placements if p is not None]
        scheduler.commit(placed, v.size.bytes)
        spots = [*keep]
        for p in placed:
            s = Spot(p.node, p.disk)
            spots.append(s)
            new_bytes[s] += v.size.bytes
        reasons: set[str] = set()
        full: set[Spot] = set()
        for o in result.outcomes:
            for e in o.exclusions:
                reasons.add(e.rule.value)
                if e.rule.value in CAPACITY_REASONS and e.node and e.disk:
                    full.add(Spot(e.node, e.disk))
        unplaced = tuple(o.explanation or o.refused or "not placed"
                         for o in result.outcomes if o.placement is None)
        if result.errors and not unplaced:
            unplaced = result.errors
        out.append(VolumePlacement(
            volume=v, wanted=wanted, replicas=tuple(spots), unplaced=unplaced,
            reasons=frozenset(reasons), full_disks=tuple(sorted(full)),
            source=PlacementSource.SIMULATED, note=note))
    loads = []
    for spot, di in info.items():
        if not di.known:
            continue
        loads.append(DiskLoad(
            host=spot.host, disk=spot.disk, maximum=di.maximum, reserved=di.reserved,
            available=di.available, scheduled=scheduler.scheduled(spot.host, spot.disk),
            new_bytes=new_bytes.get(spot, 0), observed=di.observed))
    return SitePlacement(
        volumes=tuple(out), disks=tuple(loads),
        over_provisioning_pct=settings.storage_over_provisioning_percentage,
        minimal_available_pct=settings.storage_minimal_available_percentage,
    )
