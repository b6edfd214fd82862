"""HIAC-ETCD-001: etcd's WAL fsync p99 stays under 10 ms."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, ids, judge, only

RULE = "HIAC-ETCD-001"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_slow_fsync_is_a_warning_on_the_master_found_by_address() -> None:
    f = only(judge(RULE, FAIL["fail-slow-fsync"]))
    assert f.severity is Severity.WARNING
    assert ids(f) == {"master/m1"}
    assert "25.0 ms" in f.message
