"""Where evidence came from, and whether reading it worked.

A source that fails (unreadable file, binary data, HTTP 403, timeout) is recorded, never
silently skipped: a snapshot with no events from a failed source is not a healthy snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["SourceKind", "SourceState", "SourceStatus"]


class SourceKind(StrEnum):
    LOG = "log"
    ISCSIADM = "iscsiadm"
    LONGHORN_FILE = "longhorn-file"
    KUBERNETES = "kubernetes"
    PROMETHEUS = "prometheus"


class SourceState(StrEnum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One input of a snapshot: a file path or a URL, how reading it went, and why not.

    ``detail`` says what was assumed (``"no zone in lines; assumed America/Los_Angeles"``)
    or counted (``"1,204 lines, 3 unreadable"``); ``error`` says what failed. ``hosts``
    are the hosts a log source covers (as the evidence names them); ``host_from`` says how
    its lines without a host got one (``"folder altra"``, ``"--host"``), if they did.
    """

    kind: SourceKind
    location: str
    state: SourceState
    error: str | None = None
    detail: str | None = None
    lines: int = 0
    events: int = 0
    hosts: tuple[str, ...] = ()
    host_from: str | None = None
