"""Why no node or disk could take a replica: one ``Exclusion`` per node or disk.

This second pass runs only for a replica the scheduler could not place. It walks the same
rules as the placement pass (``_simulate``), in Longhorn's order, and records the first
rule that rules each node or disk out, with the numbers where there are some.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from harvester_iac.scheduler._capacity import capacity_problem
from harvester_iac.scheduler._explain import list_subjects
from harvester_iac.scheduler._filters import (
    Occupancy,
    disk_static_problem,
    node_runtime_problem,
    node_schedulable_problem,
    occupancy,
    replenishment,
)
from harvester_iac.scheduler._index import ClusterIndex
from harvester_iac.scheduler._reuse import reusable_failed_replica
from harvester_iac.scheduler._tiers import (
    Soft,
    node_info,
    pinned_node,
    replica_counts,
    soft_flags,
    tiers,
    unaccounted,
)
from harvester_iac.scheduler._types import (
    DataEngine,
    Exclusion,
    ExclusionRule,
    ReplicaState,
    VolumeSpec,
)

__all__ = ["exclusions", "notes"]


def _bracket(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def _node_stage(index: ClusterIndex, volume: VolumeSpec) -> list[Exclusion]:
    out: list[Exclusion] = []
    pinned = pinned_node(volume)
    if pinned is not None and pinned not in index.node_at:
        out.append(Exclusion(
            rule=ExclusionRule.NODE_NOT_AFFINE, node=pinned,
            detail=f"strict-local data locality pins the replica to {pinned}, "
            "which is not a Longhorn node",
        ))
    for node in index.nodes:
        if pinned is not None and node.name != pinned:
            out.append(Exclusion(
                rule=ExclusionRule.NODE_NOT_AFFINE, node=node.name,
                detail=f"strict-local data locality pins the replica to {pinned}",
            ))
            continue
        problem = node_schedulable_problem(node) or node_runtime_problem(node)
        if problem is not None:
            out.append(Exclusion(rule=problem, node=node.name))
    return out


def _node_exclusion(index: ClusterIndex, n: int, volume: VolumeSpec, occ: Occupancy,
                    sel_ok: Sequence[bool], soft: Soft) -> Exclusion:
    name = index.nodes[n].name
    if not sel_ok[n]:
        tags = _bracket(index.nodes[n].tags)
        if volume.node_selector:
            detail = (f"the volume's nodeSelector {_bracket(volume.node_selector)} is not "
                      f"among the node tags {tags}")
        else:
            detail = ("the volume has no nodeSelector, allow-empty-node-selector-volume is "
                      f"off and the node has tags {tags}")
        return Exclusion(rule=ExclusionRule.NODE_SELECTOR, node=name, detail=detail)
    if not soft.zone:
        zone = index.zone[n]
        holders = sorted(h for h in occ.used_nodes if index.zone[index.node_at[h]] == zone)
        staying = [h for h in holders if h not in occ.only_evicting_nodes]
        where = f'zone "{zone}"' if zone else "the nodes without a zone (one zone for Longhorn)"
        if staying:
            detail = f"{where} already holds a replica (on {list_subjects(staying)})"
        else:
            detail = (f"{where} only holds replicas being evicted (on {list_subjects(holders)}), "
                      "which only their own nodes may replace")
        return Exclusion(rule=ExclusionRule.ZONE_ANTI_AFFINITY, node=name, detail=detail)
    return Exclusion(rule=ExclusionRule.NODE_ANTI_AFFINITY, node=name)


def _disk_exclusion(index: ClusterIndex, d: int, volume: VolumeSpec, *, extra: int,
                    held: bool, soft: Soft) -> Exclusion:
    node = index.nodes[index.disk_node[d]].name
    disk = index.disks[d]
    problem = disk_static_problem(disk, volume, index.settings)
    if problem is ExclusionRule.DISK_TYPE:
        need = "filesystem" if volume.data_engine == DataEngine.V1 else "block"
        return Exclusion(rule=problem, node=node, disk=disk.name,
                         detail=f"a {volume.data_engine} volume needs a {need} disk")
    if problem is ExclusionRule.DISK_SELECTOR:
        tags = _bracket(disk.tags)
        if volume.disk_selector:
            detail = (f"the volume's diskSelector {_bracket(volume.disk_selector)} is not "
                      f"among the disk tags {tags}")
        else:
            detail = ("the volume has no diskSelector, allow-empty-disk-selector-volume is "
                      f"off and the disk has tags {tags}")
        return Exclusion(rule=problem, node=node, disk=disk.name, detail=detail)
    if problem is not None:
        return Exclusion(rule=problem, node=node, disk=disk.name)
    cap = capacity_problem(
        size_bytes=volume.size_bytes, required_bytes=volume.actual_size_bytes,
        maximum_bytes=index.maximum[d], available_bytes=index.available[d],
        reserved_bytes=index.reserved[d], scheduled_bytes=index.scheduled[d] + extra,
        over_provisioning_percentage=index.settings.storage_over_provisioning_percentage,
        minimal_available_percentage=index.settings.storage_minimal_available_percentage,
    )
    if cap is not None:
        return Exclusion(rule=cap.rule, node=node, disk=disk.name, detail=cap.detail)
    if held and not soft.disk:
        return Exclusion(rule=ExclusionRule.DISK_ANTI_AFFINITY, node=node, disk=disk.name)
    raise RuntimeError(  # pragma: no cover - would mean the two passes disagree
        f"internal error: {node}/{disk.name} passes every rule but was not a candidate"
    )


def exclusions(index: ClusterIndex, volume: VolumeSpec, replicas: Sequence[ReplicaState],
               placed: Sequence[ReplicaState], now: datetime) -> tuple[Exclusion, ...]:
    """Why each node and disk cannot take the next replica (call when nothing was found)."""
    out = _node_stage(index, volume)
    nodes = node_info(index, volume)
    if not nodes:
        return tuple(out)
    rep = replenishment(volume, index.settings, now)
    if rep.unknown:
        out.append(Exclusion(
            rule=ExclusionRule.DEGRADED_WITHOUT_TIME,
            detail=f"volume {volume.name} is degraded without a lastDegradedAt, so Longhorn "
            "cannot tell whether the replica-replenishment wait is over and schedules nothing",
        ))
        return tuple(out)
    everything = (*replicas, *placed)
    zone_of = {index.nodes[i].name: index.zone[i] for i in nodes}
    occ = occupancy(everything, zone_of, creating=rep.creating)
    soft = soft_flags(index.settings, volume)
    sel_ok = index.selector_ok(volume)
    allowed = {n for tier in tiers(index, nodes, occ, sel_ok, soft) for n in tier}
    per_node, in_disk = unaccounted(index, replicas, placed, volume.size_bytes)
    counts = replica_counts(index, everything)
    for n in nodes:
        if n not in allowed:
            out.append(_node_exclusion(index, n, volume, occ, sel_ok, soft))
        elif not index.node_disks[n]:
            out.append(Exclusion(rule=ExclusionRule.NO_DISKS, node=index.nodes[n].name))
        else:
            out.extend(
                _disk_exclusion(index, d, volume, extra=per_node.get(n, 0) - in_disk.get(d, 0),
                                held=d in counts, soft=soft)
                for d in index.node_disks[n]
            )
    return tuple(out)


def notes(index: ClusterIndex, volume: VolumeSpec, replicas: Sequence[ReplicaState],
          placed: Sequence[ReplicaState], now: datetime) -> list[str]:
    """Context for an unplaced replica: the replenishment wait, a replica Longhorn would reuse."""
    out: list[str] = []
    rep = replenishment(volume, index.settings, now)
    if rep.wait_ends is not None and not rep.creating:
        zone_of = {index.nodes[i].name: index.zone[i] for i in node_info(index, volume)}
        occ = occupancy((*replicas, *placed), zone_of, creating=False)
        if occ.waiting:
            verb = "counts" if len(occ.waiting) == 1 else "count"
            out.append(
                f"failed replica {list_subjects(sorted(occ.waiting))} still {verb} until the "
                f"replica-replenishment wait ends at {_iso(rep.wait_ends)}"
            )
    reuse = reusable_failed_replica(index, volume, replicas)
    if reuse is not None:
        out.append(f"Longhorn would first reuse failed replica {reuse.name} on "
                   f"{reuse.node}/{reuse.disk} instead of creating a new one")
    return out
