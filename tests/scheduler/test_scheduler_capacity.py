"""Longhorn's two storage conditions, at their byte boundaries."""

from __future__ import annotations

from harvester_iac.scheduler import ExclusionRule
from harvester_iac.scheduler._capacity import capacity_problem, disk_limits

GIB = 2**30


def _problem(**kw: int) -> ExclusionRule | None:
    args = dict(size_bytes=GIB, required_bytes=0, maximum_bytes=10 * GIB, available_bytes=10 * GIB,
                reserved_bytes=0, scheduled_bytes=0, over_provisioning_percentage=100,
                minimal_available_percentage=25)
    args.update(kw)
    p = capacity_problem(**args)
    return None if p is None else p.rule


def test_limits_truncate_like_longhorn() -> None:
    lim = disk_limits(maximum_bytes=3, reserved_bytes=0, over_provisioning_percentage=33,
                      minimal_available_percentage=33)
    assert lim.over_provisioning_limit_bytes == 0 and lim.minimal_available_bytes == 0
    lim = disk_limits(maximum_bytes=5_000_000_000, reserved_bytes=1_000_000_000,
                      over_provisioning_percentage=200, minimal_available_percentage=25)
    assert lim.over_provisioning_limit_bytes == 8_000_000_000
    assert lim.minimal_available_bytes == 1_250_000_000


def test_over_provisioning_boundary() -> None:
    assert _problem(scheduled_bytes=9 * GIB) is None
    assert _problem(scheduled_bytes=9 * GIB + 1) is ExclusionRule.OVER_PROVISIONING
    assert _problem(reserved_bytes=9 * GIB) is None  # limit 1 GiB, exactly the size
    assert _problem(reserved_bytes=9 * GIB + 1) is ExclusionRule.OVER_PROVISIONING
    assert _problem(scheduled_bytes=19 * GIB, over_provisioning_percentage=200) is None


def test_minimal_available_boundary() -> None:
    quarter = 10 * GIB // 4
    assert _problem(available_bytes=quarter + 1) is None
    assert _problem(available_bytes=quarter) is ExclusionRule.MINIMAL_AVAILABLE
    assert _problem(available_bytes=quarter + GIB + 1, required_bytes=GIB) is None
    assert _problem(available_bytes=quarter + GIB, required_bytes=GIB) is ExclusionRule.MINIMAL_AVAILABLE


def test_empty_or_unknown_disk_is_refused() -> None:
    assert _problem(maximum_bytes=0) is ExclusionRule.MINIMAL_AVAILABLE
    assert _problem(available_bytes=0) is ExclusionRule.MINIMAL_AVAILABLE


def test_detail_carries_the_numbers() -> None:
    p = capacity_problem(size_bytes=GIB, required_bytes=0, maximum_bytes=10 * GIB,
                         available_bytes=10 * GIB, reserved_bytes=0, scheduled_bytes=9 * GIB + 1,
                         over_provisioning_percentage=100,
                         minimal_available_percentage=25)
    assert p is not None
    assert str(10 * GIB + 1) in p.detail and str(10 * GIB) in p.detail
