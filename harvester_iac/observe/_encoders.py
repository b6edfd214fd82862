"""Encoders of the snapshot's dataclasses, compiled once from their type hints.

Walking type hints for every value (``typing.get_origin`` per field per event) cost most
of the time ``observe`` spent writing a large snapshot. Here each dataclass gets one
generated function that builds its JSON object with one expression per field, the way
``dataclasses`` itself generates ``__init__``; types the generator does not know go
through the generic value-based encoder. The JSON is the same as before.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any

__all__ = ["SNAPSHOT_KEY", "encode_value", "encoder_of", "is_pairs", "snapshot_key", "snapshot_named",
           "snapshot_time"]

#: Field metadata naming a field's JSON member when it differs from the Python name: the
#: snapshot's keys are a contract, so a renamed field keeps the key it was written with.
SNAPSHOT_KEY = "snapshot_key"

_T = typing.TypeVar("_T")


def snapshot_key(f: dataclasses.Field[Any]) -> str:
    """The JSON member of dataclass field ``f`` in a snapshot."""
    key: str = f.metadata.get(SNAPSHOT_KEY, f.name)
    return key


def snapshot_named(key: str, default: _T) -> _T:
    """A field with ``default`` written as member ``key`` of the snapshot."""
    value: _T = dataclasses.field(default=default, metadata={SNAPSHOT_KEY: key})
    return value


def snapshot_time(value: datetime) -> str:
    """A UTC time as RFC 3339 with ``Z``; naive datetimes are refused."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} in a snapshot; times must be UTC-aware")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _float(value: float) -> float | str:
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "+Inf" if value > 0 else "-Inf"
    return value


def is_pairs(tp: Any) -> bool:
    """``tuple[tuple[str, X], ...]``: pairs kept as a JSON object."""
    if typing.get_origin(tp) is not tuple:
        return False
    args = typing.get_args(tp)
    if len(args) != 2 or args[1] is not Ellipsis:
        return False
    inner_args = typing.get_args(args[0])
    return (
        typing.get_origin(args[0]) is tuple
        and len(inner_args) == 2
        and isinstance(inner_args[0], type)
        and issubclass(inner_args[0], str)
    )


def _optional_inner(tp: Any) -> Any | None:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return None


def encode_value(value: Any) -> Any:
    """The generic, value-based encoding (types the generated code does not name)."""
    if value is None:
        return None
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return snapshot_time(value)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, tuple):
        return [encode_value(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return encoder_of(type(value))(value)
    raise TypeError(f"cannot encode {type(value).__name__} in a snapshot")


class _Generator:
    def __init__(self) -> None:
        self.env: dict[str, Any] = {"_time": snapshot_time, "_float": _float,
                                    "_any": encode_value}
        self.depth = 0

    def name(self, obj: Any) -> str:
        key = f"_f{len(self.env)}"
        self.env[key] = obj
        return key

    def expr(self, tp: Any, ref: str) -> str:
        inner = _optional_inner(tp)
        if inner is not None:
            tp = inner
        if tp in (str, int, bool):
            return ref
        if is_pairs(tp):
            value_tp = typing.get_args(typing.get_args(tp)[0])[1]
            k, v = self.fresh(), self.fresh()
            body = self.expr(value_tp, v)
            return f"(None if {ref} is None else {{str({k}): {body} for {k}, {v} in {ref}}})"
        if typing.get_origin(tp) is tuple:
            args = typing.get_args(tp)
            if len(args) == 2 and args[1] is Ellipsis:
                x = self.fresh()
                return f"(None if {ref} is None else [{self.expr(args[0], x)} for {x} in {ref}])"
            return f"_any({ref})"
        if tp is datetime:
            return f"(None if {ref} is None else _time({ref}))"
        if tp is float:
            return f"(None if {ref} is None else _float({ref}))"
        if isinstance(tp, type) and issubclass(tp, StrEnum):
            return f"(None if {ref} is None else {ref}.value)"
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return f"(None if {ref} is None else {self.name(_LazyEncoder(tp))}({ref}))"
        return f"_any({ref})"

    def fresh(self) -> str:
        self.depth += 1
        return f"_v{self.depth}"


class _LazyEncoder:
    """Resolves a nested dataclass's encoder on first use (types may refer to each other)."""

    __slots__ = ("cls",)

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def __call__(self, value: Any) -> Any:
        return encoder_of(self.cls)(value)


@cache
def encoder_of(cls: type) -> typing.Callable[[Any], dict[str, Any]]:
    """The generated encoder of dataclass ``cls``: an object of its ``init`` fields."""
    hints = typing.get_type_hints(cls)
    gen = _Generator()
    items = [f"{snapshot_key(f)!r}: {gen.expr(hints[f.name], f'o.{f.name}')}"
             for f in dataclasses.fields(cls) if f.init]
    source = "def encode(o):\n    return {" + ", ".join(items) + "}\n"
    exec(compile(source, f"<encoder of {cls.__qualname__}>", "exec"), gen.env)
    encode: typing.Callable[[Any], dict[str, Any]] = gen.env["encode"]
    return encode
