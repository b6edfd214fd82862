"""JSON reading with limits, shared by every JSON reader (snapshots, baselines, scheduler
cases, Longhorn objects, Prometheus and Kubernetes answers).

``json.loads`` alone accepts what must not be evidence: a duplicate key (the last wins, so
an appended ``"events": []`` erases a snapshot's evidence), ``NaN``/``Infinity`` and
``1e999`` (a latency that compares false with every threshold), integers of thousands of
digits, and nesting deep enough to exhaust the stack of whatever walks the tree next.
:func:`load_json` refuses each, naming the JSON pointer of the value: the hooks leave a
marker object where the bad value was, and one iterative walk finds the first marker,
checks the depth, and returns plain data.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from harvester_iac._files import MAX_FILE_BYTES, input_error, read_regular
from harvester_iac.core import InputError, map_foreign_errors

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "load_json", "pointer", "read_json"]

#: Deeper than any document harvester-iac reads (snapshots need about 8 levels).
MAX_DEPTH = 64
#: Longer than any count or byte size (int64 has 19 digits); Python's own limit is 4300.
MAX_INT_DIGITS = 100


class _Bad:
    """Where a value was refused, and why (found by the walk, then reported)."""

    __slots__ = ("expected", "found")

    def __init__(self, found: str, expected: str) -> None:
        self.found = found
        self.expected = expected


class _Duplicate(dict[str, Any]):
    """An object in which ``key`` appeared twice."""

    key: str = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            dup = _Duplicate(out)
            dup.key = k
            return dup
        out[k] = v
    return out


def _int(text: str) -> int | _Bad:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _Bad(f"an integer of {digits} digits", f"an integer of at most {MAX_INT_DIGITS} digits")
    return int(text)


def _float(text: str) -> float | _Bad:
    value = float(text)
    if not math.isfinite(value):
        return _Bad(f"the number {text[:40]} (too large to be finite)", "a finite number")
    return value


def _constant(name: str) -> _Bad:
    return _Bad(name, "a finite number (NaN and Infinity are not JSON)")


def pointer(path: list[str | int]) -> str:
    """The JSON pointer (RFC 6901) of ``path``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "/"


def _check_text(text: str) -> bool:
    """Whether ``text`` can be encoded (a lone UTF-16 surrogate, ``"\\ud800"``, cannot)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: A path as a linked list (parent, key): cheap to extend for every value, spelled out on error.
_Trail = tuple[Any, str | int] | None


def _path(trail: _Trail) -> list[str | int]:
    out: list[str | int] = []
    while trail is not None:
        trail, key = trail
        out.append(key)
    return out[::-1]


def _check(doc: Any, file: str, error: type[InputError]) -> None:
    """The first refused value, in document order, as ``error``; deeper than ``MAX_DEPTH`` too."""
    stack: list[tuple[Any, int, _Trail]] = [(doc, 0, None)]
    while stack:
        value, depth, trail = stack.pop()
        if isinstance(value, dict):
            if depth >= MAX_DEPTH:
                raise error(f"nested more than {MAX_DEPTH} levels deep", file=file,
                            where=pointer(_path(trail)), expected="a document of the documented shape")
            if isinstance(value, _Duplicate):
                raise error(f'duplicate key "{value.key}"', file=file, where=pointer([*_path(trail), value.key]),
                            expected="each key once in an object (a later copy would silently replace the first)")
            for k in value:
                if not _check_text(k):
                    raise _surrogate(file, _path(trail), error)  # the key itself cannot be shown
            stack.extend((v, depth + 1, (trail, k)) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            if depth >= MAX_DEPTH:
                raise error(f"nested more than {MAX_DEPTH} levels deep", file=file,
                            where=pointer(_path(trail)), expected="a document of the documented shape")
            stack.extend((v, depth + 1, (trail, i)) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            if not _check_text(value):
                raise _surrogate(file, _path(trail), error)
        elif isinstance(value, _Bad):
            raise error(f"{value.found} is not accepted", file=file, where=pointer(_path(trail)),
                        expected=value.expected)


def _surrogate(file: str, path: list[str | int], error: type[InputError]) -> InputError:
    return error("a string with a lone UTF-16 surrogate escape", file=file, where=pointer(path),
                 expected="text that is valid Unicode")


def _text(data: bytes, file: str, error: type[InputError], what: str) -> str:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise error(f"binary data (NUL byte at offset {nul})", file=file, expected=f"{what} (UTF-8 text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"invalid UTF-8 at byte {exc.start}", file=file, where=str(line),
                    expected=f"{what} (UTF-8 text)") from None


def load_json(data: bytes | str, *, file: str, error: type[InputError] = InputError, what: str = "JSON") -> Any:
    """Decode ``data``; every refusal is ``error`` naming ``file`` and the place."""
    text = _text(data, file, error, what) if isinstance(data, bytes) else data
    with map_foreign_errors(file=file, error=error, expected=what):  # syntax, deep nesting
        doc = json.loads(text, object_pairs_hook=_pairs, parse_int=_int, parse_float=_float,
                         parse_constant=_constant)
    _check(doc, file, error)
    return doc


def read_json(path: str | os.PathLike[str], *, error: type[InputError] = InputError, what: str = "JSON",
              limit: int = MAX_FILE_BYTES) -> Any:
    """Read a regular file of at most ``limit`` bytes and :func:`load_json` it."""
    name = str(path)
    try:
        data = read_regular(path, limit=limit)
    except OSError as exc:
        raise input_error(exc, name, error=error, expected=what) from None
    return load_json(data, file=name, error=error, what=what)
