"""Scan log files and directories for storage and etcd events.

``scan_logs`` walks directories (sorted), reads every file in whatever envelope it is in
(gzip/bzip2/xz transparently), and returns the events in time order with one
``SourceStatus`` per file. A bad file (unreadable, binary, truncated archive) is a failed or
partial source, never an exception; only a path that does not exist raises. Large inputs
are scanned on ``jobs`` processes: one file, or one byte range of a big plain file, per task.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harvester_iac.core import LogFormatError, UsageError
from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus
from harvester_iac.observe.logs._clock import load_zone
from harvester_iac.observe.logs._event import Event
from harvester_iac.observe.logs._progress import ProgressBar
from harvester_iac.observe.logs._scan_file import (
    SPLIT_MIN_BYTES,
    FileSettings,
    Part,
    YearAnchor,
    assemble,
    needs_year,
    plan_ranges,
    prepare_worker,
    read_bytes,
    read_part,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["ScanOptions", "ScanResult", "scan_logs", "scan_text"]

#: Below this many bytes in total, starting processes costs more than it saves.
PARALLEL_MIN_BYTES = 32 << 20
_MIN_TIME = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class ScanOptions:
    """How to read log files.

    ``tz``: IANA zone for zone-less lines (None: UTC, and each source says so).
    ``host``: host for files whose lines carry none. ``year``: year of the first year-less
    syslog line (default: inferred from the file's modification time; New Year handled).
    ``boot_time``: places raw dmesg ``[seconds]`` (default: from lines that carry both).
    ``since``/``until``: UTC window; without them nothing is dropped for its time, and
    events without any time are never dropped. ``jobs``: files scanned in parallel
    processes. ``progress``: a progress bar on stderr.
    """

    tz: str | None = None
    host: str | None = None
    year: int | None = None
    boot_time: datetime | None = None
    since: datetime | None = None
    until: datetime | None = None
    jobs: int = 2
    progress: bool = False


@dataclass(frozen=True)
class ScanResult:
    """Events sorted by (time, file, line), and one source status per file read."""

    events: tuple[Event, ...]
    sources: tuple[SourceStatus, ...]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _settings(options: ScanOptions, chunk_size: int | None = None) -> FileSettings:
    load_zone(options.tz)  # a bad zone is a usage error before any file is read
    since, until = _utc(options.since), _utc(options.until)
    if since is not None and until is not None and since > until:
        raise UsageError("the time window is empty", where="--since/--until",
                         expected="--since before --until",
                         found=f"{since.isoformat()} > {until.isoformat()}")
    if options.jobs < 1:
        raise UsageError("jobs must be at least 1", where="--jobs", found=str(options.jobs))
    extra: dict[str, Any] = {} if chunk_size is None else {"chunk_size": chunk_size}
    return FileSettings(tz=options.tz, host=options.host, year=options.year,
                        boot_time=_utc(options.boot_time), since=since, until=until, **extra)


def _expand(paths: Sequence[Path]) -> tuple[list[str], list[SourceStatus]]:
    """Files to read (directories walked, sorted), and directories that could not be listed."""
    files: list[str] = []
    unlisted: list[SourceStatus] = []

    def failed(exc: OSError) -> None:
        unlisted.append(SourceStatus(kind=SourceKind.LOG, location=str(exc.filename),
                                     state=SourceState.FAILED,
                                     error=f"cannot list the directory: {exc.strerror or exc}"))

    for path in paths:
        name = os.fspath(path)
        if not os.path.lexists(name):
            raise LogFormatError("no such file or directory", file=name,
                                 expected="an existing log file or directory")
        if os.path.isdir(name):
            for root, dirs, names in os.walk(name, onerror=failed):
                dirs.sort()
                files.extend(os.path.join(root, n) for n in sorted(names))
        else:
            files.append(name)
    return list(dict.fromkeys(files)), unlisted


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


_COUNTER: Any = None


def _init_worker(counter: Any) -> None:
    global _COUNTER
    _COUNTER = counter


def _add_progress(nbytes: int) -> None:
    if _COUNTER is not None and nbytes:
        with _COUNTER.get_lock():
            _COUNTER.value += nbytes


def _worker(path: str, settings: FileSettings, start: int, end: int | None,
            spill: str | None) -> Part:
    return read_part(path, settings, start, end,
                     progress=_add_progress if _COUNTER is not None else None, spill=spill)


def _parallel(
    files: list[str], settings: FileSettings, jobs: int, bar: ProgressBar | None,
    split_min_bytes: int, spill_name: Callable[[], str] | None = None,
) -> list[list[Part]]:
    """Every file's parts, read by ``jobs`` processes; big plain files are split in ranges.

    With ``spill_name`` (the streamed scan) each range's detections go to a new file of
    that name instead of coming back in its ``Part``."""
    # imported here: a scan on one process (small inputs) starts without them
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    def spill() -> str | None:
        return spill_name() if spill_name is not None else None

    tasks = [(i, f, a, b, spill()) for i, f in enumerate(files)
             for a, b in plan_ranges(f, jobs, split_min_bytes)]
    prepare_worker(settings.engine)  # forked workers inherit the prefilter and numpy
    # fork: workers inherit the compiled prefilter and never re-import the caller's script
    # (spawn would, and fails for code run from stdin or without a __main__ guard).
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    counter = ctx.Value("q", 0) if bar is not None else None
    got: dict[tuple[int, int], Part] = {}

    def here(i: int, path: str, start: int, end: int | None, spilled: str | None) -> None:
        """Read a task in this process: no pickle round trip, one process fewer to start."""
        got[(i, start)] = read_part(path, settings, start, end, progress=count, spill=spilled)

    def count(nbytes: int) -> None:
        if counter is not None and bar is not None and nbytes:
            with counter.get_lock():
                counter.value += nbytes
            bar.update(int(counter.value))

    # The parent reads the first task itself and jobs - 1 workers the others. Tasks are
    # handed to the pool as it has room (one queued ahead per worker), so the parent, each
    # time it is free, takes the last task nobody has: with several files all keep busy.
    # (Not Future.cancel(): a pool broken by a dead worker then fails in its own thread.)
    first, queue = tasks[0], collections.deque(tasks[1:])
    workers = min(jobs - 1, len(queue))
    if not workers:
        here(*first)
        return _by_file(files, got)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                             initializer=_init_worker, initargs=(counter,)) as pool:
        pending: dict[Future[Part], tuple[int, str, int, int | None]] = {}

        broken = False

        def fill() -> None:
            nonlocal broken
            while queue and not broken and len(pending) < 2 * workers:
                i, f, a, b, s = queue[0]
                try:
                    pending[pool.submit(_worker, f, settings, a, b, s)] = (i, f, a, b)
                except BrokenProcessPool:  # a worker died: the rest is read here
                    broken = True
                else:
                    queue.popleft()

        def collect(done: Iterable[Future[Part]]) -> None:
            for fut in done:
                i, path, start, end = pending.pop(fut)
                try:
                    got[(i, start)] = fut.result()
                except (BrokenProcessPool, OSError, EOFError):
                    # a worker died (killed, out of memory): read its share here instead
                    # (into a new spill: the dead worker's may be half written)
                    got[(i, start)] = read_part(path, settings, start, end, spill=spill())

        fill()
        here(*first)
        while queue or pending:
            collect([fut for fut in pending if fut.done()])
            fill()
            if queue:
                here(*queue.pop())
                continue
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            collect(done)
            if bar is not None and counter is not None:
                bar.update(int(counter.value))
    return _by_file(files, got)


def _by_file(files: list[str], got: dict[tuple[int, int], Part]) -> list[list[Part]]:
    """Each file's parts in byte order."""
    parts: list[list[Part]] = [[] for _ in files]
    for key in sorted(got):
        parts[key[0]].append(got[key])
    return parts


def _finish(pairs: Sequence[tuple[list[Event], SourceStatus]]) -> ScanResult:
    events = [e for evs, _ in pairs for e in evs]
    events.sort(key=lambda e: (e.time or _MIN_TIME, e.file, e.line))
    return ScanResult(events=tuple(events), sources=tuple(s for _, s in pairs))


def scan_logs(paths: Sequence[Path], options: ScanOptions = ScanOptions()) -> ScanResult:
    """Scan log files and directories; see the module docstring for the rules."""
    return scan_paths(paths, options)


def scan_paths(
    paths: Sequence[Path], options: ScanOptions, *, chunk_size: int | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES, split_min_bytes: int = SPLIT_MIN_BYTES,
) -> ScanResult:
    """``scan_logs`` with block size and parallel thresholds exposed (tests, bench)."""
    settings = _settings(options, chunk_size)
    files, unlisted = _expand(paths)
    total = sum(_size(f) for f in files)
    bar = ProgressBar(total) if options.progress else None
    try:
        if options.jobs > 1 and files and total >= parallel_min_bytes:
            parts = _parallel(files, settings, options.jobs, bar, split_min_bytes)
        else:
            progress = bar.advance if bar is not None else None
            parts = [[read_part(f, settings, progress=progress)] for f in files]
    finally:
        if bar is not None:
            bar.close()
    # files with full dates first: their latest date gives year-less files their year
    # (assemble consumes a part's drafts, so each file is assembled once)
    dated = {i: assemble(f, p, settings) for i, (f, p) in enumerate(zip(files, parts, strict=True))
             if not needs_year(p)}
    near = _year_anchor(lambda: _latest(dated.values()), any(needs_year(p) for p in parts),
                       settings)
    pairs = [dated[i] if i in dated else assemble(f, p, settings, near=near)
             for i, (f, p) in enumerate(zip(files, parts, strict=True))]
    return _finish(pairs + [([], status) for status in unlisted])


def _latest(pairs: Iterable[tuple[list[Event], SourceStatus]]) -> datetime | None:
    return max((e.time for evs, _ in pairs for e in evs if e.time is not None), default=None)


def _year_anchor(latest: Callable[[], datetime | None], wanted: bool,
                settings: FileSettings) -> YearAnchor | None:
    """Where year-less syslog lines get their year when ``--year`` is not given.

    ``latest()``: the latest date in the files that carry full dates (other hosts'
    journals, etcd's JSON), asked for only when needed; else the ``--until``/``--since``
    window; ``None`` leaves it to each file's modification time, which a copy made a year
    later would get wrong.
    """
    if settings.year is not None or not wanted:
        return None
    dated = latest()
    if dated is not None:
        return YearAnchor(dated, "the latest date in the other files")
    if settings.until is not None:
        return YearAnchor(settings.until, "--until")
    if settings.since is not None:
        return YearAnchor(settings.since, "--since")
    return None


def scan_text(
    text: str | bytes, options: ScanOptions = ScanOptions(), *, name: str = "<text>",
    now: datetime | None = None,
) -> ScanResult:
    """Scan log text held in memory (tests, pasted excerpts); ``now`` anchors syslog years."""
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    settings = _settings(options)
    part = read_bytes(data, settings)
    return _finish([assemble(name, [part], settings, now=_utc(now) or datetime.now(UTC))])
