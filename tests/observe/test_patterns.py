"""The pattern table against the labeled public samples, one test per labeled line, and
every row against a line of its wording (constructed in a real format, since the samples
cover about a third of the wordings). Look-alikes from the README must yield nothing."""

from __future__ import annotations

import re

import pytest

from harvester_iac.observe._devices import base_disk, normalize_portal
from harvester_iac.observe.logs._detect import detect_line
from harvester_iac.observe.logs._durations import parse_go_duration
from harvester_iac.observe.logs._event import EventKind
from harvester_iac.observe.logs._patterns import PATTERNS
from harvester_iac.observe.logs._prefilter import PREFILTERS
from harvester_iac.observe.logs._scan import ScanOptions, scan_logs
from tests.observe._logsamples import FIELD_KEYS, Label, events_by_line, labels, listing_files

LABELS = labels()


def test_the_samples_are_all_there() -> None:
    kinds = {label.kind for label in LABELS}
    assert len(LABELS) == 86
    assert kinds == {k.value for k in EventKind} | {"none"}


@pytest.mark.parametrize("label", LABELS, ids=lambda label: label.id)
def test_labeled_line(label: Label) -> None:
    events = events_by_line(label.file).get(label.line, [])
    if label.kind == "none":
        assert events == [], f"look-alike yielded {[e.kind for e in events]}: {label.text}"
        return
    assert len(events) == 1, f"expected one {label.kind} event: {label.text}"
    event = events[0]
    assert event.kind == label.kind
    got = {key: getattr(event, key) for key in FIELD_KEYS if getattr(event, key) is not None}
    assert got == dict(label.fields)
    assert event.raw == label.text
    assert event.file.endswith(label.file)


@pytest.mark.parametrize("path", listing_files(), ids=lambda p: p.name)
def test_iscsiadm_listings_are_not_log_input(path: object) -> None:
    result = scan_logs([path], ScanOptions(jobs=1))  # type: ignore[list-item]
    assert result.events == ()


# One real-format line per row: (line, row name, fields the line names).
ROWS: list[tuple[str, str, dict[str, str]]] = [
    ("Jun 22 16:30:48 h iscsid: Kernel reported iSCSI connection 2:0 error (1022 - Invalid or"
     " unknown error code) state (3)", "iscsid_conn_error_nop", {"connection": "2:0"}),
    ("Apr 12 11:51:19 h iscsid: Kernel reported iSCSI connection 1:0 error (1011 - "
     "ISCSI_ERR_CONN_FAILED: iSCSI connection failed) state (3)", "iscsid_conn_error",
     {"connection": "1:0"}),
    ("Apr 12 11:51:19 h kernel:  connection9:0: ping timeout of 15 secs expired, recv timeout 10,"
     " last rx 1, last ping 2, now 3", "kernel_ping_timeout", {"connection": "9:0"}),
    ("[  12.5] connection9:0: detected conn error (1022)", "kernel_conn_error_nop",
     {"connection": "9:0"}),
    ("[  12.5] connection9:0: detected conn error (1021)", "kernel_conn_error",
     {"connection": "9:0"}),
    ("Apr 12 11:51:31 h iscsid: connection4:0 is operational after recovery (12 attempts)",
     "iscsid_recovered", {"connection": "4:0"}),
    ("Dec 27 15:11:02 altra iscsid[2101]: Connection12:0 to [target: iqn.2019-10.io.longhorn:"
     "pvc-928c70bb-e3b9-47d5-9bde-e0d05c29a6f0, portal: 10.52.0.87,3260] through [iface: default]"
     " is operational now", "iscsid_operational_now",
     {"connection": "12:0", "portal": "10.52.0.87:3260",
      "iqn": "iqn.2019-10.io.longhorn:pvc-928c70bb-e3b9-47d5-9bde-e0d05c29a6f0"}),
    ("Dec 27 16:51:55 altra iscsid[2101]: Connection5:0 to [target: iqn.2019-10.io.longhorn:"
     "pvc-7a5ad083, portal: 10.52.0.91,3260] through [iface: default] is shutdown.",
     "iscsid_shutdown", {"connection": "5:0", "portal": "10.52.0.91:3260",
                         "iqn": "iqn.2019-10.io.longhorn:pvc-7a5ad083"}),
    ("May 24 18:25:46 t kernel:  session12: session recovery timed out after 120 secs",
     "kernel_session_recovery_timeout", {"session": "12"}),
    ("Jan 1 00:00:00 h iscsid: conn 0 login rejected: initiator failed authorization with target",
     "iscsid_login_rejected", {}),
    ("Jan 1 00:00:00 h iscsid: cannot make a connection to [fd00::12]:3260 (-1,101)",
     "iscsid_cannot_make_a_connection", {"portal": "[fd00::12]:3260"}),
    ("Jan 1 00:00:00 h iscsid: connect to 10.1.2.3:3260 failed (No route to host)",
     "iscsid_connect_failed", {"portal": "10.1.2.3:3260"}),
    ("Jan 1 00:00:00 h iscsid: connect to 10.1.2.3 timed out", "iscsid_connect_timed_out",
     {"portal": "10.1.2.3"}),
    ('time="2023-02-13T16:30:59Z" level=warning msg="failed to login: iscsiadm: cannot make '
     'connection to 10.42.1.8: Connection refused"', "iscsiadm_cannot_make_connection",
     {"portal": "10.42.1.8"}),
    ("[ 1.0] end_request: I/O error, dev sdb, sector 2048", "block_end_request",
     {"device": "sdb"}),
    ("[ 1.0] print_req_error: critical medium error, dev sda, sector 8 flags 801",
     "block_print_req_error", {"device": "sda"}),
    ("[ 1.0] blk_update_request: I/O error, dev vda, sector 0 op 0x1:(WRITE) flags 0x800",
     "block_blk_update_request", {"device": "vda"}),
    ("[ 1.0] I/O error, dev sdad, sector 19395608 op 0x1:(WRITE) flags 0x104000 phys_seg 320",
     "block_io_error", {"device": "sdad"}),
    ("[ 1.0] Buffer I/O error on dev sdo16, logical block 122, lost sync page write",
     "buffer_io_error_dev", {"device": "sdo16"}),
    ("[ 1.0] Buffer I/O error on device dm-3, logical block 4", "buffer_io_error_device",
     {"device": "dm-3"}),
    ("[ 1.0] sd 2:0:0:0: [sdc] FAILED Result: hostbyte=DID_NO_CONNECT driverbyte=DRIVER_OK",
     "scsi_failed_result", {"device": "sdc", "hctl": "2:0:0:0"}),
    ("[ 1.0] scsi 7:0:0:1: rejecting I/O to offline device", "scsi_rejecting_offline",
     {"hctl": "7:0:0:1"}),
    ("[ 1.0] sd 7:0:0:1: Device offlined - not ready after error recovery",
     "scsi_device_offlined", {"hctl": "7:0:0:1"}),
    ("[ 1.0] EXT4-fs error (device vda1): ext4_find_entry:1455: inode #2: comm ls: reading",
     "ext4_error_colon", {"device": "vda1"}),
    ("[ 1.0] EXT4-fs error (device dm-0) in ext4_reserve_inode_write:5746: Journal has aborted",
     "ext4_error_in", {"device": "dm-0"}),
    ("[ 1.0] Aborting journal on device sda-8.", "jbd2_aborting_journal", {"device": "sda"}),
    ("[ 1.0] EXT4-fs (loop1): Remounting filesystem read-only", "ext4_remount_ro",
     {"device": "loop1"}),
    ('{"level":"warn","ts":"2025-01-01T00:00:00Z","caller":"txn/util.go:93","msg":"apply request'
     ' took too long","took":"1.2s","expected-duration":"100ms","prefix":"read-only txn "}',
     "etcd_apply_request", {}),
    ("2018-03-01 10:00:00.000001 W | etcdserver: apply entries took too long [101.4ms for 1 "
     "entries]", "etcd_apply_entries", {}),
    ('2020-05-13 16:45:22.917467 W | etcdserver: read-only range request "key:\\"/registry/a\\" "'
     ' with result "range_response_count:1 size:4" took too long (150ms) to execute',
     "etcd_readonly_range_request", {}),
    ('2020-05-13 16:45:22.917467 W | etcdserver: read-only txn request "compare:<>" with result '
     '"size:4" took too long (150ms) to execute', "etcd_request_took_too_long", {}),
    ('{"level":"warn","msg":"waiting for ReadIndex response took too long, retrying"}',
     "etcd_readindex_retry", {}),
    ("2019-10-01 10:00:00.000001 W | etcdserver: timed out waiting for read index response",
     "etcd_read_index_timeout", {}),
    ('{"level":"warn","msg":"failed to publish local member to cluster through raft"}',
     "etcd_publish_failed", {}),
    ('{"level":"warn","msg":"slow fdatasync","took":"1.5s","expected-duration":"1s"}',
     "etcd_slow_fdatasync", {}),
    ("2019-10-01 10:00:00.000001 W | wal: sync duration of 2.1s, expected less than 1s",
     "etcd_wal_sync_duration", {}),
    ('{"level":"warn","msg":"leader failed to send out heartbeat on time; took too long, leader '
     'is overloaded likely from slow disk"}', "etcd_leader_heartbeat", {}),
    ("2019-10-01 10:00:00.000001 W | etcdserver: failed to send out heartbeat on time (exceeded "
     "the 100ms timeout for 3.1s, to 8e9e05c52164694d)", "etcd_heartbeat_exceeded", {}),
]


def test_every_row_has_an_example() -> None:
    assert sorted(name for _, name, _ in ROWS) == sorted(p.name for p in PATTERNS)
    assert len({p.name for p in PATTERNS}) == len(PATTERNS)


@pytest.mark.parametrize(("line", "name", "fields"), ROWS, ids=[r[1] for r in ROWS])
def test_row(line: str, name: str, fields: dict[str, str]) -> None:
    _, det = detect_line(line)
    assert det is not None
    assert det.pattern == name
    got = {key: getattr(det, key) for key in FIELD_KEYS if getattr(det, key) is not None}
    assert got == fields
    prefilter = re.compile("|".join(PREFILTERS))
    assert prefilter.search(line), "the engine prefilter must select every row's lines"
    row = next(p for p in PATTERNS if p.name == name)
    assert row.guard in line
    assert re.search(row.prefilter, line), "a row's own prefilter must select its lines"


def test_the_prefilter_list_is_the_rows_own() -> None:
    """Each row's prefilter is in the engine's list, or a literal its guard contains is."""
    for row in PATTERNS:
        assert row.prefilter in PREFILTERS or any(
            p.guard in row.guard and p.prefilter in PREFILTERS for p in PATTERNS if p is not row
        ), row.name


LOOK_ALIKES = [
    "[ 1.0] EXT4-fs warning (device sdd): ext4_end_bio:309: I/O error 10 writing to inode 6031717",
    "[ 1.0] EXT4-fs (sdd1): error count since last fsck: 5",
    "[ 1.0] EXT4-fs (dm-0): ext4_do_writepages: jbd2_start: 9223372036854775807 pages, ino 1; err -30",
    "[ 1.0] JBD2: Error -5 detected when updating journal superblock for sda1-8.",
    "[ 1.0] EXT4-fs error: 3 callbacks suppressed",
    "[ 1.0] buffer_io_error: 6 callbacks suppressed",
    "[ 1.0] print_req_error: 12 callbacks suppressed",
    "[ 1.0] scsi_io_completion_action: 4 callbacks suppressed",
    "[ 1.0] sd 4:0:0:1: [sdb] tag#0 Sense Key : Medium Error [current]",
    "[ 1.0] sd 4:0:0:1: [sdb] tag#0 Add. Sense: Unrecovered read error",
    "[ 1.0] sd 4:0:0:1: [sdb] tag#0 CDB: Write(10) 2a 00 00 00 00 00 00 00 10 00",
    "[ 1.0] sd 4:0:0:1: [sdb] Attached SCSI disk",
    "[ 1.0] sd 4:0:0:1: Power-on or device reset occurred",
    "[ 1.0] sdb: unable to read partition table",
    "Jan 1 00:00:00 h multipathd[1]: checker failed path 8:16 in map mpatha",
    "Jan 1 00:00:00 h kernel: device-mapper: multipath: 254:9: Failing path 8:16.",
    "Jan 1 00:00:00 h iscsid: Received iferror -107: Transport endpoint is not connected.",
    "Jan 1 00:00:00 h iscsid: can't set operational parameter 15 for connection 3:0, retcode -107",
    "Jan 1 00:00:00 h iscsid: can't bind conn 3:0 to session 3, retcode -107 (115)",
    "Jan 1 00:00:00 h iscsid: connection20:0 IPC qtask write failed: Broken pipe",
    "Jan 1 00:00:00 h iscsid: Target requests logout within 10 seconds for connection",
    "Jan 1 00:00:00 h iscsid: iscsid shutting down.",
    "Jan 1 00:00:00 h iscsid: Could not set session22 priority. READ/WRITE throughout and latency",
    "Jan 1 00:00:00 h iscsid[1116]: iSCSI logger with pid=1129 started!",
    "Jan 1 00:00:00 t kernel: iSCSI Login timeout on Network Portal 10.0.0.1:3260",
    "Jan 1 00:00:00 h iscsiadm: Could not logout of [sid: 1, target: iqn.x, portal: 10.0.0.1,3260].",
    'time="2021-04-30T15:53:37Z" level=error msg="I/O error: No backend available"',
    "tgtd: bs_longhorn_request(150) io error 0x56349003fc30 2a -14 4096 109521723392, Success",
    '[v-e-1] time="2023-02-13T16:30:59Z" level=info msg="Shutting down iSCSI target iqn.2019-10.io'
    '.longhorn:v"',
    'time="2021-04-30T15:53:37Z" level=info msg="Set replica tcp://10.42.0.5:10000 to mode ERR"',
    '{"level":"info","msg":"published local member to cluster through raft"}',
    '{"level":"info","msg":"trace[6376606] range","detail":"{range_begin:/a; }"}',
    '{"level":"info","msg":"3fdc823add8eed01 is starting a new election at term 1436"}',
    '{"level":"warn","msg":"request stats","time spent":"546.028316ms"}',
    "2020-03-25 13:08:19.610359 W | etcdserver: server is likely overloaded",
    '{"level":"warn","msg":"failed to revoke lease","error":"etcdserver: request timed out"}',
    "{\"level\":\"warn\",\"msg\":\"Failed to check current member's leadership\"}",
    '{"level":"warn","msg":"lost TCP streaming connection with remote peer"}',
    '{"level":"warn","msg":"simple token is not cryptographically signed"}',
    'Jan 1 00:00:00 m k3s[1]: time="2021-01-02T11:58:23+01:00" level=info msg="Slow SQL"',
    "Jan 1 00:00:00 m k3s[1]: E0102 11:58:23.123456 1656 status.go:71] apiserver received an "
    "error that is not an metav1.Status: etcdserver: request timed out",
    '{"component":"virt-launcher","level":"info","msg":"Domain is in state Paused reason IOError"}',
    '{"level":"info","msg":"apply request took too long","took":"1s"}',  # info is never an event
    "2020-03-25 13:08:19.610359 I | etcdserver: apply entries took too long [1s for 1 entries]",
]


@pytest.mark.parametrize("line", LOOK_ALIKES)
def test_look_alike_is_none(line: str) -> None:
    _, det = detect_line(line)
    assert det is None, f"{line!r} gave {det}"


def test_repeated_message_carries_the_inner_event_and_its_count() -> None:
    _, det = detect_line("Aug 29 11:32:37 i iscsid: message repeated 7 times: [ Kernel reported "
                         "iSCSI connection 1:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has "
                         "timed out) state (3)]")
    assert det is not None
    assert (det.kind, det.repeat, det.connection) == (EventKind.NOP_TIMEOUT, 7, "1:0")


@pytest.mark.parametrize(
    ("device", "disk"),
    [("sdo16", "sdo"), ("sdad", "sdad"), ("sdd1", "sdd"), ("nvme0n1p1", "nvme0n1"),
     ("nvme0n1", "nvme0n1"), ("dm-0", "dm-0"), ("nmd1p1", "nmd1"), ("loop1", "loop1"),
     ("vda", "vda"), ("vda3", "vda"), ("xvdb1", "xvdb"), ("mmcblk0p2", "mmcblk0"),
     ("md127", "md127")],
)
def test_base_disk(device: str, disk: str) -> None:
    assert base_disk(device) == disk


@pytest.mark.parametrize(
    ("text", "ms"),
    [("1.2s", 1200.0), ("412.5ms", 412.5), ("600µs", 0.6), ("600μs", 0.6), ("600us", 0.6),
     ("1m2.5s", 62500.0), ("1h", 3_600_000.0), ("250ns", 0.00025), ("0s", 0.0),
     ("10.939542138s", 10939.542138), ("fast", None), ("", None), (None, None), ("1.2", None)],
)
def test_go_durations(text: str | None, ms: float | None) -> None:
    assert parse_go_duration(text) == ms


@pytest.mark.parametrize(
    ("text", "portal"),
    [("10.3.2.1,3260", "10.3.2.1:3260"), ("fd00::1,3260", "[fd00::1]:3260"),
     ("10.0.0.1:3260", "10.0.0.1:3260"), ("10.0.0.1", "10.0.0.1")],
)
def test_portal(text: str, portal: str) -> None:
    assert normalize_portal(text) == portal


def test_durations_and_volume_reach_the_event() -> None:
    _, det = detect_line(
        'Jan  2 11:58:23 control03 k3s[1656]: {"level":"warn","ts":"2021-01-02T11:58:23.089+0100",'
        '"msg":"apply request took too long","took":"228.260226ms","expected-duration":"100ms"}')
    assert det is not None
    assert (det.took_ms, det.expected_ms, det.source, det.host) == (
        228.260226, 100.0, "k3s", "control03")
    _, det = detect_line(
        "Dec 27 16:51:55 altra iscsid[2101]: Connection5:0 to [target: iqn.2019-10.io.longhorn:"
        "pvc-397611d9-e598-48a3-a3d8-cc6b25ee4b85, portal: 10.52.0.91,3260] through "
        "[iface: default] is shutdown.")
    assert det is not None and det.volume == "pvc-397611d9-e598-48a3-a3d8-cc6b25ee4b85"
