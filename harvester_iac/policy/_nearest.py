"""The event nearest a moment, within a window, by sorted search.

HIAC-ETCD-002 asks, for every etcd stall, which storage event of the host is closest to it
within the coincidence window. Comparing every stall with every event is quadratic (20k
log lines took ~22 s); :class:`NearestEvent` sorts the host's event times once and bisects
per stall, with the same answer as ``min(near, key=distance)`` over the events in their
given order: the smallest distance, ties to the event that comes first.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harvester_iac.observe import Event

__all__ = ["NearestEvent"]


class NearestEvent:
    """Timed events sorted once; :meth:`near` finds the closest to a moment within a window."""

    def __init__(self, events: Iterable[Event]) -> None:
        first: dict[datetime, Event] = {}  # per distinct time, the event that comes first
        order: dict[datetime, int] = {}
        for i, e in enumerate(events):
            if e.time is not None and e.time not in first:
                first[e.time] = e
                order[e.time] = i
        self._times = sorted(first)
        self._first = [first[t] for t in self._times]
        self._order = [order[t] for t in self._times]

    def near(self, t: datetime, window: timedelta) -> Event | None:
        """The event closest to ``t`` with ``|time - t| <= window`` (ties: the earliest given)."""
        k = bisect_left(self._times, t)
        best: tuple[timedelta, int, Event] | None = None
        # the closest time at or after t, and the closest before it: the only candidates
        for j in (k, k - 1):
            if 0 <= j < len(self._times):
                d = abs(self._times[j] - t)
                if d <= window and (best is None or (d, self._order[j]) < best[:2]):
                    best = (d, self._order[j], self._first[j])
        return best[2] if best is not None else None
