"""Longhorn replica-scheduler simulation (Longhorn 1.9 to 1.12).

``simulate(load_case(path))`` runs one scheduler case (``harvester-iac simulate``);
``Scheduler`` places the replicas of many volumes on one cluster, keeping each disk's
scheduled bytes as it goes; ``place_inventory`` places every volume an inventory declares,
on the cluster one of the two ways in makes (``adapters``: ``from_inventory``, or
``from_observed`` for the plan applied to Longhorn's reported nodes).
Nothing here imports the CDK runtime, and the inventory model is only read, not imported.
"""

from harvester_iac.scheduler._case import load_case, parse_case
from harvester_iac.scheduler._inventory import InventoryPlacement, VolumePlacement, place_inventory
from harvester_iac.scheduler._simulate import Scheduler, simulate
from harvester_iac.scheduler._types import (
    AntiAffinity,
    CaseExpectation,
    ClusterState,
    DataEngine,
    DataLocality,
    DiskSelection,
    DiskState,
    DiskType,
    Exclusion,
    ExclusionRule,
    LonghornVersion,
    NodeState,
    Placement,
    ReplicaAutoBalance,
    ReplicaOutcome,
    ReplicaState,
    Robustness,
    SchedulingCase,
    SchedulingSettings,
    SimulationResult,
    VolumeSpec,
)
from harvester_iac.scheduler.adapters import (
    SchedulerInput,
    cluster_from_longhorn,
    from_inventory,
    from_observed,
    replicas_from_longhorn,
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
    "InventoryPlacement",
    "LonghornVersion",
    "NodeState",
    "Placement",
    "ReplicaAutoBalance",
    "ReplicaOutcome",
    "ReplicaState",
    "Robustness",
    "Scheduler",
    "SchedulerInput",
    "SchedulingCase",
    "SchedulingSettings",
    "SimulationResult",
    "VolumePlacement",
    "VolumeSpec",
    "cluster_from_longhorn",
    "from_inventory",
    "from_observed",
    "load_case",
    "parse_case",
    "place_inventory",
    "replicas_from_longhorn",
    "simulate",
]
