"""Longhorn's node and disk filters, and which nodes/zones a volume already occupies.

Each function answers one question the way longhorn-manager's replica scheduler does
(``ListSchedulableNodes``, ``getNodeCandidates``, the disk loop of ``FindDiskCandidates``,
``IsSelectorsInTags``, ``getCurrentNodesAndZones``, ``IsPotentiallyReusableReplica``) and,
where a candidate is refused, names the rule so explanations can cite it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from harvester_iac.scheduler._types import (
    DataEngine,
    DiskState,
    DiskType,
    ExclusionRule,
    NodeState,
    ReplicaState,
    Robustness,
    SchedulingSettings,
    VolumeSpec,
)

__all__ = [
    "FAILED_REPLICA_MAX_RETRY_COUNT",
    "Occupancy",
    "Replenishment",
    "disk_open_problem",
    "disk_static_problem",
    "disk_type_serves",
    "is_potentially_reusable",
    "node_runtime_problem",
    "node_schedulable_problem",
    "occupancy",
    "replenishment",
    "selectors_in_tags",
]

#: A failed replica rebuilt this many times is never reused (``FailedReplicaMaxRetryCount``).
FAILED_REPLICA_MAX_RETRY_COUNT = 5


def selectors_in_tags(tags: Collection[str], selectors: Iterable[str], allow_empty: bool) -> bool:
    """Every selector is a tag; an empty selector matches an untagged target, or any target
    when ``allow_empty`` (allow-empty-node/disk-selector-volume) is on."""
    selectors = tuple(selectors)
    if not selectors and not allow_empty and len(tags) != 0:
        return False
    return all(s in tags for s in selectors)


def node_schedulable_problem(node: NodeState) -> ExclusionRule | None:
    """``ListSchedulableNodes``: Ready and Schedulable conditions true, scheduling allowed."""
    if not node.ready:
        return ExclusionRule.NODE_NOT_READY
    if not node.schedulable:
        return ExclusionRule.NODE_NOT_SCHEDULABLE
    if not node.allow_scheduling:
        return ExclusionRule.NODE_SCHEDULING_DISABLED
    return None


def node_runtime_problem(node: NodeState) -> ExclusionRule | None:
    """``getNodeCandidates``: a ready instance manager and data engine image on the node."""
    if not node.instance_manager_ready:
        return ExclusionRule.INSTANCE_MANAGER_NOT_READY
    if not node.engine_image_ready:
        return ExclusionRule.ENGINE_IMAGE_NOT_READY
    return None


def disk_open_problem(disk: DiskState) -> ExclusionRule | None:
    """The disk loop of ``FindDiskCandidates``: scheduling allowed, no eviction, Schedulable."""
    if not disk.allow_scheduling:
        return ExclusionRule.DISK_SCHEDULING_DISABLED
    if disk.eviction_requested:
        return ExclusionRule.DISK_EVICTION_REQUESTED
    if not disk.schedulable:
        return ExclusionRule.DISK_NOT_SCHEDULABLE
    return None


def disk_type_serves(disk_type: DiskType, engine: DataEngine) -> bool:
    """v1 volumes live on filesystem disks, v2 volumes on block disks."""
    if engine == DataEngine.V1:
        return disk_type == DiskType.FILESYSTEM
    return disk_type == DiskType.BLOCK


def disk_static_problem(
    disk: DiskState, volume: VolumeSpec, settings: SchedulingSettings
) -> ExclusionRule | None:
    """Everything about a disk that does not change while replicas land: open, type, tags.

    Capacity is checked separately (``_capacity``) because it moves with every placement.
    """
    problem = disk_open_problem(disk)
    if problem is not None:
        return problem
    if not disk_type_serves(disk.disk_type, volume.data_engine):
        return ExclusionRule.DISK_TYPE
    if not selectors_in_tags(
        disk.tags, volume.disk_selector, settings.allow_empty_disk_selector_volume
    ):
        return ExclusionRule.DISK_SELECTOR
    return None


def is_potentially_reusable(replica: ReplicaState) -> bool:
    """A failed replica that may come back (``IsPotentiallyReusableReplica``)."""
    return (
        replica.failed_at is not None
        and replica.node is not None
        and replica.disk is not None
        and replica.rebuild_retry_count < FAILED_REPLICA_MAX_RETRY_COUNT
        and not replica.eviction_requested
    )


@dataclass(frozen=True, slots=True)
class Replenishment:
    """Whether a degraded volume is past its replica-replenishment wait.

    ``creating`` true: Longhorn is replacing failed replicas now, so potentially reusable
    failed replicas stop occupying their nodes. ``unknown`` true: the volume is degraded
    without a ``lastDegradedAt``, and Longhorn refuses to schedule at all.
    """

    creating: bool = False
    unknown: bool = False
    wait_ends: datetime | None = None


def replenishment(volume: VolumeSpec, settings: SchedulingSettings, now: datetime) -> Replenishment:
    """``timeToReplacementReplica`` for a degraded volume; nothing for other volumes."""
    if volume.robustness != Robustness.DEGRADED:
        return Replenishment()
    if volume.last_degraded_at is None:
        return Replenishment(unknown=True)
    ends = volume.last_degraded_at + timedelta(seconds=settings.replica_replenishment_wait_interval_s)
    return Replenishment(creating=now > ends, wait_ends=ends)


@dataclass(frozen=True, slots=True)
class Occupancy:
    """Where the volume's replicas already are (``getCurrentNodesAndZones``).

    Only replicas on candidate nodes count. ``only_evicting_*`` hold the nodes and zones
    whose counted replicas are all being evicted: Longhorn may reuse those.
    ``waiting`` lists the failed replicas that count only because the replenishment wait
    is not over (for explanations).
    """

    used_nodes: frozenset[str] = frozenset()
    used_zones: frozenset[str] = frozenset()
    only_evicting_nodes: frozenset[str] = frozenset()
    only_evicting_zones: frozenset[str] = frozenset()
    holders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    waiting: tuple[str, ...] = ()


def occupancy(
    replicas: Iterable[ReplicaState],
    zone_of: Mapping[str, str],
    *,
    creating: bool,
    ignore_failed: bool = False,
) -> Occupancy:
    """Used nodes and zones among ``zone_of`` (candidate node -> zone)."""
    used_nodes: set[str] = set()
    used_zones: set[str] = set()
    evicting_nodes: dict[str, bool] = {}
    evicting_zones: dict[str, bool] = {}
    holders: dict[str, list[str]] = {}
    waiting: list[str] = []
    for r in replicas:
        if r.node is None:
            continue
        if r.failed_at is not None:
            if ignore_failed or not is_potentially_reusable(r) or creating:
                continue
        zone = zone_of.get(r.node)
        if zone is None:
            continue
        if r.failed_at is not None:
            waiting.append(r.name)
        # A node (zone) stays "only evicting" while every counted replica on it is evicting.
        evicting_nodes[r.node] = evicting_nodes.get(r.node, True) and r.eviction_requested
        evicting_zones[zone] = evicting_zones.get(zone, True) and r.eviction_requested
        used_nodes.add(r.node)
        used_zones.add(zone)
        holders.setdefault(r.node, []).append(r.name)
    return Occupancy(
        used_nodes=frozenset(used_nodes),
        used_zones=frozenset(used_zones),
        only_evicting_nodes=frozenset(n for n, v in evicting_nodes.items() if v),
        only_evicting_zones=frozenset(z for z, v in evicting_zones.items() if v),
        holders={n: tuple(v) for n, v in holders.items()},
        waiting=tuple(waiting),
    )
