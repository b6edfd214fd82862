"""The streamed observe (spilled detections, arrays, events rebuilt when written) against
the straightforward in-memory pipeline (``scan_logs`` -> ``attribute_hosts`` ->
``join_volumes`` -> ``build_snapshot``): the snapshot JSON must be the same, byte for byte.

The logs are generated (seeded): several files, year-less syslog that crosses New Year,
a journal with full dates (the year anchor), raw dmesg with boot hints, a host-less file
that only the iscsiadm listing can place, session logins/logouts (the join's bindings),
events outside ``--since``/``--until``, and ``--max-events`` below the event count. The
scan runs in this process and split over worker processes (thresholds lowered).
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from harvester_iac.cli import main
from harvester_iac.observe import (
    ScanOptions,
    SourceKind,
    SourceState,
    SourceStatus,
    TimeWindow,
    attribute_hosts,
    build_snapshot,
    dumps_snapshot,
    join_volumes,
    read_iscsiadm,
    scan_logs,
)
from harvester_iac.observe.logs import _scan_file, _streamed
from tests.observe._paths import INCIDENT_LISTING

_IQN = "iqn.2019-10.io.longhorn:pvc-{:04d}"
_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _syslog(when: datetime) -> str:
    return f"{_MON[when.month - 1]} {when.day:2d} {when:%H:%M:%S}"


def _body(rnd: random.Random, sessions: dict[int, int], dev_of: dict[int, str]) -> str:
    sid = rnd.choice([33, 34, 35, 36, *range(1, 12)])
    roll = rnd.random()
    if sid not in sessions or roll < 0.05:
        vol = rnd.randrange(30)
        sessions[sid] = vol
        return (f"iscsid[99]: iscsid: Connection{sid}:0 to [target: {_IQN.format(vol)}, portal: "
                f"10.52.0.{sid},3260] through [iface: default] is operational now")
    if roll < 0.08:
        vol = sessions.pop(sid)
        return (f"iscsid[99]: iscsid: Connection{sid}:0 to [target: {_IQN.format(vol)}, portal: "
                f"10.52.0.{sid},3260] through [iface: default] is shutdown.")
    dev = dev_of.get(sid, f"sd{chr(97 + sid % 26)}")
    return rnd.choice([
        f"kernel:  connection{sid}:0: detected conn error (1020)",
        f"iscsid[99]: iscsid: Kernel reported iSCSI connection {sid}:0 error (1022 - "
        "ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)",
        f"kernel: Buffer I/O error on dev {dev}, logical block {rnd.randrange(9999)}, lost async page write",
        f"kernel: I/O error, dev {dev}, sector {rnd.randrange(99999)} op 0x1:(WRITE) flags 0x800 "
        "phys_seg 1 prio class 2",
        f"kernel:  session{sid}: session recovery timed out after 120 secs",
        "systemd[1]: Started Session 4 of User root.",
        'k3s[7]: {"level":"warn","ts":"2025-12-30T01:02:03.000Z","msg":"apply request took too '
        f'long","took":"{100 + rnd.randrange(900)}.5ms","expected-duration":"100ms"}}',
    ])


def _write_logs(root: Path, seed: int, n: int) -> tuple[list[Path], Path]:
    rnd = random.Random(seed)
    dev_of = {33: "sdc", 34: "sdi", 35: "sdo"}
    logs = root / "logs"
    (logs / "altra").mkdir(parents=True)
    (logs / "harv-02").mkdir()
    start = datetime(2025, 12, 31, 22, 0, tzinfo=UTC)
    # year-less syslog crossing New Year, two hosts in one file
    sessions: dict[int, int] = {}
    lines = []
    when = start
    for _ in range(n):
        when += timedelta(seconds=rnd.randrange(0, 20))
        host = rnd.choice(["altra", "altra", "harv-03"])
        lines.append(f"{_syslog(when)} {host} {_body(rnd, sessions, dev_of)}")
    (logs / "altra" / "syslog").write_text("\n".join(lines) + "\n")
    # a journal with full dates: the year anchor of the year-less files
    lines = []
    when = start
    for _ in range(n // 2):
        when += timedelta(seconds=rnd.randrange(0, 30))
        lines.append(f"{when:%Y-%m-%dT%H:%M:%S.%f}+00:00 harv-02 {_body(rnd, {}, dev_of)}")
    (logs / "harv-02" / "journal.log").write_text("\n".join(lines) + "\n")
    # raw dmesg without host names: boot hints from the lines carrying both clocks
    lines = []
    mono = 100.0
    for k in range(n // 3):
        mono += rnd.random() * 30
        sid = rnd.choice([33, 34, 35])
        msg = rnd.choice([f"connection{sid}:0: detected conn error (1020)",
                          f"Buffer I/O error on dev {dev_of[sid]}, logical block 7, lost async page write",
                          f"sd {8 + sid}:0:0:1: [{dev_of[sid]}] tag#3 FAILED Result: "
                          "hostbyte=DID_TRANSPORT_DISRUPTED driverbyte=DRIVER_OK"])
        if k % 50 == 0:
            wall = start + timedelta(seconds=mono - 100)
            lines.append(f"{_syslog(wall)} altra kernel: [{mono:12.6f}] {msg}")
        else:
            lines.append(f"[{mono:12.6f}] {msg}")
    (logs / "altra" / "dmesg.txt").write_text("\n".join(lines) + "\n")
    # a host-less file outside the folder: only the listing can tell its host
    other = root / "other.log"
    other.write_text("".join(f"[{200 + k:12.6f}] connection{rnd.choice([33, 34, 99])}:0: detected conn "
                             "error (1020)\n" for k in range(n // 10)))
    quiet = root / "quiet.log"
    quiet.write_text("Jan  1 00:00:00 nobody systemd[1]: Started.\n")
    return [logs, other, quiet], INCIDENT_LISTING


def _reference(paths: list[Path], listing: Path, *, tz: str, since: datetime | None,
               until: datetime | None, max_events: int | None, collected_at: datetime,
               year: int | None = None) -> str:
    """What observe wrote before the streamed path: the in-memory pipeline."""
    result = scan_logs(paths, ScanOptions(tz=tz, year=year, since=since, until=until, jobs=1))
    m = read_iscsiadm(listing)
    disks = sum(len(s.devices or ()) for s in m.sessions)
    sources = (*result.sources, SourceStatus(
        kind=SourceKind.ISCSIADM, location=str(listing), state=SourceState.OK,
        detail=f"{len(m.sessions)} sessions, {disks} disks"
        + (f", host {m.host}" if m.host else ", host not shown")))
    events, sources = attribute_hosts(result.events, sources, roots=[str(p) for p in paths if p.is_dir()],
                                      maps=[m])
    events = join_volumes(events, m)
    snap = build_snapshot(collected_at=collected_at, window=TimeWindow(since=since, until=until),
                          sources=sources, events=events, sessions=(m,), max_events=max_events)
    return dumps_snapshot(snap)


@pytest.mark.parametrize(("seed", "parallel", "window", "cap"), [
    (1, False, False, None),
    (2, True, False, None),
    (3, True, True, 300),
    (4, False, True, 0),
    (5, True, False, 50),
])
def test_streamed_observe_writes_the_reference_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, parallel: bool, window: bool,
    cap: int | None,
) -> None:
    paths, listing = _write_logs(tmp_path, seed, 1500)
    if parallel:  # worker processes, files split in byte ranges, the summary pass forked
        monkeypatch.setattr(_streamed, "_PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(_streamed, "_PARALLEL_MIN_EVENTS", 10)
        monkeypatch.setattr(_scan_file, "SPLIT_MIN_BYTES", 1 << 10)
    since = datetime(2025, 12, 31, 23, 0, tzinfo=UTC) if window else None
    until = datetime(2026, 1, 1, 2, 0, tzinfo=UTC) if window else None
    out = tmp_path / "snap.json"
    year = 2025 if seed == 5 else None  # --year: syslog years counted forward
    args = ["observe", *map(str, paths), "--iscsiadm", str(listing), "--tz", "Europe/Berlin",
            "--jobs", "2", "-o", str(out), "--max-events", "all" if cap is None else str(cap),
            *(["--year", str(year)] if year else [])]
    if window:
        args += ["--since", since.isoformat() if since else "", "--until",
                 until.isoformat() if until else ""]
    assert main(args) == 0
    text = out.read_text()
    collected = datetime.fromisoformat(json.loads(text)["collected_at"])
    assert text == _reference(paths, listing, tz="Europe/Berlin", since=since, until=until,
                              max_events=cap, collected_at=collected, year=year)
    doc = json.loads(text)
    if cap is not None:
        assert len(doc["events"]) == cap and doc["events_dropped"] > 0
    else:
        assert len(doc["events"]) > 1000 and "events_dropped" not in doc
    hosts = {s["path"]: s["host_from"] for s in doc["sources"] if s["kind"] == "log"}
    assert any(h and "iscsiadm listing" in h for h in hosts.values())  # the host-less file
    if cap != 0:
        assert any(e["extra"].get("joined_by", "").startswith("session") for e in doc["events"])


_PARENT: list[int] = []


def _dying_worker(path: str, settings: Any, start: int, end: int | None,
                  spill: str | None) -> Any:
    """``_scan._worker``, except that a worker given a range after the first dies."""
    from harvester_iac.observe.logs import _scan

    if os.getpid() not in _PARENT and start > 0:
        os._exit(9)  # as a worker killed by the OOM killer would
    return _scan.read_part(path, settings, start, end, spill=spill)


def test_a_scan_worker_that_dies_has_its_range_read_again_by_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool loop ``scan_logs`` and the streamed scan share: a killed worker's range is
    read again in the parent (into a fresh spill) and the snapshot is still the reference."""
    from harvester_iac.observe.logs import _scan

    paths, listing = _write_logs(tmp_path, 6, 1500)
    monkeypatch.setattr(_streamed, "_PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(_scan_file, "SPLIT_MIN_BYTES", 1 << 10)
    _PARENT[:] = [os.getpid()]
    monkeypatch.setattr(_scan, "_worker", _dying_worker)
    out = tmp_path / "snap.json"
    assert main(["observe", *map(str, paths), "--iscsiadm", str(listing), "--tz",
                 "Europe/Berlin", "--jobs", "2", "-o", str(out), "--max-events", "all"]) == 0
    text = out.read_text()
    collected = datetime.fromisoformat(json.loads(text)["collected_at"])
    assert text == _reference(paths, listing, tz="Europe/Berlin", since=None, until=None,
                              max_events=None, collected_at=collected, year=None)


def test_the_default_cap_lists_at_most_100k_events_and_says_how_many_were_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from harvester_iac._commands import observe as command

    assert command.DEFAULT_MAX_EVENTS == 100_000
    paths, _ = _write_logs(tmp_path, 9, 600)
    monkeypatch.setattr(command, "DEFAULT_MAX_EVENTS", 100)  # read when the parser is built
    out = tmp_path / "snap.json"
    assert main(["observe", *map(str, paths), "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert len(doc["events"]) == 100 and doc["events_dropped"] > 0
    assert f"{doc['events_dropped']} more raw events counted in the summaries" in capsys.readouterr().out


def test_the_spill_directory_is_removed_on_ctrl_c_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    made: list[str] = []
    real = tempfile.TemporaryDirectory

    def spy(*a: object, **k: object) -> tempfile.TemporaryDirectory[str]:
        d = real(*a, **k)  # type: ignore[call-overload]
        made.append(d.name)
        return d  # type: ignore[no-any-return]

    monkeypatch.setattr(tempfile, "TemporaryDirectory", spy)
    paths, _ = _write_logs(tmp_path, 3, 200)
    def fail(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    from harvester_iac.observe import _snapshot

    monkeypatch.setattr(_snapshot, "build_streamed_snapshot", fail)
    assert main(["observe", *map(str, paths), "-o", str(tmp_path / "s.json")]) == 130  # Ctrl-C
    assert made and not any(Path(d).exists() for d in made)
    assert not (tmp_path / "s.json").exists()


def test_the_summary_builder_counts_what_summarize_counts() -> None:
    from harvester_iac.observe import Event, EventKind
    from harvester_iac.observe._summary import SummaryBuilder, summarize

    rnd = random.Random(5)
    kinds = list(EventKind)
    events = [
        Event(time=None if rnd.random() < 0.1 else datetime(2025, 12, 1, tzinfo=UTC)
              + timedelta(seconds=rnd.randrange(10**5)),
              host=rnd.choice([None, "a", "b"]), source="kernel", kind=rnd.choice(kinds),
              file="f", line=i, raw="x", device=rnd.choice([None, "sdb", "sdb1", "sdc"]),
              disk=rnd.choice([None, "sdb"]), volume=rnd.choice([None, "v1", "v2"]),
              iqn=rnd.choice([None, "iqn.x:v1", "iqn.y:v1"]),
              took_ms=rnd.choice([None, 120.5, 900.0, 3.0]), repeat=rnd.choice([1, 1, 0, 5]))
        for i in range(3000)]
    whole, first, second = SummaryBuilder(), SummaryBuilder(), SummaryBuilder()
    for i, e in enumerate(events):
        whole.add(e)
        (first if i % 3 else second).add(e)
    first.merge(second)
    assert whole.build() == summarize(events) == first.build()


@pytest.mark.parametrize("year", [None, 2024, 2025])
@pytest.mark.parametrize("near", [None, datetime(2026, 1, 2, tzinfo=UTC)])
def test_placing_runs_of_equal_syslog_stamps_once_gives_every_line_its_resolve_years_date(
    year: int | None, near: datetime | None,
) -> None:
    from harvester_iac.observe.logs._clock import load_zone, resolve_years, to_utc

    rnd = random.Random(year or 7)
    stamps = []
    when = datetime(2024, 2, 27, 23, 0)
    for _ in range(4000):
        if rnd.random() < 0.6 and stamps:
            stamps.append(stamps[-1])  # the same second again
            continue
        when += timedelta(seconds=rnd.choice([0, 1, 30, 3600, 86400 * 20]))
        s = 60 if rnd.random() < 0.01 else when.second  # a leap second
        stamps.append((when.month, when.day, when.hour, when.minute, s, when.microsecond))
    stamps += [(2, 29, 1, 0, 0, 0), (2, 30, 0, 0, 0, 0), (2, 30, 0, 0, 0, 0), (12, 31, 23, 59, 59, 5)]
    part = _scan_file.Part()
    for n, st in enumerate(stamps, 1):
        part.noyear.add(n, st)
    settings = _scan_file.FileSettings(tz="Europe/Berlin", year=year)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    anchor = _scan_file.YearAnchor(near, "test") if near is not None else None
    placer = _scan_file.Placer(part, settings, now, anchor)
    zone = load_zone("Europe/Berlin")
    local_near = near.astimezone(zone).replace(tzinfo=None) if near is not None else None
    expected = resolve_years(stamps, year=year, now=now.astimezone(zone).replace(tzinfo=None),
                             near=local_near)
    code = (_scan_file.NOYEAR, 0, None, True)
    got = [placer.place(n, code) for n in range(1, len(stamps) + 1)]
    assert got == [(None if dt is None else _scan_file.to_us(to_utc(dt, zone)), True)
                   for dt in expected]


def test_a_spill_that_cannot_be_written_is_exit_2_naming_the_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from harvester_iac.observe.logs import _spill

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_spill, "open", full, raising=False)
    paths, _ = _write_logs(tmp_path, 4, 100)
    assert main(["observe", *map(str, paths), "-o", str(tmp_path / "s.json")]) == 2
    err = capsys.readouterr().err
    assert "cannot write the scan's temporary files: No space left on device" in err
    assert "Traceback" not in err and not (tmp_path / "s.json").exists()
