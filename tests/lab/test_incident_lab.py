"""incident on the committed lab runs: the stalled target -> device -> volume -> etcd member.

The lab's site is an inventory written from each run's timeline (lab.incident.lab_inventory):
host harvester-lab, master lab-master-00 whose root volume is the run's target. No Longhorn
objects exist in the lab, so the PVC and VM links stay empty and the master comes from the
inventory's rootVolume.volumeName.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from lab.incident import IncidentUnavailable, check_incident, has_incident, incident_run

FIXTURES = Path(__file__).resolve().parents[2] / "examples" / "lab"
SCENARIOS = ("stall-short", "stall-long", "target-restart", "none")
# Until the incident command (issue 12) is merged, these must fail with IncidentUnavailable:
# shown as xfail, never as a pass.
needs_incident = pytest.mark.xfail(not has_incident(), raises=IncidentUnavailable, strict=True,
                                   reason="harvester-iac has no incident command yet (issue 12)")


@cache
def report(scenario: str) -> dict[str, object]:
    return incident_run(FIXTURES / scenario)


@needs_incident
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_incident_matches_the_recorded_fault(scenario: str) -> None:
    assert check_incident(FIXTURES / scenario, report(scenario)) == []


@needs_incident
def test_long_stall_chain_is_target_device_volume_member() -> None:
    timeline = json.loads((FIXTURES / "stall-long" / "timeline.json").read_text())
    (row,) = report("stall-long")["chain"]  # type: ignore[misc]
    assert (row["device"], row["session"], row["iqn"], row["master"]) == (
        "sda", "1", timeline["iqn"], "lab-master-00")
    assert row["etcd_kinds"] == ["etcd_read_index_slow", "etcd_slow_apply", "etcd_slow_fdatasync"]
    (episode,) = report("stall-long")["episodes"]  # type: ignore[misc]
    assert episode["volumes"] == [timeline["volume"]]


@needs_incident
def test_no_fault_run_has_no_episode_and_no_chain() -> None:
    got = report("none")
    assert (got["hosts_with_storage_episode"], got["episodes"], got["chain"]) == ([], [], [])


def _report(**changes: object) -> dict[str, object]:
    """The incident JSON the lab expects for the stall-long fixture, with ``changes``."""
    timeline = json.loads((FIXTURES / "stall-long" / "timeline.json").read_text())
    start = timeline["fault_windows"][0]["start_utc"]
    row = {"host": "harvester-lab", "device": "sda", "session": "1", "iqn": timeline["iqn"],
           "volume": timeline["volume"], "pvc": None, "vm": None, "master": "lab-master-00",
           "etcd_first_utc": start, "etcd_last_utc": start, "etcd_kinds": ["etcd_slow_fdatasync"]}
    episode = {"host": "harvester-lab", "phase": "connection_loss", "start_utc": start, "end_utc": start,
               "devices": ["sda"], "sessions": ["1"], "volumes": [timeline["volume"]], "partitions_seen": []}
    report: dict[str, object] = {"timezone": "UTC", "hosts_with_storage_episode": ["harvester-lab"],
                                 "episodes": [episode], "chain": [row], "unaffected_masters": [],
                                 "unexplained": [], "event_counts": {}}
    for key, value in changes.items():
        if key in row:
            row[key] = value
        else:
            report[key] = value
    return report


def test_the_check_accepts_the_expected_report_and_names_each_wrong_link() -> None:
    """The check itself (no incident command needed): a right report passes, wrong ones fail."""
    run = FIXTURES / "stall-long"
    assert check_incident(run, _report()) == []
    assert "chain row" in check_incident(run, _report(master=None))[0]
    assert "chain row" in check_incident(run, _report(volume="pvc-other"))[0]
    assert "outside the fault window" in check_incident(run, _report(etcd_first_utc="2026-12-03T10:00:00.000Z"))[0]
    start = json.loads((run / "timeline.json").read_text())["fault_windows"][0]["start_utc"]
    assert "unexplained" in check_incident(
        run, _report(unexplained=[{"master": "lab-master-00", "time_utc": start, "kind": "etcd_slow_fdatasync"}]))[0]
    assert "no fault was injected" in check_incident(FIXTURES / "none", _report())[0]
