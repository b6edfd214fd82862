"""The streamed scan behind ``observe``: events on disk, plain arrays in memory.

``scan_logs`` returns every event as an object, and the snapshot then copies them for the
host attribution and the volume join: on dense logs (hundreds of thousands of event
lines) that is gigabytes. Here the scan workers spill their detections to files in a
private temporary directory (``_spill``); the parent keeps per event only numbers (its
record, file, line, UTC µs, host, kind, repeat) and does what needs the whole file or
every file on those: syslog years and boot times (``Placer``, the same code as
``scan_logs``), the window, the year anchor, the host of host-less files, the session
bindings of the join (only session up/shutdown events are built for them). The summaries
are counted in one pass over the records, the snapshot's order and ``--max-events`` cap
are computed on the arrays, and the events listed are rebuilt from their records only
when the snapshot writer asks for them (``SpilledEvents``). Every event, summary and
source status is the same as the in-memory path gives (``tests/observe/test_streamed.py``).
"""

from __future__ import annotations

import itertools
import os
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from harvester_iac.observe._source import SourceKind, SourceStatus
from harvester_iac.observe.logs._event import Event
from harvester_iac.observe.logs._progress import ProgressBar
from harvester_iac.observe.logs._scan import (
    PARALLEL_MIN_BYTES,
    ScanOptions,
    _expand,
    _parallel,
    _settings,
    _size,
    _year_anchor,
)
from harvester_iac.observe.logs._scan_file import (
    FileSettings,
    Part,
    Placer,
    YearAnchor,
    _join,
    failed_status,
    file_mtime,
    file_status,
    from_us,
    needs_year,
    read_part,
    to_us,
)
from harvester_iac.observe.logs._spill import KINDS, Spill, event_of

if TYPE_CHECKING:

    from harvester_iac.model._identity import HostMatcher
    from harvester_iac.observe._iscsiadm import SessionMap
    from harvester_iac.observe._join import Joiner
    from harvester_iac.observe._summary import Summaries, SummaryBuilder
    from harvester_iac.observe.longhorn._objects import LonghornState

__all__ = ["SpilledEvents", "StreamedScan", "scan_streamed"]

#: ``scan_logs``'s threshold (a module attribute, so tests can lower it).
_PARALLEL_MIN_BYTES = PARALLEL_MIN_BYTES


def _read_all(files: list[str], settings: FileSettings, jobs: int, bar: ProgressBar | None,
              tmp: str, parallel_min_bytes: int, split_min_bytes: int) -> list[list[Part]]:
    """Every file's parts, their detections spilled into ``tmp`` (one file per part)."""
    names = iter(range(1 << 62))

    def spill_name() -> str:
        return os.path.join(tmp, f"{next(names)}.spill")

    if jobs < 2 or not files or sum(_size(f) for f in files) < parallel_min_bytes:
        progress = bar.advance if bar is not None else None
        return [[read_part(f, settings, progress=progress, spill=spill_name())] for f in files]
    return _parallel(files, settings, jobs, bar, split_min_bytes, spill_name)


class StreamedScan:
    """The events of a scan as arrays over spill files (see the module docstring)."""

    def __init__(self, files: list[str], settings: FileSettings, tmp: str, jobs: int = 1) -> None:
        self.tmp = tmp
        self.jobs = max(jobs, 1)
        self.files = files
        self.settings = settings
        self.spills: list[Spill] = []
        self.hosts: list[str] = []
        self._host_ids: dict[str, int] = {}
        self.spill_of = array("l")
        self.record = array("l")
        self.file = array("l")
        self.line = array("q")
        self.time = array("q")
        self.timed = array("b")
        self.assumed = array("b")
        self.kind = array("b")
        self.host = array("l")
        self.repeat = array("l")
        self.ranges: dict[int, tuple[int, int]] = {}  # file -> its events' index range
        self.sources: tuple[SourceStatus, ...] = ()
        self.named_of: dict[str, set[str]] = {}
        self.joiners: list[Joiner] = []
        self._fds: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.line)

    def host_id(self, name: str | None) -> int:
        if name is None:
            return -1
        found = self._host_ids.get(name)
        if found is None:
            found = self._host_ids[name] = len(self.hosts)
            self.hosts.append(name)
        return found

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    # -- reading: placement per file ------------------------------------------------

    def _add_file(self, index: int, parts: list[Part], near: YearAnchor | None) -> SourceStatus:
        path = self.files[index]
        whole = _join(parts)
        failed = failed_status(path, whole)
        if failed is not None:
            self.ranges[index] = (len(self), len(self))
            return failed
        placer = Placer(whole, self.settings, file_mtime(path), near)
        lo = len(self)
        offset = 0
        default = self.settings.host
        for part in parts:
            spill = part.spill
            assert spill is not None
            k = len(self.spills)
            self.spills.append(spill)
            host_ids = [self.host_id(h) for h in spill.hosts]
            none_host = self.host_id(default)
            place, code = placer.place, spill.code
            lines = spill.lines
            keep: list[int] = []
            times: list[int] = []
            timed: list[bool] = []
            assumed: list[bool] = []
            for j in range(len(spill)):
                placed = place(lines[j] + offset, code(j))
                if placed is not None:
                    keep.append(j)
                    when = placed[0]
                    times.append(0 if when is None else when)
                    timed.append(when is not None)
                    assumed.append(placed[1])
            every = len(keep) == len(spill)
            m = len(keep)
            self.spill_of.extend([k] * m)
            self.record.extend(keep)
            self.file.extend([index] * m)
            self.line.extend(lines[j] + offset for j in keep)
            self.time.extend(times)
            self.timed.extend(timed)
            self.assumed.extend(assumed)
            self.kind.extend(spill.kind if every else (spill.kind[j] for j in keep))
            self.repeat.extend(spill.repeat if every else (spill.repeat[j] for j in keep))
            hosts = spill.host
            host_ids.append(none_host)  # index -1: the lines that name no host
            self.host.extend(host_ids[hosts[j]] for j in keep)
            del keep, times, timed, assumed
            spill.drop_index()
            offset += part.lines
        self.ranges[index] = (lo, len(self))
        return file_status(path, whole, len(self) - lo, placer.notes())

    def _latest(self, files: Sequence[int]) -> datetime | None:
        latest: int | None = None
        for i in files:
            lo, hi = self.ranges[i]
            for k in range(lo, hi):
                if self.timed[k] and (latest is None or self.time[k] > latest):
                    latest = self.time[k]
        return None if latest is None else from_us(latest)

    # -- events back from the spill ---------------------------------------------------

    def _fd(self, k: int) -> int:
        fd = self._fds.get(k)
        if fd is None:
            fd = self._fds[k] = os.open(self.spills[k].path, os.O_RDONLY)
        return fd

    def raw_event(self, i: int) -> Event:
        """Event ``i`` as the scan gives it (host attributed, not yet joined)."""
        k = self.spill_of[i]
        record = self.spills[k].record(self._fd(k), self.record[i])
        h = self.host[i]
        return event_of(record, KINDS[self.kind[i]], self.files[self.file[i]], self.line[i],
                        from_us(self.time[i]) if self.timed[i] else None, bool(self.assumed[i]),
                        self.hosts[h] if h >= 0 else None)

    def event(self, i: int) -> Event:
        """Event ``i`` as the snapshot lists it (joined to its volume)."""
        e = self.raw_event(i)
        for join in self.joiners:
            e = join(e)
        return e

    # -- what observe does after the scan ---------------------------------------------

    def attribute(self, sources: Sequence[SourceStatus], *, by_path: Sequence[tuple[str, str]] = (),
                  default: str | None = None, roots: Sequence[str] = (),
                  maps: Sequence[SessionMap] = (), matcher: HostMatcher | None = None,
                  ) -> tuple[SourceStatus, ...]:
        """``attribute_hosts`` on the arrays: the events' hosts are set, the sources returned."""
        from harvester_iac.observe._hosts import decide_host, host_sources

        index = {f: i for i, f in enumerate(self.files)}
        decided: dict[str, tuple[str, str]] = {}
        hostless_files: set[str] = set()
        for f, i in index.items():
            lo, hi = self.ranges.get(i, (0, 0))
            if any(self.host[k] < 0 for k in range(lo, hi)):
                hostless_files.add(f)

        def hostless(i: int) -> Iterator[Event]:
            lo, hi = self.ranges.get(i, (0, 0))
            return (self.raw_event(k) for k in range(lo, hi) if self.host[k] < 0)

        for s in sources:
            if s.kind is not SourceKind.LOG:
                continue
            i = index.get(s.location, -1)
            found = decide_host(s.location, lambda i=i: hostless(i) if i >= 0 else iter(()),  # type: ignore[misc]
                                by_path=by_path, default=default, roots=roots, maps=maps,
                                matcher=matcher)
            if found is not None:
                decided[s.location] = found
        named: dict[str, set[str]] = defaultdict(set)
        for f, i in index.items():
            lo, hi = self.ranges.get(i, (0, 0))
            to = self.host_id(decided[f][0]) if f in decided else -1
            for k in range(lo, hi):
                if self.host[k] < 0:
                    self.host[k] = to
            named[f] = {self.hosts[h] for h in set(self.host[lo:hi]) if h >= 0 and self.hosts[h]}
        self.named_of = {f: hs for f, hs in named.items() if hs}
        return host_sources(sources, decided, self.named_of, hostless_files)

    def join(self, maps: Sequence[SessionMap]) -> None:
        """``join_volumes`` once per listing (or once without): the bindings come from the
        session up/shutdown events, joined by the listings before."""
        from harvester_iac.observe._join import BINDING_KINDS, Joiner

        codes = {KINDS.index(k) for k in BINDING_KINDS}
        binders = [self.raw_event(i) for i in range(len(self)) if self.kind[i] in codes]
        self.joiners = []
        listings: list[SessionMap | None] = [*maps] or [None]
        for m in listings:
            join = Joiner(binders, m)
            self.joiners.append(join)
            binders = [join(e) for e in binders]

    def _events(self, lo: int, hi: int) -> Iterator[Event]:
        """Events ``lo:hi`` in index order, not yet joined: their records read sequentially."""
        last_us, last_time = 0, None
        kinds, files, hosts = KINDS, self.files, self.hosts
        i = lo
        while i < hi:
            k = self.spill_of[i]
            end = min(hi, bisect_right(self.spill_of, k, i))
            records = self.spills[k].records(self.record[i])
            at = self.record[i]
            for i in range(i, end):  # noqa: B020
                j = self.record[i]
                while at < j:
                    next(records)
                    at += 1
                record = next(records)
                at += 1
                time = None
                if self.timed[i]:
                    us = self.time[i]
                    if us != last_us or last_time is None:
                        last_us, last_time = us, from_us(us)
                    time = last_time
                h = self.host[i]
                yield event_of(record, kinds[self.kind[i]], files[self.file[i]], self.line[i],
                               time, bool(self.assumed[i]), hosts[h] if h >= 0 else None)
            records.close()
            i = end

    def finish(self, listed: Sequence[int], longhorn: LonghornState | None,
               encode: Callable[[Event], str]) -> Summaries:
        """One pass over every event: the summaries counted, and the ``listed`` events
        encoded (``encode``) into spill files of their own, for ``lines``. The pass is
        split over ``jobs`` forked processes, which inherit this scan."""
        wanted = bytearray(len(self))
        for i in listed:
            wanted[i] = 1
        n, jobs = len(self), self.jobs
        cuts = [n * c // jobs for c in range(jobs + 1)] if n >= _PARALLEL_MIN_EVENTS else [0, n]
        chunks = list(itertools.pairwise(cuts))
        self._chunk_starts = array("q", cuts[:-1])
        paths = [os.path.join(self.tmp, f"events-{c}.json") for c in range(len(chunks))]
        results = _run_chunks(self, wanted, encode, chunks, paths)
        builder = results[0][0]
        self._text_at = array("q")
        self._text_len = array("l")
        self._text_paths = paths
        for b, at, length in results:
            if b is not builder:
                builder.merge(b)
            self._text_at.extend(at)
            self._text_len.extend(length)
        return builder.build(longhorn)

    def encode_chunk(self, wanted: bytearray, encode: Callable[[Event], str], lo: int, hi: int,
                     path: str) -> tuple[SummaryBuilder, array[int], array[int]]:
        from harvester_iac.observe._summary import SummaryBuilder

        builder = SummaryBuilder()
        text_at = array("q", bytes(8 * (hi - lo)))
        text_len = array("l", bytes(array("l").itemsize * (hi - lo)))
        pos = 0
        joiners = self.joiners
        last = joiners[-1] if joiners else None
        with open(path, "wb", buffering=1 << 20) as out:
            for i, e in enumerate(self._events(lo, hi), lo):
                for join in joiners[:-1]:
                    e = join(e)
                if not wanted[i] and last is not None:
                    # counted, not listed: the join's changes are enough, no joined copy
                    c: dict[str, Any] = last.changes(e)
                    get = c.get
                    builder.count(e.host, e.kind, get("disk", e.disk), get("device", e.device),
                                  get("volume", e.volume), get("iqn", e.iqn), e.repeat, e.time,
                                  e.took_ms)
                    continue
                if last is not None:
                    e = last(e)
                builder.add(e)
                if wanted[i]:
                    data = encode(e).encode("utf-8")
                    out.write(data)
                    text_at[i - lo] = pos
                    text_len[i - lo] = len(data)
                    pos += len(data)
        return builder, text_at, text_len

    def lines(self, listed: Sequence[int]) -> Iterator[str]:
        """The encoded events ``listed`` (after ``finish``), in that order."""
        fds = [os.open(p, os.O_RDONLY) for p in self._text_paths]
        starts = self._chunk_starts
        try:
            for i in listed:
                fd = fds[bisect_right(starts, i) - 1]
                yield os.pread(fd, self._text_len[i], self._text_at[i]).decode("utf-8")
        finally:
            for fd in fds:
                os.close(fd)

    def order(self, collected_at: datetime) -> list[int]:
        """Event indices in the snapshot's order: (no time last, time, host, file, line)."""
        n = len(self)
        if not n:
            return []
        at = to_us(collected_at)
        times = [t if ok else at for t, ok in zip(self.time, self.timed, strict=True)]
        low, high = min(times), max(times)
        names = sorted({h or "" for h in self.hosts} | {""})
        host_rank = {i: names.index(h or "") for i, h in enumerate(self.hosts)}
        host_rank[-1] = names.index("")
        file_rank = {i: r for r, i in enumerate(sorted(range(len(self.files)),
                                                        key=self.files.__getitem__))}
        span_t, span_h, span_f = high - low + 1, len(names), max(len(self.files), 1)
        span_l = max(self.line) + 1
        keys = [
            (((((1 - ok) * span_t + t - low) * span_h + host_rank[h]) * span_f + file_rank[f])
             * span_l + ln)
            for ok, t, h, f, ln in zip(self.timed, times, self.host, self.file, self.line,
                                       strict=True)
        ]
        del times
        return sorted(range(n), key=keys.__getitem__)

    def host_kind(self, i: int) -> tuple[str, Any]:
        h = self.host[i]
        return (self.hosts[h] if h >= 0 else "") or "", KINDS[self.kind[i]]


#: Below this many events the summary pass runs in this process.
_PARALLEL_MIN_EVENTS = 50_000
_FINISH: list[Any] = []  # what the forked summary workers inherit


def _chunk_worker(c: int) -> tuple[SummaryBuilder, array[int], array[int]]:
    scan, wanted, encode, chunks, paths = _FINISH[0]
    lo, hi = chunks[c]
    result: tuple[SummaryBuilder, array[int], array[int]] = scan.encode_chunk(
        wanted, encode, lo, hi, paths[c])
    return result


def _run_chunks(scan: StreamedScan, wanted: bytearray, encode: Callable[[Event], str],
                chunks: list[tuple[int, int]], paths: list[str],
                ) -> list[tuple[SummaryBuilder, array[int], array[int]]]:
    alone = len(chunks) < 2
    if not alone:
        import multiprocessing  # ~8 ms: only when there is work for a second process

        alone = "fork" not in multiprocessing.get_all_start_methods()
    if alone:
        return [scan.encode_chunk(wanted, encode, lo, hi, p)
                for (lo, hi), p in zip(chunks, paths, strict=True)]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    scan.close()  # each process opens the spill files it reads
    _FINISH[:] = [(scan, wanted, encode, chunks, paths)]
    try:
        with ProcessPoolExecutor(max_workers=len(chunks),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_chunk_worker, range(len(chunks))))
    except (BrokenProcessPool, OSError, EOFError):  # a worker died: do it here
        return [scan.encode_chunk(wanted, encode, lo, hi, p)
                for (lo, hi), p in zip(chunks, paths, strict=True)]
    finally:
        _FINISH.clear()


def scan_streamed(paths: Sequence[Path], options: ScanOptions, tmp: str, *,
                  parallel_min_bytes: int | None = None,
                  split_min_bytes: int | None = None) -> StreamedScan:
    """Scan like ``scan_logs``, the detections spilled into directory ``tmp``."""
    from harvester_iac.observe.logs import _scan_file

    if parallel_min_bytes is None:
        parallel_min_bytes = _PARALLEL_MIN_BYTES
    if split_min_bytes is None:
        split_min_bytes = _scan_file.SPLIT_MIN_BYTES
    settings = _settings(options)
    files, unlisted = _expand(paths)
    bar = ProgressBar(sum(_size(f) for f in files)) if options.progress else None
    try:
        parts = _read_all(files, settings, options.jobs, bar, tmp, parallel_min_bytes,
                          split_min_bytes)
    finally:
        if bar is not None:
            bar.close()
    scan = StreamedScan(files, settings, tmp, options.jobs)
    statuses: dict[int, SourceStatus] = {}
    dated = [i for i, p in enumerate(parts) if not needs_year(p)]
    for i in dated:
        statuses[i] = scan._add_file(i, parts[i], None)
    rest = [i for i in range(len(files)) if i not in statuses]
    near = _year_anchor(lambda: scan._latest(dated), bool(rest), settings)
    for i in rest:
        statuses[i] = scan._add_file(i, parts[i], near)
    scan.sources = tuple(statuses[i] for i in range(len(files))) + tuple(unlisted)
    return scan


class SpilledEvents(Sequence[Event]):
    """The events a snapshot lists, in its order, rebuilt from the spill when read."""

    def __init__(self, scan: StreamedScan, listed: Sequence[int]) -> None:
        self._scan = scan
        self._listed = array("l", listed)

    def __len__(self) -> int:
        return len(self._listed)

    @overload
    def __getitem__(self, i: int) -> Event: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Event]: ...

    def __getitem__(self, i: int | slice) -> Event | Sequence[Event]:
        if isinstance(i, slice):
            return [self._scan.event(k) for k in self._listed[i]]
        return self._scan.event(self._listed[i])

    def __iter__(self) -> Iterator[Event]:
        event = self._scan.event
        return (event(k) for k in self._listed)

    def lines(self) -> Iterator[str]:
        """The events as their lines of the snapshot (encoded in ``StreamedScan.finish``)."""
        return self._scan.lines(self._listed)

    def totals(self) -> tuple[int, datetime | None, datetime | None]:
        """Occurrences, first and last time of the listed events (from the arrays)."""
        scan = self._scan
        occurrences = sum(scan.repeat[k] for k in self._listed)
        times = [scan.time[k] for k in self._listed if scan.timed[k]]
        if not times:
            return occurrences, None, None
        return occurrences, from_us(min(times)), from_us(max(times))
