"""The sorted nearest-event search of HIAC-ETCD-002 against the plain all-pairs comparison.

Times are drawn on a whole-minute grid from a seeded generator, so equal times, equal
distances on both sides and distances exactly at the window edge all occur.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from harvester_iac.observe import Event, EventKind
from harvester_iac.policy._nearest import NearestEvent

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _event(i: int, minute: int | None) -> Event:
    return Event(time=None if minute is None else T0 + timedelta(minutes=minute), host="hv-1",
                 source="iscsid", kind=EventKind.NOP_TIMEOUT, file="iscsid.log", line=i,
                 raw=f"line {i}")


def _all_pairs(events: list[Event], t: datetime, window: timedelta) -> Event | None:
    near = [e for e in events if e.time is not None and abs(e.time - t) <= window]
    return min(near, key=lambda e: abs(e.time - t)) if near else None  # type: ignore[operator]


@pytest.mark.parametrize("seed", range(40))
def test_matches_the_all_pairs_comparison(seed: int) -> None:
    rng = random.Random(seed)
    span = rng.choice([10, 60, 400])
    events = [_event(i, None if rng.random() < 0.1 else rng.randrange(span))
              for i in range(rng.randrange(0, 80))]
    index = NearestEvent(events)
    for minutes in (0, 1, 5, 30):
        window = timedelta(minutes=minutes)
        for m in range(-40, span + 40):
            t = T0 + timedelta(minutes=m)
            assert index.near(t, window) is _all_pairs(events, t, window), (seed, minutes, m)


def test_window_edge_is_inside_and_ties_go_to_the_first_given() -> None:
    later, earlier, twin = _event(1, 15), _event(2, 5), _event(3, 5)
    index = NearestEvent([later, earlier, twin])
    t = T0 + timedelta(minutes=10)
    assert index.near(t, timedelta(minutes=5)) is later  # both exactly at the edge: first given
    assert index.near(t, timedelta(minutes=4, seconds=59)) is None
    assert index.near(T0 + timedelta(minutes=4), timedelta(minutes=1)) is earlier  # not its twin
    assert NearestEvent([]).near(t, timedelta(days=1)) is None
