"""Longhorn's own strings, as enums shared by every layer.

The inventory (what we declare), the scheduler (what Longhorn would do) and the observe
readers (what Longhorn reports) speak about the same fields of the same CRDs; one enum
per field keeps them from drifting apart.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AntiAffinity", "DataLocality", "DiskType", "Robustness"]


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
