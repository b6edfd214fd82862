"""The seed incident in other envelopes and zones, with overlapping files, no iscsiadm map and
distractor volumes: the chain says where it stops and what is missing, nothing crashes.

Built from the seed's own lines: iscsid as ``journalctl -o json`` plus an overlapping rsyslog
copy (RSYSLOG_FileFormat, -08:00), the kernel as ``dmesg -T`` (no host: ``--host``), the
masters' k3s journals in ``short-iso`` with ``+01:00``.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.incident._support import INCIDENT, MASTER_VOLUMES, rows_by_master, run, run_json, write

PST = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
_SYSLOG = re.compile(r"^(?P<stamp>\w{3} +\d+ \d\d:\d\d:\d\d) (?P<host>\S+) (?P<ident>[\w-]+)(?:\[(?P<pid>\d+)\])?: "
                     r"(?P<msg>.*)$")


def _seed(name: str) -> list[tuple[datetime, str, str, str, str]]:
    out = []
    for line in (INCIDENT / "logs" / name).read_text().splitlines():
        m = _SYSLOG.match(line)
        assert m is not None, line
        t = datetime.strptime(f"2025 {m['stamp']}", "%Y %b %d %H:%M:%S").replace(tzinfo=PST)
        out.append((t, m["host"], m["ident"], m["pid"] or "", m["msg"]))
    return out


def evidence(tmp: Path, dmesg: str = "altra-dmesg.txt") -> Path:
    """The seed's evidence re-enveloped; the dmesg file's name says its host (path convention)."""
    logs = tmp / "logs"
    iscsid = _seed("altra/iscsid.log")
    write(logs / "altra" / "iscsid.jsonl", [json.dumps({
        "__REALTIME_TIMESTAMP": str(int(t.timestamp() * 1_000_000)), "_HOSTNAME": host, "_TRANSPORT": "syslog",
        "SYSLOG_IDENTIFIER": ident, "_PID": pid, "PRIORITY": "3", "MESSAGE": msg}) for t, host, ident, pid, msg
        in iscsid])
    # rsyslog's copy of the same lines (overlap), high-precision stamps with offset
    write(logs / "altra" / "messages", [f"{t.isoformat(timespec='microseconds')} {host} {ident}[{pid}]: {msg}"
                                        for t, host, ident, pid, msg in iscsid[10:]]
          # rsyslog folds a repeated line; it stands for 3 login failures
          + ["2025-12-27T16:52:08.000000-08:00 altra iscsid[2291]: message repeated 3 times: [ connect to "
             "10.52.0.58:3260 failed (Connection refused)]"])
    kernel = _seed("altra/kernel.log")
    write(logs / dmesg, [f"[{t.strftime('%a %b %d %H:%M:%S %Y')}] {msg}" for t, _, _, _, msg in kernel])
    for m in MASTER_VOLUMES:
        lines = [f"{t.astimezone(BERLIN).strftime('%Y-%m-%dT%H:%M:%S%z')[:-2]}:00 {host} {ident}[{pid}]: {msg}"
                 for t, host, ident, pid, msg in _seed(f"{m}/k3s.log")]
        write(logs / m / "k3s.log", lines)
    longhorn = tmp / "longhorn"
    shutil.copytree(INCIDENT / "longhorn", longhorn)
    detached = (INCIDENT / "longhorn" / "longhorn-system.yaml").read_text().split("- apiVersion:")[1]
    detached = ("apiVersion: v1\nkind: List\nitems:\n- apiVersion:" + detached
                .replace("pvc-5e0c7f3a-2b1d-4c8e-9a6f-1d2e3f4a5b6c", "pvc-0dd0beef-0000-4000-8000-000000000001")
                .replace("kube-worker-00", "old-builder").replace("state: attached", "state: detached"))
    (longhorn / "detached.yaml").write_text(detached)
    return tmp


def _args(tmp: Path) -> list[str]:
    return ["incident", str(tmp / "logs"), "--longhorn", str(tmp / "longhorn"),
            "--tz", "America/Los_Angeles", "--year", "2025"]


def test_mixed_envelopes_give_the_seed_chain_without_a_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(_args(evidence(tmp_path)), capsys)
    assert doc["hosts_with_storage_episode"] == ["altra"]
    assert [(e["phase"], e["start_utc"]) for e in doc["episodes"]] == [
        ("nop_flap_recovered", "2025-12-27T23:10:50.000Z"), ("target_shutdown", "2025-12-28T00:51:55.000Z")]
    rows = rows_by_master(doc)
    assert {m: r["volume"] for m, r in rows.items()} == {m: v for m, (v, _, _) in MASTER_VOLUMES.items()}
    for r in rows.values():
        assert r["device"] is None  # no iscsiadm listing: the iscsid lines name sessions, not disks
        assert r["etcd_first_utc"].startswith("2025-12-28T00:46:45.")
    # overlapping files: each iscsid line counted once; rsyslog's repeat counts 3
    assert doc["event_counts"]["altra"]["target_shutdown"] == 5
    assert doc["event_counts"]["altra"]["login_error"] == 3
    assert any("counted once" in n for n in doc["evidence"]["notes"])
    # distractor: the detached volume never shows up
    assert all(r["volume"] != "pvc-0dd0beef-0000-4000-8000-000000000001" for r in doc["chain"])


def test_devices_without_a_map_say_where_the_chain_stops(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(_args(evidence(tmp_path)), capsys)
    stopped = {r["device"]: e["stop"] for r, e in zip(doc["chain"], doc["evidence"]["chain"], strict=True)
               if e["stop"] is not None}
    assert set(stopped) == {"sdi", "sdo", "sdad"}
    for device, stop in stopped.items():
        assert stop["after"] == f"device {device}"
        assert "iscsiadm -m session -P 3" in stop["missing"] and "altra" in stop["missing"]
    code, md, _ = run(_args(tmp_path), capsys)
    assert code == 0
    assert "**Stops after device sdi**: missing an `iscsiadm -m session -P 3` listing of altra (--iscsiadm)" in md
    assert "No iscsiadm listing of altra was given" in md
    assert "- **Dec 27 16:54:25–16:55:33 PST** — all three masters report" in md


def test_hostless_dmesg_takes_the_host_given_with_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json([*_args(evidence(tmp_path, dmesg="dmesg-T.txt")), "--host", "altra"], capsys)
    assert doc["hosts_with_storage_episode"] == ["altra"]
    dmesg = next(s for s in doc["evidence"]["sources"] if s["location"].endswith("dmesg-T.txt"))
    assert dmesg["kind"] == "log" and dmesg["detail"].endswith("host altra from --host")
    assert doc["event_counts"]["altra"]["buffer_io_error"] == 5


def test_hostless_dmesg_is_a_lane_of_its_own_and_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(_args(evidence(tmp_path, dmesg="dmesg-T.txt")), capsys)
    assert "(no host)" in doc["hosts_with_storage_episode"]
    assert any(n.startswith("No host name on ") for n in doc["evidence"]["notes"])
    assert len(rows_by_master(doc)) == 3  # the iscsid journal still carries the chain


def test_no_longhorn_objects_and_no_volume_names_stop_at_the_volume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.incident._support import BEFORE_FIX

    evidence(tmp_path)
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(re.sub(r", volumeName: pvc-[0-9a-f-]+", "", BEFORE_FIX.read_text()))
    doc = run_json(["incident", str(tmp_path / "logs"), "--inventory", str(inventory),
                    "--tz", "America/Los_Angeles", "--year", "2025"], capsys)
    assert rows_by_master(doc) == {}
    stops = [e["stop"] for e in doc["evidence"]["chain"] if e["stop"]]
    assert any(s["missing"] == "Longhorn Volume objects (--longhorn), to name its PVC and VM" for s in stops)
    # no master reached the chain, so their etcd warnings are unexplained, not blamed
    assert {u["master"] for u in doc["unexplained"]} == set(MASTER_VOLUMES)


def test_host_path_pairs_name_a_dmesg_file_and_a_promptless_listing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evidence(tmp_path, dmesg="dmesg-T.txt")
    listing = tmp_path / "sessions.txt"  # pasted without the shell prompt: no host in it
    listing.write_text((INCIDENT / "iscsiadm" / "altra-iscsiadm-session-P3.txt").read_text().split("\n", 1)[1])
    doc = run_json([*_args(tmp_path), "--host", f"altra={tmp_path / 'logs' / 'dmesg-T.txt'}",
                    "--iscsiadm", f"altra={listing}"], capsys)
    assert doc["hosts_with_storage_episode"] == ["altra"]
    rows = rows_by_master(doc)
    assert {m: r["device"] for m, r in rows.items()} == {m: d for m, (_, d, _) in MASTER_VOLUMES.items()}
    assert all(e["stop"] is None for e in doc["evidence"]["chain"])
    code, _, err = run([*_args(tmp_path), "--iscsiadm", "altra=missing.txt"], capsys)
    assert code == 2 and "missing.txt" in err


def test_raw_dmesg_seconds_need_a_boot_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``dmesg`` without -T writes seconds since boot: without --boot-time they cannot be placed (said so)."""
    logs = tmp_path / "logs"
    write(logs / "altra" / "dmesg.txt", [
        "[ 4362.043584]  connection9:0: detected conn error (1022)",
        "[ 4377.120311] Buffer I/O error on dev sdi, logical block 1310976, lost async page write",
    ])
    base = ["incident", str(logs), "--iscsiadm", str(INCIDENT / "iscsiadm" / "altra-iscsiadm-session-P3.txt"),
            "--longhorn", str(INCIDENT / "longhorn"), "--tz", "UTC"]
    doc = run_json(base, capsys)
    assert doc["episodes"] == []
    assert any("without a time" in n and "--boot-time" in n for n in doc["evidence"]["notes"])
    doc = run_json([*base, "--boot-time", "2025-12-27T21:58:08"], capsys)
    (ep,) = doc["episodes"]
    assert (ep["host"], ep["start_utc"], ep["devices"]) == ("altra", "2025-12-27T23:10:50.043Z", ["sdi"])
    code, _, err = run([*base, "--boot-time", "yesterday"], capsys)
    assert code == 2 and "--boot-time" in err
