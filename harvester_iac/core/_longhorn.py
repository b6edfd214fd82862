"""Longhorn's own strings as enums, and the settings its replica scheduler reads.

The inventory (what we declare), the scheduler (what Longhorn would do) and the observe
readers (what Longhorn reports) speak about the same fields of the same CRDs; one enum
per field, and one ``LonghornSettings`` with Longhorn's defaults written once, keep them
from drifting apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "SETTING_NAMES",
    "AntiAffinity",
    "DataEngine",
    "DataLocality",
    "DiskType",
    "LonghornSettings",
    "ReplicaAutoBalance",
    "Robustness",
]


class DiskType(StrEnum):
    """Longhorn ``spec.disks[*].diskType``."""

    FILESYSTEM = "filesystem"
    BLOCK = "block"


class DataLocality(StrEnum):
    """Longhorn ``dataLocality`` of a volume / storage class parameter."""

    DISABLED = "disabled"
    BEST_EFFORT = "best-effort"
    STRICT_LOCAL = "strict-local"


class AntiAffinity(StrEnum):
    """Per-volume override of a soft anti-affinity setting; ``ignored`` uses the setting."""

    IGNORED = "ignored"
    ENABLED = "enabled"
    DISABLED = "disabled"

    def resolve(self, setting: bool) -> bool:
        """The effective "soft" flag: the volume's override, else the global setting."""
        if self is AntiAffinity.IGNORED:
            return setting
        return self is AntiAffinity.ENABLED


class Robustness(StrEnum):
    """``status.robustness`` of a volume (empty before the first attach: ``unknown``)."""

    HEALTHY = "healthy"
    DEGRADED = "degraded"
    FAULTED = "faulted"
    UNKNOWN = "unknown"


class DataEngine(StrEnum):
    """Longhorn ``spec.dataEngine`` of a volume: v1 uses filesystem disks, v2 block disks."""

    V1 = "v1"
    V2 = "v2"


class ReplicaAutoBalance(StrEnum):
    """Longhorn ``replica-auto-balance`` (global) / ``spec.replicaAutoBalance`` (volume)."""

    IGNORED = "ignored"
    DISABLED = "disabled"
    LEAST_EFFORT = "least-effort"
    BEST_EFFORT = "best-effort"


@dataclass(frozen=True, kw_only=True, slots=True)
class LonghornSettings:
    """The Longhorn settings the replica scheduler reads, with Longhorn's defaults (1.9-1.12).

    ``replica_auto_balance`` is carried for completeness: Longhorn acts on it in the volume
    controller (moving replicas later), not when it places a new replica.
    """

    replica_soft_anti_affinity: bool = False
    replica_zone_soft_anti_affinity: bool = True
    replica_disk_soft_anti_affinity: bool = True
    storage_over_provisioning_percentage: int = 100
    storage_minimal_available_percentage: int = 25
    allow_empty_disk_selector_volume: bool = True
    allow_empty_node_selector_volume: bool = True
    replica_replenishment_wait_interval_s: int = 600
    replica_auto_balance: ReplicaAutoBalance = ReplicaAutoBalance.DISABLED


#: The camelCase name (inventory ``longhorn.settings``, scheduler case ``settings``) of each
#: ``LonghornSettings`` field.
SETTING_NAMES: dict[str, str] = {
    "replicaSoftAntiAffinity": "replica_soft_anti_affinity",
    "replicaZoneSoftAntiAffinity": "replica_zone_soft_anti_affinity",
    "replicaDiskSoftAntiAffinity": "replica_disk_soft_anti_affinity",
    "storageOverProvisioningPercentage": "storage_over_provisioning_percentage",
    "storageMinimalAvailablePercentage": "storage_minimal_available_percentage",
    "allowEmptyDiskSelectorVolume": "allow_empty_disk_selector_volume",
    "allowEmptyNodeSelectorVolume": "allow_empty_node_selector_volume",
    "replicaReplenishmentWaitInterval": "replica_replenishment_wait_interval_s",
    "replicaAutoBalance": "replica_auto_balance",
}
