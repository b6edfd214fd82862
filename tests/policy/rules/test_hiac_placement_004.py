"""HIAC-PLACEMENT-004: selectors leave the masters' root volumes more than one disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, ids, judge, only

RULE = "HIAC-PLACEMENT-004"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_disk_selector_matching_one_disk_pins_every_master() -> None:
    f = only(judge(RULE, FAIL["fail-selector-matches-one-disk"]))
    assert f.severity is Severity.ERROR
    assert ids(f) == {"storageclass/etcd", "disk/hv-1/d1"}
    assert "matches only hv-1/d1" in f.message
    assert "Add the tag 'nvme'" in f.fix
