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
from array import array
from bisect import bisect_left
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
from harvester_iac.observe.logs._spill import Spill

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
    noyear: NoYearTable = field(default_factory=lambda: NoYearTable())
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
    spill: Spill | None = None  # a streamed scan: detections go here, not to ``drafts``
    spill_zone: tzinfo = UTC

    def observe(self, lineno: int, stamp: Stamp) -> None:
        if stamp.noyear is not None and stamp.aware is None and stamp.local is None:
            self.noyear.add(lineno, stamp.noyear)
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
            if self.spill is not None:
                self.spill.add(lineno, text, det, stamp_code(det.stamp, self.spill_zone))
            else:
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
    progress: Callable[[int], None] | None = None, spill: str | None = None,
) -> Part:
    """Read ``path[start:end]`` (whole lines; ``end=None``: to the end). Never raises for bad input.

    With ``spill`` (a file to create) the detections are written there (``_spill``)."""
    part = Part()
    if spill is not None:
        part.spill = Spill(spill)
        part.spill_zone = load_zone(settings.tz)
    try:
        return _read_part(part, path, settings, start, end, progress)
    finally:
        if part.spill is not None:
            part.spill.close()


def _read_part(
    part: Part, path: str, settings: FileSettings, start: int, end: int | None,
    progress: Callable[[int], None] | None,
) -> Part:
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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)

_NONE_US = -(1 << 63)  # no year could be given

#: How a line's own stamp places it (``StampCode.how``).
NO_WALL, AWARE, LOCAL, NOYEAR = 0, 1, 2, 3


def to_us(value: datetime) -> int:
    """An aware time as integer microseconds since the epoch (exact, comparable)."""
    return (value - _EPOCH) // _US


def from_us(value: int) -> datetime:
    """The UTC time of :func:`to_us`."""
    return _EPOCH + timedelta(microseconds=value)


StampCode = tuple[int, int, float | None, bool]
"""A stamp as plain numbers: (how, UTC µs for ``AWARE``/``LOCAL``, mono seconds, has noyear).

Workers reduce each event's stamp to this, so the file-level placement (syslog year, boot
time) needs no ``Stamp`` objects in the parent."""


def stamp_code(stamp: Stamp, zone: tzinfo) -> StampCode:
    if stamp.aware is not None:
        how, value = AWARE, to_us(stamp.aware.astimezone(UTC))
    elif stamp.local is not None:
        how, value = LOCAL, to_us(to_utc(stamp.local, zone))
    elif stamp.noyear is not None:
        how, value = NOYEAR, 0
    else:
        how, value = NO_WALL, 0
    return how, value, stamp.mono, stamp.noyear is not None


class NoYearTable:
    """Year-less stamps by line number, packed in arrays (dense syslog has one per line)."""

    __slots__ = ("_last", "lines", "odd", "packed")

    def __init__(self) -> None:
        self.lines = array("q")
        self.packed = array("Q")
        self.odd: dict[int, NoYear] = {}  # positions whose fields do not fit the packing
        self._last: tuple[NoYear | None, int] = (None, 0)  # the stamp packed last

    def __getstate__(self) -> tuple[array[int], array[int], dict[int, NoYear]]:
        return self.lines, self.packed, self.odd

    def __setstate__(self, state: tuple[array[int], array[int], dict[int, NoYear]]) -> None:
        self.lines, self.packed, self.odd = state
        self._last = (None, 0)

    def __len__(self) -> int:
        return len(self.lines)

    def add(self, lineno: int, stamp: NoYear) -> None:
        if stamp == self._last[0]:  # dense syslog repeats the second of the line before
            self.packed.append(self._last[1])
            self.lines.append(lineno)
            return
        mo, d, h, mi, s, us = stamp
        if 0 <= (mo | d | h | mi | s) < 256 and 0 <= us < 1 << 24:
            packed = mo << 56 | d << 48 | h << 40 | mi << 32 | s << 24 | us
            self.packed.append(packed)
            self._last = (stamp, packed)
        else:
            self.odd[len(self.lines)] = stamp
            self.packed.append(0)
        self.lines.append(lineno)

    def stamp(self, i: int) -> NoYear:
        found = self.odd.get(i)
        if found is not None:
            return found
        v = self.packed[i]
        return (v >> 56, v >> 48 & 255, v >> 40 & 255, v >> 32 & 255, v >> 24 & 255, v & 0xFFFFFF)

    def extend(self, other: NoYearTable, offset: int) -> None:
        base = len(self.lines)
        self.lines.extend(n + offset for n in other.lines)
        self.packed.extend(other.packed)
        self.odd.update({base + i: st for i, st in other.odd.items()})

    def ordered(self) -> tuple[Sequence[int], _Stamps]:
        """Line numbers in order, once each (a line seen twice keeps its last stamp)."""
        lines = self.lines
        if all(a < b for a, b in itertools.pairwise(lines)):  # the usual case: no sort
            return lines, _Stamps(self, range(len(lines)))
        order = sorted(range(len(lines)), key=lines.__getitem__)
        keep = [i for k, i in enumerate(order)
                if k + 1 == len(order) or lines[order[k + 1]] != lines[i]]
        return [lines[i] for i in keep], _Stamps(self, keep)


class _Stamps(Sequence[NoYear]):
    """The stamps of a ``NoYearTable`` in line order, unpacked one at a time."""

    def __init__(self, table: NoYearTable, order: Sequence[int]) -> None:
        self._table, self._order = table, order

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, i: int) -> NoYear:  # type: ignore[override]
        return self._table.stamp(self._order[i])

    def differ(self, i: int, j: int) -> bool:
        """Whether stamps ``i`` and ``j`` differ (``True``: a new run starts)."""
        a, b = self._order[i], self._order[j]
        odd = self._table.odd
        if a in odd or b in odd:
            return self._table.stamp(a) != self._table.stamp(b)
        return self._table.packed[a] != self._table.packed[b]


class Placer:
    """One file's time placement: syslog years, the boot time, the window, and the counts
    behind the file's notes. ``place`` takes a line's ``StampCode``."""

    def __init__(self, part: Part, settings: FileSettings, now: datetime,
                 near: YearAnchor | None) -> None:
        self.settings, self.near = settings, near
        zone = self.zone = load_zone(settings.tz)
        lines, stamps = part.noyear.ordered()
        local_near = near.time.astimezone(zone).replace(tzinfo=None) if near is not None else None
        self._lines = lines
        self._hint = 0
        # A line whose stamp repeats the line before's gets that line's date (``_closest``
        # of a stamp and its own date is that date, in both directions), so only the first
        # of each run of equal stamps is resolved: dense syslog repeats most seconds.
        starts = [i for i in range(len(stamps)) if i == 0 or stamps.differ(i, i - 1)] \
            if len(stamps) else []
        resolved = resolve_years([stamps[i] for i in starts], year=settings.year,
                                 now=now.astimezone(zone).replace(tzinfo=None), near=local_near)
        utc = zone is UTC or getattr(zone, "key", None) == "UTC"
        self._us = array("q")
        for k, naive in enumerate(resolved):
            us = (_NONE_US if naive is None
                  else to_us(naive.replace(tzinfo=UTC) if utc else to_utc(naive, zone)))
            end = starts[k + 1] if k + 1 < len(starts) else len(stamps)
            self._us.extend([us] * (end - starts[k]))
        del resolved, starts
        hints: list[tuple[datetime, float]] = []
        hint_assumed = False
        for lineno, stamp in part.mono_hints:
            wall, assumed = self._wall(stamp_code(stamp, zone), lineno)
            if wall is not None and stamp.mono is not None:
                hints.append((from_us(wall), stamp.mono))
                hint_assumed |= assumed
        boot = settings.boot_time
        self.boot_derived = boot is None and bool(hints)
        self.boot = boot if boot is not None else boot_from_hints(hints)
        self.boot_assumed = self.boot_derived and hint_assumed
        self.since = None if settings.since is None else to_us(settings.since)
        self.until = None if settings.until is None else to_us(settings.until)
        self.used_zone = self.used_year = self.used_boot = self.no_time = 0
        self.before = self.after = 0

    def _wall(self, code: StampCode, lineno: int) -> tuple[int | None, bool]:
        how = code[0]
        if how == AWARE:
            return code[1], False
        if how == LOCAL:
            return code[1], True
        if how == NOYEAR:
            lines, i = self._lines, self._hint
            if i >= len(lines) or lines[i] != lineno:
                i = bisect_left(lines, lineno)
                if i >= len(lines) or lines[i] != lineno:
                    return None, True
            self._hint = i + 1
            us = self._us[i]
            return (None, True) if us == _NONE_US else (us, True)
        return None, False

    def place(self, lineno: int, code: StampCode) -> tuple[int | None, bool] | None:
        """(UTC µs or None, tz assumed) of an event line, or None when the window drops it."""
        when, assumed = self._wall(code, lineno)
        if code[3] and when is not None and assumed:
            self.used_year += 1
        mono = code[2]
        if when is None and mono is not None and self.boot is not None:
            when = to_us(self.boot + timedelta(seconds=mono))
            assumed = self.boot_assumed
            self.used_boot += 1
        self.used_zone += assumed
        if when is None:
            self.no_time += 1
        elif self.since is not None and when < self.since:
            self.before += 1
            return None
        elif self.until is not None and when > self.until:
            self.after += 1
            return None
        return when, assumed

    def notes(self) -> list[str]:
        """What had to be assumed to place the file's times."""
        settings, near = self.settings, self.near
        notes: list[str] = []
        if self.used_zone:
            where = f"in {settings.tz} (--tz)" if settings.tz else "as UTC (no --tz given)"
            notes.append(f"zone-less times read {where}")
        if self.used_year:
            if settings.year is not None:
                notes.append(f"syslog year from --year {settings.year}")
            elif near is not None:
                notes.append(f"syslog lines carry no year: dated closest to {near.why} "
                             f"({near.time.date().isoformat()}; --year overrides)")
            else:
                notes.append("syslog lines carry no year: dated up to the file's modification "
                             "time (--year overrides)")
        before, after = self.before, self.after
        if before or after:
            notes.append(f"{before + after:,} event(s) outside --since/--until not kept "
                         f"({before:,} before, {after:,} after)")
        if self.used_boot:
            how = "lines carrying both a date and [seconds]" if self.boot_derived else "--boot-time"
            notes.append(f"dmesg [seconds] placed with the boot time from {how}")
        if self.no_time:
            notes.append(f"{self.no_time:,} event(s) without a usable time (raw dmesg needs "
                         "--boot-time)")
        return notes


def _join(parts: Sequence[Part]) -> Part:
    if len(parts) == 1:
        return parts[0]
    whole = Part(compression=parts[0].compression, fatal=parts[0].fatal)
    offset = 0
    for part in parts:
        whole.drafts.extend((n + offset, raw, det) for n, raw, det in part.drafts)
        part.drafts = []  # each draft is held once: dense logs have many
        whole.noyear.extend(part.noyear, offset)
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
    placer = Placer(part, settings, now, near)
    events: list[Event] = []
    share = _Shared()
    drafts, part.drafts = part.drafts, []
    drafts.reverse()
    while drafts:  # popped as they become events, so drafts and events never double up
        lineno, raw, det = drafts.pop()
        placed = placer.place(lineno, stamp_code(det.stamp, placer.zone))
        if placed is None:
            continue
        when = None if placed[0] is None else from_us(placed[0])
        events.append(_event(path, lineno, raw, det, when, placed[1], settings.host, share))
    return events, placer.notes()


@dataclass(frozen=True)
class YearAnchor:
    """A time that tells year-less syslog lines their year, and where it came from."""

    time: datetime
    why: str


def needs_year(parts: Sequence[Part]) -> bool:
    """Whether the file has year-less (syslog) stamps."""
    return any(len(p.noyear) for p in parts)


def assemble(
    path: str, parts: Sequence[Part], settings: FileSettings, *, now: datetime | None = None,
    near: YearAnchor | None = None,
) -> tuple[list[Event], SourceStatus]:
    """Events of one file from its parts, and the file's source status."""
    part = _join(parts)
    failed = failed_status(path, part)
    if failed is not None:
        return [], failed
    if now is None:
        now = file_mtime(path)
    events, notes = _place(path, part, settings, now, near)
    return events, file_status(path, part, len(events), notes)


def file_mtime(path: str) -> datetime:
    """What a file's year-less lines are dated up to without other evidence."""
    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
    except OSError:
        return datetime.now(UTC)


def failed_status(path: str, part: Part) -> SourceStatus | None:
    """The status of a file that gave nothing usable, else None."""
    if part.fatal is not None or (part.failure is not None and not part.lines):
        error = part.fatal or part.failure
        return SourceStatus(kind=SourceKind.LOG, location=path, state=SourceState.FAILED,
                            error=error, detail=None, lines=part.lines, events=0)
    return None


def file_status(path: str, part: Part, events: int, notes: list[str]) -> SourceStatus:
    """The source status of a file read (its events counted after the window)."""
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
    head = f"{part.lines:,} lines, {events:,} events"
    if part.compression:
        head = f"{part.compression}-compressed, {head}"
    return SourceStatus(
        kind=SourceKind.LOG, location=path,
        state=SourceState.PARTIAL if problems else SourceState.OK,
        error="; ".join(problems) or None, detail="; ".join([head, *notes]),
        lines=part.lines, events=events,
    )
