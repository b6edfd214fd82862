"""The pattern rows that read the lab's real lines: one line per wording, named row and kind.

Lines are byte-exact from examples/lab/ (Debian 6.1.192 kernel through busybox klogd/syslogd,
open-iscsi 2.1.8, etcd 3.4.23); see examples/lab/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.observe import ScanOptions, scan_logs

FIXTURES = Path(__file__).resolve().parents[2] / "examples" / "lab"

# (fixture file, the first line containing this text, kind, pattern row)
LINES = [
    ("stall-long/syslog.log", "ping timeout of 2 secs expired", "nop_timeout", "kernel_ping_timeout"),
    ("stall-long/syslog.log", "detected conn error (1022)", "nop_timeout", "kernel_conn_error_nop"),
    ("stall-long/syslog.log", "error (1022 - ISCSI_ERR_NOP_TIMEDOUT", "nop_timeout", "iscsid_conn_error_nop"),
    ("stall-long/syslog.log", "session recovery timed out after 8 secs", "session_timeout",
     "kernel_session_recovery_timeout"),
    ("stall-long/syslog.log", "rejecting I/O to offline device", "scsi_offline", "scsi_rejecting_offline"),
    ("stall-long/syslog.log", "op 0x1:(WRITE)", "io_error", "block_io_error"),
    ("stall-long/syslog.log", "op 0x9:(WRITE_ZEROES)", "io_error", "block_io_error"),
    ("stall-long/syslog.log", "Buffer I/O error on device sda", "buffer_io_error", "buffer_io_error_device"),
    ("stall-long/syslog.log", "lost sync page write", "buffer_io_error", "buffer_io_error_dev"),
    ("stall-long/syslog.log", "lost async page write", "buffer_io_error", "buffer_io_error_dev"),
    ("stall-long/syslog.log", "Aborting journal on device sda-8.", "fs_error", "jbd2_aborting_journal"),
    ("stall-long/syslog.log", "is operational after recovery (3 attempts)", "session_recovered", "iscsid_recovered"),
    ("stall-long/syslog.log", "Detected aborted journal", "fs_error", "ext4_error_colon"),
    ("stall-long/syslog.log", "Remounting filesystem read-only", "fs_error", "ext4_remount_ro"),
    ("stall-long/syslog.log", "in __ext4_new_inode:1096: Journal has aborted", "fs_error", "ext4_error_in"),
    ("stall-long/etcd.log", '"slow fdatasync"', "etcd_slow_fdatasync", "etcd_slow_fdatasync"),
    ("stall-long/etcd.log", "waiting for ReadIndex response took too long", "etcd_read_index_slow",
     "etcd_readindex_retry"),
    ("stall-long/etcd.log", "timed out waiting for read index response", "etcd_read_index_slow",
     "etcd_read_index_timeout"),
    ("stall-long/etcd.log", '"prefix":"read-only range "', "etcd_slow_apply", "etcd_apply_request"),
    ("target-restart/syslog.log", "detected conn error (1020)", "conn_error", "kernel_conn_error"),
    ("target-restart/syslog.log", "error (1020 - ISCSI_ERR_TCP_CONN_CLOSE", "conn_error", "iscsid_conn_error"),
    ("target-restart/syslog.log", "detected conn error (1019)", "conn_error", "kernel_conn_error"),
    ("target-restart/syslog.log", "error (1019 - ISCSI_ERR_XMIT_FAILED", "conn_error", "iscsid_conn_error"),
    ("target-restart/syslog.log", "connect to 127.0.0.1:3260 failed (Connection refused)", "login_error",
     "iscsid_connect_failed"),
    ("none/syslog.log", "is operational now", "session_up", "iscsid_operational_now"),
    ("none/etcd.log", "apply request took too long", "etcd_slow_apply", "etcd_apply_request"),
]
# Look-alikes the lab's kernel and etcd really wrote next to them: no event.
NONE_LINES = [
    ("stall-long/syslog.log", "EXT4-fs warning (device sda): ext4_end_bio"),
    ("stall-long/syslog.log", "JBD2: I/O error when updating journal superblock"),
    ("stall-long/syslog.log", "Power-on or device reset occurred"),
    ("stall-long/etcd.log", "failed to save Raft hard state and entries"),  # fatal, not a kind
    ("stall-short/etcd.log", "cannot campaign at term 1"),
    ("none/etcd.log", "simple token is not cryptographically signed"),
]
# Written by an earlier target-restart run (2026-12-03 10:17 UTC, same versions) that is not
# kept as a fixture: tgtd was up again, its target not yet created.
LOGIN_REJECTED = ("Dec  3 10:17:52 harvester-lab daemon.err iscsid: connection1:0 login rejected: "
                  "initiator error - target not found (02/03)")


def _line(rel: str, text: str) -> str:
    return next(line for line in (FIXTURES / rel).read_text().split("\n") if text in line)


def _events(tmp_path: Path, text: str) -> list[tuple[str, str | None]]:
    log = tmp_path / "one.log"
    log.write_text(text + "\n")
    result = scan_logs([log], ScanOptions(year=2026, host="harvester-lab", jobs=1))
    return [(e.kind.value, dict(e.extra).get("pattern")) for e in result.events]


@pytest.mark.parametrize(("rel", "text", "kind", "pattern"), LINES, ids=[f"{r}:{t}" for r, t, _, _ in LINES])
def test_lab_line_is_read_by_its_row(tmp_path: Path, rel: str, text: str, kind: str, pattern: str) -> None:
    assert _events(tmp_path, _line(rel, text)) == [(kind, pattern)]


@pytest.mark.parametrize(("rel", "text"), NONE_LINES, ids=[f"{r}:{t}" for r, t in NONE_LINES])
def test_lab_look_alike_is_no_event(tmp_path: Path, rel: str, text: str) -> None:
    assert _events(tmp_path, _line(rel, text)) == []


def test_login_rejected_while_the_target_is_recreated(tmp_path: Path) -> None:
    assert _events(tmp_path, LOGIN_REJECTED) == [("login_error", "iscsid_login_rejected")]
