"""HIAC-CAPACITY-001: declared volumes fit each disk's Longhorn storage limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, ids, judge, only

RULE = "HIAC-CAPACITY-001"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_volumes_that_do_not_fit_are_an_error_on_the_disk() -> None:
    # 3 x 40Gi on a 100Gi disk at 100% over-provisioning: the third replica is refused
    f = only(judge(RULE, FAIL["fail-does-not-fit"]))
    assert f.severity is Severity.ERROR
    assert "disk/altra/small" in ids(f)
    assert "volume/kube-master-02/root" in ids(f)
    assert "refused replicas of kube-master-02/root for lack of space" in f.message


def test_within_ten_percent_of_the_limit_is_a_warning() -> None:
    # 3 x 31Gi = 93Gi scheduled of a 100Gi limit
    f = only(judge(RULE, FAIL["fail-near-limit"]))
    assert f.severity is Severity.WARNING
    assert "within 10% of the over-provisioning limit" in f.message
