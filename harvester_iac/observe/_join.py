"""Join events to Longhorn volumes through the iSCSI session map.

A kernel line says ``Buffer I/O error on dev sdo16``; an iscsid line says
``connection12:0``. Neither names the volume. Through ``iscsiadm -m session -P 3`` taken on
the same host, ``sdo`` → session 12 → ``iqn.2019-10.io.longhorn:pvc-...`` → the volume.

What a line names itself always wins; the map only fills gaps. Each joined event records
how it was joined in ``extra`` (``joined_by``), because the map is a picture of one moment:
session ids and disk names are reused after a logout, so a join is evidence to weigh.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from harvester_iac.observe._event import Event
from harvester_iac.observe._iscsiadm import IscsiSession, SessionMap, longhorn_volume_from_iqn

__all__ = ["join_volumes"]


def _session_for(event: Event, sessions: SessionMap) -> tuple[IscsiSession | None, str]:
    sid: str | None = event.session
    if sid is None and event.connection:
        sid = event.connection.split(":", 1)[0]
    if sid is not None and sid.isdigit():
        found = sessions.by_sid(int(sid))
        if found is not None:
            return found, f"session {sid}"
    for name in (event.device, event.disk):
        if name:
            found = sessions.by_device(name)
            if found is not None:
                return found, f"device {name}"
    return None, ""


def join_volumes(
    events: Iterable[Event], sessions: SessionMap | None, *, host: str | None = None
) -> tuple[Event, ...]:
    """Fill ``iqn``, ``volume`` and ``session`` of each event from the session map.

    ``host`` restricts the join to events of that host (the host the listing was taken
    on); it defaults to the host in the listing's shell prompt, if any. Events whose host
    is unknown are joined too. Without a map, only ``volume`` is filled from a Longhorn
    IQN the line itself names.
    """
    where = host or (sessions.host if sessions is not None else None)
    source = sessions.file if sessions is not None and sessions.file else "iscsiadm"
    out: list[Event] = []
    for event in events:
        changes: dict[str, object] = {}
        iqn = event.iqn
        session: IscsiSession | None = None
        how = ""
        if sessions is not None and (where is None or event.host in (None, where)):
            session, how = _session_for(event, sessions)
        if session is not None:
            if iqn is None and session.target is not None:
                iqn = session.target
                changes["iqn"] = iqn
            if event.session is None:
                changes["session"] = str(session.sid)
            if event.portal is None and session.portal is not None:
                changes["portal"] = session.portal.split(",", 1)[0]
        if event.volume is None:
            volume = longhorn_volume_from_iqn(iqn)
            if volume is not None:
                changes["volume"] = volume
        if changes and how and ("iqn" in changes or "volume" in changes):
            changes["extra"] = (*event.extra, ("joined_by", f"{how} in {source}"))
        out.append(dataclasses.replace(event, **changes) if changes else event)  # type: ignore[arg-type]
    return tuple(out)
