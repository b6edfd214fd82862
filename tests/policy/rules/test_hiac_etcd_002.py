"""HIAC-ETCD-002: etcd is not stalled by storage faults on its host."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, evidence_text, findings, judge

RULE = "HIAC-ETCD-002"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_stall_near_storage_events_on_its_host_is_an_error_else_a_warning() -> None:
    by_master = {f.resources[0].id: f for f in findings(judge(RULE, FAIL["fail-stalls"]))}
    assert set(by_master) == {"master/m1", "master/m2"}
    m1, m2 = by_master["master/m1"], by_master["master/m2"]
    assert m1.severity is Severity.ERROR
    assert "logs/m1/k3s.log:7" in evidence_text(m1)
    assert "logs/hv-1/iscsid.log:1" in evidence_text(m1)
    assert m2.severity is Severity.WARNING  # hv-2 had no storage events


def test_the_coincidence_window_is_a_threshold() -> None:
    from datetime import timedelta

    from harvester_iac.model import load_inventory
    from harvester_iac.policy import Thresholds, get_rule, load_observed, validate
    from tests.policy._support import NOW

    inv = FAIL["fail-stalls"]
    rule = get_rule(RULE)
    assert rule is not None
    report = validate(load_inventory(inv), now=NOW, rules=(rule,),
                      observed=load_observed(inv.with_name(inv.stem + ".snapshot.json")),
                      thresholds=Thresholds(coincide=timedelta(minutes=1)))
    assert {o.finding.severity for o in report.outcomes} == {Severity.WARNING}
