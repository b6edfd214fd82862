"""Shared records of the envelope readers: what a line's envelopes said, and its time.

``Stamp`` keeps a time exactly as the line wrote it; ``Envelope`` is the result of peeling
one line. ``Acc`` collects both while envelopes are peeled from the outside in. The time
and level helpers here are used by the text and the JSON readers alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from harvester_iac.observe.logs._regex import lazy_regex

__all__ = [
    "HMS",
    "MAX_DEPTH",
    "MON",
    "MONTHS",
    "WDAY",
    "Acc",
    "Envelope",
    "Stamp",
    "epoch",
    "iso",
    "iso_datetime",
    "level_of",
    "make_datetime",
    "micro",
    "time_value",
    "zone_of",
]

MAX_DEPTH = 6

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
MON = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
WDAY = r"(?i:mon|tue|wed|thu|fri|sat|sun)"
HMS = r"(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"


@dataclass(frozen=True, slots=True)
class Stamp:
    """A time as the line wrote it.

    ``aware`` has a zone (or is epoch-based); ``local`` is a zone-less wall time with a year;
    ``noyear`` is syslog's ``(month, day, hour, minute, second, µs)``; ``mono`` is the
    kernel's seconds since boot. A line can carry a wall time and ``mono`` together, which
    is how a file tells its boot time.
    """

    aware: datetime | None = None
    local: datetime | None = None
    noyear: tuple[int, int, int, int, int, int] | None = None
    mono: float | None = None

    @property
    def has_wall(self) -> bool:
        return self.aware is not None or self.local is not None or self.noyear is not None


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the envelopes of one line said, and the message they wrapped.

    ``level`` is normalized (``debug``, ``info``, ``notice``, ``warn``, ``error``, ``critical``)
    and set only when a record states it. ``fields`` are a structured record's other scalar
    values (zap's ``took``, ``expected-duration``). ``format`` names the outermost envelope.
    """

    message: str
    format: str = "bare"
    host: str | None = None
    program: str | None = None
    level: str | None = None
    stamp: Stamp = field(default_factory=Stamp)
    fields: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> str | None:
        for key, value in self.fields:
            if key == name:
                return value
        return None


class Acc:
    """Mutable collector while envelopes are peeled (outer first)."""

    def __init__(self) -> None:
        self.message: str | None = None
        self.formats: list[str] = []
        self.host: str | None = None
        self.program: str | None = None
        self.level: str | None = None
        self.aware: list[datetime] = []
        self.local: list[datetime] = []
        self.noyear: list[tuple[int, int, int, int, int, int]] = []
        self.mono: float | None = None
        self.fields: dict[str, str] = {}

    def fmt(self, name: str) -> None:
        self.formats.append(name)

    def set_host(self, host: object) -> None:
        if self.host is None and isinstance(host, str) and host and len(host) <= 255:
            self.host = host

    def set_program(self, program: object) -> None:
        if self.program is None and isinstance(program, str) and program:
            self.program = program

    def freeze(self, fallback: str) -> Envelope:
        aware, local, noyear = self.aware, self.local, self.noyear
        stamp = Stamp(  # positional: the constructor is a large part of a line's cost
            aware[-1] if aware else None,
            local[-1] if local and not aware else None,
            noyear[-1] if noyear and not aware and not local else None,
            self.mono,
        )
        return Envelope(
            self.message if self.message is not None else fallback,
            self.formats[0] if self.formats else "bare",
            self.host,
            self.program,
            self.level,
            stamp,
            tuple(self.fields.items()),
        )


def micro(frac: str | None) -> int:
    return int((frac or "0")[:6].ljust(6, "0"))


_ZONES: dict[str, timezone | None] = {}


def zone_of(text: str | None) -> timezone | None:
    if not text:
        return None
    try:
        return _ZONES[text]
    except KeyError:
        pass
    zone = _zone_of(text)
    if len(_ZONES) < 1024:
        _ZONES[text] = zone
    return zone


def _zone_of(text: str) -> timezone | None:
    if text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    if len(digits) != 4 or not digits.isdigit():
        return None
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    if minutes >= 24 * 60:
        return None
    return timezone(sign * timedelta(minutes=minutes))


def make_datetime(y: int, mo: int, d: int, h: int, mi: int, s: int, us: int) -> datetime | None:
    try:
        return datetime(y, mo, d, h, mi, min(s, 59), us)
    except ValueError:
        return None


_ISO = lazy_regex(
    r"^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[T ]" + HMS
    + r"(?:[.,](?P<frac>\d+))?\s?(?P<tz>Z|z|[+-]\d{2}:?\d{2}|UTC)?$"
)


def iso_datetime(text: str) -> tuple[datetime, bool] | None:
    """An ISO-8601/RFC 3339 time and whether it has a zone; None when it does not parse."""
    m = _ISO.match(text.strip())
    if m is None:
        return None
    dt = make_datetime(int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]),
                   int(m["s"]), micro(m["frac"]))
    if dt is None:
        return None
    tzname = m["tz"]
    zone = UTC if tzname == "UTC" else zone_of(tzname)
    if zone is not None:
        return dt.replace(tzinfo=zone), True
    if tzname is None:
        return dt, False
    return None


def iso(text: str, acc: Acc) -> bool:
    """Record an ISO-8601/RFC 3339 time; True when it parsed."""
    parsed = iso_datetime(text)
    if parsed is None:
        return False
    (acc.aware if parsed[1] else acc.local).append(parsed[0])
    return True


def epoch(value: float, acc: Acc) -> None:
    if 0 < value < 1e11:
        acc.aware.append(datetime.fromtimestamp(value, UTC))
    elif 1e11 <= value < 1e14:  # milliseconds
        acc.aware.append(datetime.fromtimestamp(value / 1e3, UTC))
    elif 1e14 <= value < 1e17:  # microseconds (journal)
        acc.aware.append(datetime.fromtimestamp(value / 1e6, UTC))


_EPOCH_TEXT = lazy_regex(r"\d{9,17}(?:\.\d+)?")


def time_value(value: object, acc: Acc) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        epoch(float(value), acc)
    elif isinstance(value, str):
        text = value.strip()
        if _EPOCH_TEXT.fullmatch(text):
            epoch(float(text), acc)
        else:
            iso(text, acc)


_LEVELS = {
    "trace": "debug", "debug": "debug", "dbg": "debug", "d": "debug", "t": "debug",
    "info": "info", "information": "info", "informational": "info", "i": "info",
    "notice": "notice", "note": "notice", "n": "notice",
    "warn": "warn", "warning": "warn", "w": "warn",
    "error": "error", "err": "error", "e": "error",
    "crit": "critical", "critical": "critical", "c": "critical", "fatal": "critical",
    "f": "critical", "panic": "critical", "dpanic": "critical", "alert": "critical",
    "emerg": "critical",
}


def level_of(value: object) -> str | None:
    if isinstance(value, str):
        return _LEVELS.get(value.strip().lower())
    return None


