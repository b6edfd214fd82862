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
   the SCSI address also gets the disk at that address. A session id is not taken from the listing when
   the logs show that session id bound again after the line.

What a line names itself always wins. Each joined event records how in ``extra``
(``joined_by``), because a join is evidence to weigh, not a fact the line stated.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from harvester_iac.model._identity import HostMatcher
from harvester_iac.observe._devices import base_disk, longhorn_volume_from_iqn
from harvester_iac.observe._iscsiadm import IscsiSession, SessionMap
from harvester_iac.observe.logs._event import Event, EventKind

__all__ = ["join_volumes", "listing_match", "scsi_host_of"]

_SCSI_HOST = re.compile(r"\bscsi ?host ?(\d+)\b")

_Key = tuple[str | None, str]


class _Bindings:
    """Session → IQN bindings seen in the logs, per host, in time order."""

    def __init__(self, events: Iterable[Event]) -> None:
        self._obs: dict[_Key, list[tuple[datetime, str, bool]]] = defaultdict(list)
        for e in events:
            if e.kind not in (EventKind.SESSION_UP, EventKind.TARGET_SHUTDOWN):
                continue
            sid = _sid(e)
            if sid is None or e.iqn is None or e.time is None:
                continue
            self._obs[(e.host, sid)].append((e.time, e.iqn, e.kind is EventKind.SESSION_UP))
        for obs in self._obs.values():
            obs.sort()

    def iqn_at(self, host: str | None, sid: str, when: datetime) -> str | None:
        obs = self._obs.get((host, sid), ())
        ups = [o for o in obs if o[2] and o[0] <= when]
        if ups:
            t_up, iqn, _ = ups[-1]
            if not any(not o[2] and t_up <= o[0] < when for o in obs):
                return iqn
        downs = [o for o in obs if not o[2] and o[0] >= when]
        if downs:
            t_down, iqn, _ = downs[0]
            if not any(o[2] and when < o[0] <= t_down for o in obs):
                return iqn
        return None

    def rebound_after(self, host: str | None, sid: str, when: datetime | None) -> datetime | None:
        """When the logs show session ``sid`` bound anew after ``when`` (the listing is later)."""
        if when is None:
            return None
        later = [o[0] for o in self._obs.get((host, sid), ()) if o[2] and o[0] > when]
        return later[0] if later else None


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
    return None, ""


def listing_match(event: Event, sessions: SessionMap) -> str | None:
    """How ``event`` ties to a session of the listing (``"SCSI host 6"``), or ``None``."""
    found, via = _from_map(event, sessions, None)
    return via if found is not None else None


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
    bindings = _Bindings(events)
    where = host or (sessions.host if sessions is not None else None)
    listing = sessions.file if sessions is not None and sessions.file else "iscsiadm listing"
    # the listing's host as the logs may write it: altra.lan is altra (host identity)
    same_host = HostMatcher.of_names([where]).resolve if where else (lambda _: None)
    out: list[Event] = []
    for event in events:
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
            and (where is None or event.host is None or same_host(event.host))
        ):
            found, via = _from_map(event, sessions, bindings)
            if found is not None and found.target is not None:
                iqn = found.target
                how = f"{via} in {listing}"
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
        out.append(dataclasses.replace(event, **changes) if changes else event)  # type: ignore[arg-type]
    return tuple(out)
