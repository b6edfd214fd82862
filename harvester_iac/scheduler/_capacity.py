"""Longhorn's two storage conditions for putting a replica on a disk.

``IsSchedulableToDisk`` in longhorn-manager:

* actual space: ``available - required`` must stay *above* ``maximum x minimal%``
  (``storage-minimal-available-percentage``), where ``required`` is the volume's actual size;
* scheduling space: ``size + scheduled`` must not exceed
  ``(maximum - reserved) x over-provisioning%`` (``storage-over-provisioning-percentage``).

Limits are computed with the same float-then-truncate arithmetic as Longhorn, so the
boundaries fall on the same byte.
"""

from __future__ import annotations

from dataclasses import dataclass

from harvester_iac.scheduler._types import ExclusionRule

__all__ = ["CapacityProblem", "DiskLimits", "capacity_problem", "disk_limits"]


@dataclass(frozen=True, slots=True)
class DiskLimits:
    """The two thresholds of one disk under the current settings."""

    over_provisioning_limit: int
    minimal_available: int


def disk_limits(
    *, maximum: int, reserved: int, over_provisioning_percentage: int, minimal_available_percentage: int
) -> DiskLimits:
    return DiskLimits(
        over_provisioning_limit=int(
            float(maximum - reserved) * float(over_provisioning_percentage) / 100
        ),
        minimal_available=int(float(maximum) * float(minimal_available_percentage) / 100),
    )


@dataclass(frozen=True, slots=True)
class CapacityProblem:
    """Why a disk cannot take the replica, with the numbers Longhorn compared."""

    rule: ExclusionRule
    detail: str


def capacity_problem(
    *,
    size: int,
    required: int,
    maximum: int,
    available: int,
    reserved: int,
    scheduled: int,
    over_provisioning_percentage: int,
    minimal_available_percentage: int,
) -> CapacityProblem | None:
    """None when the replica fits, else the first failed condition (Longhorn's order)."""
    if maximum <= 0:
        return CapacityProblem(ExclusionRule.MINIMAL_AVAILABLE, "its storage maximum is 0")
    if available <= 0:
        return CapacityProblem(ExclusionRule.MINIMAL_AVAILABLE, "it has no storage available")
    limits = disk_limits(
        maximum=maximum,
        reserved=reserved,
        over_provisioning_percentage=over_provisioning_percentage,
        minimal_available_percentage=minimal_available_percentage,
    )
    left = available - required
    if left <= limits.minimal_available:
        return CapacityProblem(
            ExclusionRule.MINIMAL_AVAILABLE,
            f"{available} B available - {required} B actual size = {left} B, not above "
            f"{minimal_available_percentage}% of {maximum} B = {limits.minimal_available} B",
        )
    total = size + scheduled
    if total > limits.over_provisioning_limit:
        return CapacityProblem(
            ExclusionRule.OVER_PROVISIONING,
            f"{size} B size + {scheduled} B scheduled = {total} B, above "
            f"{over_provisioning_percentage}% of ({maximum} B maximum - {reserved} B reserved)"
            f" = {limits.over_provisioning_limit} B",
        )
    return None
