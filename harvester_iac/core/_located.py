"""One located cursor: a decoded JSON/YAML value with its file and JSON pointer.

Every reader of JSON or YAML (inventory, waivers, snapshots, Longhorn objects, scheduler
cases) walks its document through :class:`Located`, so a wrong value becomes an
``InputError`` that names the file and the place, ``volumes.yaml:/items/3/spec/numberOfReplicas:
expected an integer, found "three"``, instead of a ``KeyError`` deep in the code. A YAML
document also carries its ``marks`` (path -> line and column), and the place reads
``14:7 (/hosts/0/disks/1/path)``.

The one JSON-pointer escaper (``pointer_of``) and unescaper (``path_of``) and the one
translation of a JSON Schema error into a located ``Problem`` (``schema_problem``) live
here too. ``jsonschema`` is never imported: its errors are read by their attributes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from harvester_iac.core._errors import InputError, SnapshotError, did_you_mean

__all__ = [
    "Located",
    "Marks",
    "PathKey",
    "Problem",
    "path_of",
    "pointer_of",
    "schema_problem",
    "show",
]

#: A path into a document: mapping keys and list indexes.
PathKey = tuple[str | int, ...]

E = TypeVar("E", bound=StrEnum)

_INT64_MAX = 2**63 - 1


def _token(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def pointer_of(path: Iterable[str | int]) -> str:
    """The JSON pointer (RFC 6901) of ``path``; ``/`` for the whole document."""
    return "".join("/" + _token(p) for p in path) or "/"


def path_of(pointer: str) -> PathKey:
    """The path a JSON pointer names; decimal tokens become list indexes."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.strip("/").split("/")]
    return tuple(int(p) if p.isdigit() else p for p in parts if p != "")


def show(value: object) -> str:
    """A value as an error message quotes it: JSON scalars, "a mapping", "a list"."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True, slots=True)
class Marks:
    """Where each value (and each mapping key) of a YAML document starts: 1-based line, column."""

    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong at ``path`` in a document, not yet tied to a file.

    ``at_key`` points at the mapping key rather than its value (unknown keys);
    ``subject`` and ``source`` say what the document is and what refused it when that is
    not the file (a rendered manifest and the CRD schema of a Longhorn release).
    """

    path: PathKey
    message: str
    expected: str | None = None
    hint: str | None = None
    at_key: bool = False
    subject: str = ""
    source: str = ""

    @property
    def pointer(self) -> str:
        return pointer_of(self.path)


@dataclass(frozen=True, slots=True)
class Located:
    """A decoded JSON/YAML value with the file and pointer it came from.

    ``error`` is the ``InputError`` subclass a failure raises; ``marks`` (YAML only) gives
    line and column. Children share the file, error class and marks.
    """

    value: object
    file: str
    pointer: str = ""
    error: type[InputError] = SnapshotError
    marks: Marks | None = field(default=None, compare=False)

    # -- places and failures -----------------------------------------------------------
    @property
    def path(self) -> PathKey:
        return path_of(self.pointer)

    def place(self, path: PathKey | None = None, *, at_key: bool = False) -> str:
        """``line:col (/json/pointer)`` of ``path`` (default: here), or just the pointer.

        Without a mark of its own, a path takes its nearest marked ancestor's line.
        """
        probe = self.path if path is None else tuple(path)
        pointer = pointer_of(probe)
        if self.marks is None:
            return pointer
        marks = self.marks.keys if at_key and probe in self.marks.keys else self.marks.values
        while probe and probe not in marks:
            probe = probe[:-1]
        mark = marks.get(probe)
        return f"{mark[0]}:{mark[1]} ({pointer})" if mark else f"({pointer})"

    def position(self, path: PathKey, *, at_key: bool = False) -> tuple[int, int]:
        """Line and column of ``path`` for sorting problems (unmarked ones last)."""
        if self.marks is None:
            return (10**9, 0)
        marks = self.marks.keys if at_key else self.marks.values
        return marks.get(path) or self.marks.values.get(path) or (10**9, 0)

    def fail(self, expected: str, *, message: str | None = None, hint: str | None = None) -> InputError:
        """The error for this value: ``message`` (default: expected X, found Y) here."""
        return self.error(
            message or f"expected {expected}, found {show(self.value)}",
            file=self.file,
            where=self.place() if self.marks is not None else self.pointer or "/",
            expected=expected,
            found=show(self.value),
            hint=hint,
        )

    def problem(self, problem: Problem, *, more: int = 0) -> InputError:
        """The error for a ``Problem`` found in this document."""
        return self.error(problem.message, file=self.file,
                          where=self.place(problem.path, at_key=problem.at_key),
                          expected=problem.expected, hint=problem.hint, more=more)

    def first_problem(self, problems: Iterable[Problem]) -> InputError | None:
        """The error for the first problem by position, counting the rest; ``None`` if none."""
        ordered = sorted(problems, key=lambda p: self.position(p.path, at_key=p.at_key))
        return self.problem(ordered[0], more=len(ordered) - 1) if ordered else None

    # -- shape -------------------------------------------------------------------------
    def child(self, key: str | int, value: object) -> Located:
        return Located(value, self.file, f"{self.pointer}/{_token(key)}", self.error, self.marks)

    def mapping(self) -> Mapping[str, object]:
        if not isinstance(self.value, Mapping):
            raise self.fail("an object")
        return self.value

    def only(self, allowed: tuple[str, ...], what: str) -> Located:
        """This value as an object whose keys are all ``allowed`` (``what`` names it)."""
        if not isinstance(self.value, Mapping):
            raise self.fail("a JSON object", message=f"{what} must be a JSON object")
        for k in self.value:
            if k not in allowed:
                raise self.error(f'unknown key "{k}" in {what}', file=self.file,
                                 where=self.child(k, None).pointer, expected="one of " + ", ".join(allowed),
                                 hint=did_you_mean(k, allowed))
        return self

    def member(self, key: str) -> Located | None:
        """The member ``key`` (JSON ``null`` included), or ``None`` when absent."""
        mapping = self.mapping()
        return self.child(key, mapping[key]) if key in mapping else None

    def get(self, key: str) -> Located | None:
        """The member ``key``, or ``None`` when absent or JSON ``null``."""
        value = self.mapping().get(key)
        return None if value is None else self.child(key, value)

    def at(self, *keys: str) -> Located | None:
        node: Located | None = self
        for key in keys:
            if node is None:
                return None
            node = node.get(key)
        return node

    def require(self, key: str, expected: str) -> Located:
        found = self.get(key)
        if found is None:
            raise self.error(f"missing {key!r}", file=self.file, where=self.child(key, None).pointer,
                             expected=expected)
        return found

    def items(self) -> Iterator[Located]:
        if not isinstance(self.value, list):
            raise self.fail("an array")
        for i, v in enumerate(self.value):
            yield self.child(i, v)

    def members(self) -> Iterator[tuple[str, Located]]:
        for k, v in self.mapping().items():
            if not isinstance(k, str):
                raise self.fail("an object with string keys")
            yield k, self.child(k, v)

    # -- scalars -----------------------------------------------------------------------
    def as_str(self) -> str:
        if not isinstance(self.value, str):
            raise self.fail("a string")
        return self.value

    def text(self, *, empty: bool = True) -> str:
        """A string; ``empty=False`` refuses a blank one."""
        text = self.as_str()
        if not empty and not text.strip():
            raise self.fail("a non-empty string")
        return text

    def as_int(self) -> int:
        """An integer; Kubernetes int64 fields may arrive as decimal strings."""
        v = self.value
        if isinstance(v, str) and v.strip().lstrip("-").isdigit():
            return int(v.strip())
        return self.integer(low=-_INT64_MAX - 1)

    def integer(self, *, low: int = 0, high: int = _INT64_MAX) -> int:
        """A JSON integer (``2.0`` counts) from ``low`` to ``high``."""
        v = self.value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail("an integer")
        if not low <= v <= high:
            raise self.fail(f"{low} to {high}", message=f"expected an integer from {low} to {high}")
        return v

    def as_float(self) -> float:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.fail("a number")
        return float(v)

    def as_bool(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail("true or false")
        return self.value

    def as_str_list(self) -> tuple[str, ...]:
        return tuple(item.as_str() for item in self.items())

    def strings(self) -> tuple[str, ...]:
        """A list of non-empty strings."""
        return tuple(item.text(empty=False) for item in self.items())

    def time(self) -> datetime:
        """An RFC 3339 time with a zone, in UTC."""
        text = self.as_str()
        example = 'a time like "2026-01-01T00:00:00Z"'
        try:
            t = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(example, message="not an RFC 3339 time") from None
        if t.tzinfo is None:
            raise self.fail(example, message="the time has no time zone")
        return t.astimezone(UTC)

    def choice(self, enum: type[E], *, empty: E | None = None) -> E:
        """One of ``enum``'s values; ``""`` gives ``empty`` when one is named."""
        text = self.as_str()
        if text == "" and empty is not None:
            return empty
        try:
            return enum(text)
        except ValueError:
            values = [e.value for e in enum]
            raise self.fail("one of " + ", ".join(values), message=f"expected one of {', '.join(values)}",
                            hint=did_you_mean(text, values)) from None

    # -- optional members --------------------------------------------------------------
    def opt_str(self, key: str) -> str | None:
        """A string member; absent, ``null`` and ``""`` (Go's omitempty zero) are ``None``."""
        node = self.get(key)
        if node is None:
            return None
        text = node.as_str()
        return text or None

    def opt_int(self, key: str) -> int | None:
        node = self.get(key)
        return None if node is None else node.as_int()

    def opt_float(self, key: str) -> float | None:
        node = self.get(key)
        return None if node is None else node.as_float()

    def opt_bool(self, key: str) -> bool | None:
        node = self.get(key)
        return None if node is None else node.as_bool()

    def str_list(self, key: str) -> tuple[str, ...]:
        node = self.get(key)
        return () if node is None else node.as_str_list()


# --- JSON Schema errors -------------------------------------------------------------------

_TYPE_WORDS = {"string": "a string", "integer": "an integer", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "number": "a number", "null": "null"}


def _type_words(want: object) -> str:
    if isinstance(want, list):
        return " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in want)
    return _TYPE_WORDS.get(str(want), str(want))


def schema_problem(err: Any) -> Problem:
    """A ``jsonschema.ValidationError`` as a ``Problem`` at its place, in plain words.

    The one translation for every schema this project checks (inventory, snapshot,
    rendered manifests): unknown keys point at the key with a "did you mean", required
    keys, types, enums and consts say what was expected, RFC 3339 times give an example.
    """
    path: PathKey = tuple(err.absolute_path)
    schema: Mapping[str, Any] = err.schema if isinstance(err.schema, Mapping) else {}
    inst: Any = err.instance
    rule = str(err.validator)
    if schema.get("format") == "date-time" and rule in ("format", "pattern", "type"):
        return Problem(path, f"not a UTC time: {show(inst)}",
                       "an RFC 3339 time in UTC such as 2025-12-28T00:52:05Z")
    if rule == "additionalProperties" and isinstance(inst, Mapping):
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(k for k in inst if k not in allowed)
        key = extra[0] if extra else "?"
        return Problem((*path, key), f'unknown key "{key}"', "one of " + ", ".join(allowed),
                       did_you_mean(key, allowed), at_key=True)
    if rule == "required" and isinstance(inst, Mapping):
        missing = [k for k in schema.get("required", []) if k not in inst]
        if missing:
            return Problem(path, f'missing required key "{missing[0]}"')
    if rule == "type":
        return Problem(path, f"expected {_type_words(schema.get('type'))}, found {show(inst)}")
    if rule == "enum":
        options = [str(o) for o in schema.get("enum", [])]
        quoted = ", ".join(json.dumps(o) for o in schema.get("enum", []))
        return Problem(path, f"expected one of {quoted}, found {show(inst)}",
                       hint=did_you_mean(str(inst), options))
    if rule == "const":
        return Problem(path, f"expected {json.dumps(schema.get('const'))}, found {show(inst)}")
    if rule == "format":
        return Problem(path, f"{show(inst)} does not fit {schema.get('format')}")
    return Problem(path, f"{show(inst)}: {str(err.message).split(' is ', 1)[-1]}")
