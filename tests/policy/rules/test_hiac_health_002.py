"""HIAC-HEALTH-002: every etcd root volume is healthy now."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, findings, judge

RULE = "HIAC-HEALTH-002"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_degraded_is_a_warning_and_faulted_an_error() -> None:
    got = {(f.severity, tuple(r.id for r in f.resources)) for f in
           findings(judge(RULE, FAIL["fail-degraded-and-faulted"]))}
    assert got == {
        (Severity.WARNING, ("volume/m2/root", "master/m2")),
        (Severity.ERROR, ("volume/m3/root", "master/m3")),
    }
