"""Envelope readers: take time, host, program and level off a log line, leave the message.

The same message reaches us in many envelopes, often nested: a k3s journal line carrying
etcd's zap JSON, a Docker json-file record carrying capnslog text, a shipper's JSON
carrying a syslog line. ``parse_envelope`` peels them from the outside in; the innermost
message is what the pattern table searches. Times are kept as the line gives them
(``Stamp``): whether a zone, a year or a boot time must still be supplied is decided later,
per file, by the scan driver.

Paste decorations (indentation, ``│``, ``> ``, ``cat -n`` numbers, quotes, ``grep -n`` and
support-bundle ``path.log:`` prefixes) are removed first. A line in no known envelope is a
bare message: the whole line is searched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

__all__ = ["Envelope", "Stamp", "parse_envelope", "strip_decorations"]

_MAX_DEPTH = 6

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MON = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_WDAY = r"(?i:mon|tue|wed|thu|fri|sat|sun)"
_HMS = r"(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"


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


class _Acc:
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
        stamp = Stamp(
            aware=self.aware[-1] if self.aware else None,
            local=self.local[-1] if self.local and not self.aware else None,
            noyear=self.noyear[-1] if self.noyear and not self.aware and not self.local else None,
            mono=self.mono,
        )
        return Envelope(
            message=self.message if self.message is not None else fallback,
            format=self.formats[0] if self.formats else "bare",
            host=self.host,
            program=self.program,
            level=self.level,
            stamp=stamp,
            fields=tuple(self.fields.items()),
        )


# --------------------------------------------------------------------------- decorations

_DECOR = re.compile(
    r"^(?:[ \t\u00a0\ufeff]+"
    r"|[│┃|](?: |$)"
    r"|>+ ?"
    r"|[-*•] (?=\S)"
    r"|\d{1,9}\t"
    r"|\d{1,9} *[│┃|:] "
    r"|\d{1,9}[:-](?=[A-Za-z\[{<])"
    r")"
)
_QUOTE_TAIL = re.compile(r"""["'`]\s*[,;)]?\s*$""")
_PATH_PREFIX = re.compile(
    r"^/?(?:[\w.@+-]+/)*(?:[\w.@+-]+\.(?:log|txt)(?:[.-]\d+)?(?:\.gz)?|syslog(?:\.\d+)?"
    r"|messages(?:[.-]\d+)?|kern\.log(?:\.\d+)?):(?:\d+[:-])?"
)


def strip_decorations(line: str) -> str:
    """The line without paste decorations: indentation, box bars, quote markers, line numbers."""
    text = line.rstrip("\r\n")
    boxed = False
    for _ in range(8):
        m = _DECOR.match(text)
        if m is None or not m.group(0):
            break
        if m.group(0)[0] in "│┃|":
            boxed = True
        text = text[m.end():]
    if boxed:
        tail = text.rstrip()
        if tail.endswith(("│", "┃", "|")):
            text = tail[:-1]
    if text[:1] in ("\"", "'", "`"):
        quote = text[0]
        text = text[1:]
        if text.endswith(quote) or _QUOTE_TAIL.search(text):
            text = _QUOTE_TAIL.sub("", text)
    return text.rstrip()


# --------------------------------------------------------------------------- time helpers


def _micro(frac: str | None) -> int:
    return int((frac or "0")[:6].ljust(6, "0"))


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
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


def _datetime(y: int, mo: int, d: int, h: int, mi: int, s: int, us: int) -> datetime | None:
    try:
        return datetime(y, mo, d, h, mi, min(s, 59), us)
    except ValueError:
        return None


_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[T ]" + _HMS
    + r"(?:[.,](?P<frac>\d+))?\s?(?P<tz>Z|z|[+-]\d{2}:?\d{2}|UTC)?$"
)


def _iso(text: str, acc: _Acc) -> bool:
    """Record an ISO-8601/RFC 3339 time; True when it parsed."""
    m = _ISO.match(text.strip())
    if m is None:
        return False
    dt = _datetime(int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]),
                   int(m["s"]), _micro(m["frac"]))
    if dt is None:
        return False
    tzname = m["tz"]
    zone = UTC if tzname == "UTC" else _zone(tzname)
    if zone is not None:
        acc.aware.append(dt.replace(tzinfo=zone))
    elif tzname is None:
        acc.local.append(dt)
    else:
        return False
    return True


def _epoch(value: float, acc: _Acc) -> None:
    if 0 < value < 1e11:
        acc.aware.append(datetime.fromtimestamp(value, UTC))
    elif 1e11 <= value < 1e14:  # milliseconds
        acc.aware.append(datetime.fromtimestamp(value / 1e3, UTC))
    elif 1e14 <= value < 1e17:  # microseconds (journal)
        acc.aware.append(datetime.fromtimestamp(value / 1e6, UTC))


def _time_value(value: object, acc: _Acc) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        _epoch(float(value), acc)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{9,17}(?:\.\d+)?", text):
            _epoch(float(text), acc)
        else:
            _iso(text, acc)


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


def _level(value: object) -> str | None:
    if isinstance(value, str):
        return _LEVELS.get(value.strip().lower())
    return None


# --------------------------------------------------------------------------- kernel prefixes

_KSTAMP = re.compile(
    r"^\s*(?:"
    r"\[\s*\+\s*\d+\.\d+\]"  # dmesg -d delta
    r"|\[\s*<\s*[\d.]+>\]"
    r"|\[\s*(?P<mono>\d+\.\d+)(?:\s*<\s*[\d.]+>)?\]"
    r"|\[" + _WDAY + r" (?P<mon>" + _MON + r") +(?P<day>\d{1,2}) " + _HMS
    + r" (?P<y>\d{4})(?:\s*<\s*[\d.]+>)?\]"
    r"|\[\s*[TC]\d+\]"  # printk caller id
    r"|<\d{1,3}>"  # dmesg -r level
    r")"
)


def _kernel_prefix(text: str, acc: _Acc) -> str:
    """Strip printk stamps, caller ids and dmesg -T/-d brackets; record their times."""
    for _ in range(8):
        m = _KSTAMP.match(text)
        if m is None:
            break
        if m["mono"] is not None:
            acc.mono = float(m["mono"])
        elif m["mon"] is not None:
            dt = _datetime(int(m["y"]), _MONTHS[m["mon"].lower()], int(m["day"]), int(m["h"]),
                           int(m["mi"]), int(m["s"]), 0)
            if dt is not None:
                acc.local.append(dt)
        text = text[m.end():]
    if text.startswith(" ") and not text.startswith("  "):
        text = text[1:]
    return text


# --------------------------------------------------------------------------- text envelopes

_IDENT = re.compile(r"^(?P<ident>[\w./@-]+?)(?:\[(?P<pid>\d+)\])?:(?: |$)")
_SEVERITIES = frozenset(
    {"EMERG", "ALERT", "CRIT", "ERR", "ERROR", "WARNING", "WARN", "NOTICE", "NOTE", "INFO",
     "DEBUG"})

_SYSLOG = re.compile(
    r"^(?P<mon>" + _MON + r") +(?P<day>\d{1,2}) " + _HMS + r"(?:\.(?P<frac>\d+))?"
    r"(?: (?P<rest>.*))?$", re.S)
_SYSLOG_YEAR = re.compile(
    r"^(?P<y>\d{4}) (?P<mon>" + _MON + r") +(?P<day>\d{1,2}) " + _HMS + r"(?:\.(?P<frac>\d+))?"
    r"(?: (?P<rest>.*))?$", re.S)
_ISO_HEAD = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}(?P<sep>[T ])\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
    r"(?:Z|z|[+-]\d{2}:?\d{2})?)(?: (?P<rest>.*))?$", re.S)
_SHORT_FULL = re.compile(
    r"^" + _WDAY + r" (?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2}) " + _HMS + r"(?:\.(?P<frac>\d+))?"
    r" (?P<tz>[A-Z]{2,5}|[+-]\d{4}) (?P<rest>.*)$", re.S)
_CAPNSLOG = re.compile(r"^(?P<lvl>[CEWNIDT]) \| (?P<msg>.*)$", re.S)
_CRI = re.compile(r"^(?:stdout|stderr) [FP] (?P<msg>.*)$", re.S)
_HOST_IDENT = re.compile(r"^(?P<host>[A-Za-z0-9][\w.-]*) (?P<rest>.*)$", re.S)
_RFC5424 = re.compile(
    r"^<\d{1,3}>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)"
    r" ?(?P<msg>.*)$", re.S)
_PRI = re.compile(r"^<\d{1,3}>")
_DMESG_X = re.compile(
    r"^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\s*:"
    r"\s*(?P<lvl>emerg|alert|crit|err|warn|notice|info|debug)\s*: ?", re.I)
_KLOG = re.compile(
    r"^(?P<lvl>[IWEF])(?P<mo>\d{2})(?P<day>\d{2}) " + _HMS + r"\.(?P<frac>\d+)\s+\d+ "
    r"[^\]\s]+\] (?P<msg>.*)$", re.S)
_LOGRUS_TIME = re.compile(r'(?:^|\s)time="(?P<t>[^"]*)"')
_LOGRUS_LEVEL = re.compile(r"(?:^|\s)level=(?P<l>\w+)")
_PROC = re.compile(r"^\[(?P<proc>[A-Za-z][\w.:-]*)\] (?P<rest>.*)$", re.S)
_JOURNAL_SEP = re.compile(r"^-- (?:Boot [0-9a-f]+|Logs begin at|Journal begins at|No entries|Reboot)")


def _syslog_rest(rest: str, acc: _Acc, depth: int, *, host_required: bool = True) -> None:
    """``host ident[pid]: msg`` (host optional when the first token is already an ident)."""
    if host_required:
        host, _, tail = rest.partition(" ")
        if host and not host.endswith(":") and "=" not in host and host[0] not in "[{\"'":
            acc.set_host(host)
            rest = tail
    m = _IDENT.match(rest)
    if m is None:
        _parse_text(rest, acc, depth + 1)
        return
    ident = m["ident"]
    acc.set_program(ident)
    msg = rest[m.end():]
    if msg.startswith(ident + ": "):
        msg = msg[len(ident) + 2:]
    if ident == "kernel":
        msg = _kernel_prefix(msg, acc)
        acc.message = msg
        return
    _parse_text(msg, acc, depth + 1)


def _parse_text(text: str, acc: _Acc, depth: int) -> None:
    if depth > _MAX_DEPTH or not text:
        acc.message = text
        return
    c = text[0]
    if c == "{":
        _parse_json_text(text, acc, depth)
        return
    if c == "<":
        m5 = _RFC5424.match(text)
        if m5 is not None:
            acc.fmt("rfc5424")
            _time_value(m5["ts"], acc)
            if m5["host"] != "-":
                acc.set_host(m5["host"])
            if m5["app"] != "-":
                acc.set_program(m5["app"])
            _parse_text(m5["msg"], acc, depth + 1)
            return
        mp = _PRI.match(text)
        if mp is not None and not text.startswith("<", mp.end()):
            _parse_text(text[mp.end():], acc, depth + 1)
            return
    if c.isdigit():
        if _parse_digit_led(text, acc, depth):
            return
    elif c == "[":
        if _parse_bracket_led(text, acc, depth):
            return
    elif c.isalpha():
        if _parse_alpha_led(text, acc, depth):
            return
    elif c == "-" and _JOURNAL_SEP.match(text):
        acc.fmt("journal-separator")
    elif c in "./":
        mp = _PATH_PREFIX.match(text)
        if mp is not None and mp.end() < len(text):
            _parse_text(text[mp.end():], acc, depth + 1)
            return
    acc.message = text


def _parse_digit_led(text: str, acc: _Acc, depth: int) -> bool:
    m = _ISO_HEAD.match(text)
    if m is not None:
        rest = m["rest"] or ""
        if m["sep"] == " ":
            mc = _CAPNSLOG.match(rest)
            if mc is not None:
                acc.fmt("capnslog")
                _iso(m["ts"], acc)
                acc.level = _level(mc["lvl"])
                acc.set_program("etcd")
                _parse_text(mc["msg"], acc, depth + 1)
                return True
            acc.fmt("timestamped")
            _iso(m["ts"], acc)
            _parse_text(rest, acc, depth + 1)
            return True
        _iso(m["ts"], acc)
        mcri = _CRI.match(rest)
        if mcri is not None:
            acc.fmt("cri")
            _parse_text(mcri["msg"], acc, depth + 1)
            return True
        mh = _HOST_IDENT.match(rest)
        if mh is not None and _IDENT.match(mh["rest"]) is not None:
            acc.fmt("short-iso")
            _syslog_rest(rest, acc, depth)
            return True
        acc.fmt("timestamped")
        _parse_text(rest, acc, depth + 1)
        return True
    m = _SYSLOG_YEAR.match(text)
    if m is not None:
        dt = _datetime(int(m["y"]), _MONTHS[m["mon"].lower()], int(m["day"]), int(m["h"]),
                       int(m["mi"]), int(m["s"]), _micro(m["frac"]))
        if dt is not None:
            acc.fmt("syslog-year")
            acc.local.append(dt)
            rest = m["rest"] or ""
            host, _, tail = rest.partition(" ")
            sev, _, after = tail.partition(" ")
            if sev in _SEVERITIES:
                acc.set_host(host)
                acc.level = _level(sev)
                _syslog_rest(after, acc, depth, host_required=False)
            else:
                _syslog_rest(rest, acc, depth)
            return True
    mp = _PATH_PREFIX.match(text)
    if mp is not None and mp.end() < len(text):
        _parse_text(text[mp.end():], acc, depth + 1)
        return True
    return False


def _parse_bracket_led(text: str, acc: _Acc, depth: int) -> bool:
    if _KSTAMP.match(text) is not None:
        acc.fmt("dmesg")
        acc.set_program("kernel")
        acc.message = _kernel_prefix(text, acc)
        return True
    m = _PROC.match(text)
    if m is not None:
        acc.fmt("process-prefix")
        _parse_text(m["rest"], acc, depth + 1)
        return True
    return False


def _parse_alpha_led(text: str, acc: _Acc, depth: int) -> bool:
    m = _SYSLOG.match(text)
    if m is not None:
        acc.fmt("syslog")
        acc.noyear.append((_MONTHS[m["mon"].lower()], int(m["day"]), int(m["h"]), int(m["mi"]),
                           int(m["s"]), _micro(m["frac"])))
        _syslog_rest(m["rest"] or "", acc, depth)
        return True
    m = _SHORT_FULL.match(text)
    if m is not None:
        dt = _datetime(int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]),
                       int(m["s"]), _micro(m["frac"]))
        if dt is not None:
            acc.fmt("short-full")
            zone = UTC if m["tz"] in ("UTC", "GMT") else _zone(m["tz"])
            if zone is not None:
                acc.aware.append(dt.replace(tzinfo=zone))
            else:
                acc.local.append(dt)  # a zone abbreviation (CEST) is ambiguous: use --tz
            _syslog_rest(m["rest"], acc, depth)
            return True
    m = _DMESG_X.match(text) if ":" in text[:16] else None
    if m is not None:
        acc.fmt("dmesg-x")
        acc.level = _level(m["lvl"])
        acc.set_program("kernel")
        acc.message = _kernel_prefix(text[m.end():], acc)
        return True
    m = _KLOG.match(text) if text[0] in "IWEF" and text[1:2].isdigit() else None
    if m is not None:
        mo, day = int(m["mo"]), int(m["day"])
        if 1 <= mo <= 12 and 1 <= day <= 31:
            acc.fmt("klog")
            acc.noyear.append((mo, day, int(m["h"]), int(m["mi"]), int(m["s"]),
                               _micro(m["frac"])))
            acc.level = _level(m["lvl"])
            acc.message = m["msg"]
            return True
    mt = _LOGRUS_TIME.search(text) if 'time="' in text else None
    ml = _LOGRUS_LEVEL.search(text) if mt is not None else None
    if mt is not None and ml is not None:
        acc.fmt("logrus")
        _time_value(mt["t"], acc)
        acc.level = _level(ml["l"])
        acc.message = text
        return True
    mp = _PATH_PREFIX.match(text)
    if mp is not None and mp.end() < len(text):
        _parse_text(text[mp.end():], acc, depth + 1)
        return True
    return False


# --------------------------------------------------------------------------- JSON envelopes

_DECODER = json.JSONDecoder()


def _loads(text: str) -> Any:
    """The JSON value at the start of ``text`` (trailing ``,`` etc. ignored), else None."""
    try:
        return _DECODER.raw_decode(text)[0]
    except (ValueError, RecursionError):
        return None


_TIME_KEYS = ("ts", "time", "@timestamp", "timestamp", "date")
_LEVEL_KEYS = ("level", "severity", "lvl", "L", "log.level")
_HOST_KEYS = ("hostname", "host", "_HOSTNAME", "host.name", "kubernetes.host", "nodename")
_FIELD_KEYS = ("took", "expected-duration", "exceeded-duration", "heartbeat-interval",
               "retry-timeout", "prefix", "caller", "to")


def _meta(obj: dict[str, Any], acc: _Acc) -> None:
    """Host, time, level and duration fields of a structured record."""
    for key in _HOST_KEYS:
        value = obj.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("hostname")
        if isinstance(value, str):
            acc.set_host(value)
            break
    kube = obj.get("kubernetes")
    if isinstance(kube, dict):
        acc.set_host(kube.get("host"))
    for key in _TIME_KEYS:
        if key in obj:
            _time_value(obj[key], acc)
            break
    for key in _LEVEL_KEYS:
        level = _level(obj.get(key))
        if level is not None:
            acc.level = level
            break
    for key in _FIELD_KEYS:
        value = obj.get(key)
        if isinstance(value, str):
            acc.fields[key] = value


def _journal_message(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(b, int) and 0 <= b < 256 for b in value):
        return bytes(value).decode("utf-8", "replace")
    return ""


def _from_json(obj: dict[str, Any], acc: _Acc, depth: int) -> bool:
    """Read one JSON record; False when it holds no message at all."""
    if depth > _MAX_DEPTH:
        return False
    if "MESSAGE" in obj:
        acc.fmt("journal-json")
        acc.set_host(obj.get("_HOSTNAME"))
        if obj.get("_TRANSPORT") == "kernel":
            acc.set_program("kernel")
        acc.set_program(obj.get("SYSLOG_IDENTIFIER"))
        acc.set_program(obj.get("_COMM"))
        stamp = obj.get("_SOURCE_REALTIME_TIMESTAMP") or obj.get("__REALTIME_TIMESTAMP")
        if isinstance(stamp, str) and stamp.isdigit():
            _epoch(int(stamp) / 1e6, acc)
        _parse_text(_journal_message(obj["MESSAGE"]), acc, depth + 1)
        return True
    msg = obj.get("msg")
    key = "msg" if isinstance(msg, str) else None
    if key is None and isinstance(obj.get("message"), str):
        key = "message"
    if key is None and isinstance(obj.get("Message"), str):
        key = "Message"
    if key is None and isinstance(obj.get("log"), str):
        acc.fmt("docker-json" if "stream" in obj else "json")
        _meta(obj, acc)
        _parse_text(strip_decorations(obj["log"]), acc, depth + 1)
        return True
    if key is not None:
        acc.fmt("zap" if key == "msg" else "json")
        _meta(obj, acc)
        text = obj[key]
        if text.lstrip()[:1] == "{" or key != "msg":
            _parse_text(text.strip(), acc, depth + 1)
        else:
            acc.message = text
        return True
    for value in obj.values():
        inner: Any = value
        if isinstance(value, str) and value.lstrip().startswith("{"):
            inner = _loads(value.strip())
        if isinstance(inner, dict):
            probe = _Acc()
            if _from_json(inner, probe, depth + 1):
                _meta(obj, acc)
                acc.fmt("json")
                _merge(acc, probe)
                return True
    return False


def _merge(acc: _Acc, inner: _Acc) -> None:
    acc.formats.extend(inner.formats)
    acc.set_host(inner.host)
    acc.set_program(inner.program)
    if inner.level is not None:
        acc.level = inner.level
    acc.aware.extend(inner.aware)
    acc.local.extend(inner.local)
    acc.noyear.extend(inner.noyear)
    if inner.mono is not None:
        acc.mono = inner.mono
    acc.fields.update(inner.fields)
    acc.message = inner.message


_J_MSG = re.compile(r'"(?P<k>msg|message|MESSAGE|log)"\s*:\s*"(?P<v>(?:[^"\\]|\\.)*)')
_J_STR = re.compile(
    r'"(?P<k>level|ts|time|took|expected-duration|exceeded-duration|_HOSTNAME|'
    r'SYSLOG_IDENTIFIER|__REALTIME_TIMESTAMP|_TRANSPORT)"\s*:\s*"(?P<v>[^"\\]*)"')
_J_NUM_TS = re.compile(r'"ts"\s*:\s*(?P<v>\d+(?:\.\d+)?)')


def _unescape(value: str) -> str:
    value = value.rstrip("\\") if (len(value) - len(value.rstrip("\\"))) % 2 else value
    try:
        out = json.loads(f'"{value}"')
    except ValueError:
        return value
    return out if isinstance(out, str) else value


def _salvage(text: str, acc: _Acc, depth: int) -> bool:
    """Read what a truncated or mangled JSON record still shows."""
    found = {m["k"]: m["v"] for m in _J_STR.finditer(text)}
    msgs = {m["k"]: m["v"] for m in _J_MSG.finditer(text)}
    key = next((k for k in ("msg", "MESSAGE", "message", "log") if k in msgs), None)
    if key is None:
        return False
    acc.fmt("json-fragment")
    acc.set_host(found.get("_HOSTNAME"))
    if found.get("_TRANSPORT") == "kernel":
        acc.set_program("kernel")
    acc.set_program(found.get("SYSLOG_IDENTIFIER"))
    if "ts" in found:
        _time_value(found["ts"], acc)
    elif (mnum := _J_NUM_TS.search(text)) is not None:
        _time_value(mnum["v"], acc)
    elif "time" in found:
        _time_value(found["time"], acc)
    elif found.get("__REALTIME_TIMESTAMP", "").isdigit():
        _epoch(int(found["__REALTIME_TIMESTAMP"]) / 1e6, acc)
    level = _level(found.get("level"))
    if level is not None:
        acc.level = level
    for name in ("took", "expected-duration", "exceeded-duration"):
        if name in found:
            acc.fields[name] = found[name]
    _parse_text(_unescape(msgs[key]).strip(), acc, depth + 1)
    return True


def _parse_json_text(text: str, acc: _Acc, depth: int) -> None:
    obj = _loads(text)
    if isinstance(obj, dict) and _from_json(obj, acc, depth):
        return
    if '\\"' in text and depth < _MAX_DEPTH:
        unescaped = text.replace("\\\\", "\ue000").replace('\\"', '"').replace("\ue000", "\\")
        obj = _loads(unescaped)
        if isinstance(obj, dict) and _from_json(obj, acc, depth + 1):
            return
        if _salvage(unescaped, acc, depth + 1):
            return
    if not _salvage(text, acc, depth):
        acc.message = text


def parse_envelope(line: str) -> Envelope:
    """Peel every envelope off one physical line (decorations included)."""
    text = strip_decorations(line)
    acc = _Acc()
    _parse_text(text, acc, 0)
    return acc.freeze(text)
