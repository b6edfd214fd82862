"""Hostile command-line values: exit 2 with the flag named, never a traceback or a lost input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from harvester_iac.cli import main

ROOT = Path(__file__).resolve().parents[2]
INCIDENT = ROOT / "examples" / "observed" / "incident"
SNAPSHOT = ROOT / "examples" / "observed" / "incident.snapshot.json"
BEFORE_FIX = ROOT / "examples" / "inventories" / "altra-before-fix.yaml"
SYSLOG = next(p for p in sorted((INCIDENT / "logs").rglob("*")) if p.is_file())


def _exit2(args: list[str], capsys: pytest.CaptureFixture[str], *words: str) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    for w in words:
        assert w in err, err
    return err


@pytest.mark.parametrize(("flag", "value"), [
    ("--since", "0001-01-01T00:00:00+14:00"),
    ("--until", "9999-12-31T23:59:59-14:00"),
    ("--boot-time", "0001-01-01T00:00:00+14:00"),
])
def test_observe_times_outside_utc_are_usage_errors(flag: str, value: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _exit2(["observe", str(SYSLOG), flag, value], capsys, f"{flag}:", "outside the range of UTC times")


def test_observe_extreme_but_valid_times_are_fine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["observe", str(INCIDENT / "logs"), "--since", "0001-01-01T00:00:00Z",
                 "--until", "9999-12-31T23:59:59Z", "--boot-time", "9999-12-31T23:59:59Z"]) == 0


@pytest.mark.parametrize(("value", "words"), [
    ("coincide=99999999999d", ("--threshold coincide", "too long a duration")),
    ("recent=99999999999w", ("--threshold recent", "too long a duration")),
    ("wal_fsync_p99_ms=nan", ("--threshold", "not a number")),
    ("wal_fsync_p99_ms=inf", ("--threshold", "not a number")),
    ("capacity_margin=1e999", ("--threshold", "not a number")),
])
def test_validate_threshold_overflow(value: str, words: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    _exit2(["validate", "--observed", str(SNAPSHOT), "--threshold", value], capsys, *words)


def test_validate_longest_durations_do_not_overflow(capsys: pytest.CaptureFixture[str]) -> None:
    """The longest accepted duration, against the earliest --now: still a verdict, no traceback."""
    args = ["validate", "--inventory", str(BEFORE_FIX), "--observed", str(SNAPSHOT),
            "--threshold", "recent=3649635d", "--threshold", "coincide=3649635d", "--max-age", "3649635d"]
    assert main(args) == 1
    assert main([*args, "--now", "0001-01-01T00:00:00Z"]) == 1
    assert "HIAC-PLACEMENT-001" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_validate_now_outside_utc(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    _exit2(["validate", "--observed", str(SNAPSHOT), "--now", value], capsys, "--now:", "outside the range")


def test_observe_never_overwrites_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "x.log"
    log.write_bytes(SYSLOG.read_bytes())
    link = tmp_path / "link.json"
    link.symlink_to(log)
    for out in (log, link):
        _exit2(["observe", str(log), "-o", str(out)], capsys, "-o/--output", "would overwrite the input")
    listing = tmp_path / "sessions.txt"
    listing.write_bytes((INCIDENT / "iscsiadm" / sorted(os.listdir(INCIDENT / "iscsiadm"))[0]).read_bytes())
    _exit2(["observe", "--iscsiadm", str(listing), "-o", str(listing)], capsys, "would overwrite the input")
    assert log.read_bytes() == SYSLOG.read_bytes()


def test_observe_never_writes_into_an_input_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "syslog").write_bytes(SYSLOG.read_bytes())
    _exit2(["observe", str(logs), "-o", str(logs / "snap.json")], capsys, "into the input directory")
    assert sorted(os.listdir(logs)) == ["syslog"]


def test_observe_jobs_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    _exit2(["observe", str(SYSLOG), "--jobs", "100000000"], capsys, "--jobs", "out of range")
    _exit2(["observe", str(SYSLOG), "--jobs", "0"], capsys, "--jobs")


def test_rewriting_a_private_snapshot_keeps_its_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "snap.json"
    assert main(["observe", str(SYSLOG), "-o", str(out)]) == 0
    os.chmod(out, 0o600)
    assert main(["observe", str(SYSLOG), "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    fresh = tmp_path / "new.json"
    old = os.umask(0o027)
    try:
        assert main(["observe", str(SYSLOG), "-o", str(fresh)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
