"""HIAC-EVIDENCE-001: storage health was checked with current evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, judge, only

RULE = "HIAC-EVIDENCE-001"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


@pytest.mark.parametrize(("case", "strict", "severity", "words"), [
    ("fail-no-evidence", False, Severity.INFO, "health was not checked"),
    ("fail-no-evidence", True, Severity.ERROR, "health was not checked"),
    ("fail-stale", False, Severity.WARNING, "3d old, older than --max-age 1d"),
    ("fail-stale", True, Severity.ERROR, "3d old"),
])
def test_missing_or_stale_evidence(case: str, strict: bool, severity: Severity,
                                   words: str) -> None:
    f = only(judge(RULE, FAIL[case], require_observed=strict))
    assert f.severity is severity
    assert words in f.message
