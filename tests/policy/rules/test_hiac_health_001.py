"""HIAC-HEALTH-001: no replica lands on storage that misbehaved in the observed window."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity, Status
from tests.policy._support import FIXTURES, cases, check_pass, evidence_text, ids, judge, only

RULE = "HIAC-HEALTH-001"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_without_evidence_the_rule_is_unknown_not_passed() -> None:
    result = judge(RULE, FIXTURES / "HIAC-PLACEMENT-001" / "fail-one-disk.yaml")
    assert result.status is Status.UNKNOWN
    assert result.reason is not None and "no health evidence" in result.reason


def test_root_volume_on_a_troubled_host_with_healthy_alternatives_is_an_error() -> None:
    f = only(judge(RULE, FAIL["fail-troubled-host"]))
    assert f.severity is Severity.ERROR
    assert {"host/hv-1", "volume/m1/root"} <= ids(f)
    assert "1 nop timeouts, 1 I/O errors" in f.message
    assert "logs/hv-1/iscsid.log:1" in evidence_text(f)


def test_single_troubled_host_is_a_warning() -> None:
    f = only(judge(RULE, FAIL["fail-single-host-troubled"]))
    assert f.severity is Severity.WARNING
    assert "no healthy disk" in f.message
