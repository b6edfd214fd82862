"""Storage episodes: bursts of iSCSI/SCSI/block trouble per host, split where the log goes quiet.

A host can have two bursts in one incident (the seed: a NOP flap that recovered at 15:10,
then target shutdowns at 16:52); a gap longer than ``gap`` between two trouble lines of
one host starts a new episode. Recovery lines (``operational after recovery``,
``operational now``) never start one, but the last of them within the gap after an
episode is its recovery time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta

from harvester_iac.incident._model import Cite, Episode, KindCount, Phase, SourceBurst
from harvester_iac.observe import STORAGE_KINDS, Event, EventKind, base_disk

__all__ = ["DEFAULT_GAP", "UNKNOWN_HOST", "cite", "count_kinds", "find_episodes", "named_session"]

#: Quiet time on one host that ends an episode.
DEFAULT_GAP = timedelta(minutes=5)
#: Lane of storage lines whose file names no host (dmesg, bare kernel logs).
UNKNOWN_HOST = "(no host)"

_RECOVERY = frozenset({EventKind.SESSION_RECOVERED, EventKind.SESSION_UP})
_CONNECTION_KINDS = frozenset({EventKind.NOP_TIMEOUT, EventKind.CONN_ERROR})


def cite(event: Event) -> Cite:
    """The event's file:line and raw line."""
    return Cite(file=event.file, line=event.line, text=event.raw.rstrip("\n"))


_RANK = {k: i for i, k in enumerate(EventKind)}


def count_kinds(events: Iterable[Event]) -> tuple[KindCount, ...]:
    """Occurrences per kind (``repeat`` counted), in :class:`EventKind` order."""
    counts: dict[EventKind, int] = defaultdict(int)
    for e in events:
        counts[e.kind] += e.repeat
    return tuple(KindCount(k.value, n) for k, n in sorted(counts.items(), key=lambda kv: _RANK[kv[0]]))


def named_session(event: Event) -> str | None:
    """The iSCSI session id the line itself names (not one joined from a listing)."""
    if event.connection:
        sid = event.connection.split(":", 1)[0]
        return sid if sid.isdigit() else None
    joined = dict(event.extra).get("joined_by", "")
    if event.session and event.session.isdigit() and not joined.startswith("device"):
        return event.session
    return None


def _phase(events: Sequence[Event], recoveries: Sequence[Event]) -> Phase:
    kinds = {e.kind for e in events}
    if EventKind.TARGET_SHUTDOWN in kinds:
        return Phase.TARGET_SHUTDOWN
    if kinds & _CONNECTION_KINDS:
        broken = {s for e in events if e.kind in _CONNECTION_KINDS if (s := named_session(e))}
        healed = {s for e in recoveries if (s := named_session(e))}
        only_links = kinds <= _CONNECTION_KINDS
        if broken and broken <= healed and only_links:
            return Phase.NOP_FLAP_RECOVERED
        return Phase.CONNECTION_LOSS if only_links or EventKind.SESSION_TIMEOUT in kinds else Phase.IO_ERRORS
    if EventKind.SESSION_TIMEOUT in kinds:
        return Phase.CONNECTION_LOSS
    if kinds == {EventKind.LOGIN_ERROR}:
        return Phase.LOGIN_FAILURES
    return Phase.IO_ERRORS


def _split(events: Sequence[Event], gap: timedelta) -> list[list[Event]]:
    bursts: list[list[Event]] = []
    for e in events:
        assert e.time is not None
        if bursts and bursts[-1][-1].time is not None and e.time - bursts[-1][-1].time <= gap:
            bursts[-1].append(e)
        else:
            bursts.append([e])
    return bursts


def _host(event: Event) -> str:
    return event.host or UNKNOWN_HOST


def find_episodes(
    events: Iterable[Event], *, gap: timedelta = DEFAULT_GAP,
    map_disks: dict[tuple[str, str], tuple[str, ...]] | None = None,
) -> tuple[Episode, ...]:
    """Storage episodes of every host, in time order.

    ``map_disks`` gives, per ``(host, volume)``, the whole disks an iscsiadm listing shows
    for that volume's target; they join the episode's ``devices`` when its lines name the
    session or target but no disk.
    """
    trouble: dict[str, list[Event]] = defaultdict(list)
    recover: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.time is None:
            continue
        if e.kind in STORAGE_KINDS:
            trouble[_host(e)].append(e)
        elif e.kind in _RECOVERY:
            recover[_host(e)].append(e)
    found: list[Episode] = []
    for host, evs in trouble.items():
        evs.sort(key=lambda e: (e.time, e.file, e.line))
        healed = sorted(recover.get(host, ()), key=lambda e: (e.time, e.file, e.line))
        healed_at = [r.time for r in healed if r.time is not None]
        for burst in _split(evs, gap):
            start, end = burst[0].time, burst[-1].time
            assert start is not None and end is not None
            after = healed[bisect_left(healed_at, start):bisect_right(healed_at, end + gap)]
            named = {e.device for e in burst if e.device}
            disks = {e.disk or base_disk(d) for e in burst if (d := e.device)}
            volumes = sorted({e.volume for e in burst if e.volume})
            for v in volumes:
                disks.update((map_disks or {}).get((host, v), ()))
            found.append(Episode(
                index=0, host=host, phase=_phase(burst, after), start=start, end=end,
                devices=tuple(sorted(disks)),
                sessions=tuple(sorted({s for e in burst if (s := named_session(e))}, key=int)),
                volumes=tuple(volumes),
                partitions_seen=tuple(sorted(d for d in named if base_disk(d) != d)),
                kinds=count_kinds(burst),
                recovered=max((r.time for r in after if r.time is not None), default=None),
                first=cite(burst[0]), last=cite(burst[-1]), bursts=_by_source(burst),
            ))
    found.sort(key=lambda ep: (ep.start, ep.host))
    return tuple(_renumber(found))


def _by_source(burst: Sequence[Event]) -> tuple[SourceBurst, ...]:
    groups: dict[str, list[Event]] = defaultdict(list)
    for e in burst:
        groups[e.source].append(e)
    out = []
    for source, evs in groups.items():
        t0, t1 = evs[0].time, evs[-1].time
        assert t0 is not None and t1 is not None
        out.append(SourceBurst(source=source, start=t0, end=t1, kinds=count_kinds(evs),
                               devices=tuple(dict.fromkeys(e.device for e in evs if e.device)),
                               connections=len({e.connection for e in evs if e.connection}), first=cite(evs[0])))
    return tuple(sorted(out, key=lambda b: (b.start, b.source)))


def _renumber(episodes: list[Episode]) -> list[Episode]:
    from dataclasses import replace

    return [replace(ep, index=i) for i, ep in enumerate(episodes)]

