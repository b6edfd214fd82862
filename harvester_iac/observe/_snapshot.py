"""The health snapshot: what ``observe`` saw, as evidence for ``validate``.

A snapshot says when and from what it was collected (``sources``, each with its status),
the time window, every event (with file, line and raw text), the iSCSI session map, the
Longhorn objects, Prometheus metrics, and summaries per host, disk, volume and master.

The JSON form is documented by ``snapshot.schema.json`` (JSON Schema 2020-12, shipped in
this package). :func:`load_snapshot` validates against it and raises
:class:`SnapshotError` with the file, the JSON pointer and what was expected.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harvester_iac._json import read_json
from harvester_iac.core import InputError, Located, SnapshotError, map_foreign_errors, schema_problem
from harvester_iac.observe._cap import cap_events
from harvester_iac.observe._coverage import Coverage, derive_coverage
from harvester_iac.observe._decoders import Bail, decoder_of
from harvester_iac.observe._encoders import (
    encode_value,
    encoder_of,
    is_pairs,
    snapshot_key,
    snapshot_time,
)
from harvester_iac.observe._iscsiadm import IscsiSession, SessionMap
from harvester_iac.observe._prometheus import PrometheusMetrics
from harvester_iac.observe._schema_fast import compile_check
from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus
from harvester_iac.observe._summary import Summaries, summarize
from harvester_iac.observe.logs._event import Event
from harvester_iac.observe.longhorn._objects import LonghornState

if TYPE_CHECKING:
    from harvester_iac.observe.logs._streamed import StreamedScan

__all__ = [
    "SNAPSHOT_API_VERSION",
    "SNAPSHOT_KIND",
    "HealthSnapshot",
    "TimeWindow",
    "build_snapshot",
    "dumps_snapshot",
    "load_snapshot",
    "parse_snapshot",
    "snapshot_schema",
    "snapshot_to_dict",
    "write_snapshot",
]

SNAPSHOT_API_VERSION = "harvester-iac/v1"
SNAPSHOT_KIND = "HealthSnapshot"
_URL_KINDS = frozenset({SourceKind.KUBERNETES, SourceKind.PROMETHEUS})


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The ``--since``/``--until`` bounds events were kept in (``None``: unbounded)."""

    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class HealthSnapshot:
    """One observation of the storage and control plane, with all its evidence."""

    collected_at: datetime
    window: TimeWindow
    sources: tuple[SourceStatus, ...]
    #: a tuple, or (a streamed observe) a read-only sequence backed by its spill files
    events: Sequence[Event]
    sessions: tuple[SessionMap, ...]
    longhorn: LonghornState
    metrics: PrometheusMetrics | None
    summaries: Summaries
    coverage: tuple[Coverage, ...] = ()
    #: raw events counted in the summaries but not listed (``--max-events``)
    events_dropped: int = 0


def build_snapshot(
    *,
    collected_at: datetime,
    window: TimeWindow = TimeWindow(),
    sources: tuple[SourceStatus, ...] = (),
    events: tuple[Event, ...] = (),
    sessions: tuple[SessionMap, ...] = (),
    longhorn: LonghornState | None = None,
    metrics: PrometheusMetrics | None = None,
    max_events: int | None = None,
) -> HealthSnapshot:
    """Assemble a snapshot; events are sorted by time, summaries and coverage computed from
    all of them. With ``max_events`` at most that many are listed (``_cap``)."""
    ordered = tuple(
        sorted(
            events,
            key=lambda e: (
                e.time is None,
                e.time or collected_at,
                e.host or "",
                e.file,
                e.line,
            ),
        )
    )
    summaries = summarize(ordered, longhorn)
    coverage = derive_coverage(sources=sources, events=ordered, sessions=sessions,
                               longhorn=longhorn, metrics=metrics)
    dropped = 0
    if max_events is not None:
        ordered, dropped = cap_events(ordered, max_events)
    return HealthSnapshot(
        collected_at=collected_at,
        window=window,
        sources=sources,
        events=ordered,
        sessions=sessions,
        longhorn=longhorn or LonghornState(),
        metrics=metrics,
        summaries=summaries,
        coverage=coverage,
        events_dropped=dropped,
    )


def build_streamed_snapshot(
    scan: StreamedScan,
    *,
    collected_at: datetime,
    window: TimeWindow = TimeWindow(),
    sources: tuple[SourceStatus, ...] = (),
    sessions: tuple[SessionMap, ...] = (),
    longhorn: LonghornState | None = None,
    metrics: PrometheusMetrics | None = None,
    max_events: int | None = None,
) -> HealthSnapshot:
    """:func:`build_snapshot` of a streamed scan (its events attributed and joined): the
    same snapshot, whose ``events`` are read from the scan's spill files when listed.
    Valid while the scan's temporary directory exists."""
    from harvester_iac.observe._cap import cap_positions
    from harvester_iac.observe.logs._streamed import SpilledEvents

    # a snapshot without sources is judged by the hosts its events name: read them then
    held = SpilledEvents(scan, range(len(scan))) if not sources else ()
    coverage = derive_coverage(sources=sources, events=held, sessions=sessions,
                               longhorn=longhorn, metrics=metrics, hosts_of=scan.named_of)
    order = scan.order(collected_at)
    dropped = 0
    if max_events is not None and len(order) > max_events:
        kept = cap_positions((scan.host_kind(i) for i in order), max_events)
        dropped = len(order) - len(kept)
        order = [order[p] for p in kept]
    summaries = scan.finish(order, longhorn, event_line_encoder())
    return HealthSnapshot(
        collected_at=collected_at, window=window, sources=sources,
        events=SpilledEvents(scan, order), sessions=sessions,
        longhorn=longhorn or LonghornState(), metrics=metrics, summaries=summaries,
        coverage=coverage, events_dropped=dropped,
    )


# -- encoding -------------------------------------------------------------------------

_time = snapshot_time
_is_pairs = is_pairs


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _fields(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if f.init]


def _encode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return encoder_of(tp)(value)
    return encode_value(value)


def _encode_source(s: SourceStatus) -> dict[str, Any]:
    is_url = s.kind in _URL_KINDS
    extra: dict[str, Any] = {}
    if s.kind is SourceKind.LOG:
        extra = {"hosts": list(s.hosts), "host_from": s.host_from}
    return {
        "kind": s.kind.value,
        "path": None if is_url else s.location,
        "url": s.location if is_url else None,
        "status": s.state.value,
        "error": s.error,
        "detail": s.detail,
        "lines": s.lines,
        "events": s.events,
        **extra,
    }


def _encode_sessions(maps: tuple[SessionMap, ...]) -> list[dict[str, Any]]:
    rows = []
    for m in maps:
        for s in m.sessions:
            row: dict[str, Any] = {
                "host": m.host,
                "listing": m.file,
                "open_iscsi_version": m.version,
                "volume": s.volume,
            }
            row.update(encoder_of(IscsiSession)(s))
            rows.append(row)
    return rows


def _document(snapshot: HealthSnapshot, events: Any) -> dict[str, Any]:
    from harvester_iac.observe._version import tool_version

    doc = {
        "apiVersion": SNAPSHOT_API_VERSION,
        "kind": SNAPSHOT_KIND,
        "tool": {"name": "harvester-iac", "version": tool_version()},
        "collected_at": _time(snapshot.collected_at),
        "window": _encode(TimeWindow, snapshot.window),
        "sources": [_encode_source(s) for s in snapshot.sources],
        "coverage": [_encode(Coverage, c) for c in snapshot.coverage],
        "events": events,
        "sessions": _encode_sessions(snapshot.sessions),
        "longhorn": _encode(LonghornState, snapshot.longhorn),
        "metrics": _encode(PrometheusMetrics, snapshot.metrics),
        "summaries": _encode(Summaries, snapshot.summaries),
    }
    if snapshot.events_dropped:
        doc["events_dropped"] = snapshot.events_dropped
    return doc


def snapshot_to_dict(snapshot: HealthSnapshot) -> dict[str, Any]:
    """The JSON document of a snapshot (plain dicts and lists), in schema order."""
    encode = encoder_of(Event)
    return _document(snapshot, [encode(e) for e in snapshot.events])


#: Stands in for the event list while the rest of the document is laid out.
_EVENTS_MARK = "\u0000events\u0000"
_EVENT_BLOCK = 2048


def iter_snapshot_text(snapshot: HealthSnapshot) -> Iterator[str]:
    """The snapshot's JSON text in pieces: 2-space indent, one event per line (compact),
    UTF-8, trailing newline. Events are encoded a block at a time, never all at once."""
    text = json.dumps(_document(snapshot, _EVENTS_MARK), indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"
    head, tail = text.split(json.dumps(_EVENTS_MARK), 1)
    events = snapshot.events
    if not events:
        yield head + "[]" + tail
        return
    lines = getattr(events, "lines", None)
    if lines is not None:  # a streamed snapshot: its events are encoded already
        yield head + "["
        batch: list[str] = []
        lead = "\n    "
        for text in lines():
            batch.append(text)
            if len(batch) == _EVENT_BLOCK:
                yield lead + ",\n    ".join(batch)
                batch, lead = [], ",\n    "
        if batch:
            yield lead + ",\n    ".join(batch)
        yield "\n  ]" + tail
        return
    dumps = event_line_encoder()
    yield head + "["
    for start in range(0, len(events), _EVENT_BLOCK):
        block = events[start:start + _EVENT_BLOCK]
        lead = "\n    " if start == 0 else ",\n    "
        yield lead + ",\n    ".join(map(dumps, block))
    yield "\n  ]" + tail


def event_line_encoder() -> Callable[[Event], str]:
    """One event as its line of the snapshot's event list (compact JSON)."""
    encode = encoder_of(Event)
    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode

    def line(event: Event) -> str:
        return dumps(encode(event))

    return line


def dumps_snapshot(snapshot: HealthSnapshot) -> str:
    """Deterministic JSON text (see :func:`iter_snapshot_text`)."""
    return "".join(iter_snapshot_text(snapshot))


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _mode(path: Path) -> int:
    """The mode of the file being replaced (a 0600 snapshot stays 0600), else umask's."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def write_snapshot(snapshot: HealthSnapshot, path: Path) -> None:
    """Write atomically: a temp file in the same directory, then ``os.replace``; the mode
    of a snapshot being rewritten is kept."""
    import tempfile  # here: observe without -o, and validate, never write

    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise SnapshotError(
            f"cannot write the snapshot: {exc.strerror or exc}",
            file=str(path),
            expected="a writable directory",
        ) from None
    try:
        os.fchmod(fd, _mode(path))  # mkstemp makes 0600; a new snapshot is a normal file
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(iter_snapshot_text(snapshot))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SnapshotError(
            f"cannot write the snapshot: {exc.strerror or exc}",
            file=str(path),
            expected="a writable file",
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- decoding -------------------------------------------------------------------------


def _decode(tp: Any, node: Located | None) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if node is None:
            return None
        (inner,) = (a for a in typing.get_args(tp) if a is not type(None))
        return _decode(inner, node)
    if node is None:
        raise SnapshotError("missing value", expected=str(tp))
    if _is_pairs(tp):
        key_tp, value_tp = typing.get_args(typing.get_args(tp)[0])
        return tuple(
            (_decode(key_tp, node.child(k, k)), _decode(value_tp, v)) for k, v in node.members()
        )
    if origin is tuple:
        item_tp = typing.get_args(tp)[0]
        if isinstance(item_tp, type) and dataclasses.is_dataclass(item_tp) \
                and isinstance(node.value, list):
            fast = decoder_of(item_tp)
            try:
                return tuple(map(fast, node.value))
            except Bail:
                pass  # the located decoder below says what is wrong, or decodes the same
        return tuple(_decode(item_tp, item) for item in node.items())
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        text = node.as_str()
        try:
            return tp(text)
        except ValueError:
            raise node.fail("one of " + ", ".join(repr(m.value) for m in tp)) from None
    if tp is datetime:
        return _parse_time(node)
    if tp is bool:
        return node.as_bool()
    if tp is int:
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            raise node.fail("an integer")
        return node.value
    if tp is float:
        if node.value in ("NaN", "+Inf", "-Inf"):
            return float(str(node.value))
        return node.as_float()
    if tp is str:
        return node.as_str()
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _decode_dataclass(tp, node)
    raise TypeError(f"cannot decode {tp!r}")


def _optional(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in (
        typing.get_args(tp)
    )


def _decode_dataclass(cls: type, node: Located) -> Any:
    try:
        return decoder_of(cls)(node.value)
    except Bail:
        pass  # decode field by field: the same object, or the error with its pointer
    hints = _hints(cls)
    values = {}
    for f in _fields(cls):
        tp = hints[f.name]
        key = snapshot_key(f)
        child = node.get(key)
        if child is None and not _optional(tp):
            has_default = (
                f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING
            )
            if has_default and key not in node.mapping():
                continue
            node.require(key, f"a value for {key!r}")
        values[f.name] = _decode(tp, child)
    return cls(**values)


def _parse_time(node: Located) -> datetime:
    text = node.as_str()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise node.fail("an RFC 3339 time such as 2025-12-28T00:52:05Z") from None
    if value.tzinfo is None:
        raise node.fail("a time with a zone (Z or +hh:mm)")
    return value.astimezone(UTC)


def _decode_source(node: Located) -> SourceStatus:
    kind = _decode(SourceKind, node.require("kind", "a source kind"))
    hosts = node.get("hosts")
    location = node.opt_str("url") if kind in _URL_KINDS else node.opt_str("path")
    return SourceStatus(
        kind=kind,
        location=location or "",
        state=_decode(SourceState, node.require("status", "ok, partial or failed")),
        error=node.opt_str("error"),
        detail=node.opt_str("detail"),
        lines=_decode(int, node.require("lines", "an integer")),
        events=_decode(int, node.require("events", "an integer")),
        hosts=tuple(h.as_str() for h in hosts.items()) if hosts is not None else (),
        host_from=node.opt_str("host_from"),
    )


def _decode_sessions(node: Located) -> tuple[SessionMap, ...]:
    groups: dict[tuple[str | None, str | None, str | None], list[IscsiSession]] = {}
    for row in node.items():
        key = (row.opt_str("listing"), row.opt_str("host"), row.opt_str("open_iscsi_version"))
        groups.setdefault(key, []).append(_decode_dataclass(IscsiSession, row))
    return tuple(
        SessionMap(sessions=tuple(sessions), file=file, host=host, version=version)
        for (file, host, version), sessions in groups.items()
    )


@cache
def snapshot_schema() -> dict[str, Any]:
    """The shipped JSON Schema of the snapshot (``observe/snapshot.schema.json``)."""
    from importlib import resources  # it imports tempfile: only readers of a snapshot pay

    text = resources.files("harvester_iac.observe").joinpath("snapshot.schema.json").read_text(
        encoding="utf-8"
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _event_check() -> Callable[[Any], bool] | None:
    """The event schema as a fast predicate (``_schema_fast``), when it compiles."""
    schema = snapshot_schema()
    items = schema["properties"]["events"].get("items")
    ref = items.get("$ref", "") if isinstance(items, dict) and len(items) == 1 else ""
    if not ref.startswith("#/$defs/"):
        return None
    return compile_check(schema["$defs"][ref.removeprefix("#/$defs/")])


def _schema_error(doc: Any, file: str) -> InputError | None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(snapshot_schema())
    events = doc.get("events") if isinstance(doc, dict) else None
    check = _event_check() if isinstance(events, list) and events else None
    if check is not None and all(map(check, events)):  # type: ignore[arg-type]
        doc = {**doc, "events": []}  # every event passes: the rest has the same errors
    errors = list(validator.iter_errors(doc))
    error = jsonschema.exceptions.best_match(errors)
    if error is None:
        return None
    return Located(doc, file).problem(schema_problem(error), more=len(errors) - 1)


def _older(root: Any, coverage: tuple[Coverage, ...]) -> tuple[Coverage, ...]:
    """Coverage of a snapshot written before coverage existed: its writer read no Engine
    objects, so their absence says nothing."""
    from harvester_iac.observe._coverage import CoverageState, EvidenceKind

    lh = root.get("longhorn")
    if lh is None or lh.get("engines") is not None:
        return coverage
    return tuple(
        Coverage(c.kind, c.scope, CoverageState.NONE,
                 "not read by the harvester-iac that wrote this snapshot", c.sources)
        if c.kind is EvidenceKind.ENGINES else c
        for c in coverage)


def parse_snapshot(doc: Any, *, file: str = "<snapshot>") -> HealthSnapshot:
    """Validate a decoded JSON document against the schema and build the snapshot."""
    problem = _schema_error(doc, file)
    if problem is not None:
        raise problem
    root = Located(doc, file)
    hints = _hints(HealthSnapshot)
    sources = tuple(_decode_source(s) for s in root.require("sources", "a list").items())
    events = _decode(tuple[Event, ...], root.require("events", "a list"))
    sessions = _decode_sessions(root.require("sessions", "a list"))
    longhorn = _decode(LonghornState, root.require("longhorn", "an object"))
    metrics = _decode(hints["metrics"], root.get("metrics"))
    covered = root.get("coverage")
    coverage = (_decode(hints["coverage"], covered) if covered is not None else
                _older(root, derive_coverage(sources=sources, events=events, sessions=sessions,
                                             longhorn=longhorn, metrics=metrics)))
    return HealthSnapshot(
        collected_at=_parse_time(root.require("collected_at", "a time")),
        window=_decode(TimeWindow, root.require("window", "an object")),
        sources=sources,
        events=events,
        sessions=sessions,
        longhorn=longhorn,
        metrics=metrics,
        summaries=_decode(Summaries, root.require("summaries", "an object")),
        coverage=coverage,
        events_dropped=_decode(int, root.get("events_dropped")) if root.get("events_dropped") else 0,
    )


def load_snapshot(path: str | os.PathLike[str]) -> HealthSnapshot:
    """Read and validate a snapshot file; bad input raises :class:`SnapshotError`.

    The JSON is read under the shared limits (``_json``): duplicate keys, NaN/Infinity,
    huge integers and deep nesting are refused, each with its JSON pointer.
    """
    name = str(path)
    if not os.path.lexists(path):
        raise SnapshotError("no such snapshot file", file=name, expected="a file written by 'observe -o'")
    doc = read_json(path, error=SnapshotError, what="a health snapshot (JSON) written by 'observe -o'")
    with map_foreign_errors(file=name, error=SnapshotError, expected="a health snapshot"):
        return parse_snapshot(doc, file=name)
