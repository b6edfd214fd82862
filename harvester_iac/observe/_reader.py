"""Streaming reader: whole files in fixed blocks, only candidate lines come out as bytes.

Memory stays flat whatever the file size: one reused 16 MiB block, the partial line carried
between blocks (at most ``MAX_LINE``), and the candidate lines. Lines are counted per block
with ``bytes.count`` so candidates keep their 1-based physical line numbers. Compressed files
(gzip, bzip2, xz) are recognized by their magic bytes, not their names.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from harvester_iac.observe._engine import Finder

__all__ = ["CHUNK_SIZE", "MAX_LINE", "LineReader", "NotALog", "ReadStats", "open_log"]

CHUNK_SIZE = 16 << 20
#: Lines longer than this are counted and skipped, never matched.
MAX_LINE = 1 << 20
_SAMPLE = 64 << 10
_SAMPLE_LINE = 4096
_TEXT = bytes(range(0x20, 0x7F)) + b"\t\n\r\x1b\x0c\x08" + bytes(range(0x80, 0x100))


class NotALog(Exception):
    """The file is not text in any envelope we read (binary, journal file, zstd)."""


@dataclass
class ReadStats:
    """What reading a file noticed besides candidate lines."""

    lines: int = 0
    nul_bytes: int = 0
    long_lines: int = 0
    compression: str | None = None
    samples: list[tuple[int, bytes]] = field(default_factory=list)


def open_log(path: Path) -> tuple[BinaryIO, BinaryIO, str | None]:
    """``(stream, raw_file, compression)``; raises ``NotALog`` or ``OSError``."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    try:
        head = raw.read(8)
        raw.seek(0)
        stream: BinaryIO
        if head.startswith(b"\x1f\x8b"):
            stream = gzip.GzipFile(fileobj=raw, mode="rb")
            return stream, raw, "gzip"
        if head.startswith(b"BZh"):
            stream = bz2.BZ2File(raw, mode="rb")
            return stream, raw, "bzip2"
        if head.startswith(b"\xfd7zXZ\x00"):
            stream = lzma.LZMAFile(raw, mode="rb")
            return stream, raw, "xz"
        if head.startswith(b"\x28\xb5\x2f\xfd"):
            raise NotALog("zstd-compressed; decompress it first (zstd -d)")
        if head.startswith(b"LPKSHHRH"):
            raise NotALog(
                "a binary systemd journal file; export it with journalctl -o json or -o short-iso"
            )
    except BaseException:
        raw.close()
        raise
    return raw, raw, None


def _binary_reason(sample: bytes) -> str | None:
    control = len(sample.translate(None, _TEXT))
    if control > max(2, len(sample) // 20):
        return f"binary data ({control} control bytes in the first {len(sample)} bytes)"
    return None


class LineReader:
    """Yields ``(line_number, line_bytes)`` for every line the prefilter selects."""

    def __init__(
        self,
        stream: BinaryIO,
        finder: Finder,
        *,
        chunk_size: int = CHUNK_SIZE,
        progress: Callable[[], None] | None = None,
    ) -> None:
        self._stream = stream
        self._finder = finder
        self._chunk = chunk_size
        self._progress = progress
        self.stats = ReadStats()
        self.last_line: tuple[int, bytes] | None = None
        self._lineno = 1

    @property
    def lines_read(self) -> int:
        """Complete lines read so far (the count when reading stops early)."""
        return self._lineno - 1

    def _fill(self, view: memoryview) -> int:
        total = 0
        while total < len(view):
            n = self._stream.readinto(view[total:])  # type: ignore[attr-defined]
            if not n:
                break
            total += n
        return total

    def _region(self, buf: bytes | bytearray, lo: int, hi: int) -> Iterator[tuple[int, bytes]]:
        """Candidates in ``buf[lo:hi]``, which holds whole lines only."""
        view = memoryview(buf)
        ends = self._finder.find(view[lo:hi])
        pos = lo
        line_end = -1
        for end in ends:
            inside = lo + end - 1
            if inside < line_end:
                continue
            start = buf.rfind(b"\n", lo, inside) + 1 or lo
            stop = buf.find(b"\n", inside, hi)
            if stop < 0:
                stop = hi
            self._lineno += buf.count(b"\n", pos, start)
            pos = start
            line_end = stop + 1
            if stop - start > MAX_LINE:
                self.stats.long_lines += 1
            else:
                yield self._lineno, bytes(view[start:stop])
        self._lineno += buf.count(b"\n", pos, hi)

    def _sample(self, buf: bytes | bytearray, lo: int, hi: int) -> None:
        first = buf.find(b"\n", lo, min(hi, lo + _SAMPLE_LINE))
        if first > lo:
            self.stats.samples.append((self._lineno, bytes(buf[lo:first])))
        last = buf.rfind(b"\n", lo, hi - 1) + 1 or lo
        if hi - 1 - last <= _SAMPLE_LINE:
            lineno = self._lineno + buf.count(b"\n", lo, last)
            self.last_line = (lineno, bytes(buf[last:hi - 1]))

    def candidates(self) -> Iterator[tuple[int, bytes]]:
        buf = bytearray(self._chunk)
        view = memoryview(buf)
        tail = b""
        skipping = False
        first = True
        while True:
            n = self._fill(view)
            if self._progress is not None:
                self._progress()
            if n == 0:
                break
            if first:
                first = False
                reason = _binary_reason(bytes(view[: min(n, _SAMPLE)]))
                if reason is not None:
                    raise NotALog(reason)
            if buf.find(b"\0", 0, n) >= 0:
                self.stats.nul_bytes += buf.count(b"\0", 0, n)
            pos = 0
            if tail or skipping:
                nl = buf.find(b"\n", 0, n)
                if nl < 0:
                    if not skipping:
                        tail += bytes(view[:n])
                        if len(tail) > MAX_LINE:
                            tail, skipping = b"", True
                    continue
                if skipping:
                    self.stats.long_lines += 1
                    self._lineno += 1
                    skipping = False
                else:
                    line = tail + bytes(view[:nl]) + b"\n"
                    if len(line) - 1 > MAX_LINE:
                        self.stats.long_lines += 1
                        self._lineno += 1
                    else:
                        yield from self._region(line, 0, len(line))
                tail = b""
                pos = nl + 1
            last = buf.rfind(b"\n", pos, n)
            if last < 0:
                tail = bytes(view[pos:n])
                if len(tail) > MAX_LINE:
                    tail, skipping = b"", True
                continue
            self._sample(buf, pos, last + 1)
            yield from self._region(buf, pos, last + 1)
            tail = bytes(view[last + 1:n])
            if len(tail) > MAX_LINE:
                tail, skipping = b"", True
        view.release()
        if skipping:
            self.stats.long_lines += 1
            self._lineno += 1
        elif tail:
            self.last_line = (self._lineno, tail[:_SAMPLE_LINE])
            yield from self._region(tail, 0, len(tail))
            self._lineno += 1
        self.stats.lines = self._lineno - 1
