"""What one volume's rules make of the cluster: soft flags, pinning, node tiers, counts.

``getDiskCandidates`` in longhorn-manager tries node sets in order and stops at the first
that yields a disk: an unused node in an unused zone; then, by the soft anti-affinity
settings, nodes freed by eviction, unused nodes, or used nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harvester_iac.scheduler._filters import Occupancy, is_potentially_reusable
from harvester_iac.scheduler._index import ClusterIndex
from harvester_iac.scheduler._types import (
    DataLocality,
    ReplicaState,
    SchedulingSettings,
    VolumeSpec,
)

__all__ = ["Soft", "node_info", "pinned_node", "replica_counts", "soft_flags", "tiers", "unaccounted"]


@dataclass(frozen=True, slots=True)
class Soft:
    """Effective soft anti-affinity of one volume (its override, else the setting)."""

    node: bool
    zone: bool
    disk: bool


def soft_flags(settings: SchedulingSettings, volume: VolumeSpec) -> Soft:
    return Soft(
        node=volume.replica_soft_anti_affinity.resolve(settings.replica_soft_anti_affinity),
        zone=volume.replica_zone_soft_anti_affinity.resolve(settings.replica_zone_soft_anti_affinity),
        disk=volume.replica_disk_soft_anti_affinity.resolve(settings.replica_disk_soft_anti_affinity),
    )


def pinned_node(volume: VolumeSpec) -> str | None:
    """The node a strict-local replica is pinned to (Longhorn's ``hardNodeAffinity``)."""
    if volume.data_locality == DataLocality.STRICT_LOCAL and volume.attached_node:
        return volume.attached_node
    return None


def node_info(index: ClusterIndex, volume: VolumeSpec) -> list[int]:
    """Candidate nodes: schedulable, with instance manager and engine image, maybe pinned."""
    pinned = pinned_node(volume)
    if pinned is None:
        return index.running
    at = index.node_at.get(pinned)
    return [at] if at is not None and at in index.running else []


def tiers(index: ClusterIndex, nodes: Sequence[int], occ: Occupancy, sel_ok: Sequence[bool],
          soft: Soft) -> list[list[int]]:
    """The node sets tried in order, each in node-name order."""
    names = index.nodes
    zone = index.zone
    used_n, used_z = occ.used_nodes, occ.used_zones
    ev_n, ev_z = occ.only_evicting_nodes, occ.only_evicting_zones
    eligible = [i for i in nodes if sel_ok[i]]
    out = [[i for i in eligible if zone[i] not in used_z]]
    if not soft.zone:
        out.append([i for i in eligible if names[i].name in ev_n and zone[i] in ev_z])
    elif not soft.node:
        out.append([i for i in eligible if names[i].name not in used_n])
        out.append([i for i in eligible if names[i].name in ev_n])
    else:
        out.append([i for i in eligible if names[i].name not in used_n])
        # Longhorn takes the used nodes here without the node-selector filter.
        out.append([i for i in nodes if names[i].name in used_n])
    return out


def replica_counts(index: ClusterIndex, replicas: Iterable[ReplicaState]) -> dict[int, int]:
    """Replicas of the volume per disk, for disk anti-affinity; failed ones while reusable."""
    counts: dict[int, int] = {}
    for r in replicas:
        if r.node is None or r.disk is None:
            continue
        if r.failed_at is not None and not is_potentially_reusable(r):
            continue
        d = index.disk_at.get((r.node, r.disk))
        if d is not None:
            counts[d] = counts.get(d, 0) + 1
    return counts


def unaccounted(
    index: ClusterIndex, existing: Sequence[ReplicaState], placed: Sequence[ReplicaState], size_bytes: int
) -> tuple[dict[int, int], dict[int, int]]:
    """Bytes of the volume's replicas per node, and per disk those the disk already counts.

    Longhorn adds to a disk's scheduled bytes every replica of the volume on the same
    node that the disk does not list yet (``filterNodeDisksForReplica``): replicas placed
    in this round, and existing replicas of the node's other disks. A disk then carries
    ``per_node[node] - in_disk[disk]`` extra bytes.
    """
    per_node: dict[int, int] = {}
    in_disk: dict[int, int] = {}
    for r in (*existing, *placed):
        if r.node is not None:
            n = index.node_at.get(r.node)
            if n is not None:
                per_node[n] = per_node.get(n, 0) + size_bytes
    for r in existing:
        if r.node is not None and r.disk is not None:
            d = index.disk_at.get((r.node, r.disk))
            if d is not None:
                in_disk[d] = in_disk.get(d, 0) + size_bytes
    return per_node, in_disk
