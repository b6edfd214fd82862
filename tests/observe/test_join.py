"""Joining events to Longhorn volumes: connection → session → IQN, disk → session → IQN."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from harvester_iac.observe import Event, EventKind, join_volumes, read_iscsiadm
from tests.observe._paths import INCIDENT_LISTING, MASTER_VOLUMES, ROOT

IQN = "iqn.2019-10.io.longhorn:"
M00, M01, M02 = (MASTER_VOLUMES[f"kube-master-0{i}"] for i in range(3))


def _at(hh: int, mm: int, ss: int) -> datetime:
    """PST wall time on Dec 27 2025, in UTC."""
    return datetime(2025, 12, 27, hh, mm, ss, tzinfo=ZoneInfo("America/Los_Angeles")).astimezone(UTC)


def _event(kind: EventKind, when: datetime | None, line: int, **fields: object) -> Event:
    return Event(time=when, host=fields.pop("host", "altra"), source="iscsid", kind=kind,  # type: ignore[arg-type]
                 file="altra.log", line=line, raw=f"line {line}", **fields)  # type: ignore[arg-type]


def test_device_and_partition_join_through_the_listing() -> None:
    sessions = read_iscsiadm(INCIDENT_LISTING)
    events = [
        _event(EventKind.BUFFER_IO_ERROR, _at(16, 52, 5), 1, device="sdi", disk="sdi"),
        _event(EventKind.BUFFER_IO_ERROR, _at(16, 52, 5), 2, device="sdo16", disk="sdo"),
        _event(EventKind.BUFFER_IO_ERROR, _at(16, 52, 6), 3, device="sdad"),
    ]
    joined = join_volumes(events, sessions)
    assert [e.volume for e in joined] == [M00, M01, M02]
    assert [e.iqn for e in joined] == [IQN + M00, IQN + M01, IQN + M02]
    assert [e.session for e in joined] == ["34", "35", "37"]
    assert dict(joined[1].extra)["joined_by"] == f"device sdo16 in {INCIDENT_LISTING}"


def test_connection_joins_through_the_listing_when_the_session_was_not_rebound() -> None:
    sessions = read_iscsiadm(INCIDENT_LISTING)
    (e,) = join_volumes([_event(EventKind.NOP_TIMEOUT, _at(18, 0, 0), 1, connection="35:0")], sessions)
    assert (e.volume, e.session) == (M01, None)
    assert dict(e.extra)["joined_by"].startswith("session 35 in ")


def test_session_ids_are_joined_by_time_from_the_logs() -> None:
    """Session 9 served master-00 until its shutdown; session 34 serves it after.

    A NOP timeout on connection 9:0 at 15:10 gets master-00 from the later shutdown
    line. A line on connection 34:0 from before 34 was bound must not be joined to what
    the (later) listing says session 34 is.
    """
    sessions = read_iscsiadm(INCIDENT_LISTING)
    events = [
        _event(EventKind.NOP_TIMEOUT, _at(15, 10, 50), 1, connection="9:0"),
        _event(EventKind.SESSION_RECOVERED, _at(15, 10, 54), 2, connection="9:0"),
        _event(EventKind.TARGET_SHUTDOWN, _at(16, 51, 58), 3, connection="9:0", iqn=IQN + M00),
        _event(EventKind.SESSION_UP, _at(16, 52, 12), 4, connection="34:0", iqn=IQN + M00),
        _event(EventKind.CONN_ERROR, _at(14, 0, 0), 5, connection="34:0"),
        _event(EventKind.CONN_ERROR, _at(17, 0, 0), 6, connection="34:0"),
    ]
    joined = join_volumes(events, sessions)
    assert [e.volume for e in joined] == [M00, M00, M00, M00, None, M00]
    assert dict(joined[0].extra)["joined_by"] == "session 9 in the logs"
    assert joined[4].iqn is None and joined[4].extra == ()
    # The lines that name their IQN keep it and get no join note.
    assert joined[2].extra == () and joined[3].extra == ()


def test_a_session_shut_down_before_the_line_is_not_joined_from_that_binding() -> None:
    events = [
        _event(EventKind.TARGET_SHUTDOWN, _at(16, 0, 0), 1, connection="9:0", iqn=IQN + "old"),
        _event(EventKind.CONN_ERROR, _at(16, 30, 0), 2, connection="9:0"),
        _event(EventKind.SESSION_UP, _at(17, 0, 0), 3, connection="9:0", iqn=IQN + "new"),
    ]
    assert [e.volume for e in join_volumes(events)] == ["old", None, "new"]


def test_other_hosts_are_not_joined_through_this_hosts_listing() -> None:
    sessions = read_iscsiadm(INCIDENT_LISTING)  # taken on altra (its prompt says so)
    events = [
        _event(EventKind.IO_ERROR, _at(16, 52, 5), 1, device="sdi", host="kube-master-00"),
        _event(EventKind.IO_ERROR, _at(16, 52, 5), 2, device="sdi", host=None),
    ]
    other, unknown = join_volumes(events, sessions)
    assert other.volume is None
    assert unknown.volume == M00
    (forced,) = join_volumes(events[:1], sessions, host="kube-master-00")
    assert forced.volume == M00


def test_what_the_line_names_wins() -> None:
    sessions = read_iscsiadm(INCIDENT_LISTING)
    (e,) = join_volumes(
        [_event(EventKind.TARGET_SHUTDOWN, _at(16, 0, 0), 1, connection="34:0", iqn="iqn.x:y",
                volume="from-line")],
        sessions,
    )
    assert (e.iqn, e.volume, e.extra) == ("iqn.x:y", "from-line", ())


def test_without_a_listing_only_named_longhorn_iqns_give_volumes() -> None:
    events = [
        _event(EventKind.LOGIN_ERROR, None, 1, iqn=IQN + "pvc-a"),
        _event(EventKind.LOGIN_ERROR, None, 2, iqn="iqn.1992-04.com.emc:cx"),
        _event(EventKind.IO_ERROR, None, 3, device="sdb"),
    ]
    assert [e.volume for e in join_volumes(events)] == ["pvc-a", None, None]


def test_an_sd_address_joins_through_the_listing() -> None:
    """``sd 0:0:0:1: rejecting I/O to offline device`` names only H:C:T:L; the lab's real
    listing (examples/lab/stall-long) says that address is sda on the stalled session."""
    lab = ROOT / "examples" / "lab" / "stall-long"
    sessions = read_iscsiadm(lab / "iscsiadm-P3.txt")
    (target,) = {s.target for s in sessions.sessions}
    (e,) = join_volumes([_event(EventKind.SCSI_OFFLINE, None, 1, hctl="0:0:0:1", host="harvester-lab")], sessions)
    assert (e.iqn, e.volume, e.session, e.device) == (target, target.removeprefix(IQN), "1", "sda")
    assert dict(e.extra)["joined_by"].startswith("SCSI host 0 in ")


def test_a_portal_joins_only_when_one_session_uses_it() -> None:
    """``connect to 127.0.0.1:3260 failed (Connection refused)`` (the lab's target-restart
    run) names only the portal: the lab's listing has one session there; the incident
    listing has many sessions on one portal, so nothing is guessed."""
    lab = read_iscsiadm(ROOT / "examples" / "lab" / "target-restart" / "iscsiadm-P3.txt")
    (target,) = {s.target for s in lab.sessions}
    for portal in ("127.0.0.1:3260", "127.0.0.1"):
        (e,) = join_volumes([_event(EventKind.LOGIN_ERROR, None, 1, portal=portal, host="harvester-lab")], lab)
        assert e.iqn == target, portal
    (other,) = join_volumes([_event(EventKind.LOGIN_ERROR, None, 1, portal="127.0.0.2:3260")], lab)
    assert other.iqn is None
    incident = read_iscsiadm(INCIDENT_LISTING)
    portals = [s.portal for s in incident.sessions if s.portal]
    shared = max(set(portals), key=portals.count)
    assert portals.count(shared) > 1
    (guess,) = join_volumes([_event(EventKind.LOGIN_ERROR, None, 1, portal=shared.rpartition(",")[0])], incident)
    assert guess.iqn is None
