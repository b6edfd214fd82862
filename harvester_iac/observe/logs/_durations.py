"""Go durations, as etcd writes them (``1.2s``, ``412.5ms``, ``600µs``, ``1m2.5s``)."""

from __future__ import annotations

from harvester_iac.observe.logs._regex import lazy_regex

__all__ = ["GO_DURATION", "parse_go_duration"]

#: A Go duration, as a regex fragment for the pattern rows (no groups, no blanks).
GO_DURATION = r"(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+"

_GO_DURATION = lazy_regex(rf"^(?:0|{GO_DURATION})$")


_SEEN: dict[str, float | None] = {}  # etcd repeats its durations ("100ms", "1s") line after line
_SEEN_MAX = 4096


def parse_go_duration(text: str | None) -> float | None:
    """Milliseconds in a Go duration (``1.2s``, ``412.5ms``, ``600µs``, ``1m2.5s``), else None."""
    if not text:
        return None
    try:
        return _SEEN[text]
    except KeyError:
        pass
    from harvester_iac.core import Duration  # once per distinct text (cached below)

    ms = Duration.parse(text).ms if _GO_DURATION.match(text.strip()) else None
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    _SEEN[text] = ms
    return ms
