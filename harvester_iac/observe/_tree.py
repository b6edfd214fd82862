"""Typed access to parsed JSON/YAML with exact error locations.

Readers of Longhorn objects and snapshots walk decoded trees. Every value is fetched
through :class:`Tree`, which knows its file and JSON pointer, so a wrong type becomes an
``InputError`` that says ``volumes.yaml:/items/3/spec/numberOfReplicas: expected an
integer, found "three"`` instead of a ``KeyError`` deep in the code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from harvester_iac.core import InputError, SnapshotError

__all__ = ["Tree", "pointer_escape"]


def pointer_escape(key: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True, slots=True)
class Tree:
    """A decoded JSON/YAML value with the file and pointer it came from."""

    value: object
    file: str
    pointer: str = ""
    error: type[InputError] = SnapshotError

    def fail(self, expected: str, *, message: str | None = None) -> InputError:
        return self.error(
            message or f"expected {expected}, found {_show(self.value)}",
            file=self.file,
            where=self.pointer or "/",
            expected=expected,
            found=_show(self.value),
        )

    def child(self, key: str | int, value: object) -> Tree:
        token = str(key) if isinstance(key, int) else pointer_escape(key)
        return Tree(value, self.file, f"{self.pointer}/{token}", self.error)

    # -- shape -------------------------------------------------------------------------
    def mapping(self) -> Mapping[str, object]:
        if not isinstance(self.value, Mapping):
            raise self.fail("an object")
        return self.value

    def get(self, key: str) -> Tree | None:
        """The member ``key``, or ``None`` when absent or JSON ``null``."""
        value = self.mapping().get(key)
        return None if value is None else self.child(key, value)

    def at(self, *keys: str) -> Tree | None:
        node: Tree | None = self
        for key in keys:
            if node is None:
                return None
            node = node.get(key)
        return node

    def require(self, key: str, expected: str) -> Tree:
        found = self.get(key)
        if found is None:
            raise self.error(
                f"missing {key!r}",
                file=self.file,
                where=f"{self.pointer}/{pointer_escape(key)}",
                expected=expected,
            )
        return found

    def items(self) -> Iterator[Tree]:
        if not isinstance(self.value, list):
            raise self.fail("an array")
        for i, v in enumerate(self.value):
            yield self.child(i, v)

    def members(self) -> Iterator[tuple[str, Tree]]:
        for k, v in self.mapping().items():
            if not isinstance(k, str):
                raise self.fail("an object with string keys")
            yield k, self.child(k, v)

    # -- scalars -----------------------------------------------------------------------
    def as_str(self) -> str:
        if not isinstance(self.value, str):
            raise self.fail("a string")
        return self.value

    def as_int(self) -> int:
        """An integer; Kubernetes int64 fields may arrive as decimal strings."""
        v = self.value
        if isinstance(v, bool):
            raise self.fail("an integer")
        if isinstance(v, int):
            return v
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, str) and v.strip().lstrip("-").isdigit():
            return int(v.strip())
        raise self.fail("an integer")

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
