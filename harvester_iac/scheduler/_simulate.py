"""Place replicas the way Longhorn's replica scheduler does (Longhorn 1.9 to 1.12).

One new replica goes through the steps of longhorn-manager's ``ScheduleReplica``:

1. refuse a replica that already names a node;
2. schedulable nodes (Ready, Schedulable, scheduling allowed), narrowed to the attached
   node for strict-local volumes, with a running instance manager and engine image;
3. the nodes and zones the volume already uses (failed replicas count while they may be
   reused and the replenishment wait is not over; evicting replicas free their node/zone);
4. candidate nodes in tiers (``_tiers``): an unused node in an unused zone first, then
   what the node and zone soft anti-affinity allow (the volume's overrides win);
5. on each tier's nodes, disks that are open (scheduling allowed, no eviction,
   Schedulable), of the right type, with enough space (``_capacity``) and matching tags;
   then disk anti-affinity: disks without a replica of the volume, else (soft) any;
6. best-effort data locality prefers the attached node; then the final choice (``_choose``).

``Scheduler`` keeps each disk's scheduled bytes across volumes (``commit``). The final
choice comes from pools that keep the candidate disks in value order (``_indexed``), so a
replica costs about the logarithm of the disks, not a pass over them; what the pools do not
cover, and ``indexed=False``, runs the straightforward scan of steps 4-6.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from harvester_iac.scheduler._choose import choose_balance_score, choose_most_usable_storage
from harvester_iac.scheduler._explain import explain_unplaced
from harvester_iac.scheduler._filters import occupancy, replenishment
from harvester_iac.scheduler._index import ClusterIndex
from harvester_iac.scheduler._indexed import Request, choose_indexed
from harvester_iac.scheduler._reuse import reusable_failed_replica
from harvester_iac.scheduler._tiers import (
    node_info,
    pinned_node,
    replica_counts,
    soft_flags,
    tiers,
    unaccounted,
)
from harvester_iac.scheduler._types import (
    ClusterState,
    DataLocality,
    DiskSelection,
    Exclusion,
    LonghornVersion,
    Placement,
    ReplicaOutcome,
    ReplicaState,
    SchedulingCase,
    SchedulingSettings,
    SimulationResult,
    VolumeSpec,
)
from harvester_iac.scheduler._why import exclusions, notes

__all__ = ["Scheduler", "simulate"]


class Scheduler:
    """A Longhorn cluster indexed for placing replicas, one volume after another.

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
        indexed: bool = True,
    ) -> None:
        """``indexed`` False always runs the straightforward scan (the reference the indexed
        choice is tested against); the placements are the same."""
        self.settings = settings if settings is not None else SchedulingSettings()
        self.version = version
        self.indexed = indexed
        self._index = ClusterIndex(cluster, self.settings, source)

    def scheduled(self, node: str, disk: str) -> int:
        """Bytes scheduled on a disk, including committed placements."""
        return self._index.scheduled[self._index.disk_at[(node, disk)]]

    def commit(self, placements: Iterable[Placement | None], size_bytes: int) -> None:
        """Count placed replicas of ``size`` bytes as scheduled on their disks."""
        self._index.commit(placements, size_bytes)

    def cluster_state(self) -> ClusterState:
        """The cluster with the committed scheduled bytes written into its disks."""
        return self._index.cluster_state()

    def _candidates(self, volume: VolumeSpec, existing: Sequence[ReplicaState],
                    placed: Sequence[ReplicaState], now: datetime) -> list[int]:
        index = self._index
        nodes = node_info(index, volume)
        if not nodes:
            return []
        rep = replenishment(volume, self.settings, now)
        if rep.unknown:
            return []
        everything = (*existing, *placed)
        zone_of = index.running_zone_of
        if len(nodes) != len(index.running):
            zone_of = {index.nodes[i].name: index.zone[i] for i in nodes}
        occ = occupancy(everything, zone_of, creating=rep.creating)
        soft = soft_flags(self.settings, volume)
        class_disks = index.class_disks(volume)
        space = index.space_ok(volume.actual_size_bytes)
        headroom = index.headroom
        size_bytes = volume.size_bytes
        per_node, in_disk = unaccounted(index, existing, placed, size_bytes)
        counts = replica_counts(index, everything)
        # Replicas of this volume a disk does not list yet count as scheduled on it: take
        # them off the headroom of the few disks concerned for this pass, then put it back.
        adjusted = [
            (d, extra - in_disk.get(d, 0)) for n, extra in per_node.items() for d in class_disks[n]
        ]
        for d, extra in adjusted:
            headroom[d] -= extra
        try:
            for tier in tiers(index, nodes, occ, index.selector_ok(volume), soft):
                found = [d for n in tier for d in class_disks[n] if space[d] and headroom[d] >= size_bytes]
                if counts and found:
                    empty = [d for d in found if d not in counts]
                    found = empty if empty or not soft.disk else found
                if found:
                    return found
        finally:
            for d, extra in adjusted:
                headroom[d] += extra
        return []

    def _indexed_request(self, volume: VolumeSpec, now: datetime) -> Request | None:
        """What every replica of ``volume`` shares for the indexed choice; None where the
        straightforward scan decides (strict-local, degraded without a time)."""
        if not self.indexed or pinned_node(volume) is not None:
            return None
        rep = replenishment(volume, self.settings, now)
        if rep.unknown:
            return None
        return Request(
            size_bytes=volume.size_bytes, soft=soft_flags(self.settings, volume), creating=rep.creating,
            balance=self.version.disk_selection is DiskSelection.BALANCE_SCORE,
            disk_must_fit=self.version is LonghornVersion.V1_12,
        )

    def _indexed_choice(self, volume: VolumeSpec, req: Request, existing: Sequence[ReplicaState],
                        placed: Sequence[ReplicaState]) -> int | None:
        """The disk from the pools; None where the straightforward scan must decide."""
        index = self._index
        everything = (*existing, *placed)
        if everything:
            req.per_node, req.in_disk = unaccounted(index, existing, placed, volume.size_bytes)
            req.occupancy = occupancy(everything, index.running_zone_of, creating=req.creating)
            req.counts = replica_counts(index, everything)
        attached = volume.attached_node
        req.local = -1
        if volume.data_locality == DataLocality.BEST_EFFORT and attached:
            if not any(r.node == attached and r.failed_at is None for r in everything):
                req.local = index.node_at.get(attached, -1)
        return choose_indexed(index, index.pool(volume), req)

    def _choose(self, volume: VolumeSpec, found: list[int], replicas: Sequence[ReplicaState]) -> int:
        index = self._index
        local = volume.attached_node
        if volume.data_locality == DataLocality.BEST_EFFORT and local:
            if not any(r.node == local and r.failed_at is None for r in replicas):
                at = index.node_at.get(local)
                on_local = [d for d in found if index.disk_node[d] == at]
                if on_local:
                    found = on_local
        if self.version.disk_selection is DiskSelection.BALANCE_SCORE:
            return choose_balance_score(
                found, node_of=index.disk_node, usable=index.usable, most=index.most,
                size_bytes=volume.size_bytes, disk_must_fit=self.version is LonghornVersion.V1_12,
            )
        return choose_most_usable_storage(found, index.most)

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
        be placed are not tried, as in Longhorn's scheduler tests. ``explain`` False skips
        the explanation pass (the placements stay the same).
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
            refused = () if count == 0 else (ReplicaOutcome(
                index=0, placement=None, refused=message,
                explanation="replica 1: refused: Longhorn rejects the volume itself "
                "(strict-local needs exactly 1 replica)",
            ),)
            return SimulationResult(outcomes=refused, errors=(message,), disk_selection=selection)

        outcomes: list[ReplicaOutcome] = []
        errors: list[str] = []
        placed: list[ReplicaState] = []
        request = self._indexed_request(volume, now) if count else None
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
            chosen = None
            if request is not None:
                chosen = self._indexed_choice(volume, request, replicas, placed)
            if chosen is not None:
                where = self._index.name_of(chosen)
                placed.append(ReplicaState(name=f"new replica {i + 1}", node=where.node,
                                           disk=where.disk))
                outcomes.append(ReplicaOutcome(index=i, placement=where))
                continue
            found = self._candidates(volume, replicas, placed, now)
            if not found:
                why: tuple[Exclusion, ...] = ()
                explanation = None
                if explain:
                    why = exclusions(self._index, volume, replicas, placed, now)
                    context = notes(self._index, volume, replicas, placed, now)
                    explanation = explain_unplaced(i, why, context)
                outcomes.append(ReplicaOutcome(
                    index=i, placement=None, exclusions=why, explanation=explanation))
                break
            where = self._index.name_of(self._choose(volume, found, (*replicas, *placed)))
            placed.append(ReplicaState(name=f"new replica {i + 1}", node=where.node, disk=where.disk))
            outcomes.append(ReplicaOutcome(index=i, placement=where))
        reusable = None
        if any(r.failed_at is not None for r in replicas):
            found_r = reusable_failed_replica(self._index, volume, replicas)
            reusable = found_r.name if found_r is not None else None
        return SimulationResult(
            outcomes=tuple(outcomes), errors=tuple(errors),
            reusable_failed_replica=reusable, disk_selection=selection,
        )

    def reusable_failed_replica(
        self, volume: VolumeSpec, *, replicas: Sequence[ReplicaState]
    ) -> ReplicaState | None:
        """The failed replica Longhorn would rebuild in place before creating a new one."""
        return reusable_failed_replica(self._index, volume, replicas)

    def exclusions(self, volume: VolumeSpec, *, replicas: Sequence[ReplicaState] = (),
                   placed: Sequence[ReplicaState] = (), now: datetime) -> tuple[Exclusion, ...]:
        """Why each node and disk cannot take the next replica of ``volume``."""
        return exclusions(self._index, volume, replicas, placed, now)


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
