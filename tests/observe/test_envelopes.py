"""Every envelope of the log-samples README ("Envelope formats a detector must read"), with
lines built in those real formats: time (UTC), host, source program and the event itself.
Zone handling (+0200, +02:00, --tz America/Los_Angeles), syslog year inference across New
Year, and dmesg boot time are checked through the public scan functions."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harvester_iac.errors import UsageError
from harvester_iac.observe.logs._envelopes import parse_envelope, strip_decorations
from harvester_iac.observe.logs._event import Event, EventKind
from harvester_iac.observe.logs._scan import ScanOptions, scan_logs, scan_text

NOW = datetime(2025, 12, 29, 12, 0, tzinfo=UTC)  # "file modification time" for year inference


def one(line: str, **options: object) -> Event:
    result = scan_text(line + "\n", ScanOptions(jobs=1, **options), now=NOW)  # type: ignore[arg-type]
    assert len(result.events) == 1, f"expected one event from {line!r}: {result.events}"
    return result.events[0]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
        micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


# ------------------------------------------------------------------ syslog / journalctl short

def test_syslog_short_space_padded_day_and_kernel_printk_stamp() -> None:
    e = one("Dec  7 16:52:05 altra kernel: [23768.849113] Buffer I/O error on dev sdo16, "
            "logical block 0, lost async page write")
    assert (e.kind, e.time, e.host, e.source, e.device, e.disk) == (
        EventKind.BUFFER_IO_ERROR, utc(2025, 12, 7, 16, 52, 5), "altra", "kernel", "sdo16", "sdo")
    assert e.tz_assumed


def test_syslog_short_zero_padded_lower_case_month_without_pid() -> None:
    e = one("feb 03 03:57:25 fedora iscsid: connection3:0 is operational after recovery "
            "(2 attempts)")
    assert (e.kind, e.time, e.host, e.source, e.connection) == (
        EventKind.SESSION_RECOVERED, utc(2025, 2, 3, 3, 57, 25), "fedora", "iscsid", "3:0")


@pytest.mark.parametrize("caller", ["[T20556]", "[   T36]", "[    C1]"])
def test_kernel_caller_id(caller: str) -> None:
    e = one(f"Mar 14 09:00:01 node kernel: [ 1234.567890]{caller} sd 7:0:0:1: rejecting I/O "
            "to offline device")
    assert (e.kind, e.hctl, e.source, e.host) == (EventKind.SCSI_OFFLINE, "7:0:0:1", "kernel", "node")


def test_doubled_prefixes_and_dev_printk_space() -> None:
    e = one("Jan 03 03:57:25 fedora kernel: kernel:  connection3:0: detected conn error (1020)")
    assert (e.kind, e.connection, e.source) == (EventKind.CONN_ERROR, "3:0", "kernel")
    e = one("Jan 03 03:57:25 fedora iscsid[40456]: iscsid: Kernel reported iSCSI connection 3:0 "
            "error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)")
    assert (e.kind, e.source, e.host) == (EventKind.NOP_TIMEOUT, "iscsid", "fedora")


def test_short_precise() -> None:
    e = one("Jun 18 07:12:32.614365 ctl kernel:  session5: session recovery timed out after 5 secs")
    assert (e.kind, e.session, e.time) == (
        EventKind.SESSION_TIMEOUT, "5", utc(2025, 6, 18, 7, 12, 32, 614365))


def test_syslog_with_year_and_severity_word() -> None:
    e = one("2024 Jun 18 07:12:32.614365 sonic CRIT kernel: [  800.1] blk_update_request: "
            "I/O error, dev sdb, sector 2048 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0")
    assert (e.kind, e.device, e.host, e.source, e.time) == (
        EventKind.IO_ERROR, "sdb", "sonic", "kernel", utc(2024, 6, 18, 7, 12, 32, 614365))


@pytest.mark.parametrize("zone", ["+0200", "+02:00"])
def test_short_iso_offsets(zone: str) -> None:
    e = one(f"2023-09-08T17:20:30{zone} nas iscsid[811]: connect to 10.0.0.5:3260 failed "
            "(Connection refused)", tz="America/Los_Angeles")
    assert (e.kind, e.portal, e.host, e.source, e.time, e.tz_assumed) == (
        EventKind.LOGIN_ERROR, "10.0.0.5:3260", "nas", "iscsid", utc(2023, 9, 8, 15, 20, 30), False)


def test_short_iso_precise() -> None:
    e = one("2023-09-08T17:20:30.250000+0000 nas kernel: EXT4-fs (sdb1): Remounting filesystem "
            "read-only")
    assert (e.kind, e.device, e.time) == (EventKind.FS_ERROR, "sdb1", utc(2023, 9, 8, 17, 20, 30, 250000))


def test_journal_separators_are_read_quietly() -> None:
    text = ("-- Logs begin at Mon 2025-12-22 10:00:00 PST, end at Mon 2025-12-29 10:00:00 PST. --\n"
            "-- Boot 3c4b0f2d8e8a4a7e9a1c7f0e2b5d6a11 --\n"
            "Dec 27 15:10:50 altra kernel:  connection1:0: detected conn error (1022)\n"
            "-- No entries --\n")
    result = scan_text(text, ScanOptions(jobs=1), now=NOW)
    assert [e.kind for e in result.events] == [EventKind.NOP_TIMEOUT]
    assert result.events[0].line == 3
    assert result.sources[0].state == "ok"


# ------------------------------------------------------------------ journalctl -o json

OLD_JSON = ('{ "__CURSOR" : "s=2c;i=1f345", "__REALTIME_TIMESTAMP" : "1766883125000000", '
            '"_HOSTNAME" : "altra", "_TRANSPORT" : "kernel", "SYSLOG_IDENTIFIER" : "kernel", '
            '"PRIORITY" : "3", "MESSAGE" : "Buffer I/O error on dev sdad, logical block 9, async '
            'page read" }')


def test_journal_json_old_spacing() -> None:
    e = one(OLD_JSON)
    assert (e.kind, e.device, e.host, e.source, e.time, e.tz_assumed) == (
        EventKind.BUFFER_IO_ERROR, "sdad", "altra", "kernel", utc(2025, 12, 28, 0, 52, 5), False)


def test_journal_json_compact_with_message_as_byte_array() -> None:
    text = "sd 7:0:0:1: rejecting I/O to offline device\x1b"  # the ESC is why it is an array
    array = ",".join(str(b) for b in text.encode())
    e = one('{"__REALTIME_TIMESTAMP":"1766883125000000","_HOSTNAME":"altra","_TRANSPORT":"kernel",'
            f'"SYSLOG_IDENTIFIER":"kernel","MESSAGE":[{array}]}}')
    assert (e.kind, e.hctl, e.host, e.time) == (
        EventKind.SCSI_OFFLINE, "7:0:0:1", "altra", utc(2025, 12, 28, 0, 52, 5))


def test_journal_json_with_k3s_zap_inside() -> None:
    e = one('{"__REALTIME_TIMESTAMP":"1766882805500000","_HOSTNAME":"kube-master-01",'
            '"SYSLOG_IDENTIFIER":"k3s","_PID":"1656","MESSAGE":"{\\"level\\":\\"warn\\",\\"ts\\":'
            '\\"2025-12-27T16:46:45.123-0800\\",\\"caller\\":\\"etcdserver/util.go:170\\",\\"msg\\":'
            '\\"apply request took too long\\",\\"took\\":\\"1.48s\\",\\"expected-duration\\":'
            '\\"100ms\\"}"}')
    assert (e.kind, e.host, e.source, e.took_ms, e.expected_ms, e.time) == (
        EventKind.ETCD_SLOW_APPLY, "kube-master-01", "k3s", 1480.0, 100.0,
        utc(2025, 12, 28, 0, 46, 45, 123000))


# ------------------------------------------------------------------ dmesg

DMESG = ("[ 3570.215118] Buffer I/O error on dev nmd1p1, logical block 3418095612, async page read\n"
         "[ 4730.850383] I/O error, dev nvme0n1, sector 10630288 op 0x1:(WRITE) flags 0x0\n")


def test_dmesg_raw_with_boot_time_option() -> None:
    boot = utc(2025, 12, 27, 15, 0)
    result = scan_text(DMESG, ScanOptions(jobs=1, boot_time=boot), now=NOW)
    assert [e.time for e in result.events] == [utc(2025, 12, 27, 15, 59, 30, 215118),
                                                utc(2025, 12, 27, 16, 18, 50, 850383)]
    assert "--boot-time" in (result.sources[0].detail or "")


def test_dmesg_raw_without_boot_time_keeps_events_and_says_so() -> None:
    result = scan_text(DMESG, ScanOptions(jobs=1), now=NOW)
    assert [e.time for e in result.events] == [None, None]
    assert "needs --boot-time" in (result.sources[0].detail or "")


def test_dmesg_boot_time_from_the_file() -> None:
    # A kernel line with both a wall-clock date and [seconds] tells the boot time.
    text = ("Dec 27 16:00:00 altra kernel: [ 3600.000000] sd 7:0:0:1: Power-on or device reset "
            "occurred\n" + DMESG)
    result = scan_text(text, ScanOptions(jobs=1), now=NOW)
    times = [e.time for e in result.events]
    assert times == [utc(2025, 12, 27, 15, 59, 30, 215118), utc(2025, 12, 27, 16, 18, 50, 850383)]
    assert "lines carrying both" in (result.sources[0].detail or "")


def test_dmesg_ctime() -> None:
    e = one("[Wed Apr 17 15:28:54 2024] sd 5:0:0:1: rejecting I/O to offline device",
            tz="America/Los_Angeles")
    assert (e.kind, e.time, e.source, e.tz_assumed) == (
        EventKind.SCSI_OFFLINE, utc(2024, 4, 17, 22, 28, 54), "kernel", True)


@pytest.mark.parametrize("stamps", [
    "[Wed Apr 17 15:28:54 2024]",
    "[  +0.000001] [Wed Apr 17 15:28:54 2024] [T2301]",
    "[Wed Apr 17 15:28:54 2024 <    0.000010>]",
])
def test_dmesg_x_T_d(stamps: str) -> None:
    e = one(f"kern  :err   : {stamps}  session4: session recovery timed out after 120 secs")
    assert (e.kind, e.session, e.time) == (EventKind.SESSION_TIMEOUT, "4", utc(2024, 4, 17, 15, 28, 54))


def test_bare_message() -> None:
    e = one("Aborting journal on device dm-0-8.", host="altra")
    assert (e.kind, e.device, e.disk, e.time, e.host) == (EventKind.FS_ERROR, "dm-0", "dm-0", None, "altra")


# ------------------------------------------------------------------ etcd zap JSON

ZAP = '"caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"412.5ms"'


@pytest.mark.parametrize(("ts", "when"), [
    ('"ts":"2024-01-10T07:55:33.433522Z",', utc(2024, 1, 10, 7, 55, 33, 433522)),
    ('"ts":"2021-01-02T11:58:23.089+0100",', utc(2021, 1, 2, 10, 58, 23, 89000)),
    ('"ts":"2021-06-05T13:08:40.686-0800",', utc(2021, 6, 5, 21, 8, 40, 686000)),
    ('"ts":1593479860.457,', utc(2020, 6, 30, 1, 17, 40, 457000)),
    ("", None),
])
def test_zap_timestamps(ts: str, when: datetime | None) -> None:
    e = one('{"level":"warn",' + ts + ZAP + "}")
    assert (e.kind, e.time, e.took_ms, e.source) == (EventKind.ETCD_SLOW_APPLY, when, 412.5, "etcd")


def test_zap_inside_syslog_envelope() -> None:
    e = one('Dec 27 16:46:45 kube-master-00 k3s[1656]: {"level":"warn","ts":"2025-12-28T00:46:45.1Z",'
            + ZAP + "}", tz="America/Los_Angeles")
    assert (e.host, e.source, e.time, e.tz_assumed) == (
        "kube-master-00", "k3s", utc(2025, 12, 28, 0, 46, 45, 100000), False)


def test_zap_behind_cri_prefix() -> None:
    e = one('2023-08-18T10:47:25.111490788+08:00 stderr F {"level":"warn","caller":"wal/wal.go:805",'
            '"msg":"slow fdatasync","took":"1.263337456s","expected-duration":"1s"}')
    assert (e.kind, e.time, e.took_ms, e.expected_ms) == (
        EventKind.ETCD_SLOW_FDATASYNC, utc(2023, 8, 18, 2, 47, 25, 111490), 1263.337456, 1000.0)


def test_zap_re_encoded_by_a_shipper() -> None:
    e = one('{"@timestamp":"2022-08-30T09:17:30.388Z","host":{"name":"master-1"},"level":"warn",'
            '"message":"failed to publish local member to cluster through raft"}')
    assert (e.kind, e.host, e.time) == (
        EventKind.ETCD_PUBLISH_TIMEOUT, "master-1", utc(2022, 8, 30, 9, 17, 30, 388000))


def test_zap_nested_in_another_json_and_as_an_escaped_string() -> None:
    e = one('{"kubernetes":{"pod_name":"etcd-0","host":"node-3"},"log":{"level":"warn","ts":'
            '"2022-08-30T09:17:30.387Z","msg":"timed out waiting for read index response"}}')
    assert (e.kind, e.host) == (EventKind.ETCD_READ_INDEX_SLOW, "node-3")
    e = one('{"stream":"stderr","log":"{\\"level\\":\\"warn\\",\\"msg\\":\\"waiting for ReadIndex'
            ' response took too long, retrying\\"}","kubernetes":{"host":"node-1"}}')
    assert (e.kind, e.host) == (EventKind.ETCD_READ_INDEX_SLOW, "node-1")


def test_zap_info_record_is_never_an_event() -> None:
    result = scan_text('{"level":"info","msg":"apply request took too long","took":"1s"}\n',
                       ScanOptions(jobs=1))
    assert result.events == ()


def test_truncated_and_pretty_printed_zap() -> None:
    e = one('Jan  2 11:58:23 control03 k3s[1656]: {"level":"warn","ts":"2021-01-02T11:58:23.089+01'
            '00","caller":"etcdserver/util.go:163","msg":"apply request took too long","took":"228.2')
    assert (e.kind, e.time) == (EventKind.ETCD_SLOW_APPLY, utc(2021, 1, 2, 10, 58, 23, 89000))
    text = '{\n  "level": "warn",\n  "msg": "slow fdatasync",\n  "took": "1.2s"\n}\n'
    result = scan_text(text, ScanOptions(jobs=1))
    assert [(e.kind, e.line) for e in result.events] == [(EventKind.ETCD_SLOW_FDATASYNC, 3)]


# ------------------------------------------------------------------ etcd capnslog

CAPNSLOG = ('etcdserver: read-only range request "key:\\"/registry/leases/kube-system/k3s\\" " '
            'with result "range_response_count:1 size:420" took too long (1.203s) to execute')


def test_capnslog_on_its_own() -> None:
    e = one(f"2020-03-25 13:08:19.610359 W | {CAPNSLOG}", tz="America/Los_Angeles")
    assert (e.kind, e.took_ms, e.time, e.tz_assumed, e.source) == (
        EventKind.ETCD_SLOW_REQUEST, 1203.0, utc(2020, 3, 25, 20, 8, 19, 610359), True, "etcd")


def test_capnslog_in_journal_without_date_and_level() -> None:
    e = one(f"Mar 25 13:08:19 etcd-1 etcd[3563]: {CAPNSLOG}")
    assert (e.kind, e.host, e.source) == (EventKind.ETCD_SLOW_REQUEST, "etcd-1", "etcd")


def test_capnslog_in_docker_json_file() -> None:
    log = f"2020-03-25 13:08:19.610359 W | {CAPNSLOG}".replace("\\", "\\\\").replace('"', '\\"')
    e = one('{"log":"' + log + '\\n","stream":"stderr","time":"2020-03-25T13:08:19.61101Z"}')
    assert (e.kind, e.time, e.tz_assumed) == (
        EventKind.ETCD_SLOW_REQUEST, utc(2020, 3, 25, 13, 8, 19, 611010), False)


def test_capnslog_info_is_not_an_event() -> None:
    result = scan_text("2020-03-25 13:08:19.610359 I | wal: sync duration of 2s, expected less "
                       "than 1s\n", ScanOptions(jobs=1))
    assert result.events == ()


# ------------------------------------------------------------------ Longhorn logrus

@pytest.mark.parametrize("prefix", [
    "",
    "[instance-manager-e-b88d06e5] ",
    "2023-02-13T16:31:00.143830134Z ",
    "2023-02-13T16:31:00.143830134Z [pvc-348647c0-e-b88d06e5] ",
    "logs/longhorn-system/instance-manager-r-1/instance-manager-r-1.log:",
])
def test_logrus_with_prefixes(prefix: str) -> None:
    e = one(prefix + 'time="2023-02-13T16:30:59Z" level=error msg="failed to login: iscsiadm: '
            'cannot make connection to 10.42.1.8: Connection refused"')
    assert (e.kind, e.portal, e.source) == (EventKind.LOGIN_ERROR, "10.42.1.8", "iscsiadm")
    assert e.time == utc(2023, 2, 13, 16, 30, 59)  # logrus' own time wins over kubectl's


def test_tgtd_text_interleaved_is_none() -> None:
    text = ("2021-04-30T15:53:37.143839586Z tgtd: bs_longhorn_request(91) fail to write at 1 for 4096\n"
            "lh_client_close_conn: Closing connection\n")
    assert scan_text(text, ScanOptions(jobs=1)).events == ()


# ------------------------------------------------------------------ paste decorations

@pytest.mark.parametrize("decorated", [
    "    Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)",
    "\tAug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)",
    "│ Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)      │",
    "| Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused) |",
    "> Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)",
    "> > Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)",
    "    12\tAug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)",
    '"Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)",',
    "'Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)'",
    "`Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)`",
    "/var/log/syslog:Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection "
    "refused)",
    "1234:Aug 29 11:32:29 i iscsid: connect to 10.142.0.2:3260 failed (Connection refused)",
])
def test_paste_decorations(decorated: str) -> None:
    e = one(decorated)
    assert (e.kind, e.portal, e.host, e.time, e.raw) == (
        EventKind.LOGIN_ERROR, "10.142.0.2:3260", "i", utc(2025, 8, 29, 11, 32, 29), decorated)


def test_strip_decorations_keeps_plain_lines() -> None:
    line = "Jan  3 03:57:25 fedora kernel:  connection3:0: detected conn error (1020)"
    assert strip_decorations(line) == line
    assert parse_envelope("[ 12.5] x").format == "dmesg"


# ------------------------------------------------------------------ zones, years, boot

def test_tz_applies_to_zone_less_lines_and_default_utc_is_reported() -> None:
    line = "Dec 27 15:10:50 altra kernel:  connection1:0: detected conn error (1022)\n"
    la = scan_text(line, ScanOptions(jobs=1, tz="America/Los_Angeles"), now=NOW)
    assert la.events[0].time == utc(2025, 12, 27, 23, 10, 50)
    assert "America/Los_Angeles" in (la.sources[0].detail or "")
    summer = scan_text(line.replace("Dec 27", "Jul  4"), ScanOptions(jobs=1, tz="America/Los_Angeles"),
                       now=NOW)
    assert summer.events[0].time == utc(2025, 7, 4, 22, 10, 50)  # PDT, UTC-7
    plain = scan_text(line, ScanOptions(jobs=1), now=NOW)
    assert plain.events[0].time == utc(2025, 12, 27, 15, 10, 50)
    assert "as UTC (no --tz given)" in (plain.sources[0].detail or "")


def test_bad_zone_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="Mars/Olympus"):
        scan_text("x\n", ScanOptions(tz="Mars/Olympus"))


NEW_YEAR = ("Dec 31 23:59:58 altra kernel:  connection1:0: detected conn error (1022)\n"
            "Jan  1 00:00:03 altra kernel:  session1: session recovery timed out after 5 secs\n"
            "Jan  2 08:00:00 altra iscsid: connection1:0 is operational after recovery (9 attempts)\n")


def test_year_inferred_from_modification_time_across_new_year(tmp_path: Path) -> None:
    path = tmp_path / "syslog.1"
    path.write_text(NEW_YEAR)
    stamp = datetime(2026, 1, 2, 9, 0, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    result = scan_logs([path], ScanOptions(jobs=1))
    assert [e.time for e in result.events] == [
        utc(2025, 12, 31, 23, 59, 58), utc(2026, 1, 1, 0, 0, 3), utc(2026, 1, 2, 8, 0)]
    assert "modification time" in (result.sources[0].detail or "")


def test_year_override_is_the_first_lines_year() -> None:
    result = scan_text(NEW_YEAR, ScanOptions(jobs=1, year=2019), now=NOW)
    assert [e.time.year for e in result.events if e.time] == [2019, 2020, 2020]
    assert "--year 2019" in (result.sources[0].detail or "")


def test_year_of_a_file_not_crossing_new_year_is_before_its_mtime() -> None:
    text = "Dec 27 16:52:05 altra kernel: Buffer I/O error on dev sdi, logical block 1\n"
    result = scan_text(text, ScanOptions(jobs=1), now=datetime(2026, 3, 1, tzinfo=UTC))
    assert result.events[0].time == utc(2025, 12, 27, 16, 52, 5)


def test_since_until_window() -> None:
    text = NEW_YEAR + "[ 5.0] Aborting journal on device sda-8.\n"
    window = ScanOptions(jobs=1, since=utc(2026, 1, 1), until=utc(2026, 1, 1, 12))
    result = scan_text(text, window, now=datetime(2026, 1, 3, tzinfo=UTC))
    # the raw dmesg line has no time and is kept; the others are filtered by time
    assert [(e.kind, e.time) for e in result.events] == [
        (EventKind.FS_ERROR, None), (EventKind.SESSION_TIMEOUT, utc(2026, 1, 1, 0, 0, 3))]
    everything = scan_text(text, ScanOptions(jobs=1), now=datetime(2026, 1, 3, tzinfo=UTC))
    assert len(everything.events) == 4
