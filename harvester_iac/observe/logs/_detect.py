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
from harvester_iac.observe.logs._patterns import find_pattern

__all__ = ["Detection", "detect_line"]

_REPEATED = re.compile(r"^\s*message repeated (?P<n>\d+) times?: \[(?P<inner>.*)$", re.S)
_SUPPRESSED = re.compile(r":\s*\d+ callbacks suppressed\s*$")
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
    hit = find_pattern(message)
    if hit is None:
        return None
    pattern, m = hit
    if pattern.kind in ETCD_KINDS and env.level in _QUIET:
        return None  # an info record is never an event
    groups = m.groupdict()
    device = groups.get("device")
    iqn = groups.get("iqn")
    portal = groups.get("portal")
    took = groups.get("took") or env.field("took")
    expected = groups.get("expected") or env.field("expected-duration")
    extra: list[tuple[str, str]] = [("pattern", pattern.name)]
    for name in _EXTRA_GROUPS:
        value = groups.get(name)
        if value:
            extra.append((name, value))
    exceeded = groups.get("exceeded") or env.field("exceeded-duration")
    exceeded_ms = parse_go_duration(exceeded)
    if exceeded_ms is not None:
        extra.append(("exceeded_ms", f"{exceeded_ms:g}"))
    return Detection(
        kind=pattern.kind,
        pattern=pattern.name,
        source=env.program or pattern.program,
        host=env.host,
        stamp=env.stamp,
        device=device or None,
        disk=base_disk(device) if device else None,
        hctl=groups.get("hctl") or None,
        connection=groups.get("connection") or None,
        session=groups.get("session") or None,
        portal=normalize_portal(portal) if portal else None,
        iqn=iqn or None,
        volume=longhorn_volume_from_iqn(iqn),
        took_ms=parse_go_duration(took),
        expected_ms=parse_go_duration(expected),
        repeat=repeat,
        extra=tuple(extra),
    )


def detect_line(line: str) -> tuple[Envelope, Detection | None]:
    """The envelope of one physical line and the event it holds, if any."""
    env = parse_envelope(line)
    return env, _detect(env)
