"""HIAC-WAIVER-001: every waiver is still in date."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, judge, only

RULE = "HIAC-WAIVER-001"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_expired_waiver_is_a_finding_pointing_at_its_line() -> None:
    f = only(judge(RULE, FAIL["fail-expired-waiver"]))
    assert f.severity is Severity.WARNING
    assert "expired on 2025-12-01" in f.message
    assert f.location is not None and f.location.line == 6
