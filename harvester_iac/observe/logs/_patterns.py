"""The event pattern table: one named row per wording that counts.

The kinds and wordings are those of ``reference/log-samples/README.md``. Each row is data
(node-problem-detector style): kind, the program that writes the wording, one compiled
regex with named groups, and a note. Rows are searched (not anchored) in the message the
envelope reader left, so paste decorations and unknown prefixes cannot hide an event; the
regexes stop right after the text that identifies the kind, so truncated lines still count.
Order matters: the first row that matches decides, which is how a prefixed wording
(``blk_update_request: I/O error``) wins over its bare generation.

Every row also names its ``prefilter``: by default its guard (a literal every match
contains), escaped; a row whose guard is too common (`` failed ``) gives a narrower
expression. The engine's prefilter list is made of these, so a line that contains none of
them is never handed to these regexes, and a new row cannot be forgotten there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harvester_iac.observe.logs._durations import GO_DURATION
from harvester_iac.observe.logs._event import EventKind
from harvester_iac.observe.logs._regex import lazy_regex

__all__ = ["PATTERNS", "Pattern", "find_pattern", "find_row", "literal"]

_CONN = r"(?P<connection>-?\d+:\d+)"
_HCTL = r"(?P<hctl>\d+:\d+:\d+:\d+)"
_DEV = r"(?P<device>[A-Za-z][\w!.-]*?)"
_DEV_END = r"(?:,|\s|$)"
_ADDR = (
    r"(?P<portal>\[[0-9A-Fa-f:.%\w]+\](?::\d+)?"
    r"|(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?"
    r"|[A-Za-z0-9][\w.-]*(?::\d+)?)"
)
_DUR = GO_DURATION
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_IO = r"I\\?/O"  # JSON encoders may write "I\/O"
_TARGET = r"\[target: (?P<iqn>[^,\]\s]+), portal: (?P<portal>[^\]\s]+)\] through \[iface: [^\]]*\]"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One wording of one event kind.

    ``program`` is who writes the wording (used as the event's source when the envelope
    names none). ``regex`` carries the named groups ``device``, ``hctl``, ``iqn``,
    ``connection``, ``session``, ``portal``, ``took``, ``expected`` where the line names them.
    """

    name: str
    kind: EventKind
    program: str
    regex: re.Pattern[str]
    guard: str
    prefilter: str
    note: str = ""


_META = frozenset("\\.^$*+?{}[]|()")


def literal(text: str) -> str:
    """``text`` as an expression that Python ``re``, Hyperscan and ripgrep all read literally."""
    return "".join("\\" + c if c in _META else c for c in text)


def _row(name: str, kind: EventKind, program: str, *, guard: str, regex: str, note: str = "",
         prefilter: str | None = None) -> Pattern:
    """A row; ``guard`` is a literal every match contains (a cheap test before the regex).

    ``prefilter`` (default: the guard) is what the engine looks for in raw lines; it must
    occur in every line the row matches and never cross a newline.
    """
    if guard not in regex.replace("\\", ""):
        raise ValueError(f"pattern {name}: guard {guard!r} is not literal text of its regex")
    return Pattern(name=name, kind=kind, program=program, regex=lazy_regex(regex), guard=guard,
                   prefilter=literal(guard) if prefilter is None else prefilter, note=note)


K = EventKind

PATTERNS: tuple[Pattern, ...] = (
    # --- iSCSI connection errors: the error code decides (1022 = ISCSI_ERR_NOP_TIMEDOUT) ---
    _row("iscsid_conn_error_nop", K.NOP_TIMEOUT, "iscsid",
         guard="Kernel reported iSCSI connection ",
         regex=rf"Kernel reported iSCSI connection {_CONN} error \((?P<code>1022)\b",
         note="any name after 1022, including old open-iscsi's 'Invalid or unknown error code'"),
    _row("iscsid_conn_error", K.CONN_ERROR, "iscsid",
         guard="Kernel reported iSCSI connection ",
         regex=rf"Kernel reported iSCSI connection {_CONN} error \((?P<code>(?!1022\b)\d+)(?:\)| - )",
         note="the oldest form has no ' - NAME'"),
    _row("kernel_ping_timeout", K.NOP_TIMEOUT, "kernel",
         guard=": ping timeout of ",
         regex=rf"\bconnection{_CONN}: ping timeout of \d+"),
    _row("kernel_conn_error_nop", K.NOP_TIMEOUT, "kernel",
         guard=": detected conn error ",
         regex=rf"\bconnection{_CONN}: detected conn error \((?P<code>1022)\)"),
    _row("kernel_conn_error", K.CONN_ERROR, "kernel",
         guard=": detected conn error ",
         regex=rf"\bconnection{_CONN}: detected conn error \((?P<code>(?!1022\))\d+)\)"),
    # --- iSCSI session state (iscsid) ---
    _row("iscsid_recovered", K.SESSION_RECOVERED, "iscsid",
         guard=" is operational after recovery",
         regex=rf"\bconnection{_CONN} is operational after recovery(?: \((?P<attempts>\d+) attempts?\))?"),
    _row("iscsid_operational_now", K.SESSION_UP, "iscsid",
         guard=" is operational now",
         regex=rf"\bConnection{_CONN} to {_TARGET} is operational now",
         note="always session_up, even right after a failure: labels never depend on earlier lines"),
    _row("iscsid_shutdown", K.TARGET_SHUTDOWN, "iscsid",
         guard=" is shutdown",
         regex=rf"\bConnection{_CONN} to {_TARGET} is shutdown\b",
         note="Longhorn's own 'Shutting down iSCSI target' is target side, not this"),
    _row("kernel_session_recovery_timeout", K.SESSION_TIMEOUT, "kernel",
         guard=": session recovery timed out",
         regex=r"\bsession(?P<session>\d+): session recovery timed out\b"),
    # --- initiator-side login/connect failures ---
    _row("iscsid_login_rejected", K.LOGIN_ERROR, "iscsid",
         guard="login rejected",
         regex=rf"(?:\b[Cc]onnection{_CONN} |\bconn \d+ )?login rejected\b",
         note="'conn 0' of older iscsid is not a connection id"),
    _row("iscsid_cannot_make_a_connection", K.LOGIN_ERROR, "iscsid",
         guard="cannot make a connection to ",
         regex=rf"\bcannot make a connection to {_ADDR}"),
    _row("iscsid_connect_failed", K.LOGIN_ERROR, "iscsid",
         guard=" failed ", prefilter=r"connect to [^ \n]+ failed \(",
         regex=rf"\bconnect to {_ADDR} failed \("),
    _row("iscsid_connect_timed_out", K.LOGIN_ERROR, "iscsid",
         guard=" timed out", prefilter=r"connect to [^ \n]+ timed out",
         regex=rf"\bconnect to {_ADDR} timed out\b"),
    _row("iscsiadm_cannot_make_connection", K.LOGIN_ERROR, "iscsiadm",
         guard="cannot make connection to ",
         regex=rf"\bcannot make connection to {_ADDR}",
         note="also quoted inside another program's log line (Longhorn)"),
    # --- block layer failed requests, every kernel generation ---
    _row("block_end_request", K.IO_ERROR, "kernel",
         guard="end_request: ",
         regex=rf"\bend_request: (?P<status>{_IO}|critical medium) error, dev {_DEV}{_DEV_END}",
         note="kernel <= 3.x"),
    _row("block_print_req_error", K.IO_ERROR, "kernel",
         guard="print_req_error: ",
         regex=rf"\bprint_req_error: (?P<status>{_IO}|critical medium) error, dev {_DEV}{_DEV_END}",
         note="kernel 4.x; 'print_req_error: N callbacks suppressed' is not this"),
    _row("block_blk_update_request", K.IO_ERROR, "kernel",
         guard="blk_update_request: ",
         regex=rf"\bblk_update_request: (?P<status>{_IO}|critical medium) error, dev {_DEV}{_DEV_END}",
         note="kernel 5.x"),
    _row("block_io_error", K.IO_ERROR, "kernel",
         guard=" error, dev ",
         regex=rf"(?<![\w-])(?P<status>{_IO}|critical medium) error, dev {_DEV}{_DEV_END}",
         note="kernel 5.18+/6.x bare form; Longhorn's 'I/O error: No backend available' is not this"),
    _row("buffer_io_error_dev", K.BUFFER_IO_ERROR, "kernel",
         guard="O error on dev ",
         regex=rf"\bBuffer {_IO} error on dev {_DEV}{_DEV_END}"),
    _row("buffer_io_error_device", K.BUFFER_IO_ERROR, "kernel",
         guard="O error on device ",
         regex=rf"\bBuffer {_IO} error on device {_DEV}{_DEV_END}",
         note="older kernels"),
    # --- SCSI disk (sd) ---
    _row("scsi_failed_result", K.SCSI_FAILED, "kernel",
         guard="FAILED Result:",
         regex=rf"\bsd {_HCTL}: \[(?P<device>[A-Za-z]\w*)\] (?:tag#\d+ )?FAILED Result:",
         note="the identifying text; hostbyte/driverbyte may be cut off by a wrap"),
    _row("scsi_rejecting_offline", K.SCSI_OFFLINE, "kernel",
         guard="O to offline device",
         regex=rf"\b(?:sd|scsi) {_HCTL}: (?:\[(?P<device>[A-Za-z]\w*)\] )?rejecting {_IO} to offline device"),
    _row("scsi_device_offlined", K.SCSI_OFFLINE, "kernel",
         guard="Device offlined - not ready",
         regex=rf"\b(?:sd|scsi) {_HCTL}: (?:\[(?P<device>[A-Za-z]\w*)\] )?Device offlined - not ready"),
    # --- ext4 / jbd2 ---
    _row("ext4_error_colon", K.FS_ERROR, "kernel",
         guard="EXT4-fs error ",
         regex=r"\bEXT4-fs error \(device (?P<device>[^)\s]+)\):",
         note="'EXT4-fs error: N callbacks suppressed' and 'EXT4-fs warning' are not this"),
    _row("ext4_error_in", K.FS_ERROR, "kernel",
         guard="EXT4-fs error ",
         regex=r"\bEXT4-fs error \(device (?P<device>[^)\s]+)\) in\b"),
    _row("jbd2_aborting_journal", K.FS_ERROR, "kernel",
         guard="Aborting journal on device ",
         regex=r"\bAborting journal on device (?P<device>[\w!.-]+?)-\d+(?:\.|\s|$)",
         note="the jbd2 '-N' journal suffix is not part of the device: dm-0-8 is dm-0"),
    _row("ext4_remount_ro", K.FS_ERROR, "kernel",
         guard="): Remounting filesystem read-only",
         regex=r"\bEXT4-fs \((?P<device>[^)\s]+)\): Remounting filesystem read-only"),
    # --- etcd: the message decides, never the level alone ---
    _row("etcd_apply_request", K.ETCD_SLOW_APPLY, "etcd",
         guard="apply request took too long",
         regex=r"\bapply request took too long\b",
         note="zap; any prefix (write, read-only range, read-only txn) and any caller"),
    _row("etcd_apply_entries", K.ETCD_SLOW_APPLY, "etcd",
         guard="apply entries took too long",
         regex=rf"\bapply entries took too long(?: \[(?P<took>{_DUR}) for \d+ entries\])?",
         note="etcd <= 3.3"),
    _row("etcd_readonly_range_request", K.ETCD_SLOW_REQUEST, "etcd",
         guard="read-only range request ",
         regex=rf"\bread-only range request {_QUOTED} (?:with result {_QUOTED} )?"
               rf"took too long \((?P<took>{_DUR})\) to execute",
         note="capnslog (etcd <= 3.4)"),
    _row("etcd_request_took_too_long", K.ETCD_SLOW_APPLY, "etcd",
         guard="took too long (",
         regex=rf"(?<!read-only range )\brequest {_QUOTED} (?:with result {_QUOTED} )?"
               rf"took too long \((?P<took>{_DUR})\) to execute",
         note="capnslog; every request that is not a read-only range request"),
    _row("etcd_readindex_retry", K.ETCD_READ_INDEX_SLOW, "etcd",
         guard="waiting for ReadIndex response took too long",
         regex=r"\bwaiting for ReadIndex response took too long\b"),
    _row("etcd_read_index_timeout", K.ETCD_READ_INDEX_SLOW, "etcd",
         guard="timed out waiting for read index response",
         regex=r"\btimed out waiting for read index response\b"),
    _row("etcd_publish_failed", K.ETCD_PUBLISH_TIMEOUT, "etcd",
         guard="failed to publish local member to cluster through raft",
         regex=r"\bfailed to publish local member to cluster through raft\b",
         note="'published local member ...' is the success line"),
    _row("etcd_slow_fdatasync", K.ETCD_SLOW_FDATASYNC, "etcd",
         guard="slow fdatasync",
         regex=r"\bslow fdatasync\b",
         note="zap"),
    _row("etcd_wal_sync_duration", K.ETCD_SLOW_FDATASYNC, "etcd",
         guard="sync duration of ",
         regex=rf"\bsync duration of (?P<took>{_DUR})(?:, expected less than (?P<expected>{_DUR}))?",
         note="capnslog predecessor of 'slow fdatasync'"),
    _row("etcd_leader_heartbeat", K.ETCD_HEARTBEAT_SLOW, "etcd",
         guard="leader failed to send out heartbeat on time; took too long",
         regex=r"\bleader failed to send out heartbeat on time; took too long\b",
         note="zap"),
    _row("etcd_heartbeat_exceeded", K.ETCD_HEARTBEAT_SLOW, "etcd",
         guard="failed to send out heartbeat on time",
         regex=rf"\bfailed to send out heartbeat on time(?: \(exceeded the (?P<expected>{_DUR}) "
               rf"timeout for (?P<exceeded>{_DUR})(?:, to (?P<peer>\w+))?\))?",
         note="capnslog; its companion 'server is likely overloaded' is not an event"),
)

# (guard, regex, row index): the loop below reads no row attributes
_SEARCH = tuple((p.guard, p.regex, i) for i, p in enumerate(PATTERNS))


def find_row(message: str) -> tuple[int, re.Match[str]] | None:
    """The index in ``PATTERNS`` of the first row whose regex occurs in ``message``, with its match."""
    for guard, regex, index in _SEARCH:
        if guard in message:
            m = regex.search(message)
            if m is not None:
                return index, m
    return None


def find_pattern(message: str) -> tuple[Pattern, re.Match[str]] | None:
    """The first row whose regex occurs in ``message``, with its match."""
    hit = find_row(message)
    return None if hit is None else (PATTERNS[hit[0]], hit[1])
