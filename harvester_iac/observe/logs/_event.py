"""The normalized event: one record per matched log line.

Every reader (syslog, journal JSON, dmesg, etcd zap/capnslog, Longhorn logrus) turns a
matching line into one ``Event``. Events are evidence: they keep the file, the 1-based
line number and the raw line, so every finding built on them can point back to its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = ["ETCD_KINDS", "STORAGE_KINDS", "Event", "EventKind"]


class EventKind(StrEnum):
    """Event kinds, as specified in the log-samples README (wire strings)."""

    NOP_TIMEOUT = "nop_timeout"
    CONN_ERROR = "conn_error"
    SESSION_TIMEOUT = "session_timeout"
    SESSION_RECOVERED = "session_recovered"
    SESSION_UP = "session_up"
    TARGET_SHUTDOWN = "target_shutdown"
    LOGIN_ERROR = "login_error"
    IO_ERROR = "io_error"
    BUFFER_IO_ERROR = "buffer_io_error"
    SCSI_FAILED = "scsi_failed"
    SCSI_OFFLINE = "scsi_offline"
    FS_ERROR = "fs_error"
    ETCD_SLOW_APPLY = "etcd_slow_apply"
    ETCD_SLOW_REQUEST = "etcd_slow_request"
    ETCD_READ_INDEX_SLOW = "etcd_read_index_slow"
    ETCD_PUBLISH_TIMEOUT = "etcd_publish_timeout"
    ETCD_SLOW_FDATASYNC = "etcd_slow_fdatasync"
    ETCD_HEARTBEAT_SLOW = "etcd_heartbeat_slow"


#: Kinds that show trouble in the storage path (iSCSI, SCSI, block, filesystem).
#: ``session_up`` and ``session_recovered`` are recoveries, not trouble.
STORAGE_KINDS: frozenset[EventKind] = frozenset(
    {
        EventKind.NOP_TIMEOUT,
        EventKind.CONN_ERROR,
        EventKind.SESSION_TIMEOUT,
        EventKind.TARGET_SHUTDOWN,
        EventKind.LOGIN_ERROR,
        EventKind.IO_ERROR,
        EventKind.BUFFER_IO_ERROR,
        EventKind.SCSI_FAILED,
        EventKind.SCSI_OFFLINE,
        EventKind.FS_ERROR,
    }
)

#: Kinds that show etcd waiting on its disk or its peers.
ETCD_KINDS: frozenset[EventKind] = frozenset(
    k for k in EventKind if k.value.startswith("etcd_")
)


@dataclass(frozen=True, slots=True)
class Event:
    """One matched log line, normalized.

    ``time`` is timezone-aware UTC, or ``None`` when the line carries no time at all.
    ``device`` is the block device exactly as named (``sdo16``); ``disk`` its base disk
    (``sdo``). ``connection`` is ``"sid:cid"``; ``session`` the iSCSI session id.
    ``volume`` is the Longhorn volume, from the IQN or joined through the iscsiadm map.
    ``took_ms``/``expected_ms`` carry etcd durations. ``repeat`` counts rsyslog's
    ``message repeated N times``. ``tz_assumed`` is true when the line had no zone and
    the reader applied ``--tz``.
    """

    time: datetime | None
    host: str | None
    source: str
    kind: EventKind
    file: str
    line: int
    raw: str
    device: str | None = None
    disk: str | None = None
    hctl: str | None = None
    connection: str | None = None
    session: str | None = None
    portal: str | None = None
    iqn: str | None = None
    volume: str | None = None
    took_ms: float | None = None
    expected_ms: float | None = None
    repeat: int = 1
    tz_assumed: bool = False
    extra: tuple[tuple[str, str], ...] = field(default=())
