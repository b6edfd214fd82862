"""The ways into the scheduler: a cluster from the inventory, or from the evidence.

``from_inventory(inventory)`` is the plan on paper: every declared host is a ready
Longhorn node, every declared disk an empty, schedulable disk of its declared
``capacity`` (a disk without one takes the largest declared capacity, or
``UNKNOWN_CAPACITY`` when none is declared; a note says so).

``from_observed(inventory, nodes)`` is the plan applied to what Longhorn reports. A
declared disk is matched to the Longhorn disk at the same path on the node of the same
name. Its spec (type, allowScheduling, evictionRequested, tags, storageReserved) is the
inventory's, since the plan sets it; its status is Longhorn's, read by Longhorn's own
rules, the one meaning of missing data here:

* a condition that is not reported is not ``True``: a disk without a ``Schedulable``
  condition is not schedulable, a node without ``Ready`` (or ``Schedulable``) is not
  ready, exactly as longhorn-manager's scheduler reads them;
* a storage number that is not reported is 0 (a disk with no ``storageMaximum`` holds
  nothing until Longhorn has measured it).

A declared disk or host Longhorn does not report is one the plan adds: it enters as
``from_inventory`` has it. Longhorn disks the inventory does not declare are left out
(the inventory models every disk it wants the scheduler to see, ``managed: false`` for
Longhorn's own). ``cluster_from_longhorn`` reads Longhorn's nodes alone, by the same
rules; ``replicas_from_longhorn`` gives the replicas Longhorn lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from harvester_iac.core import clean_path
from harvester_iac.scheduler._types import ClusterState, DiskState, DiskType, NodeState, ReplicaState

if TYPE_CHECKING:
    from harvester_iac.model import Host, Inventory
    from harvester_iac.model import LonghornDisk as DeclaredDisk
    from harvester_iac.observe import LonghornCondition, LonghornDisk, LonghornNode, LonghornReplica

__all__ = [
    "UNKNOWN_CAPACITY",
    "SchedulerInput",
    "cluster_from_longhorn",
    "from_inventory",
    "from_observed",
    "replicas_from_longhorn",
]

#: Capacity assumed for a declared disk without ``capacity`` when no disk states one.
UNKNOWN_CAPACITY = 2**50


@dataclass(frozen=True, kw_only=True, slots=True)
class SchedulerInput:
    """The cluster the scheduler starts from, and what in it was measured.

    ``measured`` names the ``(node, disk)`` pairs whose status (conditions, storage
    numbers) Longhorn reported; the others are the inventory's. ``notes`` are the
    assumptions made (unknown capacities).
    """

    cluster: ClusterState
    measured: frozenset[tuple[str, str]] = frozenset()
    notes: tuple[str, ...] = ()


def _true(condition: LonghornCondition | None) -> bool:
    return condition is not None and condition.status == "True"


def _with_status(base: DiskState, disk: LonghornDisk) -> DiskState:
    """``base`` with a reported disk's status, Longhorn's rules for what is missing."""
    return replace(
        base,
        schedulable=_true(disk.condition("Schedulable")),
        storage_maximum_bytes=disk.storage_maximum_bytes or 0,
        storage_available_bytes=disk.storage_available_bytes or 0,
        storage_scheduled_bytes=disk.storage_scheduled_bytes or 0,
    )


def _with_node_status(base: NodeState, node: LonghornNode) -> NodeState:
    return replace(base, ready=node.ready is True, schedulable=node.schedulable is True)


def _declared_disk(disk: DeclaredDisk, capacity_bytes: int) -> DiskState:
    return DiskState(
        name=disk.name, path=disk.path, disk_type=DiskType(str(disk.disk_type)),
        allow_scheduling=disk.allow_scheduling, eviction_requested=disk.eviction_requested,
        schedulable=True, tags=tuple(sorted(disk.tags)), storage_maximum_bytes=capacity_bytes,
        storage_available_bytes=capacity_bytes, storage_reserved_bytes=disk.storage_reserved.bytes,
        storage_scheduled_bytes=0,
    )


def _capacities(inventory: Inventory, measured: frozenset[tuple[str, str]] = frozenset(),
                ) -> tuple[dict[tuple[str, str], int], tuple[str, ...]]:
    """Each declared disk's capacity, and a note on those assumed (not declared, not measured)."""
    known = [d.capacity.bytes for h in inventory.hosts for d in h.disks if d.capacity is not None]
    fallback = max(known) if known else UNKNOWN_CAPACITY
    unknown = [f"{h.name}/{d.name}" for h in inventory.hosts for d in h.disks
               if d.capacity is None and (h.name, d.name) not in measured]
    notes: tuple[str, ...] = ()
    if unknown:
        size = f"{fallback} B, the largest declared capacity" if known else f"{fallback} B (1 PiB)"
        notes = (f"no capacity declared for {', '.join(unknown)}: treated as {size}, so capacity "
                 "checks on them are not meaningful; declare `capacity` for a real prediction",)
    sizes = {(h.name, d.name): d.capacity.bytes if d.capacity is not None else fallback
             for h in inventory.hosts for d in h.disks}
    return sizes, notes


def _declared_node(host: Host, disks: Iterable[DiskState]) -> NodeState:
    return NodeState(name=host.name, zone=host.zone, tags=tuple(sorted(host.tags)), disks=tuple(disks))


def from_inventory(inventory: Inventory) -> SchedulerInput:
    """The declared hosts and disks as Longhorn would see them once the plan is applied."""
    sizes, notes = _capacities(inventory)
    nodes = tuple(_declared_node(h, (_declared_disk(d, sizes[h.name, d.name]) for d in h.disks))
                  for h in inventory.hosts)
    return SchedulerInput(cluster=ClusterState(nodes=nodes), notes=notes)


def from_observed(inventory: Inventory, nodes: Iterable[LonghornNode]) -> SchedulerInput:
    """The plan applied to Longhorn's reported nodes (see the module docstring)."""
    reported = {n.name: n for n in nodes}
    live: dict[tuple[str, str], LonghornDisk] = {}
    for host in inventory.hosts:
        node = reported.get(host.name)
        for d in host.disks:
            found = None if node is None else next(
                (o for o in node.disks if o.path and clean_path(o.path) == clean_path(d.path)), None)
            if found is not None:
                live[host.name, d.name] = found
    measured = frozenset(live)
    sizes, notes = _capacities(inventory, measured)
    out: list[NodeState] = []
    for host in inventory.hosts:
        disks = []
        for d in host.disks:
            declared = _declared_disk(d, sizes[host.name, d.name])
            observed = live.get((host.name, d.name))
            disks.append(declared if observed is None else _with_status(declared, observed))
        state = _declared_node(host, disks)
        node = reported.get(host.name)
        out.append(state if node is None else _with_node_status(state, node))
    return SchedulerInput(cluster=ClusterState(nodes=tuple(out)), measured=measured, notes=notes)


def _disk(disk: LonghornDisk) -> DiskState:
    return _with_status(DiskState(
        name=disk.name,
        path=disk.path or "",
        disk_type=DiskType(str(disk.disk_type)) if disk.disk_type else DiskType.FILESYSTEM,
        allow_scheduling=bool(disk.allow_scheduling),
        eviction_requested=bool(disk.eviction_requested),
        tags=tuple(sorted(disk.tags)),
        storage_reserved_bytes=disk.storage_reserved_bytes or 0,
    ), disk)


def cluster_from_longhorn(nodes: Iterable[LonghornNode]) -> ClusterState:
    """Longhorn Node objects alone as the scheduler sees them (spec and status Longhorn's)."""
    return ClusterState(nodes=tuple(
        _with_node_status(NodeState(
            name=n.name,
            zone=n.zone or "",
            allow_scheduling=n.allow_scheduling is True,
            tags=tuple(sorted(n.tags)),
            disks=tuple(_disk(d) for d in n.disks),
        ), n)
        for n in nodes
    ))


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # failed at an unreadable time: still failed
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def replicas_from_longhorn(
    replicas: Iterable[LonghornReplica], nodes: Iterable[LonghornNode]
) -> dict[str, tuple[ReplicaState, ...]]:
    """Replicas per Longhorn volume, with each replica's disk named as on its node."""
    disk_by_uuid: dict[tuple[str, str], str] = {}
    disk_by_path: dict[tuple[str, str], str] = {}
    for n in nodes:
        for d in n.disks:
            if d.disk_uuid:
                disk_by_uuid[(n.name, d.disk_uuid)] = d.name
            if d.path:
                disk_by_path[(n.name, d.path.rstrip("/"))] = d.name
    out: dict[str, list[ReplicaState]] = {}
    for r in replicas:
        if r.volume is None:
            continue
        disk = None
        if r.node is not None:
            disk = disk_by_uuid.get((r.node, r.disk_id or "")) or disk_by_path.get(
                (r.node, (r.disk_path or "").rstrip("/")))
        out.setdefault(r.volume, []).append(ReplicaState(
            name=r.name, node=r.node, disk=disk if r.node is not None else None,
            failed_at=_time(r.failed_at),
        ))
    return {k: tuple(v) for k, v in sorted(out.items())}
