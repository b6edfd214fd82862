"""JSON envelopes: journalctl -o json, Docker json-file, etcd zap, shippers' records.

A record is read for its message and metadata (time, host, program, level, zap's duration
fields); a message that is itself an envelope (zap JSON in a journal record, capnslog in a
Docker record, a syslog line in a shipper's record) goes back to the text reader, which is
passed in as ``parse_text`` so the two modules need not import each other. A record that is
not valid JSON (cut by a terminal, a pager, a search excerpt) is salvaged field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from harvester_iac.observe.logs._envelope_parts import MAX_DEPTH, Acc, epoch, level_of, time_value
from harvester_iac.observe.logs._regex import lazy_regex

__all__ = ["parse_json_text"]

TextParser = Callable[[str, Acc, int], None]

if TYPE_CHECKING:
    import json


@cache
def _decoder() -> json.JSONDecoder:
    import json  # on the first JSON record: a scan of plain syslog never needs it

    return json.JSONDecoder()


def _loads(text: str) -> Any:
    """The JSON value at the start of ``text`` (trailing ``,`` etc. ignored), else None."""
    try:
        return _decoder().raw_decode(text)[0]
    except (ValueError, RecursionError):
        return None


_TIME_KEYS = ("ts", "time", "@timestamp", "timestamp", "date")
_LEVEL_KEYS = ("level", "severity", "lvl", "L", "log.level")
_HOST_KEYS = ("hostname", "host", "_HOSTNAME", "host.name", "kubernetes.host", "nodename")
_FIELD_KEYS = ("took", "expected-duration", "exceeded-duration", "heartbeat-interval",
               "retry-timeout", "prefix", "caller", "to")


def _meta(obj: dict[str, Any], acc: Acc) -> None:
    """Host, time, level and duration fields of a structured record."""
    get = obj.get
    for key in _HOST_KEYS:
        value = get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            value = value.get("name") or value.get("hostname")
        if isinstance(value, str):
            acc.set_host(value)
            break
    kube = get("kubernetes")
    if isinstance(kube, dict):
        acc.set_host(kube.get("host"))
    for key in _TIME_KEYS:
        if key in obj:
            time_value(obj[key], acc)
            break
    for key in _LEVEL_KEYS:
        value = get(key)
        if value is None:
            continue
        level = level_of(value)
        if level is not None:
            acc.level = level
            break
    fields = acc.fields
    for key in _FIELD_KEYS:
        value = get(key)
        if value is not None and isinstance(value, str):
            fields[key] = value


def _journal_message(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(b, int) and 0 <= b < 256 for b in value):
        return bytes(value).decode("utf-8", "replace")
    return ""


def _from_json(obj: dict[str, Any], acc: Acc, depth: int, parse_text: TextParser) -> bool:
    """Read one JSON record; False when it holds no message at all."""
    if depth > MAX_DEPTH:
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
            epoch(int(stamp) / 1e6, acc)
        parse_text(_journal_message(obj["MESSAGE"]), acc, depth + 1)
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
        parse_text(obj["log"].strip(), acc, depth + 1)
        return True
    if key is not None:
        acc.fmt("zap" if key == "msg" else "json")
        _meta(obj, acc)
        text = obj[key]
        if text.lstrip()[:1] == "{" or key != "msg":
            parse_text(text.strip(), acc, depth + 1)
        else:
            acc.message = text
        return True
    for value in obj.values():
        inner: Any = value
        if isinstance(value, str) and value.lstrip().startswith("{"):
            inner = _loads(value.strip())
        if isinstance(inner, dict):
            probe = Acc()
            if _from_json(inner, probe, depth + 1, parse_text):
                _meta(obj, acc)
                acc.fmt("json")
                _merge(acc, probe)
                return True
    return False


def _merge(acc: Acc, inner: Acc) -> None:
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


_J_MSG = lazy_regex(r'"(?P<k>msg|message|MESSAGE|log)"\s*:\s*"(?P<v>(?:[^"\\]|\\.)*)')
_J_STR = lazy_regex(
    r'"(?P<k>level|ts|time|took|expected-duration|exceeded-duration|_HOSTNAME|'
    r'SYSLOG_IDENTIFIER|__REALTIME_TIMESTAMP|_TRANSPORT)"\s*:\s*"(?P<v>[^"\\]*)"')
_J_NUM_TS = lazy_regex(r'"ts"\s*:\s*(?P<v>\d+(?:\.\d+)?)')


def _unescape(value: str) -> str:
    value = value.rstrip("\\") if (len(value) - len(value.rstrip("\\"))) % 2 else value
    try:
        out = _decoder().decode(f'"{value}"')
    except ValueError:
        return value
    return out if isinstance(out, str) else value


def _salvage(text: str, acc: Acc, depth: int, parse_text: TextParser) -> bool:
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
        time_value(found["ts"], acc)
    elif (mnum := _J_NUM_TS.search(text)) is not None:
        time_value(mnum["v"], acc)
    elif "time" in found:
        time_value(found["time"], acc)
    elif found.get("__REALTIME_TIMESTAMP", "").isdigit():
        epoch(int(found["__REALTIME_TIMESTAMP"]) / 1e6, acc)
    level = level_of(found.get("level"))
    if level is not None:
        acc.level = level
    for name in ("took", "expected-duration", "exceeded-duration"):
        if name in found:
            acc.fields[name] = found[name]
    parse_text(_unescape(msgs[key]).strip(), acc, depth + 1)
    return True


def parse_json_text(text: str, acc: Acc, depth: int, parse_text: TextParser) -> None:
    """Read a line that starts with ``{``; ``parse_text`` reads messages that are text."""
    obj = _loads(text)
    if isinstance(obj, dict) and _from_json(obj, acc, depth, parse_text):
        return
    if '\\"' in text and depth < MAX_DEPTH:
        unescaped = text.replace("\\\\", "\ue000").replace('\\"', '"').replace("\ue000", "\\")
        obj = _loads(unescaped)
        if isinstance(obj, dict) and _from_json(obj, acc, depth + 1, parse_text):
            return
        if _salvage(unescaped, acc, depth + 1, parse_text):
            return
    if not _salvage(text, acc, depth, parse_text):
        acc.message = text


