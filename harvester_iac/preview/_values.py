"""Attribute-level differences between two JSON values, masked as Terraform masks them.

Terraform's plan JSON keeps the real values of sensitive attributes and says which they
are in parallel trees (``before_sensitive``, ``after_sensitive``: ``true`` at a sensitive
node, objects and lists mirroring the value otherwise); ``after_unknown`` marks values
known only after apply the same way. A changed leaf is shown masked when it, or anything
above it, is marked, so a secret never reaches a pull-request comment. This is stricter
than Terraform in one way: a leaf whose value equals a sensitive leaf of the same resource
is masked too (``terraform_data.output`` copies a sensitive ``input`` unmarked, and
Terraform prints it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["SENSITIVE", "UNKNOWN", "AttributeChange", "attribute_changes", "path_text", "show_value"]

SENSITIVE = "(sensitive value)"
UNKNOWN = "(known after apply)"
_ABSENT = object()
_MAX_SHOWN = 240

PathPart = str | int


@dataclass(frozen=True, slots=True)
class AttributeChange:
    """One changed attribute leaf: its path (``disk[0].size``), the shown values, flags."""

    path: str
    before: str | None
    after: str | None
    forces_replacement: bool = False

    @property
    def sensitive(self) -> bool:
        return SENSITIVE in (self.before, self.after)


def path_text(parts: tuple[PathPart, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def show_value(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _leaves(value: object, prefix: tuple[PathPart, ...] = ()) -> Iterator[tuple[tuple[PathPart, ...], object]]:
    if isinstance(value, dict) and value:
        for k in sorted(value):
            yield from _leaves(value[k], (*prefix, str(k)))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from _leaves(v, (*prefix, i))
    else:
        yield prefix, value


def _marked(mask: object, parts: tuple[PathPart, ...]) -> bool:
    """Whether ``mask`` (a sensitivity or unknown tree) marks ``parts`` or a parent of it."""
    node = mask
    for p in parts:
        if node is True:
            return True
        if isinstance(node, dict) and isinstance(p, str):
            node = node.get(p, False)
        elif isinstance(node, list) and isinstance(p, int) and p < len(node):
            node = node[p]
        else:
            return False
    return node is True


def _starts(parts: tuple[PathPart, ...], prefixes: tuple[tuple[PathPart, ...], ...]) -> bool:
    return any(parts[: len(p)] == p for p in prefixes)


def attribute_changes(
    before: object,
    after: object,
    *,
    before_sensitive: object = False,
    after_sensitive: object = False,
    after_unknown: object = False,
    replace_paths: tuple[tuple[PathPart, ...], ...] = (),
    ignore: frozenset[str] = frozenset(),
) -> tuple[AttributeChange, ...]:
    """Every leaf that differs between ``before`` and ``after`` (top-level keys in
    ``ignore`` skipped), with sensitive values masked and unknown ones named."""
    old = {p: v for p, v in _leaves(before) if not (p and p[0] in ignore)} if before is not None else {}
    new = {p: v for p, v in _leaves(after) if not (p and p[0] in ignore)} if after is not None else {}
    unknown = {p for p, v in _leaves(after_unknown) if v is True}
    secrets = {show_value(v) for p, v in old.items() if _marked(before_sensitive, p)}
    secrets |= {show_value(v) for p, v in new.items() if _marked(after_sensitive, p)}
    secrets.discard("null")

    def shown(value: object, mask: object, parts: tuple[PathPart, ...]) -> str:
        text = show_value(value)
        return SENSITIVE if _marked(mask, parts) or text in secrets else text

    out: list[AttributeChange] = []
    for parts in sorted(old.keys() | new.keys() | unknown, key=lambda p: [str(x) for x in p]):
        b, a = old.get(parts, _ABSENT), new.get(parts, _ABSENT)
        is_unknown = _marked(after_unknown, parts)
        if is_unknown and before is None:
            continue  # a new object's computed attribute: not a change worth listing
        if not is_unknown and b == a:
            continue
        shown_b = None if b is _ABSENT or b is None else shown(b, before_sensitive, parts)
        if is_unknown:
            shown_a: str | None = UNKNOWN
        elif a is _ABSENT:
            shown_a = None
        else:
            shown_a = shown(a, after_sensitive, parts)
        out.append(AttributeChange(path=path_text(parts) or "(value)", before=shown_b, after=shown_a,
                                   forces_replacement=_starts(parts, replace_paths)))
    return tuple(out)


