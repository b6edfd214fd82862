"""Event summaries per host, per disk, per volume and per master.

The policy layer asks "did this host's storage misbehave", "which volumes were hit", "did
every master's etcd stall" — counting events by group answers those without walking the
event list each time. Counts add up ``repeat`` (rsyslog's ``message repeated N times``
stands for N occurrences).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harvester_iac.observe._chain import vm_volumes
from harvester_iac.observe._devices import base_disk
from harvester_iac.observe.logs._event import ETCD_KINDS, Event, EventKind
from harvester_iac.observe.longhorn._objects import LonghornState

__all__ = [
    "DiskSummary",
    "EventCounts",
    "HostSummary",
    "MasterSummary",
    "Summaries",
    "SummaryBuilder",
    "VolumeSummary",
    "summarize",
]


@dataclass(frozen=True, slots=True)
class EventCounts:
    """Occurrences by kind (in :class:`EventKind` order), their total, first and last time."""

    by_kind: tuple[tuple[EventKind, int], ...]
    total: int
    first: datetime | None
    last: datetime | None

    def count(self, kind: EventKind) -> int:
        return next((n for k, n in self.by_kind if k is kind), 0)

    @staticmethod
    def of(events: Iterable[Event]) -> EventCounts:
        counts: dict[EventKind, int] = defaultdict(int)
        times: list[datetime] = []
        for e in events:
            counts[e.kind] += e.repeat
            if e.time is not None:
                times.append(e.time)
        order = list(EventKind)
        return EventCounts(
            by_kind=tuple(sorted(counts.items(), key=lambda kv: order.index(kv[0]))),
            total=sum(counts.values()),
            first=min(times) if times else None,
            last=max(times) if times else None,
        )


@dataclass(frozen=True, slots=True)
class HostSummary:
    """All events of one host (``host`` is ``None`` for lines that named none)."""

    host: str | None
    counts: EventCounts


@dataclass(frozen=True, slots=True)
class DiskSummary:
    """Events naming one block device of one host; ``disk`` is the base disk (``sdo``)."""

    host: str | None
    disk: str
    devices: tuple[str, ...]
    volumes: tuple[str, ...]
    counts: EventCounts


@dataclass(frozen=True, slots=True)
class VolumeSummary:
    """Events joined to one Longhorn volume, with its PVC and VM where Longhorn says."""

    volume: str
    iqn: str | None
    pvc_name: str | None
    vm_name: str | None
    hosts: tuple[str, ...]
    disks: tuple[str, ...]
    counts: EventCounts


@dataclass(frozen=True, slots=True)
class MasterSummary:
    """etcd warnings of one control-plane host (a host that emitted etcd kinds).

    ``volumes`` are the Longhorn volumes a workload of the VM named like this host uses
    (the Volume -> PVC -> VM chain; detached volumes named after it are not its disks);
    ``max_took_ms`` the longest etcd ``took``.
    """

    host: str | None
    volumes: tuple[str, ...]
    max_took_ms: float | None
    counts: EventCounts


@dataclass(frozen=True, slots=True)
class Summaries:
    hosts: tuple[HostSummary, ...] = ()
    disks: tuple[DiskSummary, ...] = ()
    volumes: tuple[VolumeSummary, ...] = ()
    masters: tuple[MasterSummary, ...] = ()


def _disk_of(event: Event) -> str | None:
    if event.disk:
        return event.disk
    return base_disk(event.device) if event.device else None


def _key(value: str | None) -> tuple[int, str]:
    return (1, "") if value is None else (0, value)


def summarize(events: Iterable[Event], longhorn: LonghornState | None = None) -> Summaries:
    """Group events into the four summaries, each sorted by its key."""
    events = tuple(events)
    lh = longhorn or LonghornState()
    by_host: dict[str | None, list[Event]] = defaultdict(list)
    by_disk: dict[tuple[str | None, str], list[Event]] = defaultdict(list)
    by_volume: dict[str, list[Event]] = defaultdict(list)
    by_master: dict[str | None, list[Event]] = defaultdict(list)
    for e in events:
        by_host[e.host].append(e)
        disk = _disk_of(e)
        if disk:
            by_disk[(e.host, disk)].append(e)
        if e.volume:
            by_volume[e.volume].append(e)
        if e.kind in ETCD_KINDS:
            by_master[e.host].append(e)

    hosts = tuple(
        HostSummary(host=h, counts=EventCounts.of(evs))
        for h, evs in sorted(by_host.items(), key=lambda kv: _key(kv[0]))
    )
    disks = tuple(
        DiskSummary(
            host=h,
            disk=d,
            devices=tuple(sorted({e.device for e in evs if e.device})),
            volumes=tuple(sorted({e.volume for e in evs if e.volume})),
            counts=EventCounts.of(evs),
        )
        for (h, d), evs in sorted(by_disk.items(), key=lambda kv: (_key(kv[0][0]), kv[0][1]))
    )
    volumes = []
    for name, evs in sorted(by_volume.items()):
        lv = lh.volume(name)
        iqns = sorted({e.iqn for e in evs if e.iqn})
        volumes.append(
            VolumeSummary(
                volume=name,
                iqn=iqns[0] if iqns else None,
                pvc_name=lv.pvc_name if lv else None,
                vm_name=lv.vm_name if lv else None,
                hosts=tuple(sorted({e.host for e in evs if e.host})),
                disks=tuple(sorted({d for e in evs if (d := _disk_of(e))})),
                counts=EventCounts.of(evs),
            )
        )
    masters = []
    for h, evs in sorted(by_master.items(), key=lambda kv: _key(kv[0])):
        took = [e.took_ms for e in evs if e.took_ms is not None]
        masters.append(
            MasterSummary(
                host=h,
                volumes=tuple(link.volume for link in vm_volumes(lh, vm=h) if link.attached)
                if h is not None else (),
                max_took_ms=max(took) if took else None,
                counts=EventCounts.of(evs),
            )
        )
    return Summaries(hosts=hosts, disks=disks, volumes=tuple(volumes), masters=tuple(masters))


class _Counter:
    """``EventCounts.of`` built up from groups of events (occurrences per kind, first, last)."""

    __slots__ = ("counts", "first", "last")

    def __init__(self) -> None:
        self.counts: dict[EventKind, int] = defaultdict(int)
        self.first: datetime | None = None
        self.last: datetime | None = None

    def add(self, kind: EventKind, n: int, first: datetime | None, last: datetime | None) -> None:
        self.counts[kind] += n
        if first is not None and (self.first is None or first < self.first):
            self.first = first
        if last is not None and (self.last is None or last > self.last):
            self.last = last

    def result(self) -> EventCounts:
        order = list(EventKind)
        return EventCounts(
            by_kind=tuple(sorted(self.counts.items(), key=lambda kv: order.index(kv[0]))),
            total=sum(self.counts.values()), first=self.first, last=self.last)


_Sig = tuple[str | None, EventKind, str | None, str | None, str | None, str | None]


class SummaryBuilder:
    """:func:`summarize`, counted one event at a time in any order, so a streamed observe
    needs no list of events (the result is the same: every part is order-free).

    Events are counted per signature (host, kind, disk, device, volume, IQN): dense logs
    repeat a few thousand of them, and the four summaries are sums over signatures."""

    def __init__(self) -> None:
        # signature -> [occurrences, first, last, longest took]
        self._sigs: dict[_Sig, list[Any]] = {}

    def add(self, e: Event) -> None:
        self.count(e.host, e.kind, e.disk, e.device, e.volume, e.iqn, e.repeat, e.time,
                   e.took_ms)

    def count(self, host: str | None, kind: EventKind, disk: str | None, device: str | None,
              volume: str | None, iqn: str | None, repeat: int, t: datetime | None,
              took: float | None) -> None:
        """``add`` of an event with these fields (no ``Event`` needed)."""
        if not disk:
            disk = base_disk(device) if device else None
        key = (host, kind, disk, device, volume, iqn)
        acc = self._sigs.get(key)
        if acc is None:
            self._sigs[key] = [repeat, t, t, took]
            return
        acc[0] += repeat
        if t is not None:
            if acc[1] is None or t < acc[1]:
                acc[1] = t
            if acc[2] is None or t > acc[2]:
                acc[2] = t
        if took is not None and (acc[3] is None or took > acc[3]):
            acc[3] = took

    def merge(self, other: SummaryBuilder) -> None:
        """Add what ``other`` counted (another part of the same events)."""
        for key, (n, first, last, took) in other._sigs.items():
            acc = self._sigs.get(key)
            if acc is None:
                self._sigs[key] = [n, first, last, took]
                continue
            acc[0] += n
            if first is not None and (acc[1] is None or first < acc[1]):
                acc[1] = first
            if last is not None and (acc[2] is None or last > acc[2]):
                acc[2] = last
            if took is not None and (acc[3] is None or took > acc[3]):
                acc[3] = took

    def build(self, longhorn: LonghornState | None = None) -> Summaries:
        lh = longhorn or LonghornState()
        by_host: dict[str | None, _Counter] = defaultdict(_Counter)
        by_disk: dict[tuple[str | None, str], tuple[_Counter, set[str], set[str]]] = {}
        by_volume: dict[str, tuple[_Counter, set[str], set[str], set[str]]] = {}
        by_master: dict[str | None, tuple[_Counter, list[float]]] = {}
        for (host, kind, disk, device, volume, iqn), (n, first, last, took) in self._sigs.items():
            by_host[host].add(kind, n, first, last)
            if disk:
                d = by_disk.setdefault((host, disk), (_Counter(), set(), set()))
                d[0].add(kind, n, first, last)
                if device:
                    d[1].add(device)
                if volume:
                    d[2].add(volume)
            if volume:
                v = by_volume.setdefault(volume, (_Counter(), set(), set(), set()))
                v[0].add(kind, n, first, last)
                if iqn:
                    v[1].add(iqn)
                if host:
                    v[2].add(host)
                if disk:
                    v[3].add(disk)
            if kind in ETCD_KINDS:
                m = by_master.setdefault(host, (_Counter(), []))
                m[0].add(kind, n, first, last)
                if took is not None:
                    m[1].append(took)
        hosts = tuple(HostSummary(host=h, counts=c.result())
                      for h, c in sorted(by_host.items(), key=lambda kv: _key(kv[0])))
        disks = tuple(
            DiskSummary(host=h, disk=d, devices=tuple(sorted(devs)), volumes=tuple(sorted(vols)),
                        counts=c.result())
            for (h, d), (c, devs, vols) in sorted(by_disk.items(),
                                                  key=lambda kv: (_key(kv[0][0]), kv[0][1])))
        volumes = []
        for name, (c, iqns, vhosts, vdisks) in sorted(by_volume.items()):
            lv = lh.volume(name)
            ordered = sorted(iqns)
            volumes.append(VolumeSummary(
                volume=name, iqn=ordered[0] if ordered else None,
                pvc_name=lv.pvc_name if lv else None, vm_name=lv.vm_name if lv else None,
                hosts=tuple(sorted(vhosts)), disks=tuple(sorted(vdisks)), counts=c.result()))
        masters = []
        for h, (c, took_list) in sorted(by_master.items(), key=lambda kv: _key(kv[0])):
            masters.append(MasterSummary(
                host=h,
                volumes=tuple(link.volume for link in vm_volumes(lh, vm=h) if link.attached)
                if h is not None else (),
                max_took_ms=max(took_list) if took_list else None, counts=c.result()))
        return Summaries(hosts=hosts, disks=disks, volumes=tuple(volumes), masters=tuple(masters))
