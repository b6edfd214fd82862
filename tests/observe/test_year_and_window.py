"""Where a syslog line's year comes from, said in the source; events outside the window said too.

A copy of a syslog file made a year later gets a modification time a year late: dating its
lines by it would move the incident a year into the future and turn its errors into
stale warnings. Other files' full dates, ``--year`` and the ``--since``/``--until`` window
are better anchors, and the source says which one was used.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.observe import load_snapshot

ROOT = Path(__file__).resolve().parents[2]
KERNEL = ROOT / "examples" / "observed" / "incident" / "logs" / "altra" / "kernel.log"
BEFORE_FIX = ROOT / "examples" / "inventories" / "altra-before-fix.yaml"
#: The same kernel's line as `journalctl -o short-iso` writes it: a full date.
ISO_LINE = "2025-12-27T15:10:50-0800 altra kernel:  connection3:0: detected conn error (1022)\n"


def _copied_a_year_late(tmp_path: Path) -> Path:
    logs = tmp_path / "logs"
    logs.mkdir()
    copy = logs / "kernel.log"
    copy.write_bytes(KERNEL.read_bytes())
    late = datetime(2026, 12, 30, tzinfo=UTC).timestamp()
    os.utime(copy, (late, late))
    return copy


def _observe(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    capsys.readouterr()
    assert main(["observe", *args, "--format", "json"]) == 0
    doc: dict[str, object] = json.loads(capsys.readouterr().out)
    return doc


def _detail(doc: dict[str, object], name: str) -> str:
    sources = doc["sources"]
    assert isinstance(sources, list)
    return next(str(s["detail"]) for s in sources if str(s["path"]).endswith(name))


def _first_time(doc: dict[str, object]) -> str:
    events = doc["events"]
    assert isinstance(events, list)
    return str(events[0]["time"])


def test_alone_the_modification_time_decides_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _observe(capsys, str(_copied_a_year_late(tmp_path)))
    assert _first_time(doc).startswith("2026-12-27")
    assert "dated up to the file's modification time (--year overrides)" in _detail(doc, "kernel.log")


def test_other_files_dates_decide(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = _copied_a_year_late(tmp_path)
    (copy.parent / "journal.log").write_text(ISO_LINE)
    doc = _observe(capsys, str(copy.parent))
    assert _first_time(doc).startswith("2025-12-27")
    assert "dated closest to the latest date in the other files (2025-12-27" in _detail(doc, "kernel.log")


@pytest.mark.parametrize(("flag", "value", "why"), [
    ("--until", "2025-12-31T00:00:00Z", "dated closest to --until (2025-12-31"),
    ("--since", "2025-12-01T00:00:00Z", "dated closest to --since (2025-12-01"),
    ("--year", "2025", "syslog year from --year 2025"),
])
def test_the_window_or_year_decides(tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str,
                                    why: str) -> None:
    doc = _observe(capsys, str(_copied_a_year_late(tmp_path)), flag, value)
    assert _first_time(doc).startswith("2025-12-27")
    assert why in _detail(doc, "kernel.log")


def test_events_outside_the_window_are_counted_in_the_source(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    doc = _observe(capsys, str(KERNEL), "--year", "2025", "--since", "2025-12-27T15:20:00Z",
                   "--until", "2025-12-27T15:40:00Z")
    detail = _detail(doc, "kernel.log")
    assert "outside --since/--until not kept (" in detail
    events = doc["events"]
    assert isinstance(events, list) and all("2025-12-27T15:2" in e["time"] or "2025-12-27T15:3" in e["time"]
                                            for e in events)


def test_a_snapshot_with_events_outside_its_window_is_said_by_the_gate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Events dated outside the window, or after collection, still count, but are pointed out."""
    snap = tmp_path / "snap.json"
    assert main(["observe", str(KERNEL), "--year", "2025", "-o", str(snap)]) == 0
    doc = json.loads(snap.read_text())
    doc["window"] = {"since": "2025-12-27T15:30:00Z", "until": "2025-12-27T16:00:00Z"}
    doc["collected_at"] = "2025-12-27T15:50:00Z"
    snap.write_text(json.dumps(doc))
    load_snapshot(snap)  # a valid snapshot: the verdict is the gate's
    capsys.readouterr()
    code = main(["validate", "--inventory", str(BEFORE_FIX), "--observed", str(snap), "--now",
                 "2025-12-27T16:00:00Z", "--format", "json"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    messages = [f["message"] for f in report["findings"] if f["rule"] == "HIAC-EVIDENCE-001"]
    assert any("dated before the start of its window" in m and "they are counted" in m for m in messages)
    assert any("dated after it was collected" in m for m in messages)
