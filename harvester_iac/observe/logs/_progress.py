"""A one-line progress bar on stderr for long scans (the CLI turns it on for a TTY).

It stays silent for the first half second, so quick scans print nothing, and it erases
itself when done so it never mixes with the command's own output.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressBar"]

_WIDTH = 30


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MiB"


class ProgressBar:
    """Bytes done out of ``total``, redrawn at most ten times a second."""

    def __init__(self, total: int, *, stream: TextIO | None = None, delay: float = 0.5) -> None:
        self._total = max(total, 1)
        self._stream = stream if stream is not None else sys.stderr
        self._start = time.monotonic()
        self._delay = delay
        self._last = 0.0
        self._drawn = False
        self.done = 0

    def advance(self, nbytes: int) -> None:
        self.update(self.done + nbytes)

    def update(self, done: int) -> None:
        self.done = min(done, self._total)
        now = time.monotonic()
        if now - self._start < self._delay or now - self._last < 0.1:
            return
        self._last = now
        frac = self.done / self._total
        filled = int(frac * _WIDTH)
        rate = self.done / max(now - self._start, 1e-9)
        line = (f"\rscanning [{'#' * filled}{'.' * (_WIDTH - filled)}] {frac:4.0%} "
                f"{_mib(self.done)} of {_mib(self._total)} ({_mib(int(rate))}/s)")
        self._stream.write(line)
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False
