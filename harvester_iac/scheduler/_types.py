"""Typed inputs and outputs of the replica-scheduler simulation.

The names follow Longhorn's own objects (Node, disk status, Volume, Replica, Setting) so a
reader of longhorn-manager's ``scheduler/replica_scheduler.go`` recognises every field.
Strings Longhorn writes are ``StrEnum``s, so they compare equal to the wire values and to
the model's enums of the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from harvester_iac.core import (
    AntiAffinity,
    DataEngine,
    DataLocality,
    DiskType,
    LonghornSettings,
    ReplicaAutoBalance,
    Robustness,
)

__all__ = [
    "AntiAffinity",
    "CaseExpectation",
    "ClusterState",
    "DataEngine",
    "DataLocality",
    "DiskSelection",
    "DiskState",
    "DiskType",
    "Exclusion",
    "ExclusionRule",
    "LonghornVersion",
    "NodeState",
    "Placement",
    "ReplicaAutoBalance",
    "ReplicaOutcome",
    "ReplicaState",
    "Robustness",
    "SchedulingCase",
    "SchedulingSettings",
    "SimulationResult",
    "VolumeSpec",
]


class LonghornVersion(StrEnum):
    """The Longhorn minor releases whose scheduler this simulation reproduces."""

    V1_9 = "1.9"
    V1_10 = "1.10"
    V1_11 = "1.11"
    V1_12 = "1.12"

    @classmethod
    def parse(cls, text: str) -> LonghornVersion:
        """Read ``1.9``, ``1.9.2`` or ``v1.11.2``; raise ``ValueError`` for other releases."""
        m = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?", text.strip())
        if m is None:
            raise ValueError(f"not a Longhorn version: {text!r}")
        return cls(f"{int(m.group(1))}.{int(m.group(2))}")

    @property
    def disk_selection(self) -> DiskSelection:
        """1.11 replaced "most usable storage" by the balance score."""
        if self in (LonghornVersion.V1_9, LonghornVersion.V1_10):
            return DiskSelection.MOST_USABLE_STORAGE
        return DiskSelection.BALANCE_SCORE


class DiskSelection(StrEnum):
    """How the scheduler picks one disk among the final candidates."""

    MOST_USABLE_STORAGE = "most-usable-storage"
    BALANCE_SCORE = "balance-score"


#: The Longhorn settings the scheduler reads: the one ``LonghornSettings`` of ``core``.
SchedulingSettings = LonghornSettings


@dataclass(frozen=True, kw_only=True, slots=True)
class DiskState:
    """One disk of a Longhorn Node: its spec, its Schedulable condition and its storage.

    ``storage_scheduled_bytes`` already counts the replicas Longhorn lists on this disk (its
    ``status.scheduledReplica``), including the existing replicas of the simulated volume.
    """

    name: str
    path: str = "/var/lib/longhorn"
    disk_type: DiskType = DiskType.FILESYSTEM
    allow_scheduling: bool = True
    eviction_requested: bool = False
    schedulable: bool = True
    tags: tuple[str, ...] = ()
    storage_maximum_bytes: int = 0
    storage_available_bytes: int = 0
    storage_reserved_bytes: int = 0
    storage_scheduled_bytes: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class NodeState:
    """One Longhorn Node: conditions, spec and disks. ``zone`` "" is one zone of its own."""

    name: str
    zone: str = ""
    ready: bool = True
    schedulable: bool = True
    allow_scheduling: bool = True
    engine_image_ready: bool = True
    instance_manager_ready: bool = True
    tags: tuple[str, ...] = ()
    disks: tuple[DiskState, ...] = ()

    def disk(self, name: str) -> DiskState | None:
        return next((d for d in self.disks if d.name == name), None)


@dataclass(frozen=True, kw_only=True, slots=True)
class ClusterState:
    """The Longhorn nodes the scheduler sees."""

    nodes: tuple[NodeState, ...] = ()

    def node(self, name: str) -> NodeState | None:
        return next((n for n in self.nodes if n.name == name), None)


@dataclass(frozen=True, kw_only=True, slots=True)
class VolumeSpec:
    """The parts of a Longhorn Volume (spec and status) the replica scheduler reads.

    ``attached_node`` is where the volume's engine runs (``spec.nodeID``): data locality
    uses it. ``last_degraded_at`` only matters while ``robustness`` is degraded.
    """

    name: str = "volume"
    size_bytes: int = 0
    actual_size_bytes: int = 0
    number_of_replicas: int = 3
    disk_selector: tuple[str, ...] = ()
    node_selector: tuple[str, ...] = ()
    data_locality: DataLocality = DataLocality.DISABLED
    data_engine: DataEngine = DataEngine.V1
    replica_soft_anti_affinity: AntiAffinity = AntiAffinity.IGNORED
    replica_zone_soft_anti_affinity: AntiAffinity = AntiAffinity.IGNORED
    replica_disk_soft_anti_affinity: AntiAffinity = AntiAffinity.IGNORED
    replica_auto_balance: ReplicaAutoBalance = ReplicaAutoBalance.IGNORED
    robustness: Robustness = Robustness.HEALTHY
    last_degraded_at: datetime | None = None
    attached_node: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ReplicaState:
    """An existing replica of the volume. ``node`` None: it exists but is not scheduled."""

    name: str
    node: str | None = None
    disk: str | None = None
    failed_at: datetime | None = None
    eviction_requested: bool = False
    rebuild_retry_count: int = 0

    @property
    def failed(self) -> bool:
        return self.failed_at is not None


@dataclass(frozen=True, kw_only=True, slots=True)
class Placement:
    """Where one replica lands."""

    node: str
    disk: str

    def __str__(self) -> str:
        return f"{self.node}/{self.disk}"


class ExclusionRule(StrEnum):
    """The rule that kept a node or disk from receiving a replica."""

    NODE_NOT_READY = "node-not-ready"
    NODE_NOT_SCHEDULABLE = "node-not-schedulable"
    NODE_SCHEDULING_DISABLED = "node-scheduling-disabled"
    NODE_NOT_AFFINE = "hard-node-affinity"
    INSTANCE_MANAGER_NOT_READY = "instance-manager-not-ready"
    ENGINE_IMAGE_NOT_READY = "engine-image-not-ready"
    NODE_SELECTOR = "node-selector"
    ZONE_ANTI_AFFINITY = "zone-anti-affinity"
    NODE_ANTI_AFFINITY = "node-anti-affinity"
    NO_DISKS = "no-disks"
    DISK_SCHEDULING_DISABLED = "disk-scheduling-disabled"
    DISK_EVICTION_REQUESTED = "disk-eviction-requested"
    DISK_NOT_SCHEDULABLE = "disk-not-schedulable"
    DISK_TYPE = "disk-type"
    MINIMAL_AVAILABLE = "minimal-available"
    OVER_PROVISIONING = "over-provisioning"
    DISK_SELECTOR = "disk-selector"
    DISK_ANTI_AFFINITY = "disk-anti-affinity"
    DEGRADED_WITHOUT_TIME = "degraded-without-time"


@dataclass(frozen=True, kw_only=True, slots=True)
class Exclusion:
    """One node (``disk`` None) or disk excluded by one rule, with a human detail."""

    rule: ExclusionRule
    node: str | None = None
    disk: str | None = None
    detail: str = ""

    @property
    def subject(self) -> str:
        if self.node is None:
            return "the volume"
        return self.node if self.disk is None else f"{self.node}/{self.disk}"


@dataclass(frozen=True, kw_only=True, slots=True)
class ReplicaOutcome:
    """What happened to one new replica: where it went, or why nowhere."""

    index: int
    placement: Placement | None
    refused: str | None = None
    exclusions: tuple[Exclusion, ...] = ()
    explanation: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SimulationResult:
    """Placements of the attempted replicas, Longhorn's refusals and the explanations.

    ``reusable_failed_replica`` names the failed replica Longhorn's volume controller would
    reuse before creating a new one (``CheckAndReuseFailedReplica``), when there is one.
    """

    outcomes: tuple[ReplicaOutcome, ...] = ()
    errors: tuple[str, ...] = ()
    reusable_failed_replica: str | None = None
    disk_selection: DiskSelection = DiskSelection.BALANCE_SCORE

    @property
    def placements(self) -> tuple[Placement | None, ...]:
        return tuple(o.placement for o in self.outcomes)

    @property
    def explanations(self) -> tuple[str, ...]:
        return tuple(o.explanation for o in self.outcomes if o.explanation)

    @property
    def first_unplaced(self) -> int:
        """Index of the first replica not placed, -1 when all were placed."""
        return next((o.index for o in self.outcomes if o.placement is None), -1)

    @property
    def error(self) -> bool:
        return bool(self.errors)

    def to_json(self) -> dict[str, object]:
        """The ``simulate --format json`` document (FORMAT.md)."""
        return {
            "placements": [
                None if p is None else {"node": p.node, "disk": p.disk} for p in self.placements
            ],
            "errors": list(self.errors),
            "explanations": list(self.explanations),
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseExpectation:
    """The ``expect`` block of a case file: what Longhorn's own tests assert."""

    first_unplaced: int = -1
    nodes: tuple[str, ...] = ()
    disks: tuple[str, ...] = ()
    error: bool = False


@dataclass(frozen=True, kw_only=True)
class SchedulingCase:
    """One scheduler case: a cluster, settings, one volume and the replicas to place.

    ``new_replica_nodes[i]`` is the node new replica ``i`` already names (Longhorn refuses
    such a replica). ``now`` is the clock the replenishment wait is measured against.
    """

    name: str = ""
    version: LonghornVersion = LonghornVersion.V1_12
    now: datetime
    settings: SchedulingSettings = SchedulingSettings()
    cluster: ClusterState = ClusterState()
    volume: VolumeSpec = VolumeSpec()
    replicas: tuple[ReplicaState, ...] = ()
    schedule: int = 0
    new_replica_nodes: tuple[str | None, ...] = ()
    expect: CaseExpectation | None = None
    source: str = field(default="<python>", compare=False)
