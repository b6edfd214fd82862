"""The pattern rows that read the lab's real lines: one line per wording, named row and kind.

Lines are byte-exact from examples/lab/ (Debian 6.1.192 kernel through busybox klogd/syslogd,
open-iscsi 2.1.8, etcd 3.4.23); see examples/lab/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.observe import ScanOptions, scan_logs

FIXTURES = Path(__file__).resolve().parents[2] / "examples" / "lab"

# (fixture file, line, kind, pattern row)
LINES = [
    ("stall-long/syslog.log", 384, "nop_timeout", "kernel_ping_timeout"),
    ("stall-long/syslog.log", 385, "nop_timeout", "kernel_conn_error_nop"),
    ("stall-long/syslog.log", 386, "nop_timeout", "iscsid_conn_error_nop"),
    ("stall-long/syslog.log", 387, "session_timeout", "kernel_session_recovery_timeout"),
    ("stall-long/syslog.log", 388, "scsi_offline", "scsi_rejecting_offline"),
    ("stall-long/syslog.log", 389, "io_error", "block_io_error"),
    ("stall-long/syslog.log", 392, "buffer_io_error", "buffer_io_error_device"),
    ("stall-long/syslog.log", 395, "fs_error", "jbd2_aborting_journal"),
    ("stall-long/syslog.log", 397, "buffer_io_error", "buffer_io_error_dev"),
    ("stall-long/syslog.log", 400, "session_recovered", "iscsid_recovered"),
    ("stall-long/syslog.log", 403, "fs_error", "ext4_error_colon"),
    ("stall-long/syslog.log", 404, "fs_error", "ext4_remount_ro"),
    ("stall-long/syslog.log", 405, "fs_error", "ext4_error_in"),
    ("stall-long/etcd.log", 34, "etcd_slow_fdatasync", "etcd_slow_fdatasync"),
    ("target-restart/syslog.log", 382, "conn_error", "kernel_conn_error"),
    ("target-restart/syslog.log", 383, "conn_error", "iscsid_conn_error"),
    ("target-restart/syslog.log", 384, "login_error", "iscsid_connect_failed"),
    ("none/syslog.log", 376, "session_up", "iscsid_operational_now"),
    ("none/etcd.log", 32, "etcd_slow_apply", "etcd_apply_request"),
]
# Look-alikes the lab's kernel and etcd really wrote next to them: no event.
NONE_LINES = [
    ("stall-long/syslog.log", 391),  # EXT4-fs warning ... I/O error 10 writing to inode
    ("stall-long/syslog.log", 398),  # JBD2: I/O error when updating journal superblock
    ("stall-long/syslog.log", 402),  # sd 0:0:0:1: Power-on or device reset occurred
    ("stall-long/etcd.log", 35),  # fatal: failed to save Raft hard state and entries
    ("none/etcd.log", 12),  # simple token is not cryptographically signed
]
# Written by an earlier target-restart run (2026-12-03 10:17 UTC, same versions) that is not
# kept as a fixture: tgtd was up again, its target not yet created.
LOGIN_REJECTED = ("Dec  3 10:17:52 harvester-lab daemon.err iscsid: connection1:0 login rejected: "
                  "initiator error - target not found (02/03)")


def _line(rel: str, number: int) -> str:
    return (FIXTURES / rel).read_text().split("\n")[number - 1]


def _events(tmp_path: Path, text: str) -> list[tuple[str, str | None]]:
    log = tmp_path / "one.log"
    log.write_text(text + "\n")
    result = scan_logs([log], ScanOptions(year=2026, host="harvester-lab", jobs=1))
    return [(e.kind.value, dict(e.extra).get("pattern")) for e in result.events]


@pytest.mark.parametrize(("rel", "number", "kind", "pattern"), LINES, ids=[f"{r}:{n}" for r, n, _, _ in LINES])
def test_lab_line_is_read_by_its_row(tmp_path: Path, rel: str, number: int, kind: str, pattern: str) -> None:
    assert _events(tmp_path, _line(rel, number)) == [(kind, pattern)]


@pytest.mark.parametrize(("rel", "number"), NONE_LINES, ids=[f"{r}:{n}" for r, n in NONE_LINES])
def test_lab_look_alike_is_no_event(tmp_path: Path, rel: str, number: int) -> None:
    assert _events(tmp_path, _line(rel, number)) == []


def test_login_rejected_while_the_target_is_recreated(tmp_path: Path) -> None:
    assert _events(tmp_path, LOGIN_REJECTED) == [("login_error", "iscsid_login_rejected")]
