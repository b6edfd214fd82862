"""How the report words event kinds, times and zones (the hand-written report's style)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

__all__ = ["KIND_WORDS", "count_word", "join_names", "local", "local_range", "offset_label", "plural", "zone_label"]

#: Event kind → the phrase the report uses for several of them.
KIND_WORDS: dict[str, str] = {
    "nop_timeout": "NOP timeouts",
    "conn_error": "connection errors",
    "session_timeout": "session recovery timeouts",
    "session_recovered": "recoveries",
    "session_up": "new sessions",
    "target_shutdown": "Longhorn target shutdowns",
    "login_error": "login failures",
    "io_error": "block I/O errors",
    "buffer_io_error": "Buffer I/O errors",
    "scsi_failed": "failed SCSI commands",
    "scsi_offline": "offlined SCSI devices",
    "fs_error": "filesystem errors",
    "etcd_slow_apply": "apply request took too long",
    "etcd_slow_request": "read-only range request took too long",
    "etcd_read_index_slow": "ReadIndex took too long",
    "etcd_publish_timeout": "raft publish timeouts",
    "etcd_slow_fdatasync": "slow fdatasync",
    "etcd_heartbeat_slow": "heartbeats sent late",
}

_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}


def zone_label(zone: tzinfo, at: datetime | None) -> str:
    """``PST`` for America/Los_Angeles in winter; ``UTC+01:00`` where the zone has no letters."""
    when = (at or datetime.now(zone)).astimezone(zone)
    name = when.tzname() or "UTC"
    if name[:1] in "+-":
        return f"UTC{name}"
    return name


def offset_label(zone: tzinfo, at: datetime | None) -> str:
    """``UTC-8`` style offset of ``zone`` at ``at``."""
    when = (at or datetime.now(zone)).astimezone(zone)
    off = when.utcoffset()
    mins = int(off.total_seconds() // 60) if off is not None else 0
    sign = "+" if mins >= 0 else "-"
    h, m = divmod(abs(mins), 60)
    return "UTC" if mins == 0 else f"UTC{sign}{h}" + (f":{m:02d}" if m else "")


def local(t: datetime, zone: tzinfo) -> str:
    """``Dec 27 16:46:45 PST``."""
    v = t.astimezone(zone)
    return f"{v.strftime('%b %d %H:%M:%S')} {zone_label(zone, t)}"


def local_range(a: datetime, b: datetime, zone: tzinfo) -> str:
    """``Dec 27 16:51:55–16:52:07 PST`` (one stamp when both round to the same second)."""
    va, vb = a.astimezone(zone), b.astimezone(zone)
    if va.replace(microsecond=0) == vb.replace(microsecond=0):
        return local(a, zone)
    tail = vb.strftime("%H:%M:%S") if va.date() == vb.date() else vb.strftime("%b %d %H:%M:%S")
    return f"{va.strftime('%b %d %H:%M:%S')}–{tail} {zone_label(zone, a)}"


def join_names(names: Sequence[str], *, code: bool = True) -> str:
    """```a`, `b` and `c``` ."""
    items = [f"`{n}`" if code else n for n in names]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def count_word(n: int) -> str:
    return _NUMBERS.get(n, str(n))


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 volume``, ``2 volumes`` (``many`` for irregular plurals)."""
    return f"{n} {word if n == 1 else many or word + 's'}"
