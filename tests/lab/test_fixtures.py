"""observe on the committed lab runs (examples/lab/): real kernel, iscsid and etcd output.

Each fixture is one run of the lab VM (lab/README.md); the checks are lab.check's: observe's
events equal the line labels exactly, every storage event is joined to the run's volume
through the real iscsiadm listing, and after etcd is up every event lies in the fault
window (the no-fault run: none at all).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from lab.check import RunCheck
from lab.check import check_run as _check_run
from lab.fixtures import LABELLED
from lab.labels import label_file

FIXTURES = Path(__file__).resolve().parents[2] / "examples" / "lab"
SCENARIOS = ("stall-short", "stall-long", "target-restart", "none")


@cache
def check_run(folder: Path) -> RunCheck:
    """One check per fixture (each runs the observe CLI three times)."""
    return _check_run(folder)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_observe_finds_exactly_what_the_lab_wrote(scenario: str) -> None:
    result = check_run(FIXTURES / scenario)
    assert (result.problems, result.noise) == ([], [])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_committed_labels_are_the_lab_labels(scenario: str) -> None:
    """The sidecars were made by lab.labels and read by hand; they must not drift apart."""
    for name in LABELLED:
        committed = json.loads((FIXTURES / scenario / f"{name}.labels.json").read_text())
        assert committed == label_file(FIXTURES / scenario / name), name


def test_short_stall_is_nop_timeouts_and_a_recovery() -> None:
    result = check_run(FIXTURES / "stall-short")
    assert result.kinds == {"etcd_read_index_slow": 9, "etcd_slow_apply": 1, "etcd_slow_fdatasync": 1,
                            "nop_timeout": 3, "session_recovered": 1}


def test_long_stall_reaches_io_buffer_and_ext4_errors() -> None:
    result = check_run(FIXTURES / "stall-long")
    assert result.kinds == {
        "buffer_io_error": 12, "etcd_read_index_slow": 21, "etcd_slow_apply": 1, "etcd_slow_fdatasync": 1,
        "fs_error": 5, "io_error": 14, "nop_timeout": 3, "scsi_offline": 1, "session_recovered": 1,
        "session_timeout": 1,
    }
    timeline = json.loads((FIXTURES / "stall-long" / "timeline.json").read_text())
    assert {e["volume"] for e in result.watched if not str(e["kind"]).startswith("etcd_")} == {timeline["volume"]}


def test_target_restart_is_a_closed_connection_and_a_refused_login() -> None:
    result = check_run(FIXTURES / "target-restart")
    assert result.kinds == {"conn_error": 4, "etcd_read_index_slow": 9, "etcd_slow_apply": 1,
                            "etcd_slow_fdatasync": 1, "login_error": 1, "session_recovered": 1}
    timeline = json.loads((FIXTURES / "target-restart" / "timeline.json").read_text())
    (refused,) = (e for e in result.watched if e["kind"] == "login_error")
    assert refused["volume"] == timeline["volume"]  # the portal has one session in the listing


def test_no_fault_reports_nothing() -> None:
    result = check_run(FIXTURES / "none")
    assert result.watched == []  # not even starved-CPU noise in the committed run
    # before etcd was up: the login, and etcd's own bootstrap on an emulated CPU
    assert sorted(str(e["kind"]) for e in result.events) == ["etcd_slow_apply", "session_up"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_real_listing_maps_the_disk_to_the_target_the_lab_logged_in_to(scenario: str) -> None:
    """``iscsiadm -m session -P 3`` from open-iscsi 2.1.8 against tgt: LUN 1 is the disk."""
    from harvester_iac.observe import read_iscsiadm

    timeline = json.loads((FIXTURES / scenario / "timeline.json").read_text())
    for listing in ("iscsiadm-P3.txt", "iscsiadm-P3-after.txt"):
        rows = [(r.device, r.target, r.sid, r.hctl) for r in read_iscsiadm(FIXTURES / scenario / listing).mapping()]
        assert rows == [(timeline["device"], timeline["iqn"], 1, "0:0:0:1")], listing


def test_a_short_slow_apply_outside_a_fault_is_cpu_noise_and_a_long_one_is_not() -> None:
    from lab.check import is_starved_cpu

    apply = {"kind": "etcd_slow_apply", "took_ms": 161.8}
    assert is_starved_cpu(apply)
    assert not is_starved_cpu({**apply, "took_ms": 5026.7})
    assert not is_starved_cpu({"kind": "etcd_read_index_slow", "took_ms": None})
    assert not is_starved_cpu({"kind": "io_error", "took_ms": None})
