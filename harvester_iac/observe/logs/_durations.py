"""Go durations, as etcd writes them (``1.2s``, ``412.5ms``, ``600µs``, ``1m2.5s``)."""

from __future__ import annotations

import re

__all__ = ["GO_DURATION", "parse_go_duration"]

#: A Go duration, as a regex fragment for the pattern rows (no groups).
GO_DURATION = r"(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+"

_GO_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)")
_GO_DURATION = re.compile(rf"^{GO_DURATION}$")
_UNIT_MS = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "μs": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}


def parse_go_duration(text: str | None) -> float | None:
    """Milliseconds in a Go duration (``1.2s``, ``412.5ms``, ``600µs``, ``1m2.5s``), else None."""
    if not text:
        return None
    text = text.strip()
    if text in ("0", "0s"):
        return 0.0
    if not _GO_DURATION.match(text):
        return None
    total = sum(float(n) * _UNIT_MS[u] for n, u in _GO_DURATION_PART.findall(text))
    return round(total, 6)
