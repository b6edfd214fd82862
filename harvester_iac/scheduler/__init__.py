"""Longhorn replica-scheduler simulation (Longhorn 1.9 to 1.12).

``simulate(load_case(path))`` runs one scheduler case (``harvester-iac simulate``);
``Scheduler`` places the replicas of many volumes on one cluster, keeping each disk's
scheduled bytes as it goes. Nothing here imports the CDK runtime or the inventory model.
"""

from harvester_iac.scheduler._case import load_case, parse_case
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
    SchedulingCase,
    SchedulingSettings,
    SimulationResult,
    VolumeRobustness,
    VolumeSpec,
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
    "Scheduler",
    "SchedulingCase",
    "SchedulingSettings",
    "SimulationResult",
    "VolumeRobustness",
    "VolumeSpec",
    "load_case",
    "parse_case",
    "simulate",
]
