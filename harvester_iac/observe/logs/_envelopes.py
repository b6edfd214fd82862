"""Envelope readers: take time, host, program and level off a log line, leave the message.

The same message reaches us in many envelopes, often nested: a k3s journal line carrying
etcd's zap JSON, a Docker json-file record carrying capnslog text, a shipper's JSON
carrying a syslog line. ``parse_envelope`` peels them from the outside in; the innermost
message is what the pattern table searches. Times are kept as the line gives them
(``Stamp``): whether a zone, a year or a boot time must still be supplied is decided later,
per file, by the scan driver. JSON envelopes are read in ``_envelopes_json``.

Paste decorations (indentation, ``│``, ``> ``, ``cat -n`` numbers, quotes, ``grep -n`` and
support-bundle ``path.log:`` prefixes) are removed first. A line in no known envelope is a
bare message: the whole line is searched.
"""

from __future__ import annotations

import re
from datetime import UTC

from harvester_iac.observe.logs._envelope_parts import (
    HMS,
    MAX_DEPTH,
    MON,
    MONTHS,
    WDAY,
    Acc,
    Envelope,
    Stamp,
    iso,
    iso_datetime,
    level_of,
    make_datetime,
    micro,
    time_value,
    zone_of,
)
from harvester_iac.observe.logs._envelopes_json import parse_json_text
from harvester_iac.observe.logs._regex import lazy_regex

__all__ = ["Envelope", "Stamp", "parse_envelope", "parse_envelope_general", "strip_decorations"]

# --------------------------------------------------------------------------- decorations

_DECOR = lazy_regex(
    r"^(?:[ \t\u00a0\ufeff]+"
    r"|[│┃|](?: |$)"
    r"|>+ ?"
    r"|[-*•] (?=\S)"
    r"|\d{1,9}\t"
    r"|\d{1,9} *[│┃|:] "
    r"|\d{1,9}[:-](?=[A-Za-z\[{<])"
    r")"
)
_QUOTE_TAIL = lazy_regex(r"""["'`]\s*[,;)]?\s*$""")
_PATH_PREFIX = lazy_regex(
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


# --------------------------------------------------------------------------- kernel prefixes

_KSTAMP = lazy_regex(
    r"^\s*(?:"
    r"\[\s*\+\s*\d+\.\d+\]"  # dmesg -d delta
    r"|\[\s*<\s*[\d.]+>\]"
    r"|\[\s*(?P<mono>\d+\.\d+)(?:\s*<\s*[\d.]+>)?\]"
    r"|\[" + WDAY + r" (?P<mon>" + MON + r") +(?P<day>\d{1,2}) " + HMS
    + r" (?P<y>\d{4})(?:\s*<\s*[\d.]+>)?\]"
    r"|\[\s*[TC]\d+\]"  # printk caller id
    r"|<\d{1,3}>"  # dmesg -r level
    r")"
)


def _kernel_prefix(text: str, acc: Acc) -> str:
    """Strip printk stamps, caller ids and dmesg -T/-d brackets; record their times."""
    for _ in range(8):
        m = _KSTAMP.match(text)
        if m is None:
            break
        if m["mono"] is not None:
            acc.mono = float(m["mono"])
        elif m["mon"] is not None:
            dt = make_datetime(int(m["y"]), MONTHS[m["mon"].lower()], int(m["day"]), int(m["h"]),
                           int(m["mi"]), int(m["s"]), 0)
            if dt is not None:
                acc.local.append(dt)
        text = text[m.end():]
    if text.startswith(" ") and not text.startswith("  "):
        text = text[1:]
    return text


# --------------------------------------------------------------------------- text envelopes

_IDENT = lazy_regex(r"^(?P<ident>[\w./@-]+?)(?:\[(?P<pid>\d+)\])?:(?: |$)")
_SEVERITIES = frozenset(
    {"EMERG", "ALERT", "CRIT", "ERR", "ERROR", "WARNING", "WARN", "NOTICE", "NOTE", "INFO",
     "DEBUG"})

_SYSLOG = lazy_regex(
    r"^(?P<mon>" + MON + r") +(?P<day>\d{1,2}) " + HMS + r"(?:\.(?P<frac>\d+))?"
    r"(?: (?P<rest>.*))?$", re.S)
_SYSLOG_YEAR = lazy_regex(
    r"^(?P<y>\d{4}) (?P<mon>" + MON + r") +(?P<day>\d{1,2}) " + HMS + r"(?:\.(?P<frac>\d+))?"
    r"(?: (?P<rest>.*))?$", re.S)
_ISO_HEAD = lazy_regex(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}(?P<sep>[T ])\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
    r"(?:Z|z|[+-]\d{2}:?\d{2})?)(?: (?P<rest>.*))?$", re.S)
_SHORT_FULL = lazy_regex(
    r"^" + WDAY + r" (?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2}) " + HMS + r"(?:\.(?P<frac>\d+))?"
    r" (?P<tz>[A-Z]{2,5}|[+-]\d{4}) (?P<rest>.*)$", re.S)
_CAPNSLOG = lazy_regex(r"^(?P<lvl>[CEWNIDT]) \| (?P<msg>.*)$", re.S)
_CRI = lazy_regex(r"^(?:stdout|stderr) [FP] (?P<msg>.*)$", re.S)
_HOST_IDENT = lazy_regex(r"^(?P<host>[A-Za-z0-9][\w.-]*) (?P<rest>.*)$", re.S)
_RFC5424 = lazy_regex(
    r"^<\d{1,3}>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)"
    r" ?(?P<msg>.*)$", re.S)
_PRI = lazy_regex(r"^<\d{1,3}>")
_DMESG_X = lazy_regex(
    r"^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\s*:"
    r"\s*(?P<lvl>emerg|alert|crit|err|warn|notice|info|debug)\s*: ?", re.I)
_KLOG = lazy_regex(
    r"^(?P<lvl>[IWEF])(?P<mo>\d{2})(?P<day>\d{2}) " + HMS + r"\.(?P<frac>\d+)\s+\d+ "
    r"[^\]\s]+\] (?P<msg>.*)$", re.S)
_LOGRUS_TIME = lazy_regex(r'(?:^|\s)time="(?P<t>[^"]*)"')
_LOGRUS_LEVEL = lazy_regex(r"(?:^|\s)level=(?P<l>\w+)")
_PROC = lazy_regex(r"^\[(?P<proc>[A-Za-z][\w.:-]*)\] (?P<rest>.*)$", re.S)
_JOURNAL_SEP = lazy_regex(r"^-- (?:Boot [0-9a-f]+|Logs begin at|Journal begins at|No entries|Reboot)")


def _syslog_rest(rest: str, acc: Acc, depth: int, *, host_required: bool = True) -> None:
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


def _parse_text(text: str, acc: Acc, depth: int) -> None:
    if depth > MAX_DEPTH or not text:
        acc.message = text
        return
    c = text[0]
    if c == "{":
        parse_json_text(text, acc, depth, _parse_text)
        return
    if c == "<":
        m5 = _RFC5424.match(text)
        if m5 is not None:
            acc.fmt("rfc5424")
            time_value(m5["ts"], acc)
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
    elif c in "./" and _after_path_prefix(text, acc, depth):
        return
    acc.message = text


def _may_name_file(text: str) -> bool:
    """False when ``_PATH_PREFIX`` cannot match: its name part ends at the first ``:``."""
    colon = text.find(":")
    if colon < 0:
        return False
    head = text[:colon]
    return ".log" in head or ".txt" in head or "syslog" in head or "messages" in head


def _after_path_prefix(text: str, acc: Acc, depth: int) -> bool:
    """Read what follows a file-name prefix (``/var/log/syslog:``, a grep match), if any."""
    mp = _PATH_PREFIX.match(text) if _may_name_file(text) else None
    if mp is not None and mp.end() < len(text):
        _parse_text(text[mp.end():], acc, depth + 1)
        return True
    return False


def _parse_digit_led(text: str, acc: Acc, depth: int) -> bool:
    m = _ISO_HEAD.match(text)
    if m is not None:
        rest = m["rest"] or ""
        if m["sep"] == " ":
            mc = _CAPNSLOG.match(rest)
            if mc is not None:
                acc.fmt("capnslog")
                iso(m["ts"], acc)
                acc.level = level_of(mc["lvl"])
                acc.set_program("etcd")
                _parse_text(mc["msg"], acc, depth + 1)
                return True
            acc.fmt("timestamped")
            iso(m["ts"], acc)
            _parse_text(rest, acc, depth + 1)
            return True
        iso(m["ts"], acc)
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
        dt = make_datetime(int(m["y"]), MONTHS[m["mon"].lower()], int(m["day"]), int(m["h"]),
                       int(m["mi"]), int(m["s"]), micro(m["frac"]))
        if dt is not None:
            acc.fmt("syslog-year")
            acc.local.append(dt)
            rest = m["rest"] or ""
            host, _, tail = rest.partition(" ")
            sev, _, after = tail.partition(" ")
            if sev in _SEVERITIES:
                acc.set_host(host)
                acc.level = level_of(sev)
                _syslog_rest(after, acc, depth, host_required=False)
            else:
                _syslog_rest(rest, acc, depth)
            return True
    return _after_path_prefix(text, acc, depth)


def _parse_bracket_led(text: str, acc: Acc, depth: int) -> bool:
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


def _parse_alpha_led(text: str, acc: Acc, depth: int) -> bool:
    dated = text[3:4] == " "  # a month or weekday leads: both are three letters
    m = _SYSLOG.match(text) if dated else None
    if m is not None:
        acc.fmt("syslog")
        acc.noyear.append((MONTHS[m["mon"].lower()], int(m["day"]), int(m["h"]), int(m["mi"]),
                           int(m["s"]), micro(m["frac"])))
        _syslog_rest(m["rest"] or "", acc, depth)
        return True
    m = _SHORT_FULL.match(text) if dated else None
    if m is not None:
        dt = make_datetime(int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]),
                       int(m["s"]), micro(m["frac"]))
        if dt is not None:
            acc.fmt("short-full")
            zone = UTC if m["tz"] in ("UTC", "GMT") else zone_of(m["tz"])
            if zone is not None:
                acc.aware.append(dt.replace(tzinfo=zone))
            else:
                acc.local.append(dt)  # a zone abbreviation (CEST) is ambiguous: use --tz
            _syslog_rest(m["rest"], acc, depth)
            return True
    m = _DMESG_X.match(text) if ":" in text[:16] else None
    if m is not None:
        acc.fmt("dmesg-x")
        acc.level = level_of(m["lvl"])
        acc.set_program("kernel")
        acc.message = _kernel_prefix(text[m.end():], acc)
        return True
    m = _KLOG.match(text) if text[0] in "IWEF" and text[1:2].isdigit() else None
    if m is not None:
        mo, day = int(m["mo"]), int(m["day"])
        if 1 <= mo <= 12 and 1 <= day <= 31:
            acc.fmt("klog")
            acc.noyear.append((mo, day, int(m["h"]), int(m["mi"]), int(m["s"]),
                               micro(m["frac"])))
            acc.level = level_of(m["lvl"])
            acc.message = m["msg"]
            return True
    mt = _LOGRUS_TIME.search(text) if 'time="' in text else None
    ml = _LOGRUS_LEVEL.search(text) if mt is not None else None
    if mt is not None and ml is not None:
        acc.fmt("logrus")
        time_value(mt["t"], acc)
        acc.level = level_of(ml["l"])
        acc.message = text
        return True
    return _after_path_prefix(text, acc, depth)


def parse_envelope(line: str) -> Envelope:
    """Peel every envelope off one physical line (decorations included)."""
    text = line.rstrip()
    env = _fast_envelope(text) if text[:1].isalnum() else None
    return env if env is not None else parse_envelope_general(line)


def parse_envelope_general(line: str) -> Envelope:
    """``parse_envelope`` without the fast path: every reader in turn (tests compare the two)."""
    text = strip_decorations(line)
    acc = Acc()
    _parse_text(text, acc, 0)
    return acc.freeze(text)


# --------------------------------------------------------------------------- the fast path
#
# Most candidate lines are journalctl's short or short-iso format around a message that is
# no envelope itself. ``_fast_envelope`` recognizes exactly the lines on which the general
# readers would take the syslog (or short-iso) branch with a host and an ident, builds the
# same Envelope without the collector, and hands any message that may be an envelope back
# to ``_parse_text``. Such lines start with a letter or digit that no paste decoration
# starts with, so ``strip_decorations`` would only have stripped the line's end.

_IDENT_TAIL = r" (?P<ident>[\w./@-]+?)(?:\[(?P<pid>\d+)\])?:(?: |$)"
_FAST_SYSLOG = lazy_regex(
    r"(?P<stamp>(?P<mon>" + MON + r") +(?P<day>\d{1,2}) " + HMS + r"(?:\.(?P<frac>\d+))?)"
    r" (?P<host>[^ ]+)" + _IDENT_TAIL)
_FAST_ISO = lazy_regex(
    r"(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|z|[+-]\d{2}:?\d{2})?)"
    r" (?P<host>[A-Za-z0-9][\w.-]*)" + _IDENT_TAIL)

_STAMPS: dict[str, Stamp] = {}  # a second's stamp serves its every line
_STAMPS_MAX = 4096


def _syslog_stamp(m: re.Match[str]) -> Stamp | None:
    key = m["stamp"]
    stamp = _STAMPS.get(key)
    if stamp is None:
        month = MONTHS.get(m["mon"].lower())
        if month is None:  # a case-folded look-alike: the general reader decides
            return None
        stamp = Stamp(None, None, (month, int(m["day"]), int(m["h"]), int(m["mi"]), int(m["s"]),
                                   micro(m["frac"])), None)
        if len(_STAMPS) >= _STAMPS_MAX:
            _STAMPS.clear()
        _STAMPS[key] = stamp
    return stamp


def _iso_stamp(ts: str) -> Stamp:
    key = "T" + ts
    stamp = _STAMPS.get(key)
    if stamp is None:
        parsed = iso_datetime(ts)
        if parsed is None:
            stamp = Stamp()
        elif parsed[1]:
            stamp = Stamp(parsed[0], None, None, None)
        else:
            stamp = Stamp(None, parsed[0], None, None)
        if len(_STAMPS) >= _STAMPS_MAX:
            _STAMPS.clear()
        _STAMPS[key] = stamp
    return stamp


def _is_bare(text: str) -> bool:
    """True when ``_parse_text`` would find no envelope in ``text`` (False: it may)."""
    if not text:
        return True
    c = text[0]
    if c.isalpha():
        if text[3:4] == " ":
            return False  # syslog or short-full times lead with a month or weekday
        if ":" in text[:16] and _DMESG_X.match(text) is not None:
            return False
        if c in "IWEF" and text[1:2].isdigit():
            return False  # klog
        return 'time="' not in text and not _may_name_file(text)
    return not (c in "{<[-./" or c.isdigit())


def _fast_envelope(text: str) -> Envelope | None:
    """The Envelope of a journal short/short-iso line, or None: use the general readers."""
    if text[0].isdigit():
        m = _FAST_ISO.match(text)
        if m is None:
            return None
        fmt = "short-iso"
        stamp = _iso_stamp(m["ts"])
    else:
        m = _FAST_SYSLOG.match(text)
        if m is None:
            return None
        fmt = "syslog"
        host = m["host"]
        if host.endswith(":") or "=" in host or host[0] in "[{\"'":
            return None  # not a host: the general reader reads the token as an ident
        found = _syslog_stamp(m)
        if found is None:
            return None
        stamp = found
    host = m["host"]
    if len(host) > 255:
        return None
    ident = m["ident"]
    msg = text[m.end():]
    if msg.startswith(ident + ": "):
        msg = msg[len(ident) + 2:]
    if ident == "kernel":
        if msg.lstrip()[:1] in ("[", "<"):
            return None  # printk stamps: the general reader records them
        if msg.startswith(" ") and not msg.startswith("  "):
            msg = msg[1:]
        return Envelope(msg, fmt, host, ident, None, stamp, ())
    if _is_bare(msg):
        return Envelope(msg, fmt, host, ident, None, stamp, ())
    acc = Acc()
    acc.formats.append(fmt)
    if stamp.noyear is not None:
        acc.noyear.append(stamp.noyear)
    elif stamp.aware is not None:
        acc.aware.append(stamp.aware)
    elif stamp.local is not None:
        acc.local.append(stamp.local)
    acc.host = host
    acc.program = ident
    _parse_text(msg, acc, 1)
    return acc.freeze(text)

