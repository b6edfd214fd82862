"""From raw evidence to an :class:`IncidentReport`: the pure core of ``harvester-iac incident``.

Inputs are what observe's readers return (events joined to volumes, iscsiadm maps,
Longhorn objects, source statuses) and the inventory; nothing here reads a log line.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harvester_iac.incident._chain import ChainInputs, build_chain
from harvester_iac.incident._episodes import DEFAULT_GAP, UNKNOWN_HOST, cite, count_kinds, find_episodes
from harvester_iac.incident._masters import MasterIndex
from harvester_iac.incident._model import (
    ChainRow,
    Episode,
    IncidentReport,
    KindCount,
    SourceLine,
    SymptomGroup,
    TimelineEvent,
    Unexplained,
)
from harvester_iac.incident._symptoms import DEFAULT_LAG, EpisodeIndex, symptom_groups
from harvester_iac.incident._words import plural
from harvester_iac.model import HostMatcher, Inventory, MachineKind
from harvester_iac.observe import (
    ETCD_KINDS,
    STORAGE_KINDS,
    Event,
    LonghornState,
    SessionMap,
    SourceStatus,
    base_disk,
    join_volumes,
)

__all__ = ["IncidentInput", "analyze", "drop_overlaps", "inventory_hosts", "map_host"]


@dataclass(frozen=True, kw_only=True)
class IncidentInput:
    """The evidence of one incident, as observe's readers return it.

    ``events`` are as scanned (``observe.scan_logs``, hosts attributed or not): analyze
    names hosts as the inventory does, then joins them to volumes through the listings
    (``observe.join_volumes``). ``longhorn`` is ``None`` when no Longhorn objects were
    given (not the same as none found).
    """

    events: tuple[Event, ...]
    inventory: Inventory
    sessions: tuple[SessionMap, ...] = ()
    longhorn: LonghornState | None = None
    longhorn_files: tuple[str, ...] = ()
    sources: tuple[SourceStatus, ...] = ()
    timezone: str = "UTC"
    lag: timedelta = DEFAULT_LAG
    gap: timedelta = DEFAULT_GAP
    now: datetime | None = None


def map_host(m: SessionMap, storage_hosts: Sequence[str], inventory: Inventory) -> str | None:
    """The host an iscsiadm listing was taken on: its prompt, its file name, or the only one."""
    if m.host:
        return m.host
    name = Path(m.file or "").name
    for h in sorted({*storage_hosts, *(h.name for h in inventory.hosts)}, key=len, reverse=True):
        if name.startswith(h):
            return h
    hosts = set(storage_hosts) - {UNKNOWN_HOST}
    return hosts.pop() if len(hosts) == 1 else None


def _maps(inp: IncidentInput) -> tuple[dict[str, SessionMap], list[str]]:
    storage_hosts = sorted({e.host for e in inp.events if e.host and e.kind in STORAGE_KINDS})
    maps: dict[str, SessionMap] = {}
    notes: list[str] = []
    for m in inp.sessions:
        host = map_host(m, storage_hosts, inp.inventory)
        if host is None:
            notes.append(f"The iscsiadm listing {m.file} names no host and its file name matches none; "
                         "it was not used (start its file name with the host's name).")
            continue
        maps.setdefault(host, m)
    return maps, notes


def _map_disks(maps: dict[str, SessionMap]) -> dict[tuple[str, str], tuple[str, ...]]:
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for host, m in maps.items():
        for s in m.sessions:
            if s.volume and s.devices:
                out[(host, s.volume)] = tuple(sorted({base_disk(d.device) for d in s.devices}))
    return out


def _unexplained(groups: Sequence[SymptomGroup], rows: Sequence[ChainRow], episodes: Sequence[Episode],
                 lag: timedelta) -> tuple[Unexplained, ...]:
    linked = {id(g) for r in rows for g in r.etcd}
    index = EpisodeIndex(episodes)
    out: list[Unexplained] = []
    for g in groups:
        if id(g) in linked:
            continue
        near = index.near(g, lag)
        if near:
            note = ("storage episode on " + ", ".join(sorted({ep.host for ep in near}))
                    + f" at the same time, but it touched none of {g.master}'s volumes")
        else:
            note = f"no storage episode within {int(lag.total_seconds() // 60)} min"
        for k in g.kinds:
            out.append(Unexplained(master=g.master, time=g.start, kind=k.kind, count=k.count, last=g.end,
                                   first=g.first, note=note))
    return tuple(out)


def _event_counts(events: Sequence[Event], masters: MasterIndex) -> tuple[tuple[str, tuple[KindCount, ...]], ...]:
    by: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.kind in ETCD_KINDS:
            by[masters.resolve(e.host) or e.host or UNKNOWN_HOST].append(e)
        else:
            by[e.host or UNKNOWN_HOST].append(e)
    return tuple((k, count_kinds(v)) for k, v in sorted(by.items()))


def _timeline(events: Sequence[Event], masters: MasterIndex) -> tuple[TimelineEvent, ...]:
    out = []
    for e in events:
        if e.time is None:
            continue
        lane = (masters.resolve(e.host) or e.host) if e.kind in ETCD_KINDS else e.host
        out.append(TimelineEvent(time=e.time, lane=lane or UNKNOWN_HOST, kind=e.kind.value, source=e.source,
                                 device=e.device, volume=e.volume, cite=cite(e)))
    out.sort(key=lambda t: (t.time, t.lane, t.cite.file, t.cite.line or 0))
    return tuple(out)


def _source_lines(inp: IncidentInput) -> tuple[SourceLine, ...]:
    """Each input as read; a log whose lines had no host says which host it was given and why."""
    out = []
    for s in inp.sources:
        detail = s.detail or s.error or ""
        if s.host_from:
            detail += f"{'; ' if detail else ''}host {', '.join(s.hosts)} from {s.host_from}"
        out.append(SourceLine(kind=s.kind.value, location=s.location, state=s.state.value, detail=detail))
    return tuple(out)


def _notes(inp: IncidentInput, maps: dict[str, SessionMap], episodes: Sequence[Episode]) -> list[str]:
    notes: list[str] = []
    hostless = sum(1 for e in inp.events if e.host is None and e.kind in STORAGE_KINDS)
    if hostless:
        notes.append(f"No host name on {plural(hostless, 'storage line')} (dmesg or bare kernel logs): shown as "
                     f"host {UNKNOWN_HOST!r}; give such files with --host H=PATH or put them in a folder named after "
                     "the host.")
    for h in sorted({ep.host for ep in episodes} - set(maps) - {UNKNOWN_HOST}):
        notes.append(f"No iscsiadm listing of {h} was given (--iscsiadm): devices of {h} are tied to "
                     "sessions and volumes only where its iscsid lines name them.")
    timeless = sum(1 for e in inp.events if e.time is None)
    if timeless:
        notes.append(f"{plural(timeless, 'matched line')} without a time (raw dmesg '[secs]' with no boot time to "
                     "place them) are left out of the timeline and the chain; give --boot-time or use dmesg -T.")
    if inp.longhorn is None:
        notes.append("No Longhorn objects were given (--longhorn): volumes are tied to VMs only through the "
                     "inventory's rootVolume.volumeName.")
    return notes


def drop_overlaps(events: Sequence[Event]) -> tuple[tuple[Event, ...], int]:
    """Events with the copies from overlapping files removed, and how many were dropped.

    Two files that hold the same lines (a rotated log and its successor, the journal and
    rsyslog's copy of it) give events with the same time, host, kind and named objects.
    For each such key the file with the most occurrences is kept; lines of one file are
    never merged with each other.
    """
    by_key: dict[tuple[object, ...], list[Event]] = defaultdict(list)
    for e in events:
        by_key[(e.time, e.host, e.source, e.kind, e.device, e.connection, e.session, e.iqn, e.took_ms)].append(e)
    drop: set[int] = set()
    for same in by_key.values():
        if len(same) < 2 or len({e.file for e in same}) < 2:
            continue
        files: dict[str, list[Event]] = defaultdict(list)
        for e in same:
            files[e.file].append(e)
        keep = {id(e) for e in max(files.values(), key=len)}
        drop.update(id(e) for e in same if id(e) not in keep)
    if not drop:
        return tuple(events), 0
    out = tuple(e for e in events if id(e) not in drop)
    return out, len(events) - len(out)


def inventory_hosts(events: Sequence[Event], inventory: Inventory) -> tuple[tuple[Event, ...], int]:
    """Events with storage hosts named as the inventory names them, and how many changed.

    ``altra.lan`` (syslog's FQDN) or an alias becomes ``altra``; a line without a host takes
    the host its file's path names (``logs/altra/dmesg.txt``, ``altra-dmesg.txt``).
    Masters are resolved separately (:class:`MasterIndex`).
    """
    matcher = HostMatcher(inventory)
    out: list[Event] = []
    changed = 0
    for e in events:
        found = matcher.resolve(e.host) if e.host else matcher.from_path(e.file)
        if found is not None and found.kind is MachineKind.HOST and found.name != e.host:
            e = dataclasses.replace(e, host=found.name)
            changed += 1
        out.append(e)
    return tuple(out), changed


def analyze(inp: IncidentInput, *, fix: bool = False) -> IncidentReport:
    """Episodes, the chain, unaffected masters and unexplained symptoms of one incident.

    ``fix``: also plan the fix (:func:`plan_fix`: the inventory's changes, their rendered
    manifests and the gate's verdict on this evidence).
    """
    events, dropped = drop_overlaps(inp.events)
    events, renamed = inventory_hosts(events, inp.inventory)
    inp = dataclasses.replace(inp, events=events)
    maps, notes = _maps(inp)
    joined = join_volumes(events) if not maps else events
    for host, m in maps.items():
        joined = join_volumes(joined, m, host=host)
    inp = dataclasses.replace(inp, events=joined)
    if renamed:
        notes.append(f"Host names differ from the inventory's (FQDN, alias) or are missing on "
                     f"{plural(renamed, 'line')}: they were given the inventory's host name (by name, or by "
                     "their file's path).")
    if dropped:
        notes.append(f"{plural(dropped, 'line')} duplicated in another file (overlapping or rotated logs, or the "
                     "journal and its rsyslog copy): counted once.")
    episodes = find_episodes(inp.events, gap=inp.gap, map_disks=_map_disks(maps))
    etcd_hosts = {e.host for e in inp.events if e.kind in ETCD_KINDS and e.host}
    masters = MasterIndex(inp.inventory, etcd_hosts)
    groups = symptom_groups(inp.events, masters)
    rows = build_chain(ChainInputs(
        events=inp.events, episodes=episodes, maps=maps, longhorn=inp.longhorn,
        longhorn_files=inp.longhorn_files, inventory=inp.inventory, masters=masters,
        symptoms=groups, lag=inp.lag))
    unexplained = _unexplained(groups, rows, episodes, inp.lag)
    touched = {r.master for r in rows if r.master} | {g.master for g in groups}
    seen = {name for s in inp.sources for h in s.hosts if (name := masters.resolve(h))}
    seen |= {name for e in inp.events if (name := masters.resolve(e.host))}
    quiet = [name for name in masters.names if name not in touched]
    times = [e.time for e in inp.events if e.time is not None]
    report = IncidentReport(
        site=inp.inventory.name, inventory=inp.inventory.source, timezone=inp.timezone, lag=inp.lag,
        gap=inp.gap, generated_at=inp.now or datetime.now(UTC),
        window_start=min(times, default=None), window_end=max(times, default=None),
        storage_hosts=tuple(sorted({ep.host for ep in episodes})), masters=masters.refs,
        episodes=episodes, chain=rows, symptoms=groups,
        unaffected=tuple(n for n in quiet if n in seen), not_observed=tuple(n for n in quiet if n not in seen),
        unexplained=unexplained, event_counts=_event_counts(inp.events, masters),
        sources=_source_lines(inp), notes=(*notes, *_notes(inp, maps, episodes)), fix=None,
        timeline=_timeline(inp.events, masters), site_hosts=tuple(h.name for h in inp.inventory.hosts))
    if not fix:
        return report
    strangers = [h for h in report.hosts_with_episode if inp.inventory.host(h) is None]
    if strangers and len(strangers) == len(report.hosts_with_episode):
        return report  # the inventory is not this site's: a fix from it would be about another site
    from harvester_iac.incident._fix import evidence_snapshot, plan_fix

    snapshot = evidence_snapshot(events=inp.events, sessions=inp.sessions, longhorn=inp.longhorn,
                                 sources=inp.sources, now=inp.now)
    return dataclasses.replace(report, fix=plan_fix(report, inp.inventory, snapshot))
