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


def test_a_stall_the_plan_answers_is_a_warning_a_stall_it_leaves_is_an_error() -> None:
    """The incident: before the fix the root volumes stay on one disk (error); the default
    inventory spreads each over two disks, more than Longhorn shows today (warning), so the
    gate does not block the fix's own plan."""
    from harvester_iac.model import default_inventory, load_inventory
    from harvester_iac.policy import get_rule, load_observed, validate
    from tests.policy._support import NOW

    root = Path(__file__).resolve().parents[3]
    observed = load_observed(root / "examples" / "observed" / "incident.snapshot.json")
    rule = get_rule(RULE)
    assert rule is not None
    before = load_inventory(root / "examples" / "inventories" / "altra-before-fix.yaml")
    for inventory, severity in ((before, Severity.ERROR), (default_inventory(), Severity.WARNING)):
        report = validate(inventory, now=NOW, rules=(rule,), observed=observed)
        got = [o.finding for o in report.outcomes]
        assert len(got) == 3 and {f.severity for f in got} == {severity}
        assert all("storage events on its host altra" in f.message for f in got)
    spread = [o.finding for o in validate(default_inventory(), now=NOW, rules=(rule,),
                                           observed=observed).outcomes]
    assert all("this plan spreads its root volume from 1 to 2 failure domains" in f.message for f in spread)
