"""HIAC-PLACEMENT-001: no single disk (failure domain) holds a quorum of etcd root volumes."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.policy import Severity
from tests.policy._support import cases, check_pass, evidence_text, ids, judge, only

RULE = "HIAC-PLACEMENT-001"
FAIL = {p.stem: p for p in cases(RULE, "fail")}


@pytest.mark.parametrize("inventory", cases(RULE, "pass"), ids=lambda p: p.stem)
def test_passes(inventory: Path) -> None:
    check_pass(RULE, inventory)


def test_one_disk_without_evidence_is_a_warning_naming_the_disk_and_volumes() -> None:
    f = only(judge(RULE, FAIL["fail-one-disk"]))
    assert f.severity is Severity.WARNING
    assert ids(f) >= {"host/altra", "disk/altra/default-disk", "volume/kube-master-00/root",
                      "volume/kube-master-01/root", "volume/kube-master-02/root"}
    assert "Add a second Longhorn disk on altra" in f.fix
    assert "simulated: altra/default-disk" in evidence_text(f)
    # the storage class line of each master's root volume is located in the inventory
    assert "fail-one-disk.yaml:" in evidence_text(f)


def test_one_disk_with_host_trouble_is_an_error_with_the_log_lines() -> None:
    f = only(judge(RULE, FAIL["fail-one-disk-troubled"]))
    assert f.severity is Severity.ERROR
    assert "3 nop timeouts" in f.message
    assert "logs/altra/iscsid.log:1" in evidence_text(f)


def test_two_longhorn_disks_on_one_device_are_one_failure_domain() -> None:
    f = only(judge(RULE, FAIL["fail-same-device"]))
    assert {"disk/altra/default-disk", "disk/altra/extra"} <= ids(f)
    assert "/dev/sda" in f.message


def test_observed_replicas_win_when_they_match_the_plan() -> None:
    """The plan spreads over two disks, but Longhorn holds both replicas on one: judge reality."""
    f = only(judge(RULE, FAIL["fail-observed-one-disk"]))
    text = evidence_text(f)
    assert "observed Longhorn replicas: altra/default-disk, altra/default-disk" in text
    assert "simulated" not in text
