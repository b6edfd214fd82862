"""HIAC-PLACEMENT-002: no single host holds a quorum of etcd members."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, ids, judge, only

RULE = "HIAC-PLACEMENT-002"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_single_node_harvester_stays_a_warning() -> None:
    f = only(judge(RULE, FAIL["fail-single-host"]))
    assert f.severity is Severity.WARNING
    assert "no other host" in f.message
    assert "host/altra" in ids(f)


def test_two_masters_on_one_host_without_trouble_is_a_warning() -> None:
    f = only(judge(RULE, FAIL["fail-two-masters-one-host"]))
    assert f.severity is Severity.WARNING
    assert ids(f) == {"host/hv-1", "master/m1", "master/m2"}


def test_troubled_host_with_somewhere_to_go_is_an_error_naming_who_moves() -> None:
    f = only(judge(RULE, FAIL["fail-two-masters-one-host-troubled"]))
    assert f.severity is Severity.ERROR
    assert f.fix.startswith("Move m2 to another host (hv-2, hv-3)")
