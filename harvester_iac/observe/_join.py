"""Join events to Longhorn volumes: connection → session → IQN → volume, disk → IQN.

A kernel line says ``Buffer I/O error on dev sdo16``; an iscsid line says
``connection12:0``. Neither names the volume. Two things tie them to one:

1. The logs themselves. ``ConnectionN:M to [target: IQN, ...] is operational now`` binds
   session N to an IQN from that moment; ``... is shutdown.`` shows the binding that held
   until then. Session ids are reused after a logout, so these bindings are used by time:
   a line at time T gets the IQN of the latest bind before T (if the session was not shut
   down in between) or of the first shutdown after T (if it was not re-bound in between).
2. The ``iscsiadm -m session -P 3`` listing (a picture of one later moment): session N →
   IQN, ``sdo`` (or a partition, ``sdo16``) → its session → IQN, and SCSI host H
   (``sd 6:0:0:1``, ``scsi host6``) → the session on that host → IQN; a line naming only
   the SCSI address also gets the disk at that address. A portal alone
   (``connect to 127.0.0.1:3260 failed``) gives the IQN only when one session of the
   listing uses that portal (Longhorn serves every volume on one portal: no guess there).
   A session id is not taken from the listing when the logs show that session id bound
   again after the line.

What a line names itself always wins. Each joined event records how in ``extra``
(``joined_by``), because a join is evidence to weigh, not a fact the line stated.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from harvester_iac.model._identity import HostMatcher
from harvester_iac.observe._devices import base_disk, longhorn_volume_from_iqn
from harvester_iac.observe._iscsiadm import IscsiSession, SessionMap
from harvester_iac.observe.logs._event import Event, EventKind
from harvester_iac.observe.logs._spill import make_event

__all__ = ["BINDING_KINDS", "Joiner", "join_volumes", "listing_match", "scsi_host_of"]

_SCSI_HOST = re.compile(r"\bscsi ?host ?(\d+)\b")

_Key = tuple[str | None, str]


class _Bindings:
    """Session → IQN bindings seen in the logs, per host, in time order.

    Each session keeps its logins ("operational now") and logouts ("is shutdown.") as
    sorted time lists, so a lookup is a few bisections, not a pass over the session's
    history: dense logs stay linear in their events.
    """

    def __init__(self, events: Iterable[Event]) -> None:
        obs: dict[_Key, list[tuple[datetime, str, bool]]] = defaultdict(list)
        for e in events:
            if e.kind not in (EventKind.SESSION_UP, EventKind.TARGET_SHUTDOWN):
                continue
            sid = _sid(e)
            if sid is None or e.iqn is None or e.time is None:
                continue
            obs[(e.host, sid)].append((e.time, e.iqn, e.kind is EventKind.SESSION_UP))
        self._ups: dict[_Key, tuple[list[datetime], list[str]]] = {}
        self._downs: dict[_Key, tuple[list[datetime], list[str]]] = {}
        for key, seen in obs.items():
            seen.sort()
            for up, into in ((True, self._ups), (False, self._downs)):
                picked = [o for o in seen if o[2] is up]
                if picked:
                    into[key] = ([o[0] for o in picked], [o[1] for o in picked])

    def iqn_at(self, host: str | None, sid: str, when: datetime) -> str | None:
        key = (host, sid)
        ups, downs = self._ups.get(key), self._downs.get(key)
        if ups is not None:
            i = bisect_right(ups[0], when) - 1  # the latest login at or before ``when``
            if i >= 0:
                t_up = ups[0][i]
                # ... unless a logout came between it and ``when``
                if downs is None or not _any_in(downs[0], t_up, when, right_open=True):
                    return ups[1][i]
        if downs is not None:
            j = bisect_left(downs[0], when)  # the first logout at or after ``when``
            if j < len(downs[0]):
                t_down = downs[0][j]
                # ... unless a login came after ``when`` and before it
                if ups is None or not _any_in(ups[0], when, t_down, right_open=False,
                                              left_open=True):
                    return downs[1][j]
        return None

    def rebound_after(self, host: str | None, sid: str, when: datetime | None) -> datetime | None:
        """When the logs show session ``sid`` bound anew after ``when`` (the listing is later)."""
        if when is None:
            return None
        ups = self._ups.get((host, sid))
        if ups is None:
            return None
        i = bisect_right(ups[0], when)
        return ups[0][i] if i < len(ups[0]) else None


def _any_in(times: list[datetime], low: datetime, high: datetime, *, right_open: bool,
            left_open: bool = False) -> bool:
    """Whether sorted ``times`` holds a time between ``low`` and ``high`` (bounds as told)."""
    i = bisect_right(times, low) if left_open else bisect_left(times, low)
    if i >= len(times):
        return False
    return times[i] < high if right_open else times[i] <= high


_FIELDS = tuple(f.name for f in dataclasses.fields(Event))
_VALUES = operator.attrgetter(*_FIELDS)
_INDEX = {name: i for i, name in enumerate(_FIELDS)}


def _with(event: Event, changes: dict[str, Any]) -> Event:
    """``dataclasses.replace`` without its per-call introspection (one per joined event)."""
    values = list(_VALUES(event))
    for name, value in changes.items():
        values[_INDEX[name]] = value
    return make_event(*values)


def _sid(event: Event) -> str | None:
    sid = event.session
    if sid is None and event.connection:
        sid = event.connection.split(":", 1)[0]
    return sid if sid is not None and sid.isdigit() else None


def scsi_host_of(event: Event) -> int | None:
    """The SCSI host number a line names: ``sd 6:0:0:1`` or ``scsi host6`` → 6."""
    if event.hctl:
        head = event.hctl.split(":", 1)[0]
        if head.isdigit():
            return int(head)
    m = _SCSI_HOST.search(event.raw)
    return int(m.group(1)) if m else None


def _from_map(
    event: Event, sessions: SessionMap, bindings: _Bindings | None
) -> tuple[IscsiSession | None, str]:
    sid = _sid(event)
    if sid is not None:
        found = sessions.by_sid(int(sid))
        rebound = bindings.rebound_after(event.host, sid, event.time) if bindings else None
        if found is not None and rebound is None:
            return found, f"session {sid}"
    for name in (event.device, event.disk):
        if name:
            found = sessions.by_device(name)
            if found is not None:
                return found, f"device {name}"
    number = scsi_host_of(event)
    if number is not None:
        found = sessions.by_scsi_host(number)
        if found is not None:
            return found, f"SCSI host {number}"
    if event.portal:
        found = sessions.by_portal(event.portal)
        if found is not None:
            return found, f"portal {event.portal} (its only session)"
    return None, ""


def listing_match(event: Event, sessions: SessionMap) -> str | None:
    """How ``event`` ties to a session of the listing (``"SCSI host 6"``), or ``None``."""
    found, via = _from_map(event, sessions, None)
    return via if found is not None else None


class Joiner:
    """``join_volumes`` for one event at a time: the bindings are taken from ``events``
    (all of them, before this join), the rest is decided per event."""

    def __init__(self, events: Iterable[Event], sessions: SessionMap | None = None, *,
                 host: str | None = None) -> None:
        self.bindings = _Bindings(events)
        self.sessions = sessions
        self.where = host or (sessions.host if sessions is not None else None)
        self.listing = sessions.file if sessions is not None and sessions.file else "iscsiadm listing"
        # the listing's host as the logs may write it: altra.lan is altra (host identity)
        self.same_host = (HostMatcher.of_names([self.where]).resolve if self.where
                          else (lambda _: None))

    def __call__(self, event: Event) -> Event:
        changes = self.changes(event)
        return _with(event, changes) if changes else event

    def changes(self, event: Event) -> dict[str, str | tuple[tuple[str, str], ...]]:
        """The fields the join gives ``event`` (empty: it stays as it is)."""
        bindings, sessions, where = self.bindings, self.sessions, self.where
        changes: dict[str, str | tuple[tuple[str, str], ...]] = {}
        iqn = event.iqn
        how = ""
        sid = _sid(event)
        if iqn is None and sid is not None and event.time is not None:
            iqn = bindings.iqn_at(event.host, sid, event.time)
            if iqn is not None:
                how = f"session {sid} in the logs"
        if (
            iqn is None
            and sessions is not None
            and (where is None or event.host is None or self.same_host(event.host))
        ):
            found, via = _from_map(event, sessions, bindings)
            if found is not None and found.target is not None:
                iqn = found.target
                how = f"{via} in {self.listing}"
                if sid is None:
                    changes["session"] = str(found.sid)
                disk = sessions.device_at(event.hctl) if event.hctl and not event.device else None
                if disk is not None:
                    changes["device"] = disk.device
                    changes["disk"] = base_disk(disk.device)
        if iqn is not None and iqn != event.iqn:
            changes["iqn"] = iqn
        if event.volume is None:
            volume = longhorn_volume_from_iqn(iqn)
            if volume is not None:
                changes["volume"] = volume
        if how and ("iqn" in changes or "volume" in changes or "device" in changes):
            changes["extra"] = (*event.extra, ("joined_by", how))
        return changes


#: The kinds ``_Bindings`` reads: a join of the other events needs only these.
BINDING_KINDS = frozenset({EventKind.SESSION_UP, EventKind.TARGET_SHUTDOWN})


def join_volumes(
    events: Iterable[Event], sessions: SessionMap | None = None, *, host: str | None = None
) -> tuple[Event, ...]:
    """Return the events with ``iqn``, ``volume`` and ``session`` filled where they can be.

    ``host`` is the host the iscsiadm listing was taken on (default: the host in its
    shell prompt, if any); listing joins apply only to that host's events (its short name
    or FQDN too) and to events of unknown host. Log-derived joins apply per host. Without a listing, only the logs
    and the IQNs the lines name are used.
    """
    events = tuple(events)
    join = Joiner(events, sessions, host=host)
    return tuple(join(event) for event in events)
