"""Detections spilled to disk: what a scan worker found, without sending it to the parent.

A dense log holds an event on nearly every line; returning every ``Detection`` with its
line to the parent (pickled, then unpickled) cost more memory than the whole snapshot.
A streamed scan (``observe``) gives each worker's ``Part`` a ``Spill``: every detection is
written as one ``marshal`` record to a file in the scan's private temporary directory, and
the part keeps only plain arrays (line, stamp code, kind, host, repeat, record offset) —
what the parent needs to place times, decide hosts and order events. The parent reads a
record back (``record``/``records``) only to build the event itself.
"""

from __future__ import annotations

import dataclasses
import marshal
import math
import os
from array import array
from collections.abc import Callable, Generator
from datetime import datetime
from typing import Any, BinaryIO

from harvester_iac.observe.logs._detect import Detection
from harvester_iac.observe.logs._event import Event, EventKind

__all__ = ["KINDS", "Spill", "SpillError", "event_of", "make_event"]

#: Kind codes of the arrays: the index in ``EventKind``.
KINDS: tuple[EventKind, ...] = tuple(EventKind)
_CODE = {k: i for i, k in enumerate(KINDS)}
_NAN = math.nan

Record = tuple[Any, ...]


class SpillError(Exception):
    """The spill file could not be written (a full or read-only temporary directory).

    Not an ``OSError``: the line reader takes those for read errors of the log itself."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


class Spill:
    """One byte range's detections: records in ``path``, their index in arrays."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.offsets = array("q", [0])  # record i is bytes offsets[i]:offsets[i + 1]
        self.lines = array("q")
        self.how = array("b")
        self.value = array("q")
        self.mono = array("d")  # NaN: none
        self.noyear = array("b")
        self.kind = array("b")
        self.host = array("l")  # index in ``hosts``; -1: the line names none
        self.repeat = array("l")
        self.hosts: list[str] = []
        self._host_ids: dict[str, int] = {}
        try:
            self._fh: BinaryIO | None = open(path, "wb", buffering=1 << 20)
        except OSError as exc:
            raise SpillError(path, exc.strerror or str(exc)) from None

    def __len__(self) -> int:
        return len(self.lines)

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_fh", "_host_ids")}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._fh = None
        self._host_ids = {}

    def add(self, lineno: int, raw: str, det: Detection, code: tuple[int, int, float | None, bool]
            ) -> None:
        assert self._fh is not None
        blob = marshal.dumps((raw, det.source, det.host, det.device, det.disk, det.hctl,
                              det.connection, det.session, det.portal, det.iqn, det.volume,
                              det.took_ms, det.expected_ms, det.repeat, det.extra))
        try:
            self._fh.write(blob)
        except OSError as exc:
            raise SpillError(self.path, exc.strerror or str(exc)) from None
        self.offsets.append(self.offsets[-1] + len(blob))
        self.lines.append(lineno)
        self.how.append(code[0])
        self.value.append(code[1])
        self.mono.append(_NAN if code[2] is None else code[2])
        self.noyear.append(code[3])
        self.kind.append(_CODE[det.kind])
        host = -1
        if det.host:  # an empty name is no name (the event takes the file's host)
            host = self._host_ids.get(det.host, -1)
            if host < 0:
                host = self._host_ids[det.host] = len(self.hosts)
                self.hosts.append(det.host)
        self.host.append(host)
        self.repeat.append(det.repeat)

    def close(self) -> None:
        if self._fh is not None:
            fh, self._fh = self._fh, None
            try:
                fh.close()
            except OSError as exc:
                raise SpillError(self.path, exc.strerror or str(exc)) from None

    def code(self, i: int) -> tuple[int, int, float | None, bool]:
        mono = self.mono[i]
        return self.how[i], self.value[i], None if mono != mono else mono, bool(self.noyear[i])

    def record(self, fd: int, i: int) -> Record:
        """Record ``i``, read from the open spill file ``fd``."""
        start = self.offsets[i]
        data = os.pread(fd, self.offsets[i + 1] - start, start)
        record: Record = marshal.loads(data)
        return record

    def records(self, start: int = 0) -> Generator[Record, None, None]:
        """The records from ``start`` on, in order (one sequential read)."""
        with open(self.path, "rb", buffering=1 << 20) as fh:
            offsets = self.offsets
            fh.seek(offsets[start])
            read = fh.read
            for i in range(start, len(offsets) - 1):
                yield marshal.loads(read(offsets[i + 1] - offsets[i]))

    def drop_index(self) -> None:
        """Free the per-detection arrays once the parent has taken what it needs."""
        for name in ("lines", "how", "value", "mono", "noyear", "kind", "host", "repeat"):
            setattr(self, name, array(getattr(self, name).typecode))


def event_of(record: Record, kind: EventKind, file: str, line: int, time: datetime | None,
             assumed: bool, host: str | None) -> Event:
    """The event of a spilled record (as ``_scan_file._event`` builds it from the draft)."""
    (raw, source, det_host, device, disk, hctl, connection, session, portal, iqn, volume,
     took_ms, expected_ms, repeat, extra) = record
    return make_event(time, det_host or host, source, kind, file, line, raw, device, disk, hctl,
                      connection, session, portal, iqn, volume, took_ms, expected_ms, repeat,
                      assumed, extra)


def _maker() -> Callable[..., Event]:
    """``Event(*values)`` without the frozen dataclass's ``__init__`` (one
    ``object.__setattr__`` per field, a third of the time a dense observe spent per event):
    a generated function that fills the slots directly. The object is the same one
    ``__init__`` builds (no ``__post_init__``, no defaults involved: every field given)."""
    names = [f.name for f in dataclasses.fields(Event)]
    env: dict[str, Any] = {"_new": object.__new__, "_Event": Event}
    body = ["def make(" + ", ".join(names) + "):", "    e = _new(_Event)"]
    for i, name in enumerate(names):
        env[f"_s{i}"] = getattr(Event, name).__set__  # the slot's own descriptor
        body.append(f"    _s{i}(e, {name})")
    body.append("    return e")
    exec(compile("\n".join(body) + "\n", "<make Event>", "exec"), env)
    make: Callable[..., Event] = env["make"]
    return make


#: ``make_event(*values)`` is ``Event(*values)`` with every field given, in field order.
make_event = _maker()
