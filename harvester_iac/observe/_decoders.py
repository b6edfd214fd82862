"""Decoders of the snapshot's dataclasses, compiled once from their type hints.

``_snapshot._decode`` walks a ``Tree`` so that bad input names its JSON pointer; doing that
for every field of every event made reading a large snapshot take minutes. The generated
decoder of a dataclass reads the plain JSON value with one expression per field and gives
up (``Bail``) at the first thing it does not expect: a missing member, a wrong type, a bad
time. The caller then decodes that value the slow way, which returns the same object or
raises the located error. So the result is always what the slow path gives.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from harvester_iac.observe._encoders import is_pairs, snapshot_key

__all__ = ["Bail", "decoder_of"]


class Bail(Exception):
    """The fast decoder met something only the located (slow) decoder should judge."""


def _bail() -> Any:
    raise Bail


def _str(v: Any) -> str:
    if type(v) is str:
        return v
    raise Bail


def _int(v: Any) -> int:
    if type(v) is int:
        return v
    raise Bail


def _bool(v: Any) -> bool:
    if type(v) is bool:
        return v
    raise Bail


def _float(v: Any) -> float:
    t = type(v)
    if t is float or t is int:
        return float(v)
    if v in ("NaN", "+Inf", "-Inf"):
        return float(str(v))
    raise Bail


def _time(v: Any) -> datetime:
    if type(v) is not str:
        raise Bail
    try:
        value = datetime.fromisoformat(v)
    except ValueError:
        raise Bail from None
    if value.tzinfo is None:
        raise Bail
    return value.astimezone(UTC)


def _dict(v: Any) -> dict[str, Any]:
    if type(v) is dict:
        return v
    raise Bail


def _list(v: Any) -> list[Any]:
    if type(v) is list:
        return v
    raise Bail


class _Generator:
    def __init__(self) -> None:
        self.env: dict[str, Any] = {"_s": _str, "_i": _int, "_b": _bool, "_f": _float,
                                    "_t": _time, "_d": _dict, "_l": _list, "_bail": _bail}
        self.depth = 0

    def name(self, obj: Any) -> str:
        key = f"_c{len(self.env)}"
        self.env[key] = obj
        return key

    def fresh(self) -> str:
        self.depth += 1
        return f"_v{self.depth}"

    def expr(self, tp: Any, ref: str) -> str:
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return "_bail()"
            return f"(None if {ref} is None else {self.expr(members[0], ref)})"
        if is_pairs(tp):
            key_tp, value_tp = typing.get_args(typing.get_args(tp)[0])
            k, v = self.fresh(), self.fresh()
            return (f"tuple(({self.expr(key_tp, k)}, {self.expr(value_tp, v)}) "
                    f"for {k}, {v} in _d({ref}).items())")
        if typing.get_origin(tp) is tuple:
            x = self.fresh()
            return f"tuple({self.expr(typing.get_args(tp)[0], x)} for {x} in _l({ref}))"
        if isinstance(tp, type) and issubclass(tp, StrEnum):
            return f"{self.name(tp)}(_s({ref}))"
        simple = {datetime: "_t", bool: "_b", int: "_i", float: "_f", str: "_s"}
        if tp in simple:
            return f"{simple[tp]}({ref})"
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return f"{self.name(_Lazy(tp))}({ref})"
        return "_bail()"


class _Lazy:
    """A nested dataclass's decoder, resolved on first use."""

    __slots__ = ("cls",)

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def __call__(self, value: Any) -> Any:
        return decoder_of(self.cls)(value)


@cache
def decoder_of(cls: type) -> typing.Callable[[Any], Any]:
    """The generated decoder of dataclass ``cls`` from a JSON object (raises ``Bail``)."""
    hints = typing.get_type_hints(cls)
    gen = _Generator()
    gen.env["_cls"] = cls
    args = [f"{f.name}={gen.expr(hints[f.name], f'o[{snapshot_key(f)!r}]')}"
            for f in dataclasses.fields(cls) if f.init]
    source = ("def decode(o):\n    o = _d(o)\n    try:\n"
              f"        return _cls({', '.join(args)})\n"
              "    except (KeyError, ValueError, TypeError):\n        raise _Bail from None\n")
    gen.env["_Bail"] = Bail
    exec(compile(source, f"<decoder of {cls.__qualname__}>", "exec"), gen.env)
    decode: typing.Callable[[Any], Any] = gen.env["decode"]
    return decode
