"""Longhorn replica-scheduler simulation (Longhorn 1.9 to 1.12).

``simulate(load_case(path))`` runs one scheduler case (``harvester-iac simulate``);
``Scheduler`` places the replicas of many volumes on one cluster, keeping each disk's
scheduled bytes as it goes; ``place_inventory`` places every volume an inventory declares,
on its declared disks or on observed Longhorn nodes (``cluster_from_longhorn``).
Nothing here imports the CDK runtime, and the inventory model is only read, not imported.
"""

from harvester_iac.scheduler._case import load_case, parse_case
from harvester_iac.scheduler._inventory import InventoryPlacement, VolumePlacement, place_inventory
from harvester_iac.scheduler._observed import cluster_from_longhorn, replicas_from_longhorn
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
    "SchedulingCase",
    "SchedulingSettings",
    "SimulationResult",
    "VolumePlacement",
    "VolumeSpec",
    "cluster_from_longhorn",
    "load_case",
    "parse_case",
    "place_inventory",
    "replicas_from_longhorn",
    "simulate",
]
