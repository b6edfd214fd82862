"""Thresholds: when observed events make a host or disk "in trouble", and other limits.

Defaults are deliberately low for the iSCSI path: a single NOP timeout or Buffer I/O error
under an etcd member is already what stalled the incident's control plane. Target
shutdowns happen on every normal detach, so one alone is not trouble.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from enum import StrEnum

from harvester_iac.core import Duration, UsageError

__all__ = ["GROUP_OF", "Thresholds", "TroubleGroup", "parse_duration"]


class TroubleGroup(StrEnum):
    """Storage event kinds grouped the way thresholds count them."""

    NOP_TIMEOUT = "nop timeouts"
    CONN_ERROR = "connection errors"
    SESSION_TIMEOUT = "session timeouts"
    LOGIN_ERROR = "login errors"
    TARGET_SHUTDOWN = "target shutdowns"
    IO_ERROR = "I/O errors"
    SCSI_ERROR = "SCSI errors"


#: ``EventKind`` wire values (a StrEnum compares and hashes as its value) -> group. Kept as
#: strings so the gate need not import the log readers when no evidence is given.
GROUP_OF: dict[str, TroubleGroup] = {
    "nop_timeout": TroubleGroup.NOP_TIMEOUT,
    "conn_error": TroubleGroup.CONN_ERROR,
    "session_timeout": TroubleGroup.SESSION_TIMEOUT,
    "login_error": TroubleGroup.LOGIN_ERROR,
    "target_shutdown": TroubleGroup.TARGET_SHUTDOWN,
    "io_error": TroubleGroup.IO_ERROR,
    "buffer_io_error": TroubleGroup.IO_ERROR,
    "fs_error": TroubleGroup.IO_ERROR,
    "scsi_failed": TroubleGroup.SCSI_ERROR,
    "scsi_offline": TroubleGroup.SCSI_ERROR,
}


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """Counts (within the window) at which a group of events means trouble, and limits.

    ``recent``: only events newer than ``now - recent`` count; ``None`` counts the whole
    observed window. ``coincide`` is how close in time an etcd stall and a storage event
    on the master's host must be to be blamed on each other.
    """

    nop_timeouts: int = 1
    conn_errors: int = 1
    session_timeouts: int = 1
    login_errors: int = 1
    target_shutdowns: int = 3
    io_errors: int = 1
    scsi_errors: int = 1
    recent: timedelta | None = None
    coincide: timedelta = timedelta(minutes=10)
    wal_fsync_p99_ms: float = 10.0
    capacity_margin: float = 0.10

    def limit(self, group: TroubleGroup) -> int:
        return {
            TroubleGroup.NOP_TIMEOUT: self.nop_timeouts,
            TroubleGroup.CONN_ERROR: self.conn_errors,
            TroubleGroup.SESSION_TIMEOUT: self.session_timeouts,
            TroubleGroup.LOGIN_ERROR: self.login_errors,
            TroubleGroup.TARGET_SHUTDOWN: self.target_shutdowns,
            TroubleGroup.IO_ERROR: self.io_errors,
            TroubleGroup.SCSI_ERROR: self.scsi_errors,
        }[group]

    def with_overrides(self, pairs: list[str]) -> Thresholds:
        """Apply ``name=value`` overrides (the CLI's ``--threshold``); raise ``UsageError``."""
        known = {f.name: f for f in fields(self)}
        out = self
        for pair in pairs:
            name, sep, text = pair.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in known:
                raise UsageError(
                    f'unknown threshold "{pair}"', where="--threshold",
                    expected="NAME=VALUE with NAME one of " + ", ".join(sorted(known)),
                )
            value: timedelta | float | int
            try:
                if name in ("recent", "coincide"):
                    value = parse_duration(text, flag="--threshold " + name)
                elif name in ("wal_fsync_p99_ms", "capacity_margin"):
                    value = float(text)
                    if not math.isfinite(value):
                        raise ValueError(text)
                else:
                    value = int(text)
            except ValueError:
                raise UsageError(f'"{text}" is not a number for threshold {name}',
                                 where="--threshold", expected="a number") from None
            if isinstance(value, int | float) and value < 0:
                raise UsageError(f"threshold {name} is negative", where="--threshold",
                                 expected="a value >= 0")
            out = replace(out, **{name: value})  # type: ignore[arg-type]
        return out


def parse_duration(text: str, *, flag: str = "--max-age") -> timedelta:
    """``90s``, ``15m``, ``24h``, ``7d``, ``1w`` or a combination (``1h30m``); raise ``UsageError``."""
    too_long = UsageError(f'"{text}" is too long a duration', where=flag,
                          expected=f"a duration of at most {_MAX_SECONDS // 86400:.0f}d")
    try:
        if text.strip() == "0":
            raise ValueError("a unit is needed")
        value = Duration.parse(text.strip().lower()).timedelta
    except OverflowError:
        raise too_long from None
    except ValueError:
        raise UsageError(f'"{text}" is not a duration', where=flag,
                         expected="a duration such as 90s, 15m, 24h, 7d or 1h30m") from None
    if not value.total_seconds() <= _MAX_SECONDS:
        raise too_long
    return value


#: Durations are compared with times of the years 1 to 9999: no longer than those.
_MAX_SECONDS = float(timedelta(days=9999 * 365).total_seconds())
