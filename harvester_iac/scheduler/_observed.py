"""Adapt observed Longhorn objects (``harvester_iac.observe``) to scheduler states.

Longhorn's own rules decide missing values: a node or disk condition that was not
reported is not ``True``, so the node is not Ready / the disk not Schedulable; storage
numbers not reported are 0. Engine image and instance manager readiness are not part of
the observed objects and are taken as ready.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from harvester_iac.scheduler._types import ClusterState, DiskState, DiskType, NodeState, ReplicaState

if TYPE_CHECKING:
    from harvester_iac.observe import LonghornDisk, LonghornNode, LonghornReplica

__all__ = ["cluster_from_longhorn", "replicas_from_longhorn"]


def _schedulable(disk: LonghornDisk) -> bool:
    condition = disk.condition("Schedulable")
    return condition is not None and condition.status == "True"


def _disk(disk: LonghornDisk) -> DiskState:
    return DiskState(
        name=disk.name,
        path=disk.path or "",
        disk_type=DiskType(str(disk.disk_type)) if disk.disk_type else DiskType.FILESYSTEM,
        allow_scheduling=bool(disk.allow_scheduling),
        eviction_requested=bool(disk.eviction_requested),
        schedulable=_schedulable(disk),
        tags=tuple(sorted(disk.tags)),
        storage_maximum=disk.storage_maximum or 0,
        storage_available=disk.storage_available or 0,
        storage_reserved=disk.storage_reserved or 0,
        storage_scheduled=disk.storage_scheduled or 0,
    )


def cluster_from_longhorn(nodes: Iterable[LonghornNode]) -> ClusterState:
    """Longhorn Node objects as the scheduler sees them, real storage numbers included."""
    return ClusterState(nodes=tuple(
        NodeState(
            name=n.name,
            zone=n.zone or "",
            ready=n.ready is True,
            schedulable=n.schedulable is True,
            allow_scheduling=n.allow_scheduling is True,
            tags=tuple(sorted(n.tags)),
            disks=tuple(_disk(d) for d in n.disks),
        )
        for n in nodes
    ))


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)  # failed at an unreadable time: still failed
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


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
