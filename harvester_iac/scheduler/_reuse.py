"""Which failed replica Longhorn would rebuild in place (``CheckAndReuseFailedReplica``).

Before it creates a new replica for a degraded volume, Longhorn's volume controller looks
for a failed replica it can reuse: potentially reusable (``IsPotentiallyReusableReplica``),
on a schedulable node with a running engine, on a disk that is still open, Schedulable and
matching the volume's diskSelector, on a node and disk the anti-affinity rules allow when
failed replicas are ignored. Capacity is not checked. The latest failure wins.
"""

from __future__ import annotations

from collections.abc import Sequence

from harvester_iac.scheduler._filters import (
    disk_open_problem,
    disk_type_serves,
    is_potentially_reusable,
    node_runtime_problem,
    occupancy,
    selectors_in_tags,
)
from harvester_iac.scheduler._index import ClusterIndex
from harvester_iac.scheduler._tiers import pinned_node, replica_counts, soft_flags, tiers
from harvester_iac.scheduler._types import ReplicaState, VolumeSpec

__all__ = ["reusable_failed_replica"]


def _reusable_by_disk(index: ClusterIndex, volume: VolumeSpec,
                      replicas: Sequence[ReplicaState]) -> dict[int, list[ReplicaState]]:
    pinned = pinned_node(volume)
    allow_empty = index.settings.allow_empty_disk_selector_volume
    out: dict[int, list[ReplicaState]] = {}
    for r in replicas:
        if not is_potentially_reusable(r) or r.node is None or r.disk is None:
            continue
        if pinned is not None and r.node != pinned:
            continue
        n = index.node_at.get(r.node)
        d = index.disk_at.get((r.node, r.disk))
        if n is None or d is None or not index.schedulable[n]:
            continue
        if node_runtime_problem(index.nodes[n]) is not None:
            continue
        disk = index.disks[d]
        if disk_open_problem(disk) is not None:
            continue
        if not selectors_in_tags(disk.tags, volume.disk_selector, allow_empty):
            continue
        out.setdefault(d, []).append(r)
    return out


def reusable_failed_replica(
    index: ClusterIndex, volume: VolumeSpec, replicas: Sequence[ReplicaState]
) -> ReplicaState | None:
    reusable = _reusable_by_disk(index, volume, replicas)
    if not reusable:
        return None
    nodes = sorted({index.disk_node[d] for d in reusable})
    zone_of = {index.nodes[i].name: index.zone[i] for i in nodes}
    occ = occupancy(replicas, zone_of, creating=False, ignore_failed=True)
    soft = soft_flags(index.settings, volume)
    counts = replica_counts(index, (r for r in replicas if r.failed_at is None))
    for tier in tiers(index, nodes, occ, index.selector_ok(volume), soft):
        found = [
            d for n in tier for d in index.node_disks[n]
            if d in reusable and disk_type_serves(index.disks[d].disk_type, volume.data_engine)
        ]
        if counts:
            empty = [d for d in found if d not in counts]
            found = empty if empty or not soft.disk else found
        if found:
            candidates = [r for d in found for r in reusable[d]]
            latest = max(r.failed_at for r in candidates if r.failed_at is not None)
            return min((r for r in candidates if r.failed_at == latest), key=lambda r: r.name)
    return None
