"""The session-map reader against real ``iscsiadm -m session`` listings and their tables."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.errors import InputError
from harvester_iac.observe import (
    base_disk,
    longhorn_volume_from_iqn,
    parse_iscsiadm,
    read_iscsiadm,
)
from tests.observe._paths import INCIDENT_LISTING, ISCSIADM, MASTER_VOLUMES

LISTINGS = sorted(ISCSIADM.glob("iscsiadm-*.txt"))


def _expected(listing: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(listing.with_name(listing.name + ".mapping.json").read_text())
    return data


def _session_dicts(text: str) -> list[dict[str, Any]]:
    rows = []
    for s in parse_iscsiadm(text).sessions:
        d = dataclasses.asdict(s)
        d["devices"] = None if s.devices is None else [dataclasses.asdict(x) for x in s.devices]
        rows.append(d)
    return rows


def _assert_tables(text: str, expected: dict[str, Any]) -> None:
    mapping = [dataclasses.asdict(r) for r in parse_iscsiadm(text).mapping()]
    assert mapping == expected["mapping"]
    got = _session_dicts(text)
    assert len(got) == len(expected["sessions"])
    for mine, want in zip(got, expected["sessions"], strict=True):
        assert {k: mine[k] for k in want} == want
        # Whatever the sidecar leaves out, the listing does not show: the reader says None.
        assert all(mine[k] is None for k in mine.keys() - want.keys()), mine


def test_there_are_listings_to_test() -> None:
    assert len(LISTINGS) == 3


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.name)
def test_reader_produces_exactly_the_mapping_and_sessions_tables(listing: Path) -> None:
    _assert_tables(listing.read_text(), _expected(listing))


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.name)
@pytest.mark.parametrize("indent", ["\t", " " * 8])
def test_indentation_does_not_matter(listing: Path, indent: str) -> None:
    """Tabs (open-iscsi upstream) and 8/16/24 spaces (RHEL, pastes) give the same tables."""
    lines = []
    for line in listing.read_text().splitlines():
        body = line.lstrip(" \t")
        depth = line[: len(line) - len(body)].replace(" " * 8, "\t").count("\t")
        lines.append(indent * depth + body.replace("\t\t", "  "))
    _assert_tables("\n".join(lines) + "\n", _expected(listing))


def test_several_longhorn_sessions_with_controller_lun_and_disk_lun() -> None:
    sessions = read_iscsiadm(INCIDENT_LISTING)
    assert sessions.host == "altra"  # from the shell prompt line
    assert sessions.version == "2.1.9"
    assert [s.sid for s in sessions.sessions] == [33, 34, 35, 36, 37]
    by_volume = {s.volume: s for s in sessions.sessions}
    for vm, volume in MASTER_VOLUMES.items():
        assert by_volume[volume].target == f"iqn.2019-10.io.longhorn:{volume}", vm
    # tgt exposes LUN 0 as the controller (no disk) and the volume as LUN 1.
    assert [(r.device, r.hctl) for r in sessions.mapping()] == [
        ("sdc", "41:0:0:1"), ("sdi", "42:0:0:1"), ("sdo", "43:0:0:1"),
        ("sdu", "44:0:0:1"), ("sdad", "45:0:0:1"),
    ]
    assert sessions.by_device("sdo16") is by_volume[MASTER_VOLUMES["kube-master-01"]]
    assert sessions.by_sid(37) is by_volume[MASTER_VOLUMES["kube-master-02"]]
    assert all(s.logged_in for s in sessions.sessions)


def test_logged_in_spelling_and_unhealthy_sessions() -> None:
    text = (ISCSIADM / "iscsiadm-P3-longhorn-1920-a.txt").read_text()
    (stuck,) = parse_iscsiadm(text).sessions
    assert stuck.logged_in is False  # TRANSPORT WAIT / FREE
    ok = text.replace("TRANSPORT WAIT", "LOGGED IN").replace(": FREE", ": LOGGED_IN")
    assert parse_iscsiadm(ok).sessions[0].logged_in is True
    assert parse_iscsiadm(ok.replace("LOGGED IN", "LOGGED_IN")).sessions[0].logged_in is True


SESSION_WITHOUT_DISK = """\
Target: iqn.2019-10.io.longhorn:empty (non-flash)
\tCurrent Portal: 10.42.0.9:3260,1
\tPersistent Portal: 10.42.0.9:3260,1
\t\tSID: 4
\t\tiSCSI Connection State: LOGGED IN
\t\tiSCSI Session State: LOGGED_IN
\t\tInternal iscsid Session State: NO CHANGE
\t\t************************
\t\tAttached SCSI devices:
\t\t************************
\t\tHost Number: 12\tState: running
\t\tscsi12 Channel 00 Id 0 Lun: 0
Target: iqn.2019-10.io.longhorn:cut (non-flash)
\tCurrent Portal: 10.42.0.9:3260,1
\tPersistent Portal: 10.42.0.9:3260,1
\t\tSID: 5
\t\tiSCSI Connection State: LOGGED IN
"""


def test_no_disk_is_not_the_same_as_unknown() -> None:
    empty, cut = parse_iscsiadm(SESSION_WITHOUT_DISK).sessions
    assert (empty.sid, empty.devices, empty.host_number) == (4, (), 12)
    assert (cut.sid, cut.devices) == (5, None)
    assert (empty.volume, cut.volume) == ("empty", "cut")


def test_two_sessions_to_one_target() -> None:
    text = SESSION_WITHOUT_DISK.split("Target: iqn.2019-10.io.longhorn:cut")[0]
    text += "\tCurrent Portal: 10.42.0.10:3260,1\n\t\tSID: 6\n"
    first, second = parse_iscsiadm(text).sessions
    assert (first.sid, second.sid) == (4, 6)
    assert first.target == second.target == "iqn.2019-10.io.longhorn:empty"
    assert second.portal == "10.42.0.10:3260,1"


def test_p0_listing_and_no_active_sessions() -> None:
    text = (
        "tcp: [5] 10.42.82.27:3260,1 iqn.2019-10.io.longhorn:testvol (non-flash)\n"
        "tcp: [6] [fd00::12]:3260,1 iqn.2019-10.io.longhorn:pvc-1\n"
    )
    a, b = parse_iscsiadm(text).sessions
    assert (a.sid, a.portal, a.volume, a.devices) == (5, "10.42.82.27:3260,1", "testvol", None)
    assert (b.sid, b.portal, b.volume) == (6, "[fd00::12]:3260,1", "pvc-1")
    assert parse_iscsiadm("iscsiadm: No active sessions.\n").sessions == ()


def test_not_a_listing_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("Dec 27 16:52:05 altra kernel: Buffer I/O error on dev sdi\n")
    with pytest.raises(InputError) as info:
        read_iscsiadm(bad)
    assert info.value.file == str(bad)
    assert "iscsiadm -m session -P 3" in str(info.value)


def test_binary_and_missing_files_are_bad_input(tmp_path: Path) -> None:
    binary = tmp_path / "dump.bin"
    binary.write_bytes(b"Target: x\n\x00\x01\x02")
    with pytest.raises(InputError) as info:
        read_iscsiadm(binary)
    assert info.value.where == "line 2"
    with pytest.raises(InputError):
        read_iscsiadm(tmp_path / "absent.txt")


def test_iqn_and_disk_names() -> None:
    assert longhorn_volume_from_iqn("iqn.2019-10.io.longhorn:pvc-1") == "pvc-1"
    assert longhorn_volume_from_iqn("iqn.1992-04.com.emc:cx.a4") is None
    assert longhorn_volume_from_iqn("iqn.2019-10.io.longhorn:") is None
    assert longhorn_volume_from_iqn(None) is None
    assert [base_disk(d) for d in ("sdo16", "sdad", "sdi", "vda1", "dm-0", "nvme0n1p1")] == [
        "sdo", "sdad", "sdi", "vda", "dm-0", "nvme0n1",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_map_or_input_error(text: str) -> None:
    try:
        parse_iscsiadm(text)
    except InputError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_on_disk_give_a_map_or_input_error(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "listing.txt"
    path.write_bytes(data)
    try:
        read_iscsiadm(path)
    except InputError:
        pass
