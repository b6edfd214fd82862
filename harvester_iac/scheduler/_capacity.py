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

    over_provisioning_limit_bytes: int
    minimal_available_bytes: int


def disk_limits(
    *,
    maximum_bytes: int,
    reserved_bytes: int,
    over_provisioning_percentage: int,
    minimal_available_percentage: int,
) -> DiskLimits:
    return DiskLimits(
        over_provisioning_limit_bytes=int(
            float(maximum_bytes - reserved_bytes) * float(over_provisioning_percentage) / 100
        ),
        minimal_available_bytes=int(float(maximum_bytes) * float(minimal_available_percentage) / 100),
    )


@dataclass(frozen=True, slots=True)
class CapacityProblem:
    """Why a disk cannot take the replica, with the numbers Longhorn compared."""

    rule: ExclusionRule
    detail: str


def capacity_problem(
    *,
    size_bytes: int,
    required_bytes: int,
    maximum_bytes: int,
    available_bytes: int,
    reserved_bytes: int,
    scheduled_bytes: int,
    over_provisioning_percentage: int,
    minimal_available_percentage: int,
) -> CapacityProblem | None:
    """None when the replica fits, else the first failed condition (Longhorn's order).

    ``required_bytes`` is the volume's actual size, ``size_bytes`` its (provisioned) size.
    """
    if maximum_bytes <= 0:
        return CapacityProblem(ExclusionRule.MINIMAL_AVAILABLE, "its storage maximum is 0")
    if available_bytes <= 0:
        return CapacityProblem(ExclusionRule.MINIMAL_AVAILABLE, "it has no storage available")
    limits = disk_limits(
        maximum_bytes=maximum_bytes,
        reserved_bytes=reserved_bytes,
        over_provisioning_percentage=over_provisioning_percentage,
        minimal_available_percentage=minimal_available_percentage,
    )
    left = available_bytes - required_bytes
    if left <= limits.minimal_available_bytes:
        return CapacityProblem(
            ExclusionRule.MINIMAL_AVAILABLE,
            f"{available_bytes} B available - {required_bytes} B actual size = {left} B, not "
            f"above {minimal_available_percentage}% of {maximum_bytes} B = "
            f"{limits.minimal_available_bytes} B",
        )
    total = size_bytes + scheduled_bytes
    if total > limits.over_provisioning_limit_bytes:
        return CapacityProblem(
            ExclusionRule.OVER_PROVISIONING,
            f"{size_bytes} B size + {scheduled_bytes} B scheduled = {total} B, above "
            f"{over_provisioning_percentage}% of ({maximum_bytes} B maximum - {reserved_bytes} B "
            f"reserved) = {limits.over_provisioning_limit_bytes} B",
        )
    return None
