"""Place replicas the way Longhorn's replica scheduler does (Longhorn 1.9 to 1.12).

One new replica goes through the steps of longhorn-manager's ``ScheduleReplica``:

1. refuse a replica that already names a node;
2. schedulable nodes (Ready, Schedulable, scheduling allowed), narrowed to the attached
   node for strict-local volumes, with a running instance manager and engine image;
3. the nodes and zones the volume already uses (failed replicas count while they may be
   reused and the replenishment wait is not over; evicting replicas free their node/zone);
4. candidate nodes in tiers: an unused node in an unused zone first, then what the node,
   zone soft anti-affinity settings allow (the volume's overrides win over the settings);
5. on each tier's nodes, disks that are open (scheduling allowed, no eviction,
   Schedulable), of the right type, with enough space (``_capacity``) and matching tags;
   then disk anti-affinity: disks without a replica of the volume, else (soft) any;
6. best-effort data locality prefers the attached node; then the final choice (``_choose``).

A ``Scheduler`` indexes a cluster once and keeps each disk's scheduled bytes as volumes
are committed, so placing many volumes costs one pass over the candidate disks per replica.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from harvester_iac.errors import SnapshotError
from harvester_iac.scheduler._capacity import capacity_problem, disk_limits
from harvester_iac.scheduler._choose import (
    Candidate,
    choose_balance_score,
    choose_most_usable_storage,
)
from harvester_iac.scheduler._explain import explain_unplaced, list_subjects
from harvester_iac.scheduler._filters import (
    Occupancy,
    disk_open_problem,
    disk_static_problem,
    disk_type_serves,
    is_potentially_reusable,
    node_runtime_problem,
    node_schedulable_problem,
    occupancy,
    replenishment,
    selectors_in_tags,
)
from harvester_iac.scheduler._types import (
    ClusterState,
    DataLocality,
    DiskSelection,
    DiskState,
    Exclusion,
    ExclusionRule,
    LonghornVersion,
    Placement,
    ReplicaOutcome,
    ReplicaState,
    SchedulingCase,
    SchedulingSettings,
    SimulationResult,
    VolumeSpec,
)

__all__ = ["Scheduler", "simulate"]


@dataclass(frozen=True, slots=True)
class _Soft:
    """Effective soft anti-affinity of one volume (override, else setting)."""

    node: bool
    zone: bool
    disk: bool


def _bracket(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


class Scheduler:
    """A Longhorn cluster indexed for placing replicas one volume after another.

    ``place`` places the new replicas of one volume; ``commit`` then adds them to their
    disks' scheduled bytes, as Longhorn's node controller does before the next volume.
    """

    def __init__(
        self,
        cluster: ClusterState,
        *,
        settings: SchedulingSettings | None = None,
        version: LonghornVersion = LonghornVersion.V1_12,
        source: str = "<python>",
    ) -> None:
        settings = settings if settings is not None else SchedulingSettings()
        self.settings = settings
        self.version = version
        self._check_names(cluster, source)
        self._nodes = sorted(cluster.nodes, key=lambda n: n.name)
        self._node_at = {n.name: i for i, n in enumerate(self._nodes)}
        self._zone = [n.zone for n in self._nodes]
        self._disk_node: list[int] = []
        self._disk_name: list[str] = []
        self._disks: list[DiskState] = []
        self._node_disks: list[tuple[int, ...]] = []
        self._disk_at: dict[tuple[str, str], int] = {}
        for i, node in enumerate(self._nodes):
            ids: list[int] = []
            for disk in sorted(node.disks, key=lambda d: d.name):
                self._disk_at[(node.name, disk.name)] = len(self._disks)
                ids.append(len(self._disks))
                self._disk_node.append(i)
                self._disk_name.append(disk.name)
                self._disks.append(disk)
            self._node_disks.append(tuple(ids))
        self._available = [d.storage_available for d in self._disks]
        self._maximum = [d.storage_maximum for d in self._disks]
        self._reserved = [d.storage_reserved for d in self._disks]
        self._scheduled = [d.storage_scheduled for d in self._disks]
        limits = [
            disk_limits(
                maximum=d.storage_maximum,
                reserved=d.storage_reserved,
                over_provisioning_percentage=settings.storage_over_provisioning_percentage,
                minimal_available_percentage=settings.storage_minimal_available_percentage,
            )
            for d in self._disks
        ]
        self._op_limit = [lim.over_provisioning_limit for lim in limits]
        self._min_available = [lim.minimal_available for lim in limits]
        self._schedulable = [node_schedulable_problem(n) is None for n in self._nodes]
        self._running = [
            i
            for i, n in enumerate(self._nodes)
            if self._schedulable[i] and node_runtime_problem(n) is None
        ]
        self._running_zone_of = {self._nodes[i].name: self._zone[i] for i in self._running}
        self._selector_cache: dict[tuple[tuple[str, ...], bool], list[bool]] = {}
        self._disk_class_cache: dict[tuple[object, ...], list[tuple[int, ...]]] = {}

    @staticmethod
    def _check_names(cluster: ClusterState, source: str) -> None:
        seen: set[str] = set()
        for i, node in enumerate(cluster.nodes):
            if node.name in seen:
                raise SnapshotError(
                    f'duplicate node name "{node.name}"',
                    file=source, where=f"/nodes/{i}/name", expected="unique node names",
                )
            seen.add(node.name)
            disks: set[str] = set()
            for j, disk in enumerate(node.disks):
                if disk.name in disks:
                    raise SnapshotError(
                        f'duplicate disk name "{disk.name}" on node "{node.name}"',
                        file=source, where=f"/nodes/{i}/disks/{j}/name",
                        expected="unique disk names within a node",
                    )
                disks.add(disk.name)

    # ----------------------------------------------------------------- state

    def scheduled(self, node: str, disk: str) -> int:
        """Bytes scheduled on a disk, including committed placements."""
        return self._scheduled[self._disk_at[(node, disk)]]

    def commit(self, placements: Iterable[Placement | None], size: int) -> None:
        """Count placed replicas of ``size`` bytes as scheduled on their disks."""
        for p in placements:
            if p is not None:
                self._scheduled[self._disk_at[(p.node, p.disk)]] += size

    def cluster_state(self) -> ClusterState:
        """The cluster with the committed scheduled bytes written into its disks."""
        nodes = []
        for node in self._nodes:
            disks = tuple(
                replace(d, storage_scheduled=self._scheduled[self._disk_at[(node.name, d.name)]])
                for d in node.disks
            )
            nodes.append(replace(node, disks=disks))
        return ClusterState(nodes=tuple(nodes))

    # ----------------------------------------------------------------- helpers

    def _soft(self, volume: VolumeSpec) -> _Soft:
        s = self.settings
        return _Soft(
            node=volume.replica_soft_anti_affinity.resolve(s.replica_soft_anti_affinity),
            zone=volume.replica_zone_soft_anti_affinity.resolve(s.replica_zone_soft_anti_affinity),
            disk=volume.replica_disk_soft_anti_affinity.resolve(s.replica_disk_soft_anti_affinity),
        )

    def _selector_ok(self, volume: VolumeSpec) -> list[bool]:
        allow = self.settings.allow_empty_node_selector_volume
        key = (volume.node_selector, allow)
        ok = self._selector_cache.get(key)
        if ok is None:
            ok = [selectors_in_tags(n.tags, volume.node_selector, allow) for n in self._nodes]
            self._selector_cache[key] = ok
        return ok

    def _class_disks(self, volume: VolumeSpec) -> list[tuple[int, ...]]:
        """Per node, the disks that pass every check except capacity and anti-affinity."""
        allow = self.settings.allow_empty_disk_selector_volume
        key: tuple[object, ...] = (volume.data_engine, volume.disk_selector, allow)
        lists = self._disk_class_cache.get(key)
        if lists is None:
            lists = []
            for ids in self._node_disks:
                keep = []
                for d in ids:
                    if disk_static_problem(self._disks[d], volume, self.settings) is None:
                        keep.append(d)
                lists.append(tuple(keep))
            self._disk_class_cache[key] = lists
        return lists

    def _affinity(self, volume: VolumeSpec) -> str | None:
        """The node a strict-local replica is pinned to (``spec.hardNodeAffinity``)."""
        if volume.data_locality == DataLocality.STRICT_LOCAL and volume.attached_node:
            return volume.attached_node
        return None

    def _node_info(self, volume: VolumeSpec) -> list[int]:
        pinned = self._affinity(volume)
        if pinned is None:
            return self._running
        at = self._node_at.get(pinned)
        return [at] if at is not None and at in self._running else []

    def _tiers(self, node_info: Sequence[int], occ: Occupancy, sel_ok: Sequence[bool],
               soft: _Soft) -> list[list[int]]:
        """The node sets tried in order (``getDiskCandidates``)."""
        names = self._nodes
        zone = self._zone
        used_n, used_z = occ.used_nodes, occ.used_zones
        ev_n, ev_z = occ.only_evicting_nodes, occ.only_evicting_zones
        eligible = [i for i in node_info if sel_ok[i]]
        fresh = [i for i in eligible if zone[i] not in used_z]
        tiers = [fresh]
        if not soft.zone:
            tiers.append([i for i in eligible if names[i].name in ev_n and zone[i] in ev_z])
        elif not soft.node:
            tiers.append([i for i in eligible if names[i].name not in used_n])
            tiers.append([i for i in eligible if names[i].name in ev_n])
        else:
            tiers.append([i for i in eligible if names[i].name not in used_n])
            # Longhorn takes used nodes here without the node-selector filter.
            tiers.append([i for i in node_info if names[i].name in used_n])
        return tiers

    def _replica_counts(self, replicas: Iterable[ReplicaState]) -> dict[int, int]:
        """Replicas per disk for disk anti-affinity; failed ones only while reusable."""
        counts: dict[int, int] = {}
        for r in replicas:
            if r.node is None or r.disk is None:
                continue
            if r.failed_at is not None and not is_potentially_reusable(r):
                continue
            d = self._disk_at.get((r.node, r.disk))
            if d is not None:
                counts[d] = counts.get(d, 0) + 1
        return counts

    def _unaccounted(
        self, existing: Sequence[ReplicaState], placed: Sequence[ReplicaState], size: int
    ) -> tuple[dict[int, int], dict[int, int]]:
        """Bytes of this volume's replicas per node, and those already in a disk's total.

        Longhorn adds to a disk's scheduled bytes every replica of the volume on the same
        node that the disk does not list yet: replicas placed in this round, and existing
        replicas of other disks of the node.
        """
        per_node: dict[int, int] = {}
        in_disk: dict[int, int] = {}
        for r in (*existing, *placed):
            if r.node is None:
                continue
            n = self._node_at.get(r.node)
            if n is not None:
                per_node[n] = per_node.get(n, 0) + size
        for r in existing:
            if r.node is not None and r.disk is not None:
                d = self._disk_at.get((r.node, r.disk))
                if d is not None:
                    in_disk[d] = in_disk.get(d, 0) + size
        return per_node, in_disk

    # ----------------------------------------------------------------- scheduling

    def _candidates(
        self, volume: VolumeSpec, existing: Sequence[ReplicaState],
        placed: Sequence[ReplicaState], now: datetime,
    ) -> list[int]:
        node_info = self._node_info(volume)
        if not node_info:
            return []
        rep = replenishment(volume, self.settings, now)
        if rep.unknown:
            return []
        replicas = (*existing, *placed)
        zone_of = self._running_zone_of
        if len(node_info) != len(self._running):
            zone_of = {self._nodes[i].name: self._zone[i] for i in node_info}
        occ = occupancy(replicas, zone_of, creating=rep.creating)
        soft = self._soft(volume)
        tiers = self._tiers(node_info, occ, self._selector_ok(volume), soft)
        class_disks = self._class_disks(volume)
        per_node, in_disk = self._unaccounted(existing, placed, volume.size)
        counts = self._replica_counts(replicas)
        size, actual = volume.size, volume.actual_size
        maximum, available, scheduled = self._maximum, self._available, self._scheduled
        op_limit, min_available = self._op_limit, self._min_available
        for tier in tiers:
            found: list[int] = []
            for n in tier:
                extra = per_node.get(n, 0)
                for d in class_disks[n]:
                    avail = available[d]
                    if maximum[d] <= 0 or avail <= 0 or avail - actual <= min_available[d]:
                        continue
                    sched = scheduled[d]
                    if extra:
                        sched += extra - in_disk.get(d, 0)
                    if size + sched > op_limit[d]:
                        continue
                    found.append(d)
            if counts:
                empty = [d for d in found if d not in counts]
                found = empty if empty or not soft.disk else found
            if found:
                return found
        return []

    def _choose(self, volume: VolumeSpec, found: list[int], replicas: Sequence[ReplicaState]) -> int:
        if volume.data_locality == DataLocality.BEST_EFFORT and volume.attached_node:
            local = volume.attached_node
            if not any(r.node == local and r.failed_at is None for r in replicas):
                at = self._node_at.get(local)
                on_local = [d for d in found if self._disk_node[d] == at]
                if on_local:
                    found = on_local
        if len(found) == 1:
            return found[0]
        cands: list[Candidate] = [
            (
                self._nodes[self._disk_node[d]].name, d,
                self._available[d], self._reserved[d], self._scheduled[d],
            )
            for d in found
        ]
        if self.version.disk_selection is DiskSelection.BALANCE_SCORE:
            chosen = choose_balance_score(
                cands, volume.size, disk_must_fit=self.version is LonghornVersion.V1_12
            )
        else:
            chosen = choose_most_usable_storage(cands)
        return chosen[1]

    def _placement(self, d: int) -> Placement:
        return Placement(node=self._nodes[self._disk_node[d]].name, disk=self._disk_name[d])

    def place(
        self,
        volume: VolumeSpec,
        *,
        count: int | None = None,
        replicas: Sequence[ReplicaState] = (),
        now: datetime,
        new_replica_nodes: Sequence[str | None] = (),
        explain: bool = True,
    ) -> SimulationResult:
        """Place ``count`` new replicas of ``volume`` one after another.

        ``count`` defaults to what the volume lacks: its replica count minus its replicas
        that are neither failed nor unscheduled. Replicas after the first one that cannot
        be placed are not tried, as in Longhorn's scheduler tests.
        """
        if count is None:
            healthy = sum(1 for r in replicas if r.node is not None and r.failed_at is None)
            count = max(0, volume.number_of_replicas - healthy)
        selection = self.version.disk_selection
        if volume.data_locality == DataLocality.STRICT_LOCAL and volume.number_of_replicas != 1:
            message = (
                f"volume {volume.name} has strict-local data locality with "
                f"{volume.number_of_replicas} replicas; Longhorn only accepts strict-local "
                "volumes with exactly 1 replica"
            )
            if count == 0:
                return SimulationResult(errors=(message,), disk_selection=selection)
            outcome = ReplicaOutcome(
                index=0, placement=None, refused=message,
                explanation="replica 1: refused: Longhorn rejects the volume itself "
                "(strict-local needs exactly 1 replica)",
            )
            return SimulationResult(outcomes=(outcome,), errors=(message,), disk_selection=selection)

        outcomes: list[ReplicaOutcome] = []
        errors: list[str] = []
        placed: list[ReplicaState] = []
        for i in range(count):
            named = new_replica_nodes[i] if i < len(new_replica_nodes) else None
            if named:
                message = (
                    f"replica {i + 1} already names node {named}: Longhorn refuses to schedule "
                    "a replica that already has a node (ReplicaAlreadyScheduled)"
                )
                errors.append(message)
                outcomes.append(ReplicaOutcome(
                    index=i, placement=None, refused=message,
                    explanation=f"replica {i + 1}: refused before any node was considered: "
                    f"it already names node {named}",
                ))
                break
            found = self._candidates(volume, replicas, placed, now)
            if not found:
                exclusions: tuple[Exclusion, ...] = ()
                explanation = None
                if explain:
                    exclusions = self.exclusions(volume, replicas=replicas, placed=placed, now=now)
                    notes = self._notes(volume, replicas, placed, now)
                    explanation = explain_unplaced(i, exclusions, notes)
                outcomes.append(ReplicaOutcome(
                    index=i, placement=None, exclusions=exclusions, explanation=explanation,
                ))
                break
            d = self._choose(volume, found, (*replicas, *placed))
            where = self._placement(d)
            placed.append(ReplicaState(name=f"new replica {i + 1}", node=where.node, disk=where.disk))
            outcomes.append(ReplicaOutcome(index=i, placement=where))
        reusable = None
        if any(r.failed_at is not None for r in replicas):
            found_r = self.reusable_failed_replica(volume, replicas=replicas, now=now)
            reusable = found_r.name if found_r is not None else None
        return SimulationResult(
            outcomes=tuple(outcomes), errors=tuple(errors),
            reusable_failed_replica=reusable, disk_selection=selection,
        )

    # ----------------------------------------------------------------- failed replicas

    def reusable_failed_replica(
        self, volume: VolumeSpec, *, replicas: Sequence[ReplicaState], now: datetime
    ) -> ReplicaState | None:
        """The failed replica Longhorn would rebuild in place (``CheckAndReuseFailedReplica``).

        A potentially reusable replica on a schedulable node with a running engine, whose
        disk is still Schedulable, open and matching the selector, on a node and disk the
        anti-affinity rules allow when failed replicas are ignored; the latest failure wins.
        """
        del now  # the replenishment wait decides about *new* replicas, not reuse
        pinned = self._affinity(volume)
        reusable: dict[int, list[ReplicaState]] = {}
        for r in replicas:
            if not is_potentially_reusable(r) or r.node is None or r.disk is None:
                continue
            if pinned is not None and r.node != pinned:
                continue
            n = self._node_at.get(r.node)
            d = self._disk_at.get((r.node, r.disk))
            if n is None or d is None or not self._schedulable[n]:
                continue
            node, disk = self._nodes[n], self._disks[d]
            if node_runtime_problem(node) is not None:
                continue
            if disk_open_problem(disk) is not None:
                continue
            if not selectors_in_tags(
                disk.tags, volume.disk_selector, self.settings.allow_empty_disk_selector_volume
            ):
                continue
            reusable.setdefault(d, []).append(r)
        if not reusable:
            return None
        node_info = sorted({self._disk_node[d] for d in reusable})
        zone_of = {self._nodes[i].name: self._zone[i] for i in node_info}
        occ = occupancy(replicas, zone_of, creating=False, ignore_failed=True)
        soft = self._soft(volume)
        tiers = self._tiers(node_info, occ, self._selector_ok(volume), soft)
        counts = self._replica_counts(r for r in replicas if r.failed_at is None)
        for tier in tiers:
            found = []
            for n in tier:
                for d in self._node_disks[n]:
                    if d not in reusable:
                        continue
                    if not disk_type_serves(self._disks[d].disk_type, volume.data_engine):
                        continue
                    found.append(d)
            if counts:
                empty = [d for d in found if d not in counts]
                found = empty if empty or not soft.disk else found
            if found:
                best: ReplicaState | None = None
                for d in found:
                    for r in sorted(reusable[d], key=lambda x: x.name):
                        assert r.failed_at is not None
                        if best is None or (best.failed_at is not None and r.failed_at > best.failed_at):
                            best = r
                return best
        return None

    # ----------------------------------------------------------------- explanations

    def exclusions(
        self, volume: VolumeSpec, *, replicas: Sequence[ReplicaState] = (),
        placed: Sequence[ReplicaState] = (), now: datetime,
    ) -> tuple[Exclusion, ...]:
        """Why each node and disk cannot take the next replica of ``volume``.

        Meaningful when scheduling found nothing: then every node and disk is covered.
        """
        out: list[Exclusion] = []
        pinned = self._affinity(volume)
        if pinned is not None and pinned not in self._node_at:
            out.append(Exclusion(
                rule=ExclusionRule.NODE_NOT_AFFINE, node=pinned,
                detail=f"strict-local data locality pins the replica to {pinned}, "
                "which is not a Longhorn node",
            ))
        for node in self._nodes:
            if pinned is not None and node.name != pinned:
                out.append(Exclusion(
                    rule=ExclusionRule.NODE_NOT_AFFINE, node=node.name,
                    detail=f"strict-local data locality pins the replica to {pinned}",
                ))
                continue
            problem = node_schedulable_problem(node) or node_runtime_problem(node)
            if problem is not None:
                out.append(Exclusion(rule=problem, node=node.name))
        node_info = self._node_info(volume)
        if not node_info:
            return tuple(out)
        rep = replenishment(volume, self.settings, now)
        if rep.unknown:
            out.append(Exclusion(
                rule=ExclusionRule.DEGRADED_WITHOUT_TIME,
                detail=f"volume {volume.name} is degraded without a lastDegradedAt, so "
                "Longhorn cannot tell whether the replica-replenishment wait is over and "
                "schedules nothing",
            ))
            return tuple(out)
        replicas_all = (*replicas, *placed)
        zone_of = {self._nodes[i].name: self._zone[i] for i in node_info}
        occ = occupancy(replicas_all, zone_of, creating=rep.creating)
        soft = self._soft(volume)
        sel_ok = self._selector_ok(volume)
        allowed = {n for tier in self._tiers(node_info, occ, sel_ok, soft) for n in tier}
        per_node, in_disk = self._unaccounted(replicas, placed, volume.size)
        counts = self._replica_counts(replicas_all)
        for n in node_info:
            name = self._nodes[n].name
            if n not in allowed:
                out.append(self._node_exclusion(n, volume, occ, sel_ok, soft))
                continue
            if not self._node_disks[n]:
                out.append(Exclusion(rule=ExclusionRule.NO_DISKS, node=name))
                continue
            for d in self._node_disks[n]:
                out.append(self._disk_exclusion(
                    d, volume, extra=per_node.get(n, 0) - in_disk.get(d, 0),
                    held=counts.get(d, 0), soft=soft,
                ))
        return tuple(out)

    def _node_exclusion(
        self, n: int, volume: VolumeSpec, occ: Occupancy, sel_ok: Sequence[bool], soft: _Soft
    ) -> Exclusion:
        name = self._nodes[n].name
        if not sel_ok[n]:
            tags = _bracket(self._nodes[n].tags)
            if volume.node_selector:
                detail = (f"the volume's nodeSelector {_bracket(volume.node_selector)} is not "
                          f"among the node tags {tags}")
            else:
                detail = ("the volume has no nodeSelector, allow-empty-node-selector-volume is "
                          f"off and the node has tags {tags}")
            return Exclusion(rule=ExclusionRule.NODE_SELECTOR, node=name, detail=detail)
        if not soft.zone:
            zone = self._zone[n]
            holders = sorted(
                h for h, z in ((h, self._zone[self._node_at[h]]) for h in occ.used_nodes) if z == zone
            )
            where = f'zone "{zone}"' if zone else "the nodes without a zone (one zone for Longhorn)"
            return Exclusion(
                rule=ExclusionRule.ZONE_ANTI_AFFINITY, node=name,
                detail=f"{where} already holds a replica (on {list_subjects(holders)})",
            )
        return Exclusion(rule=ExclusionRule.NODE_ANTI_AFFINITY, node=name)

    def _disk_exclusion(self, d: int, volume: VolumeSpec, *, extra: int, held: int,
                        soft: _Soft) -> Exclusion:
        node = self._nodes[self._disk_node[d]].name
        name = self._disk_name[d]
        disk = self._disks[d]
        problem = disk_static_problem(disk, volume, self.settings)
        if problem is ExclusionRule.DISK_TYPE:
            need = "filesystem" if volume.data_engine == "v1" else "block"
            return Exclusion(
                rule=problem, node=node, disk=name,
                detail=f"a {volume.data_engine} volume needs a {need} disk",
            )
        if problem is ExclusionRule.DISK_SELECTOR:
            tags = _bracket(disk.tags)
            if volume.disk_selector:
                detail = (f"the volume's diskSelector {_bracket(volume.disk_selector)} is not "
                          f"among the disk tags {tags}")
            else:
                detail = ("the volume has no diskSelector, allow-empty-disk-selector-volume is "
                          f"off and the disk has tags {tags}")
            return Exclusion(rule=problem, node=node, disk=name, detail=detail)
        if problem is not None:
            return Exclusion(rule=problem, node=node, disk=name)
        cap = capacity_problem(
            size=volume.size, required=volume.actual_size,
            maximum=self._maximum[d], available=self._available[d],
            reserved=self._reserved[d], scheduled=self._scheduled[d] + max(0, extra),
            over_provisioning_percentage=self.settings.storage_over_provisioning_percentage,
            minimal_available_percentage=self.settings.storage_minimal_available_percentage,
        )
        if cap is not None:
            return Exclusion(rule=cap.rule, node=node, disk=name, detail=cap.detail)
        if held and not soft.disk:
            return Exclusion(rule=ExclusionRule.DISK_ANTI_AFFINITY, node=node, disk=name)
        raise RuntimeError(  # pragma: no cover - would mean the two passes disagree
            f"internal error: {node}/{name} passes every rule but was not a candidate"
        )

    def _notes(self, volume: VolumeSpec, replicas: Sequence[ReplicaState],
               placed: Sequence[ReplicaState], now: datetime) -> list[str]:
        notes: list[str] = []
        rep = replenishment(volume, self.settings, now)
        if rep.wait_ends is not None and not rep.creating:
            zone_of = {self._nodes[i].name: self._zone[i] for i in self._node_info(volume)}
            occ = occupancy((*replicas, *placed), zone_of, creating=False)
            if occ.waiting:
                notes.append(
                    f"failed replica {list_subjects(sorted(occ.waiting))} still "
                    f"{'counts' if len(occ.waiting) == 1 else 'count'} until the "
                    f"replica-replenishment wait ends at {_iso(rep.wait_ends)}"
                )
        reuse = self.reusable_failed_replica(volume, replicas=replicas, now=now)
        if reuse is not None:
            notes.append(
                f"Longhorn would first reuse failed replica {reuse.name} on "
                f"{reuse.node}/{reuse.disk} instead of creating a new one"
            )
        return notes


def simulate(case: SchedulingCase) -> SimulationResult:
    """Run one scheduler case (``harvester-iac simulate``)."""
    scheduler = Scheduler(
        case.cluster, settings=case.settings, version=case.version, source=case.source
    )
    return scheduler.place(
        case.volume,
        count=case.schedule,
        replicas=case.replicas,
        now=case.now,
        new_replica_nodes=case.new_replica_nodes,
    )
