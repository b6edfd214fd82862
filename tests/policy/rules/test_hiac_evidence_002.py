"""HIAC-EVIDENCE-002: every host the evidence names is in the inventory, and no event lacks one."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity, Status
from tests.policy._support import cases, check_pass, evidence_text, judge, only

RULE = "HIAC-EVIDENCE-002"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_an_unknown_host_is_named_with_its_count() -> None:
    f = only(judge(RULE, FAIL["fail-unknown-host"]))
    assert f.severity is Severity.WARNING
    assert "3 event(s) are for host 'nas01.lan'" in f.message and "hosts: altra" in f.message
    assert "logs/nas01.lan/iscsid.log:1" in evidence_text(f)


def test_require_observed_makes_it_an_error() -> None:
    f = only(judge(RULE, FAIL["fail-unknown-host"], require_observed=True))
    assert f.severity is Severity.ERROR


def test_unknown_without_evidence() -> None:
    """The unknown path: no evidence at all, nothing to judge."""
    inv = FAIL["fail-unknown-host"]
    from harvester_iac.model import load_inventory
    from harvester_iac.policy import get_rule, validate
    from tests.policy._support import NOW

    rule = get_rule(RULE)
    assert rule is not None
    (result,) = validate(load_inventory(inv), now=NOW, rules=(rule,)).results
    assert result.status is Status.UNKNOWN and "no health evidence" in (result.reason or "")
