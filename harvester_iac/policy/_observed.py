"""The policy's view of observed health, and which hosts and disks are in trouble.

Rules read evidence through :class:`Observed` (events, Longhorn objects, metrics, when it
was collected) and ask :class:`TroubleIndex` whether a host or a Longhorn disk crossed the
thresholds. Events name a host (``altra``) and a block device (``sdo16``); an event counts
for a Longhorn disk when its base device is the disk's ``device``, and for a host when it
names the host by name or address. iSCSI events name the volume frontends on the host,
so they count for the host, which is where the incident's trouble was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

from harvester_iac.core import SourceRef
from harvester_iac.model import Host, Inventory, LonghornDisk
from harvester_iac.observe import base_disk
from harvester_iac.policy._thresholds import GROUP_OF, Thresholds, TroubleGroup

if TYPE_CHECKING:
    from harvester_iac.observe import (
        Coverage,
        Event,
        LonghornNode,
        LonghornReplica,
        LonghornState,
        MetricSample,
        SessionMap,
    )
    from harvester_iac.policy._hosts import HostIndex

__all__ = ["Observed", "Trouble", "TroubleIndex", "device_base", "event_ref", "longhorn_node"]


@dataclass(frozen=True, kw_only=True)
class Observed:
    """Health evidence as rules need it; built from a snapshot or from scanned logs.

    ``source`` is the snapshot file (or the logs folder); ``collected_at`` when the
    evidence was taken (``None``: unknown); ``window`` the time span it covers;
    ``coverage`` what was observed per kind (``observe.Coverage``); ``failed_sources`` and
    ``partial_sources`` the sources read not at all or in part, each as one line;
    ``sessions`` the iscsiadm session maps.
    """

    source: str
    collected_at: datetime | None
    window_start: datetime | None = None
    window_end: datetime | None = None
    events: tuple[Event, ...] = ()
    longhorn: LonghornState | None = None
    metrics: tuple[MetricSample, ...] = ()
    failed_sources: tuple[str, ...] = ()
    partial_sources: tuple[str, ...] = ()
    log_sources: tuple[str, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    sessions: tuple[SessionMap, ...] = ()
    #: raw events the snapshot counted but did not list (``observe --max-events``)
    events_dropped: int = 0
    _replicas: dict[str, tuple[LonghornReplica, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @property
    def has_longhorn(self) -> bool:
        return self.longhorn is not None and bool(self.longhorn.nodes or self.longhorn.volumes)

    def metric(self, name: str) -> tuple[MetricSample, ...]:
        """Samples of one ``MetricName`` (given by its wire value)."""
        return tuple(s for s in self.metrics if s.name == name)

    def replicas_of(self, volume: str) -> tuple[LonghornReplica, ...]:
        return self._replicas.get(volume, ())

    def __post_init__(self) -> None:
        by: dict[str, list[LonghornReplica]] = defaultdict(list)
        for r in self.longhorn.replicas if self.longhorn else ():
            if r.volume:
                by[r.volume].append(r)
        self._replicas.update({k: tuple(v) for k, v in by.items()})

    def node(self, name: str) -> LonghornNode | None:
        if self.longhorn is None:
            return None
        return next((n for n in self.longhorn.nodes if n.name == name), None)


def longhorn_node(inv: Inventory, observed: Observed, host: str) -> LonghornNode | None:
    """The Longhorn Node of inventory host ``host``: the node of that name, else the one
    whose name is an alias or the FQDN of the host (host identity)."""
    found = observed.node(host)
    if found is not None or observed.longhorn is None:
        return found
    from harvester_iac.model import HostMatcher

    matcher = HostMatcher(inv)
    return next((n for n in observed.longhorn.nodes if matcher.host(n.name) == host), None)


def event_ref(e: Event) -> SourceRef:
    return SourceRef(file=e.file, line=e.line, text=e.raw)


@dataclass(frozen=True)
class Trouble:
    """Storage events counted for one host or disk, and the groups over their threshold."""

    counts: tuple[tuple[TroubleGroup, int], ...] = ()
    over: tuple[TroubleGroup, ...] = ()
    events: tuple[Event, ...] = field(default=(), repr=False)

    @property
    def bad(self) -> bool:
        return bool(self.over)

    def summary(self) -> str:
        """``"3 nop timeouts, 2 I/O errors"`` (only groups over their threshold)."""
        by = dict(self.counts)
        return ", ".join(f"{by[g]} {g.value}" for g in self.over)

    def examples(self, limit: int = 3) -> tuple[Event, ...]:
        """The first event of each group over threshold, then more, up to ``limit``."""
        firsts: list[Event] = []
        for g in self.over:
            e = next((e for e in self.events if GROUP_OF[e.kind] is g), None)
            if e is not None:
                firsts.append(e)
        # only as many as the limit leaves: a dense log has hundreds of thousands of events
        rest = islice((e for e in self.events if GROUP_OF[e.kind] in self.over and e not in firsts),
                      max(0, limit - len(firsts)))
        return tuple([*firsts, *rest][:limit])


def _trouble(events: Iterable[Event], th: Thresholds) -> Trouble:
    evs = sorted(events, key=lambda e: (e.time is None, e.time or datetime.min, e.file, e.line))
    counts: dict[TroubleGroup, int] = defaultdict(int)
    for e in evs:
        counts[GROUP_OF[e.kind]] += e.repeat
    order = list(TroubleGroup)
    over = tuple(g for g in order if counts.get(g, 0) >= max(th.limit(g), 1))
    return Trouble(
        counts=tuple((g, counts[g]) for g in order if g in counts),
        over=over,
        events=tuple(evs),
    )


def device_base(device: str | None) -> str | None:
    """The whole disk under a device: ``/dev/nvme0n1p2`` → ``nvme0n1``, ``sdo16`` → ``sdo``.

    Partitions of one disk are one failure domain, and kernel lines name partitions.
    """
    return base_disk(device) if device else None


class TroubleIndex:
    """Storage trouble per host and per Longhorn disk, computed once per run.

    Events reach a host through host identity (:class:`~harvester_iac.policy._hosts.HostIndex`):
    the FQDN ``altra.lan`` counts for ``altra``, a host-less ``dmesg -T`` file for the host
    its path names.
    """

    def __init__(self, inv: Inventory, observed: Observed | None, th: Thresholds,
                 now: datetime, hosts: HostIndex | None = None) -> None:
        self._host: dict[str, Trouble] = {}
        self._disk: dict[tuple[str, str], Trouble] = {}
        self.storage_events: dict[str, tuple[Event, ...]] = {}
        if observed is None:
            return
        from harvester_iac.observe import STORAGE_KINDS
        from harvester_iac.policy._hosts import HostIndex

        index = hosts or HostIndex(inv, observed)
        since = _before(now, th.recent)
        for h in inv.hosts:
            evs = [e for e in index.events(h.name) if e.kind in STORAGE_KINDS
                   and not (since is not None and e.time is not None and e.time < since)]
            self.storage_events[h.name] = tuple(evs)
            self._host[h.name] = _trouble(evs, th)
            on_base: dict[str, list[Event]] = defaultdict(list)  # one pass, not disks x events
            for e in evs:
                if (eb := device_base(e.disk or e.device)) is not None:
                    on_base[eb].append(e)
            for d in h.disks:
                base = device_base(d.device)
                self._disk[(h.name, d.name)] = _trouble(on_base.get(base, []) if base else [], th)

    def host(self, host: str) -> Trouble:
        return self._host.get(host, Trouble())

    def disk(self, host: str, disk: str) -> Trouble:
        return self._disk.get((host, disk), Trouble())

    def domain(self, host: Host, disk: LonghornDisk) -> Trouble:
        """Trouble of a disk, or else of its host (iSCSI events name only the host)."""
        d = self.disk(host.name, disk.name)
        return d if d.bad else self.host(host.name)


def _before(now: datetime, span: timedelta | None) -> datetime | None:
    """``now - span``; ``None`` (no bound) when there is no span or it reaches before year 1."""
    if span is None:
        return None
    try:
        return now - span
    except OverflowError:
        return None
