"""Scanning one log file: candidate lines -> detections -> events placed in UTC.

This is the unit of work a scan process runs. Time placement needs the whole file
(syslog's year is anchored at one end, boot time can come from any line), so detections
are collected first and turned into ``Event`` objects at the end.
"""

from __future__ import annotations

import lzma
import os
import zlib
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from harvester_iac.observe._clock import NoYear, boot_from_hints, load_zone, resolve_years, to_utc
from harvester_iac.observe._detect import Detection, detect_line
from harvester_iac.observe._engine import Finder, get_finder
from harvester_iac.observe._envelopes import Stamp, parse_envelope
from harvester_iac.observe._event import Event
from harvester_iac.observe._reader import CHUNK_SIZE, MAX_LINE, LineReader, NotALog, ReadStats, open_log
from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus

__all__ = ["FileSettings", "scan_file", "scan_lines"]


@dataclass(frozen=True, slots=True)
class FileSettings:
    """The scan options a file scan needs (plain values, cheap to send to a process)."""

    tz: str | None = None
    host: str | None = None
    year: int | None = None
    boot_time: datetime | None = None
    since: datetime | None = None
    until: datetime | None = None
    engine: str | None = None
    chunk_size: int = CHUNK_SIZE


@dataclass
class _Collected:
    """Detections of one file, and what it said about its own clock."""

    drafts: list[tuple[int, str, Detection]] = field(default_factory=list)
    noyear: dict[int, NoYear] = field(default_factory=dict)
    mono_hints: list[tuple[int, Stamp]] = field(default_factory=list)
    bad_utf8: int = 0
    formats: dict[str, int] = field(default_factory=dict)

    def observe(self, lineno: int, stamp: Stamp) -> None:
        if stamp.noyear is not None and stamp.aware is None and stamp.local is None:
            self.noyear[lineno] = stamp.noyear
        if stamp.mono is not None and stamp.has_wall:
            self.mono_hints.append((lineno, stamp))

    def add(self, lineno: int, data: bytes) -> None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            self.bad_utf8 += 1
        if text.endswith("\r"):
            text = text[:-1]
        env, det = detect_line(text)
        self.observe(lineno, env.stamp)
        if det is not None:
            self.formats[env.format] = self.formats.get(env.format, 0) + 1
            self.drafts.append((lineno, text, det))

    def sample(self, lineno: int, data: bytes) -> None:
        self.observe(lineno, parse_envelope(data.decode("utf-8", "replace").rstrip("\r")).stamp)


def _wall(stamp: Stamp, lineno: int, years: dict[int, datetime], zone: tzinfo) -> tuple[datetime | None, bool]:
    if stamp.aware is not None:
        return stamp.aware.astimezone(UTC), False
    if stamp.local is not None:
        return to_utc(stamp.local, zone), True
    if stamp.noyear is not None:
        naive = years.get(lineno)
        return (to_utc(naive, zone), True) if naive is not None else (None, True)
    return None, False


def _assemble(
    path: str, col: _Collected, settings: FileSettings, now: datetime
) -> tuple[list[Event], list[str]]:
    zone = load_zone(settings.tz)
    notes: list[str] = []
    order = sorted(col.noyear)
    resolved = resolve_years([col.noyear[n] for n in order], year=settings.year,
                             now=now.astimezone(zone).replace(tzinfo=None))
    years = {n: dt for n, dt in zip(order, resolved, strict=True) if dt is not None}
    hints: list[tuple[datetime, float]] = []
    hint_assumed = False
    for lineno, stamp in col.mono_hints:
        wall, assumed = _wall(stamp, lineno, years, zone)
        if wall is not None and stamp.mono is not None:
            hints.append((wall, stamp.mono))
            hint_assumed |= assumed
    boot = settings.boot_time
    if boot is not None and boot.tzinfo is None:
        boot = boot.replace(tzinfo=UTC)
    boot_derived = boot is None and bool(hints)
    if boot is None:
        boot = boot_from_hints(hints)
    events: list[Event] = []
    used_zone = used_year = used_boot = 0
    no_time = 0
    for lineno, raw, det in col.drafts:
        when, assumed = _wall(det.stamp, lineno, years, zone)
        if det.stamp.noyear is not None and when is not None and assumed:
            used_year += 1
        if when is None and det.stamp.mono is not None and boot is not None:
            when = boot + timedelta(seconds=det.stamp.mono)
            assumed = boot_derived and hint_assumed
            used_boot += 1
        used_zone += assumed
        if when is None:
            no_time += 1
        elif (settings.since is not None and when < settings.since) or (
            settings.until is not None and when > settings.until
        ):
            continue
        events.append(_event(path, lineno, raw, det, when, assumed, settings.host))
    if used_zone:
        where = f"in {settings.tz} (--tz)" if settings.tz else "as UTC (no --tz given)"
        notes.append(f"zone-less times read {where}")
    if used_year:
        if settings.year is not None:
            notes.append(f"syslog year from --year {settings.year}")
        else:
            notes.append("syslog lines carry no year: placed before the file's modification time")
    if used_boot:
        how = "--boot-time" if not boot_derived else "lines carrying both a date and [seconds]"
        notes.append(f"dmesg [seconds] placed with the boot time from {how}")
    if no_time:
        notes.append(f"{no_time} event(s) without a usable time (raw dmesg needs --boot-time)")
    return events, notes


def _event(
    path: str, lineno: int, raw: str, det: Detection, when: datetime | None, assumed: bool,
    host: str | None,
) -> Event:
    return Event(
        time=when,
        host=det.host or host,
        source=det.source,
        kind=det.kind,
        file=path,
        line=lineno,
        raw=raw,
        device=det.device,
        disk=det.disk,
        hctl=det.hctl,
        connection=det.connection,
        session=det.session,
        portal=det.portal,
        iqn=det.iqn,
        volume=det.volume,
        took_ms=det.took_ms,
        expected_ms=det.expected_ms,
        repeat=det.repeat,
        tz_assumed=assumed,
        extra=det.extra,
    )


def _status(
    path: str, *, state: SourceState, error: str | None = None, stats: ReadStats | None = None,
    notes: Iterable[str] = (), events: int = 0,
) -> SourceStatus:
    lines = stats.lines if stats is not None else 0
    detail = "; ".join([f"{lines:,} lines, {events:,} events", *notes])
    return SourceStatus(kind=SourceKind.LOG, location=path, state=state, error=error,
                        detail=detail, lines=lines, events=events)


def _problems(stats: ReadStats, col: _Collected) -> list[str]:
    out: list[str] = []
    if stats.long_lines:
        out.append(f"{stats.long_lines:,} line(s) longer than {MAX_LINE >> 20} MiB not examined")
    if stats.nul_bytes:
        out.append(f"{stats.nul_bytes:,} NUL byte(s) in the text (a crash-padded or damaged file)")
    if col.bad_utf8:
        out.append(f"{col.bad_utf8:,} event line(s) not valid UTF-8 (kept with replacement characters)")
    return out


def _run(
    lines: Iterable[tuple[int, bytes]], reader: LineReader | None, col: _Collected
) -> None:
    for lineno, data in lines:
        col.add(lineno, data)
    if reader is not None:
        for lineno, data in reader.stats.samples:
            col.sample(lineno, data)
        if reader.last_line is not None:
            col.sample(*reader.last_line)


def scan_file(
    path: str, settings: FileSettings, *, progress: Callable[[int], None] | None = None
) -> tuple[list[Event], SourceStatus]:
    """Events of one file and how reading it went; never raises for a bad file."""
    finder: Finder = get_finder(settings.engine)
    try:
        st = os.stat(path)
    except OSError as exc:
        return [], _status(path, state=SourceState.FAILED, error=exc.strerror or str(exc))
    if not os.path.isfile(path):
        return [], _status(path, state=SourceState.FAILED, error="not a regular file")
    col = _Collected()
    reader: LineReader | None = None
    failure: str | None = None
    with ExitStack() as stack:
        try:
            stream, raw, compression = open_log(Path(path))
        except NotALog as exc:
            return [], _status(path, state=SourceState.FAILED, error=str(exc))
        except OSError as exc:
            return [], _status(path, state=SourceState.FAILED, error=exc.strerror or str(exc))
        stack.callback(raw.close)
        if stream is not raw:
            stack.callback(stream.close)
        seen = [0]

        def tick() -> None:
            if progress is not None:
                pos = raw.tell()
                progress(pos - seen[0])
                seen[0] = pos

        reader = LineReader(stream, finder, chunk_size=settings.chunk_size, progress=tick)
        reader.stats.compression = compression
        try:
            _run(reader.candidates(), reader, col)
        except NotALog as exc:
            return [], _status(path, state=SourceState.FAILED, error=str(exc))
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            reader.stats.lines = reader.lines_read
            failure = f"read error after line {reader.stats.lines:,}: {exc}"
        if progress is not None:
            progress(max(st.st_size - seen[0], 0))
    now = datetime.fromtimestamp(st.st_mtime, UTC)
    events, notes = _assemble(path, col, settings, now)
    stats = reader.stats
    problems = _problems(stats, col)
    if stats.compression:
        notes.insert(0, f"{stats.compression}-compressed")
    if failure is not None and not stats.lines and not col.drafts:
        return [], _status(path, state=SourceState.FAILED, error=failure, stats=stats)
    if failure is not None:
        problems.insert(0, failure)
    state = SourceState.PARTIAL if problems else SourceState.OK
    return events, _status(path, state=state, error="; ".join(problems) or None, stats=stats,
                           notes=notes, events=len(events))


def scan_lines(
    name: str, data: bytes, settings: FileSettings, *, now: datetime | None = None
) -> tuple[list[Event], SourceStatus]:
    """Events of in-memory log text (no file, no modification time: ``now`` anchors years)."""
    import io

    col = _Collected()
    reader = LineReader(io.BytesIO(data), get_finder(settings.engine),
                        chunk_size=settings.chunk_size)
    try:
        _run(reader.candidates(), reader, col)
    except NotALog as exc:
        return [], _status(name, state=SourceState.FAILED, error=str(exc))
    events, notes = _assemble(name, col, settings, now or datetime.now(UTC))
    problems = _problems(reader.stats, col)
    state = SourceState.PARTIAL if problems else SourceState.OK
    return events, _status(name, state=state, error="; ".join(problems) or None,
                           stats=reader.stats, notes=notes, events=len(events))
