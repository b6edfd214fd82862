"""The root-cause chain: episode → device → session/IQN → volume → PVC → VM → master → etcd.

One row per failed device on a host (a volume the lines name without a device is its own
row, with the disk the iscsiadm listing shows for its target). Every link cites the line
that shows it; where evidence runs out, the row says after which link it stops and what
input would let it go on, instead of guessing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from harvester_iac.incident._cite import find_line
from harvester_iac.incident._episodes import UNKNOWN_HOST, cite, named_session
from harvester_iac.incident._masters import MasterIndex
from harvester_iac.incident._model import ChainRow, ChainStop, Cite, Episode, Link, SymptomGroup
from harvester_iac.incident._symptoms import SymptomIndex
from harvester_iac.incident._words import plural
from harvester_iac.model import Inventory
from harvester_iac.observe import (
    STORAGE_KINDS,
    Event,
    EventKind,
    IscsiSession,
    LonghornState,
    SessionMap,
    base_disk,
    longhorn_volume_from_iqn,
    volume_link,
)

__all__ = ["ChainInputs", "build_chain"]

_Key = tuple[str, str]


@dataclass(kw_only=True)
class ChainInputs:
    """What the chain joins: events (already joined to volumes), listings per host, objects."""

    events: tuple[Event, ...]
    episodes: tuple[Episode, ...]
    maps: dict[str, SessionMap]
    longhorn: LonghornState | None
    longhorn_files: tuple[str, ...]
    inventory: Inventory
    masters: MasterIndex
    symptoms: tuple[SymptomGroup, ...]
    lag: timedelta

    @cached_property
    def symptom_index(self) -> SymptomIndex:
        return SymptomIndex(self.symptoms)

    @cached_property
    def binds(self) -> dict[tuple[str | None, str], list[Event]]:
        """iscsid lines binding a session to a target (``operational now``, ``is shutdown``), by host and IQN."""
        out: dict[tuple[str | None, str], list[Event]] = defaultdict(list)
        for e in self.events:
            if e.iqn and e.kind in (EventKind.SESSION_UP, EventKind.TARGET_SHUTDOWN):
                out[(e.host, e.iqn)].append(e)
        return out


def _key(event: Event) -> _Key | None:
    host = event.host or UNKNOWN_HOST
    if event.volume:
        return host, f"volume:{event.volume}"
    disk = event.disk or (base_disk(event.device) if event.device else None)
    if disk:
        return host, f"disk:{disk}"
    sid = named_session(event)
    return (host, f"session:{sid}") if sid else None


def _units(inp: ChainInputs) -> dict[_Key, tuple[list[Event], set[int]]]:
    units: dict[_Key, tuple[list[Event], set[int]]] = {}
    by_host: dict[str, list[Event]] = defaultdict(list)
    for e in inp.events:
        if e.kind in STORAGE_KINDS and e.time is not None:
            by_host[e.host or UNKNOWN_HOST].append(e)
    times: dict[str, list[datetime]] = {}
    for host, evs in by_host.items():
        evs.sort(key=lambda e: (e.time, e.file, e.line))
        times[host] = [e.time for e in evs if e.time is not None]
    for ep in inp.episodes:
        host_events, host_times = by_host.get(ep.host, []), times.get(ep.host, [])
        lo, hi = bisect_left(host_times, ep.start), bisect_right(host_times, ep.end)
        for e in host_events[lo:hi]:
            if (k := _key(e)) is not None:
                evs, eps = units.setdefault(k, ([], set()))
                evs.append(e)
                eps.add(ep.index)
    return units


def _listing_session(m: SessionMap | None, *, iqn: str | None, disk: str | None) -> IscsiSession | None:
    if m is None:
        return None
    if iqn is not None:
        found = next((s for s in m.sessions if s.target == iqn), None)
        if found is not None:
            return found
    return m.by_device(disk) if disk else None


def _listing_cite(m: SessionMap, s: IscsiSession, needle: str) -> Cite | None:
    """The listing's line holding ``needle`` within session ``s`` (its Target line, or after it)."""
    if not m.file:
        return None
    if not s.target or needle.startswith("Target: "):
        return find_line(m.file, needle)
    return find_line(m.file, needle, after=f"Target: {s.target}")


class _Row:
    """Builds one row link by link; the first missing link becomes the stop."""

    def __init__(self, inp: ChainInputs, host: str, events: list[Event], episodes: set[int]) -> None:
        self.inp, self.host, self.events = inp, host, sorted(events, key=lambda e: (e.time, e.file, e.line))
        self.episodes = tuple(sorted(episodes))
        self.links: list[Link] = []
        self.stop: ChainStop | None = None
        self.map = inp.maps.get(host)

    def _stop(self, after: str, missing: str) -> None:
        if self.stop is None:
            self.stop = ChainStop(after=after, missing=missing)

    def build(self) -> ChainRow:
        evs = self.events
        dev_ev = next((e for e in evs if e.device), None)
        disk = (dev_ev.disk or base_disk(dev_ev.device)) if dev_ev and dev_ev.device else None
        parts = tuple(sorted({e.device for e in evs if e.device and base_disk(e.device) != e.device}))
        iqn_ev = next((e for e in evs if e.iqn), None)
        iqn = iqn_ev.iqn if iqn_ev else None
        sid_ev = next((e for e in evs if named_session(e)), None)
        session = named_session(sid_ev) if sid_ev else None
        listed = _listing_session(self.map, iqn=iqn, disk=disk)
        first = evs[0]
        self.links.append(Link("episode → line", first.kind.value, cite(first),
                               f"{plural(len(evs), 'storage line')} on {self.host}"))
        # device
        if disk is not None and dev_ev is not None:
            part = f" (partition of {disk})" if dev_ev.device != disk else ""
            self.links.append(Link("line → device", disk, cite(dev_ev), f"the kernel names {dev_ev.device}{part}"))
        elif listed is not None and listed.devices:
            disk = base_disk(listed.devices[0].device)
            assert self.map is not None
            where = _listing_cite(self.map, listed, f"Attached scsi disk {listed.devices[0].device}")
            self.links.append(Link("volume → device", disk, where,
                                   f"the iscsiadm listing shows target {listed.target} on {disk}"))
        # session and IQN
        if session is None and listed is not None:
            session = str(listed.sid)
            assert self.map is not None
            self.links.append(Link("device → session", session, _listing_cite(self.map, listed, f"SID: {listed.sid}"),
                                   "from the iscsiadm listing"))
        elif session is not None and sid_ev is not None:
            self.links.append(Link("line → session", session, cite(sid_ev),
                                   f"connection {sid_ev.connection or session}"))
        if iqn is None and listed is not None:
            iqn = listed.target
        if iqn is not None:
            self.links.append(self._iqn_link(iqn, session, iqn_ev))
        elif self.map is None:
            what = f"device {disk}" if disk else f"session {session}" if session else "the lines"
            goal = "its iSCSI session and target" if disk else "its target"
            self._stop(what, f"an `iscsiadm -m session -P 3` listing of {self.host} (--iscsiadm), to tie "
                             f"{what} to {goal}")
        else:
            what = f"device {disk}" if disk else f"session {session}"
            self._stop(what, f"{what} is not in the iscsiadm listing {self.map.file} and no iscsid line names "
                             "its target (the listing may be from after a re-attach)")
        volume = next((e.volume for e in evs if e.volume), None) or longhorn_volume_from_iqn(iqn)
        if iqn is not None and volume is None:
            self._stop(f"target {iqn}", "a Longhorn target (iqn.2019-10.io.longhorn:<volume>); this is another array's")
        pvc, vm, master = self._objects(volume)
        groups, blamed = self._etcd(master)
        return ChainRow(host=self.host, device=disk, partitions=parts, session=session, iqn=iqn,
                        volume=volume, pvc=pvc, vm=vm, master=master, episodes=self.episodes,
                        etcd=groups, links=tuple(self.links), stop=self.stop, blamed=blamed)

    def _iqn_link(self, iqn: str, session: str | None, iqn_ev: Event | None) -> Link:
        if iqn_ev is not None and iqn_ev.iqn == iqn and "joined_by" not in dict(iqn_ev.extra):
            return Link("session → target", iqn, cite(iqn_ev), "the iscsid line names the target")
        bind = next((e for e in self.inp.binds.get((self.events[0].host, iqn), ())
                     if session is None or named_session(e) == session), None)
        if bind is not None:
            return Link("session → target", iqn, cite(bind), f"iscsid bound session {session} to it")
        if self.map is not None:
            s = _listing_session(self.map, iqn=iqn, disk=None)
            c = _listing_cite(self.map, s, f"Target: {iqn}") if s is not None else None
            return Link("session → target", iqn, c, "from the iscsiadm listing")
        return Link("session → target", iqn, None, "")

    def _objects(self, volume: str | None) -> tuple[str | None, str | None, str | None]:
        if volume is None:
            return None, None, None
        inp = self.inp
        by_root = inp.masters.by_root_volume(volume)
        lv = inp.longhorn.volume(volume) if inp.longhorn is not None else None
        if lv is None:
            if by_root is not None:
                why = "no Longhorn objects given" if inp.longhorn is None else "no Longhorn Volume object"
                self.links.append(Link("volume → master", by_root, self._inventory_cite(by_root),
                                       f"the inventory's rootVolume.volumeName (PVC and VM not known: {why})"))
                return None, None, by_root
            self._stop(f"volume {volume}", "Longhorn Volume objects (--longhorn), to name its PVC and VM"
                       if inp.longhorn is None else f"a Longhorn Volume object named {volume} (not in --longhorn)")
            return None, None, None
        link = volume_link(lv)
        ocite = self._object_cite(volume, f"pvcName: {link.pvc}" if link.pvc else f"name: {volume}")
        if not link.pvc:
            self._stop(f"volume {volume}", "its PVC: the Longhorn Volume has no kubernetesStatus.pvcName (not bound)")
            return None, None, by_root
        ns = link.namespace or "default"
        pvc = f"{ns}/{link.pvc}"
        self.links.append(Link("volume → PVC", pvc, ocite, "Longhorn Volume kubernetesStatus"))
        if lv.state == "detached":
            self.links.append(Link("volume state", "detached", self._object_cite(volume, "state: detached"),
                                   "Longhorn shows it detached now: its target shutdown may be a normal detach"))
        if not link.vm:
            self._stop(f"PVC {pvc}", "its VM: no VirtualMachineInstance workload and the PVC name is not "
                                     "<vm>-<disk>-<xxxxx>")
            return pvc, None, by_root
        vm = f"{ns}/{link.vm}"
        vcite = self._object_cite(volume, f"workloadName: {link.vm}") or ocite
        self.links.append(Link("PVC → VM", vm, vcite, link.via))
        master = inp.masters.by_vm(link.vm) or by_root
        if master is not None:
            self.links.append(Link("VM → master", master, self._inventory_cite(master), "control-plane member"))
        return pvc, vm, master

    def _object_cite(self, volume: str, needle: str) -> Cite | None:
        for f in self.inp.longhorn_files:
            c = find_line(f, needle, after=f"name: {volume}")
            if c is not None:
                return c
        return None

    def _inventory_cite(self, master: str) -> Cite | None:
        src = self.inp.inventory.source
        return find_line(src, f"name: {master}") if src and not src.startswith("<python") else None

    def _etcd(self, master: str | None) -> tuple[tuple[SymptomGroup, ...], tuple[tuple[int, int], ...]]:
        if master is None:
            return (), ()
        inp = self.inp
        pairs = [(i, g) for i in self.episodes for g in inp.symptom_index.near(master, inp.episodes[i], inp.lag)]
        groups = tuple(sorted({id(g): g for _, g in pairs}.values(), key=lambda g: g.start))
        where = {id(g): n for n, g in enumerate(groups)}
        blamed = tuple(sorted({(i, where[id(g)]) for i, g in pairs}))
        ref = next((r for r in inp.masters.refs if r.name == master), None)
        if groups:
            self.links.append(Link("master → etcd", plural(len(groups), "burst"), groups[0].first,
                                   f"etcd warnings within {_minutes(inp.lag)} of the episode"))
        elif ref is not None and not ref.log_hosts:
            self._stop(f"master {master}", f"etcd lines of {master}: its k3s journal is not among the logs, "
                                           "so whether etcd stalled is not known")
        return groups, blamed


def _minutes(lag: timedelta) -> str:
    secs = int(lag.total_seconds())
    return f"{secs // 60} min" if secs % 60 == 0 else f"{secs} s"


def build_chain(inp: ChainInputs) -> tuple[ChainRow, ...]:
    """Every row, sorted by host, then by the time its first line was logged."""
    built = []
    for (host, _), (evs, eps) in _units(inp).items():
        first = min(e.time for e in evs if e.time is not None)
        built.append((host, first, _Row(inp, host, evs, eps).build()))
    built.sort(key=lambda t: (t[0], t[1], int(t[2].session or 0), t[2].device or "", t[2].volume or ""))
    return tuple(_merge([row for _, _, row in built]))


def _merge(rows: Sequence[ChainRow]) -> list[ChainRow]:
    """A row without a volume whose disk or session a row with a volume names is that row."""
    disks = {(r.host, r.device) for r in rows if r.volume and r.device}
    sessions = {(r.host, r.session) for r in rows if r.volume and r.session}
    return [r for r in rows if r.volume or ((r.host, r.device) not in disks and (r.host, r.session) not in sessions)]
