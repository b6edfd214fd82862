"""The pure pieces on their own: episodes by gaps, phases, symptom bursts, overlapping files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harvester_iac.incident import DEFAULT_GAP, Phase, drop_overlaps, find_episodes, symptom_groups
from harvester_iac.incident._masters import MasterIndex
from harvester_iac.model import default_inventory
from harvester_iac.observe import Event, EventKind

T0 = datetime(2025, 12, 27, 23, 10, 50, tzinfo=UTC)


def ev(kind: EventKind, at: float, *, host: str = "altra", file: str = "k.log", line: int = 1,
       connection: str | None = None, device: str | None = None, volume: str | None = None,
       source: str = "kernel") -> Event:
    disk = None if device is None else device.rstrip("0123456789") if device.startswith("sd") else device
    return Event(time=T0 + timedelta(seconds=at), host=host, source=source, kind=kind, file=file, line=line,
                 raw=f"{kind} {connection or device}", connection=connection, device=device, disk=disk,
                 volume=volume)


def test_a_quiet_gap_longer_than_the_gap_splits_episodes() -> None:
    events = [ev(EventKind.NOP_TIMEOUT, 0, connection="3:0", source="iscsid"),
              ev(EventKind.SESSION_RECOVERED, 3, connection="3:0", source="iscsid"),
              ev(EventKind.TARGET_SHUTDOWN, DEFAULT_GAP.total_seconds() + 1, connection="3:0", source="iscsid"),
              ev(EventKind.BUFFER_IO_ERROR, DEFAULT_GAP.total_seconds() + 5, device="sdo16")]
    flap, shutdown = find_episodes(events)
    assert (flap.phase, flap.sessions, flap.recovered) == (Phase.NOP_FLAP_RECOVERED, ("3",), T0 + timedelta(seconds=3))
    assert shutdown.phase is Phase.TARGET_SHUTDOWN
    assert (shutdown.devices, shutdown.partitions_seen) == (("sdo",), ("sdo16",))
    assert [b.source for b in shutdown.bursts] == ["iscsid", "kernel"]
    assert len(find_episodes(events, gap=timedelta(hours=1))) == 1


def test_phases_follow_the_kinds() -> None:
    unhealed = [ev(EventKind.NOP_TIMEOUT, 0, connection="3:0")]
    assert find_episodes(unhealed)[0].phase is Phase.CONNECTION_LOSS
    io = [ev(EventKind.IO_ERROR, 0, device="sdb")]
    assert find_episodes(io)[0].phase is Phase.IO_ERRORS
    login = [ev(EventKind.LOGIN_ERROR, 0)]
    assert find_episodes(login)[0].phase is Phase.LOGIN_FAILURES
    assert find_episodes([ev(EventKind.SESSION_UP, 0, connection="3:0")]) == ()  # a recovery starts none


def test_episodes_are_per_host() -> None:
    eps = find_episodes([ev(EventKind.IO_ERROR, 0, device="sdb", host="hv-1"),
                         ev(EventKind.IO_ERROR, 1, device="sdb", host="hv-2")])
    assert [(e.host, e.index) for e in eps] == [("hv-1", 0), ("hv-2", 1)]


def test_etcd_bursts_split_after_a_quiet_minute_and_resolve_masters() -> None:
    inv = default_inventory()
    events = [ev(EventKind.ETCD_SLOW_APPLY, 0, host="kube-master-00.lan", source="k3s"),
              ev(EventKind.ETCD_READ_INDEX_SLOW, 30, host="192.168.1.150", source="k3s"),
              ev(EventKind.ETCD_SLOW_APPLY, 120, host="kube-master-00", source="k3s")]
    masters = MasterIndex(inv, {e.host or "" for e in events})
    groups = symptom_groups(events, masters)
    assert [(g.master, [k.kind for k in g.kinds]) for g in groups] == [
        ("kube-master-00", ["etcd_slow_apply", "etcd_read_index_slow"]), ("kube-master-00", ["etcd_slow_apply"])]
    assert masters.resolve("kube-worker-00") is None


def test_overlapping_files_count_once_but_one_files_repeats_stay() -> None:
    a = [ev(EventKind.BUFFER_IO_ERROR, 0, device="sdi", file="kernel.log", line=i) for i in (1, 2)]
    b = [ev(EventKind.BUFFER_IO_ERROR, 0, device="sdi", file="kernel.log.1", line=7)]
    kept, dropped = drop_overlaps([*a, *b])
    assert (len(kept), dropped) == (2, 1) and {e.file for e in kept} == {"kernel.log"}
    same_file, none = drop_overlaps(a)
    assert (len(same_file), none) == (2, 0)
