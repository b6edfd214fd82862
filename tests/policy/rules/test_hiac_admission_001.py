"""HIAC-ADMISSION-001: Longhorn accepts every disk, tag and storage class."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity, SourceRef
from tests.policy._support import cases, check_pass, findings, judge

RULE = "HIAC-ADMISSION-001"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_each_refusal_is_an_error_located_in_the_inventory() -> None:
    fs = findings(judge(RULE, FAIL["fail-refused-by-longhorn"]))
    got = {(f.resources[0].id, f.key) for f in fs}
    assert got == {
        ("disk/hv-1/d1", "/hosts/0/disks/0/evictionRequested"),
        ("storageclass/too-many", "/storageClasses/1/numberOfReplicas"),
        ("storageclass/local", "/storageClasses/2/dataLocality"),
    }
    assert all(f.severity is Severity.ERROR for f in fs)
    refs = [e for f in fs for e in f.evidence if isinstance(e, SourceRef)]
    assert all(r.line is not None and r.file.endswith("fail-refused-by-longhorn.yaml")
               for r in refs)
