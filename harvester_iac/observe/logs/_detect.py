"""One line in, at most one detection out: envelopes peeled, then the pattern table.

A ``Detection`` is an event before the scan driver has placed it in time (zone, syslog
year and boot time are per-file decisions) and in a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harvester_iac.observe._devices import base_disk, longhorn_volume_from_iqn, normalize_portal
from harvester_iac.observe.logs._durations import parse_go_duration
from harvester_iac.observe.logs._envelopes import Envelope, Stamp, parse_envelope
from harvester_iac.observe.logs._event import ETCD_KINDS, EventKind
from harvester_iac.observe.logs._patterns import PATTERNS, find_row
from harvester_iac.observe.logs._regex import lazy_regex

__all__ = ["Detection", "detect_line"]

_REPEATED = lazy_regex(r"^\s*message repeated (?P<n>\d+) times?: \[(?P<inner>.*)$", re.S)
_SUPPRESSED = lazy_regex(r":\s*\d+ callbacks suppressed\s*$")
_QUIET = frozenset({"debug", "info"})
_EXTRA_GROUPS = ("code", "status", "attempts", "peer")


@dataclass(frozen=True, slots=True)
class Detection:
    """A matched line: kind, the fields the line names, and its time as written."""

    kind: EventKind
    pattern: str
    source: str
    host: str | None
    stamp: Stamp
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
    extra: tuple[tuple[str, str], ...] = ()


# Per row, what ``_detect`` needs of it: kind, name, program, whether it is an etcd kind
# (whose info records are no events), and which of ``_EXTRA_GROUPS`` its regex has.
_ROWS: tuple[tuple[EventKind, str, str, bool, tuple[str, ...]], ...] = tuple(
    (p.kind, p.name, p.program, p.kind in ETCD_KINDS,
     tuple(g for g in _EXTRA_GROUPS if f"(?P<{g}>" in p.regex.pattern))  # read, not compiled
    for p in PATTERNS
)


def _detect(env: Envelope) -> Detection | None:
    message = env.message
    repeat = 1
    rep = _REPEATED.match(message) if "message repeated " in message else None
    if rep is not None:
        repeat = int(rep["n"])
        message = rep["inner"].strip()  # strip/endswith, not regex: no backtracking on blanks
        if message.endswith("]"):
            message = message[:-1].rstrip()
    if "callbacks suppressed" in message and _SUPPRESSED.search(message):
        return None
    hit = find_row(message)
    if hit is None:
        return None
    index, m = hit
    kind, name, program, etcd, extra_groups = _ROWS[index]
    if etcd and env.level in _QUIET:
        return None  # an info record is never an event
    groups = m.groupdict()
    get = groups.get
    device = get("device")
    iqn = get("iqn")
    portal = get("portal")
    field = env.field if env.fields else _no_field
    took = get("took") or field("took")
    expected = get("expected") or field("expected-duration")
    extra: list[tuple[str, str]] = [("pattern", name)]
    for group in extra_groups:
        value = get(group)
        if value:
            extra.append((group, value))
    exceeded = get("exceeded") or field("exceeded-duration")
    exceeded_ms = parse_go_duration(exceeded) if exceeded else None
    if exceeded_ms is not None:
        extra.append(("exceeded_ms", f"{exceeded_ms:g}"))
    return Detection(
        kind,
        name,
        env.program or program,
        env.host,
        env.stamp,
        device or None,
        base_disk(device) if device else None,
        get("hctl") or None,
        get("connection") or None,
        get("session") or None,
        normalize_portal(portal) if portal else None,
        iqn or None,
        longhorn_volume_from_iqn(iqn) if iqn else None,
        parse_go_duration(took) if took else None,
        parse_go_duration(expected) if expected else None,
        repeat,
        tuple(extra),
    )


def _no_field(name: str) -> str | None:
    return None


def detect_line(line: str) -> tuple[Envelope, Detection | None]:
    """The envelope of one physical line and the event it holds, if any."""
    env = parse_envelope(line)
    return env, _detect(env)
