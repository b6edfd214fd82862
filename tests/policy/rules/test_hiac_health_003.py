"""HIAC-HEALTH-003: every declared disk is live in Longhorn (present, Ready, Schedulable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, findings, judge

RULE = "HIAC-HEALTH-003"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_missing_existing_disk_and_unready_disk_are_errors() -> None:
    got = {(f.severity, f.key, f.resources[0].id)
           for f in findings(judge(RULE, FAIL["fail-disks-not-live"]))}
    assert got == {
        (Severity.ERROR, "missing", "disk/altra/default-disk"),  # managed: false, not there
        (Severity.ERROR, "ready", "disk/altra/nvme0"),
    }


def test_pending_managed_disk_is_info_and_unschedulable_a_warning() -> None:
    got = {(f.severity, f.key, f.resources[0].id)
           for f in findings(judge(RULE, FAIL["fail-disk-not-schedulable"]))}
    assert got == {
        (Severity.WARNING, "schedulable", "disk/altra/default-disk"),
        (Severity.INFO, "pending", "disk/altra/nvme0"),  # this plan adds it
    }
