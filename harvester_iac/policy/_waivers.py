"""Waivers: accepted findings, each with a rule id, a resource, a reason and an expiry.

    waivers:
      - rule: HIAC-PLACEMENT-002
        resource: host/altra            # kind/name; * and ? match like shell globs
        reason: single-node homelab until the second host arrives
        expires: 2026-06-30             # optional; past this date the waiver stops working

A waived finding is still reported, marked waived; it never fails the gate. An expired
waiver waives nothing and is itself a finding (HIAC-WAIVER-001), so it cannot rot quietly.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harvester_iac._yaml import load_yaml, read_text
from harvester_iac.core import Finding, Located, PathKey, ResourceKind, SnapshotError, SourceRef, did_you_mean

__all__ = ["Waiver", "load_waivers", "parse_waivers"]

_Fail = Callable[..., SnapshotError]
_KEYS = ("rule", "resource", "reason", "expires")


@dataclass(frozen=True, kw_only=True)
class Waiver:
    """One accepted finding pattern, located in its file."""

    rule: str
    resource: str
    reason: str
    expires: dt.date | None
    file: str
    line: int | None = None

    @property
    def resource_id(self) -> str:
        return f"{self.rule}:{self.resource}"

    @property
    def ref(self) -> SourceRef:
        return SourceRef(file=self.file, line=self.line)

    def expired(self, now: dt.datetime) -> bool:
        return self.expires is not None and self.expires < now.date()

    def matches(self, f: Finding) -> bool:
        return f.rule == self.rule and any(
            fnmatch.fnmatchcase(r.id, self.resource) for r in f.resources)


def load_waivers(path: str | Path, *, known_rules: tuple[str, ...] = ()) -> tuple[Waiver, ...]:
    text = read_text(path, error=SnapshotError)
    return parse_waivers(text, file=str(path), known_rules=known_rules)


def parse_waivers(text: str, *, file: str, known_rules: tuple[str, ...] = ()) -> tuple[Waiver, ...]:
    """Read a waivers file; raise ``SnapshotError`` naming file:line:col and the key."""
    doc = load_yaml(text, file=file, error=SnapshotError)

    def fail(path: PathKey, message: str, expected: str, hint: str | None = None) -> SnapshotError:
        return SnapshotError(message, file=file, where=doc.place(path), expected=expected,
                             hint=hint)

    data = doc.value
    if not isinstance(data, dict) or "waivers" not in data:
        raise fail((), "no waivers list", 'a mapping with a "waivers:" list')
    for key in data:
        if key not in ("apiVersion", "kind", "waivers"):
            raise fail((key,), f'unknown key "{key}"', "apiVersion, kind and waivers",
                       did_you_mean(key, ["waivers"]))
    items = data["waivers"]
    if items is None:
        return ()
    if not isinstance(items, list):
        raise fail(("waivers",), "waivers is not a list", "a list of {rule, resource, reason}")
    return tuple(_waiver(doc, i, item, fail, known_rules) for i, item in enumerate(items))


def _waiver(doc: Located, i: int, item: object, fail: _Fail,
            known_rules: tuple[str, ...]) -> Waiver:
    base: PathKey = ("waivers", i)
    if not isinstance(item, dict):
        raise fail(base, "a waiver is not a mapping", "rule, resource, reason and expires")
    for key in item:
        if key not in _KEYS:
            raise fail((*base, key), f'unknown key "{key}"', ", ".join(_KEYS),
                       did_you_mean(str(key), _KEYS))
    for key in ("rule", "resource", "reason"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            path = (*base, key) if key in item else base
            raise fail(path, f'missing or empty "{key}"', _WANT[key])
    rule = item["rule"].strip()
    if known_rules and rule not in known_rules:
        raise fail((*base, "rule"), f'unknown rule "{rule}"', "a rule id from docs/rules.md",
                   did_you_mean(rule, known_rules))
    resource = item["resource"].strip()
    kind = resource.partition("/")[0]
    kinds = [k.value for k in ResourceKind]
    if "/" not in resource or kind not in kinds:
        raise fail((*base, "resource"), f'"{resource}" is not a resource',
                   "kind/name with kind one of " + ", ".join(kinds),
                   did_you_mean(kind, kinds))
    expires = item.get("expires")
    when: dt.date | None
    if expires is None:
        when = None
    elif isinstance(expires, dt.datetime):
        when = expires.date()
    elif isinstance(expires, dt.date):
        when = expires
    elif isinstance(expires, str):
        try:
            when = dt.date.fromisoformat(expires.strip()[:10])
        except ValueError:
            raise fail((*base, "expires"), f'"{expires}" is not a date',
                       "a date such as 2026-06-30") from None
    else:
        raise fail((*base, "expires"), f"{expires!r} is not a date", "a date such as 2026-06-30")
    mark = doc.marks.values.get(base) if doc.marks else None
    return Waiver(rule=rule, resource=resource, reason=item["reason"].strip(), expires=when,
                  file=doc.file, line=mark[0] if mark else None)


_WANT = {
    "rule": "a rule id such as HIAC-PLACEMENT-002",
    "resource": "a resource such as host/altra (globs allowed)",
    "reason": "why the finding is accepted, in words",
}
