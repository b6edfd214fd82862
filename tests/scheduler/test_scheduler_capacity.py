"""Longhorn's two storage conditions, at their byte boundaries."""

from __future__ import annotations

from harvester_iac.scheduler import ExclusionRule
from harvester_iac.scheduler._capacity import capacity_problem, disk_limits

GIB = 2**30


def _problem(**kw: int) -> ExclusionRule | None:
    args = dict(size=GIB, required=0, maximum=10 * GIB, available=10 * GIB, reserved=0,
                scheduled=0, over_provisioning_percentage=100, minimal_available_percentage=25)
    args.update(kw)
    p = capacity_problem(**args)
    return None if p is None else p.rule


def test_limits_truncate_like_longhorn() -> None:
    lim = disk_limits(maximum=3, reserved=0, over_provisioning_percentage=33,
                      minimal_available_percentage=33)
    assert lim.over_provisioning_limit == 0 and lim.minimal_available == 0
    lim = disk_limits(maximum=5_000_000_000, reserved=1_000_000_000,
                      over_provisioning_percentage=200, minimal_available_percentage=25)
    assert lim.over_provisioning_limit == 8_000_000_000 and lim.minimal_available == 1_250_000_000


def test_over_provisioning_boundary() -> None:
    assert _problem(scheduled=9 * GIB) is None
    assert _problem(scheduled=9 * GIB + 1) is ExclusionRule.OVER_PROVISIONING
    assert _problem(reserved=9 * GIB) is None  # limit 1 GiB, exactly the size
    assert _problem(reserved=9 * GIB + 1) is ExclusionRule.OVER_PROVISIONING
    assert _problem(scheduled=19 * GIB, over_provisioning_percentage=200) is None


def test_minimal_available_boundary() -> None:
    quarter = 10 * GIB // 4
    assert _problem(available=quarter + 1) is None
    assert _problem(available=quarter) is ExclusionRule.MINIMAL_AVAILABLE
    assert _problem(available=quarter + GIB + 1, required=GIB) is None
    assert _problem(available=quarter + GIB, required=GIB) is ExclusionRule.MINIMAL_AVAILABLE


def test_empty_or_unknown_disk_is_refused() -> None:
    assert _problem(maximum=0) is ExclusionRule.MINIMAL_AVAILABLE
    assert _problem(available=0) is ExclusionRule.MINIMAL_AVAILABLE


def test_detail_carries_the_numbers() -> None:
    p = capacity_problem(size=GIB, required=0, maximum=10 * GIB, available=10 * GIB, reserved=0,
                         scheduled=9 * GIB + 1, over_provisioning_percentage=100,
                         minimal_available_percentage=25)
    assert p is not None
    assert str(10 * GIB + 1) in p.detail and str(10 * GIB) in p.detail
