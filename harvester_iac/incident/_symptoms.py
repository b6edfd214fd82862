"""etcd symptoms per master, grouped into bursts, and their lag windows around episodes."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from harvester_iac.incident._episodes import cite, count_kinds
from harvester_iac.incident._masters import MasterIndex
from harvester_iac.incident._model import Episode, SymptomGroup
from harvester_iac.observe import ETCD_KINDS, Event

__all__ = ["DEFAULT_LAG", "SYMPTOM_GAP", "EpisodeIndex", "SymptomIndex", "in_lag", "symptom_groups"]

#: How far before an episode starts and after it ends an etcd warning is blamed on it. The
#: seed incident's masters warned 5 minutes before the target shutdowns (I/O hung before
#: iscsid gave up) and 3 minutes after the sessions came back (publish retries).
DEFAULT_LAG = timedelta(minutes=10)
#: etcd warnings of one master no further apart than this are one burst.
SYMPTOM_GAP = timedelta(minutes=1)


def symptom_groups(events: Iterable[Event], masters: MasterIndex) -> tuple[SymptomGroup, ...]:
    """Bursts of etcd warnings per master, in time order."""
    by_master: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.kind in ETCD_KINDS and e.time is not None:
            name = masters.resolve(e.host) or e.host or "(no host)"
            by_master[name].append(e)
    groups: list[SymptomGroup] = []
    for name, evs in by_master.items():
        evs.sort(key=lambda e: (e.time, e.file, e.line))
        bursts: list[list[Event]] = []
        for e in evs:
            if bursts and _t(e) - _t(bursts[-1][-1]) <= SYMPTOM_GAP:
                bursts[-1].append(e)
            else:
                bursts.append([e])
        for burst in bursts:
            took = [x.took_ms for x in burst if x.took_ms is not None]
            groups.append(SymptomGroup(master=name, start=_t(burst[0]), end=_t(burst[-1]),
                                       kinds=count_kinds(burst), first=cite(burst[0]),
                                       max_took_ms=max(took) if took else None))
    groups.sort(key=lambda g: (g.start, g.master))
    return tuple(groups)


def _t(event: Event) -> datetime:
    assert event.time is not None
    return event.time


def in_lag(group: SymptomGroup, episode: Episode, lag: timedelta) -> bool:
    """Whether the burst overlaps ``[episode start - lag, episode end + lag]``."""
    return group.end >= episode.start - lag and group.start <= episode.end + lag


class SymptomIndex:
    """Each master's bursts sorted by time, to find those in an episode's lag window fast.

    One master's bursts never overlap (they are split by gaps), so their starts and ends
    are both sorted and two binary searches bound the window.
    """

    def __init__(self, groups: Iterable[SymptomGroup]) -> None:
        self._by: dict[str, list[SymptomGroup]] = defaultdict(list)
        for g in groups:
            self._by[g.master].append(g)
        for gs in self._by.values():
            gs.sort(key=lambda g: g.start)
        self._starts = {m: [g.start for g in gs] for m, gs in self._by.items()}
        self._ends = {m: [g.end for g in gs] for m, gs in self._by.items()}

    def near(self, master: str, episode: Episode, lag: timedelta) -> list[SymptomGroup]:
        """The master's bursts overlapping ``[episode start - lag, episode end + lag]``."""
        if master not in self._by:
            return []
        lo = bisect_left(self._ends[master], episode.start - lag)
        hi = bisect_right(self._starts[master], episode.end + lag)
        return self._by[master][lo:hi]


class EpisodeIndex:
    """Episodes sorted by start, to find those whose lag window a burst overlaps."""

    def __init__(self, episodes: Iterable[Episode]) -> None:
        self._eps = sorted(episodes, key=lambda ep: ep.start)
        self._starts = [ep.start for ep in self._eps]
        self._longest = max((ep.end - ep.start for ep in self._eps), default=timedelta(0))

    def near(self, group: SymptomGroup, lag: timedelta) -> list[Episode]:
        lo = bisect_left(self._starts, group.start - lag - self._longest)
        hi = bisect_right(self._starts, group.end + lag)
        return [ep for ep in self._eps[lo:hi] if in_lag(group, ep, lag)]
