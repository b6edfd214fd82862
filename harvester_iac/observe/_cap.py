"""Which events a snapshot keeps under ``--max-events``, when the logs hold more.

The summaries are counted from every event first, so counts stay exact; only the list of
raw events is thinned. Each (host, kind) gets an equal share of the cap (a group smaller
than its share keeps everything and leaves the rest to the others), and a group's kept
events are spread evenly over its time order, its first and its last always among them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from harvester_iac.observe.logs._event import Event, EventKind

__all__ = ["cap_events", "cap_positions"]


def _shares(sizes: list[int], limit: int) -> list[int]:
    """Water-filling: equal shares of ``limit``, small groups keep all they have."""
    quota = [0] * len(sizes)
    open_groups = sorted(range(len(sizes)), key=lambda i: sizes[i])
    left = limit
    while open_groups and left > 0:
        share = left // len(open_groups)
        if share == 0:
            for i in open_groups[:left]:  # one more each for the first groups, by size
                quota[i] += 1
            break
        smallest = open_groups[0]
        if sizes[smallest] - quota[smallest] <= share:
            take = sizes[smallest] - quota[smallest]
            quota[smallest] += take
            left -= take
            open_groups.pop(0)
            continue
        for i in open_groups:
            quota[i] += share
        left -= share * len(open_groups)
    return quota


def _spread(n: int, k: int) -> list[int]:
    """``k`` positions of ``range(n)`` spread evenly, first and last included."""
    if k >= n:
        return list(range(n))
    if k == 1:
        return [n - 1]
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def cap_positions(groups_in_order: Iterable[tuple[str, EventKind]], limit: int) -> list[int]:
    """The positions kept of a list of events given by their (host or "", kind) groups,
    in order (the list is longer than ``limit``)."""
    if limit < 0:
        raise ValueError("limit must be >= 0")
    groups: dict[tuple[str, EventKind], list[int]] = defaultdict(list)
    for i, key in enumerate(groups_in_order):
        groups[key].append(i)
    keys = sorted(groups)
    quota = _shares([len(groups[k]) for k in keys], limit)
    kept: list[int] = []
    for key, q in zip(keys, quota, strict=True):
        members = groups[key]
        kept.extend(members[j] for j in _spread(len(members), q))
    kept.sort()
    return kept


def cap_events(events: Sequence[Event], limit: int) -> tuple[tuple[Event, ...], int]:
    """At most ``limit`` of ``events`` (kept in their order) and how many were dropped."""
    if limit < 0:
        raise ValueError("limit must be >= 0")
    if len(events) <= limit:
        return tuple(events), 0
    kept = cap_positions(((e.host or "", e.kind) for e in events), limit)
    return tuple(events[i] for i in kept), len(events) - len(kept)
