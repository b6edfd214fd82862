"""HIAC-PLACEMENT-003: every volume gets all the replicas its storage class asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, evidence_text, ids, judge, only

RULE = "HIAC-PLACEMENT-003"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_four_replicas_on_three_hosts_with_hard_node_anti_affinity() -> None:
    f = only(judge(RULE, FAIL["fail-more-replicas-than-hosts"]))
    assert f.severity is Severity.ERROR
    assert ids(f) == {"storageclass/etcd", "volume/m1/root", "volume/m2/root", "volume/m3/root"}
    assert "asks for 4 replicas" in f.message and "only 3" in f.message
    assert "anti-affinity" in evidence_text(f)
    assert f.fix.startswith("Lower numberOfReplicas of storage class etcd to 3")
