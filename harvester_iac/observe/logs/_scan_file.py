"""Scanning one log file: byte ranges -> detections -> events placed in UTC.

A ``Part`` is what one process learns from one byte range of a file (the whole file unless
it is big, plain and there are spare processes). ``assemble`` joins a file's parts in
order, fixes line numbers, and only then places times, because that needs the whole file:
syslog's year is anchored at one end, and a boot time can come from any line.
"""

from __future__ import annotations

import io
import itertools
import lzma
import os
import zlib
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TypeVar

from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus
from harvester_iac.observe.logs._clock import NoYear, boot_from_hints, load_zone, resolve_years, to_utc
from harvester_iac.observe.logs._detect import Detection, detect_line
from harvester_iac.observe.logs._envelopes import Stamp, parse_envelope
from harvester_iac.observe.logs._event import Event
from harvester_iac.observe.logs._prefilter import get_finder
from harvester_iac.observe.logs._reader import (
    CHUNK_SIZE,
    MAX_LINE,
    LineReader,
    NotALog,
    open_log,
)

__all__ = [
    "SPLIT_MIN_BYTES",
    "FileSettings",
    "Part",
    "YearAnchor",
    "assemble",
    "needs_year",
    "plan_ranges",
    "prepare_worker",
    "read_bytes",
    "read_part",
]

_COMPRESSED_STEP = 32 << 10

#: Plain files at least this big may be split into byte ranges for several processes.
SPLIT_MIN_BYTES = 64 << 20


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
class Part:
    """Detections of one byte range, with line numbers relative to the range."""

    drafts: list[tuple[int, str, Detection]] = field(default_factory=list)
    noyear: dict[int, NoYear] = field(default_factory=dict)
    mono_hints: list[tuple[int, Stamp]] = field(default_factory=list)
    lines: int = 0
    nul_bytes: int = 0
    long_lines: int = 0
    bad_utf8: int = 0
    internal: int = 0  # lines the detector itself failed on (reported, never raised)
    internal_first: str | None = None
    compression: str | None = None
    failure: str | None = None  # reading stopped early: the file is partial
    fatal: str | None = None  # nothing usable: the file failed

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
        try:
            env, det = detect_line(text)
        except Exception as exc:  # one odd line must not cost the whole file
            self.internal += 1
            self.internal_first = self.internal_first or f"line {lineno}: {type(exc).__name__}: {exc}"
            return
        self.observe(lineno, env.stamp)
        if det is not None:
            self.drafts.append((lineno, text, det))

    def sample(self, lineno: int, data: bytes) -> None:
        try:
            env = parse_envelope(data.decode("utf-8", "replace").rstrip("\r"))
        except Exception:  # a sample only helps place times; losing one is harmless
            return
        self.observe(lineno, env.stamp)


def _collect(reader: LineReader, part: Part) -> None:
    try:
        for lineno, data in reader.candidates():
            part.add(lineno, data)
    except NotALog as exc:
        part.fatal = str(exc)
        return
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        part.failure = f"read error after line {reader.lines_read:,}: {exc}"
    finally:
        part.lines = reader.lines_read if part.failure else reader.stats.lines
        part.nul_bytes = reader.stats.nul_bytes
        part.long_lines = reader.stats.long_lines
    for lineno, data in reader.stats.samples:
        part.sample(lineno, data)
    if reader.last_line is not None:
        part.sample(*reader.last_line)


def read_part(
    path: str, settings: FileSettings, start: int = 0, end: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Part:
    """Read ``path[start:end]`` (whole lines; ``end=None``: to the end). Never raises for bad input."""
    part = Part()
    if not os.path.isfile(path):
        part.fatal = "not a regular file" if os.path.exists(path) else "no such file"
        return part
    with ExitStack() as stack:
        try:
            stream, raw, part.compression = open_log(Path(path))
        except NotALog as exc:
            part.fatal = str(exc)
            return part
        except OSError as exc:
            part.fatal = exc.strerror or str(exc)
            return part
        stack.callback(raw.close)
        if stream is not raw:
            stack.callback(stream.close)
        if start:
            raw.seek(start)
        seen = [start]

        def tick() -> None:
            if progress is not None:
                pos = raw.tell()
                progress(pos - seen[0])
                seen[0] = pos

        reader = LineReader(stream, get_finder(settings.engine), chunk_size=settings.chunk_size,
                            progress=tick, limit=None if end is None else end - start,
                            check_binary=start == 0,
                            read_step=_COMPRESSED_STEP if part.compression else None)
        _collect(reader, part)
    return part


def prepare_worker(engine: str | None) -> None:
    """Build the prefilter now, before worker processes are forked (numpy is left to the
    readers: it only pays for very long byte ranges, see ``NUMPY_MIN_BYTES``)."""
    get_finder(engine)
    detect_line("Jan  1 00:00:00 host kernel: warm-up")


def read_bytes(data: bytes, settings: FileSettings) -> Part:
    """A ``Part`` for in-memory log text."""
    part = Part()
    reader = LineReader(io.BytesIO(data), get_finder(settings.engine),
                        chunk_size=settings.chunk_size)
    _collect(reader, part)
    return part


def plan_ranges(
    path: str, pieces: int, min_bytes: int = SPLIT_MIN_BYTES
) -> list[tuple[int, int | None]]:
    """Byte ranges starting at line starts: ``pieces`` of a big plain file, else the whole."""
    whole: list[tuple[int, int | None]] = [(0, None)]
    try:
        size = os.path.getsize(path)
        if pieces < 2 or size < max(min_bytes, 1):
            return whole
        with open(path, "rb") as f:
            if f.read(8)[:2] in (b"\x1f\x8b", b"BZ", b"\xfd7", b"\x28\xb5", b"LP"):
                return whole
            cuts = [0]
            for k in range(1, pieces):
                f.seek(k * size // pieces)
                probe = f.read(MAX_LINE)
                nl = probe.find(b"\n")
                if nl >= 0 and k * size // pieces + nl + 1 > cuts[-1]:
                    cuts.append(k * size // pieces + nl + 1)
    except OSError:
        return whole
    ranges: list[tuple[int, int | None]] = [(a, b) for a, b in itertools.pairwise(cuts)]
    ranges.append((cuts[-1], None))
    return ranges


def _wall(
    stamp: Stamp, lineno: int, years: dict[int, datetime], zone: tzinfo
) -> tuple[datetime | None, bool]:
    if stamp.aware is not None:
        return stamp.aware.astimezone(UTC), False
    if stamp.local is not None:
        return to_utc(stamp.local, zone), True
    if stamp.noyear is not None:
        naive = years.get(lineno)
        return (to_utc(naive, zone), True) if naive is not None else (None, True)
    return None, False


def _join(parts: Sequence[Part]) -> Part:
    if len(parts) == 1:
        return parts[0]
    whole = Part(compression=parts[0].compression, fatal=parts[0].fatal)
    offset = 0
    for part in parts:
        whole.drafts.extend((n + offset, raw, det) for n, raw, det in part.drafts)
        part.drafts = []  # each draft is held once: dense logs have many
        whole.noyear.update({n + offset: s for n, s in part.noyear.items()})
        whole.mono_hints.extend((n + offset, s) for n, s in part.mono_hints)
        whole.nul_bytes += part.nul_bytes
        whole.long_lines += part.long_lines
        whole.bad_utf8 += part.bad_utf8
        whole.internal += part.internal
        whole.internal_first = whole.internal_first or part.internal_first
        whole.failure = whole.failure or part.failure
        whole.fatal = whole.fatal or part.fatal
        offset += part.lines
    whole.lines = offset
    return whole


class _Shared:
    """One object per distinct value (host, IQN, time, ...): dense logs repeat them on
    every line, and a snapshot of a million events should not hold a million copies."""

    def __init__(self) -> None:
        self._seen: dict[object, object] = {}

    def __call__(self, value: _T) -> _T:
        if value is None:
            return value
        return self._seen.setdefault(value, value)  # type: ignore[return-value]

    def time(self, value: datetime | None) -> datetime | None:
        """Equal datetimes may differ in zone object: share only the very same one."""
        if value is None:
            return None
        found: datetime = self._seen.setdefault((value, value.tzinfo), value)  # type: ignore[assignment]
        return found


_T = TypeVar("_T")


def _event(
    path: str, lineno: int, raw: str, det: Detection, when: datetime | None, assumed: bool,
    host: str | None, share: _Shared,
) -> Event:
    return Event(
        time=share.time(when), host=share(det.host or host), source=share(det.source),
        kind=det.kind, file=path, line=lineno, raw=raw, device=share(det.device),
        disk=share(det.disk), hctl=share(det.hctl), connection=share(det.connection),
        session=share(det.session), portal=share(det.portal), iqn=share(det.iqn),
        volume=share(det.volume), took_ms=det.took_ms, expected_ms=det.expected_ms,
        repeat=det.repeat, tz_assumed=assumed, extra=share(det.extra),
    )


def _place(path: str, part: Part, settings: FileSettings, now: datetime,
           near: YearAnchor | None = None) -> tuple[list[Event], list[str]]:
    """Events with UTC times, and notes on what had to be assumed."""
    zone = load_zone(settings.tz)
    order = sorted(part.noyear)
    local_near = near.time.astimezone(zone).replace(tzinfo=None) if near is not None else None
    resolved = resolve_years([part.noyear[n] for n in order], year=settings.year,
                             now=now.astimezone(zone).replace(tzinfo=None), near=local_near)
    years = {n: dt for n, dt in zip(order, resolved, strict=True) if dt is not None}
    hints: list[tuple[datetime, float]] = []
    hint_assumed = False
    for lineno, stamp in part.mono_hints:
        wall, assumed = _wall(stamp, lineno, years, zone)
        if wall is not None and stamp.mono is not None:
            hints.append((wall, stamp.mono))
            hint_assumed |= assumed
    boot = settings.boot_time
    boot_derived = boot is None and bool(hints)
    if boot is None:
        boot = boot_from_hints(hints)
    events: list[Event] = []
    used_zone = used_year = used_boot = no_time = before = after = 0
    share = _Shared()
    drafts, part.drafts = part.drafts, []
    drafts.reverse()
    while drafts:  # popped as they become events, so drafts and events never double up
        lineno, raw, det = drafts.pop()
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
        elif settings.since is not None and when < settings.since:
            before += 1
            continue
        elif settings.until is not None and when > settings.until:
            after += 1
            continue
        events.append(_event(path, lineno, raw, det, when, assumed, settings.host, share))
    notes: list[str] = []
    if used_zone:
        where = f"in {settings.tz} (--tz)" if settings.tz else "as UTC (no --tz given)"
        notes.append(f"zone-less times read {where}")
    if used_year:
        if settings.year is not None:
            notes.append(f"syslog year from --year {settings.year}")
        elif near is not None:
            notes.append(f"syslog lines carry no year: dated closest to {near.why} "
                         f"({near.time.date().isoformat()}; --year overrides)")
        else:
            notes.append("syslog lines carry no year: dated up to the file's modification time "
                         "(--year overrides)")
    if before or after:
        notes.append(f"{before + after:,} event(s) outside --since/--until not kept "
                     f"({before:,} before, {after:,} after)")
    if used_boot:
        how = "lines carrying both a date and [seconds]" if boot_derived else "--boot-time"
        notes.append(f"dmesg [seconds] placed with the boot time from {how}")
    if no_time:
        notes.append(f"{no_time:,} event(s) without a usable time (raw dmesg needs --boot-time)")
    return events, notes


@dataclass(frozen=True)
class YearAnchor:
    """A time that tells year-less syslog lines their year, and where it came from."""

    time: datetime
    why: str


def needs_year(parts: Sequence[Part]) -> bool:
    """Whether the file has year-less (syslog) stamps."""
    return any(p.noyear for p in parts)


def assemble(
    path: str, parts: Sequence[Part], settings: FileSettings, *, now: datetime | None = None,
    near: YearAnchor | None = None,
) -> tuple[list[Event], SourceStatus]:
    """Events of one file from its parts, and the file's source status."""
    part = _join(parts)
    if part.fatal is not None or (part.failure is not None and not part.lines):
        error = part.fatal or part.failure
        return [], SourceStatus(kind=SourceKind.LOG, location=path, state=SourceState.FAILED,
                                error=error, detail=None, lines=part.lines, events=0)
    if now is None:
        try:
            now = datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
        except OSError:
            now = datetime.now(UTC)
    events, notes = _place(path, part, settings, now, near)
    problems = [p for p in [part.failure] if p]
    if part.long_lines:
        problems.append(f"{part.long_lines:,} line(s) longer than {MAX_LINE >> 20} MiB not examined")
    if part.nul_bytes:
        problems.append(f"{part.nul_bytes:,} NUL byte(s) in the text (crash padding or damage)")
    if part.internal:
        problems.append(f"{part.internal:,} line(s) could not be read (internal error at "
                        f"{part.internal_first}; please report it)")
    if part.bad_utf8:
        problems.append(f"{part.bad_utf8:,} event line(s) not valid UTF-8 (kept with U+FFFD)")
    head = f"{part.lines:,} lines, {len(events):,} events"
    if part.compression:
        head = f"{part.compression}-compressed, {head}"
    return events, SourceStatus(
        kind=SourceKind.LOG, location=path,
        state=SourceState.PARTIAL if problems else SourceState.OK,
        error="; ".join(problems) or None, detail="; ".join([head, *notes]),
        lines=part.lines, events=len(events),
    )
