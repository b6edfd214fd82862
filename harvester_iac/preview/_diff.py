"""The pre-plan diff: synthesized resources added / changed / removed, and manifest diffs.

Needs no credentials and no provider: it compares what ``synth`` and ``render`` wrote on
the base and on the head. cdktf's ``//`` metadata (construct paths) is not a change.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from harvester_iac.preview._tree import ManifestFile, SynthResource
from harvester_iac.preview._values import AttributeChange, attribute_changes

__all__ = ["DiffKind", "ManifestDiff", "ResourceDiff", "manifest_diffs", "resource_diffs"]

_METADATA = frozenset({"//"})


class DiffKind(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(frozen=True, kw_only=True)
class ResourceDiff:
    stack: str
    address: str
    kind: DiffKind
    changes: tuple[AttributeChange, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ManifestDiff:
    name: str
    kind: DiffKind
    diff: str

    @property
    def counts(self) -> tuple[int, int]:
        """Lines added and removed."""
        lines = self.diff.splitlines()
        plus = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
        minus = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
        return plus, minus


def resource_diffs(base: tuple[SynthResource, ...], head: tuple[SynthResource, ...]) -> tuple[ResourceDiff, ...]:
    old = {(r.stack, r.address): r for r in base}
    new = {(r.stack, r.address): r for r in head}
    out: list[ResourceDiff] = []
    for key in sorted(old.keys() | new.keys()):
        b, a = old.get(key), new.get(key)
        if b is None:
            out.append(ResourceDiff(stack=key[0], address=key[1], kind=DiffKind.ADDED))
        elif a is None:
            out.append(ResourceDiff(stack=key[0], address=key[1], kind=DiffKind.REMOVED))
        else:
            changes = attribute_changes(b.attributes, a.attributes, ignore=_METADATA)
            if changes:
                out.append(ResourceDiff(stack=key[0], address=key[1], kind=DiffKind.CHANGED,
                                        changes=changes))
    return tuple(out)


def manifest_diffs(base: tuple[ManifestFile, ...], head: tuple[ManifestFile, ...]) -> tuple[ManifestDiff, ...]:
    old = {m.name: m.text for m in base}
    new = {m.name: m.text for m in head}
    out: list[ManifestDiff] = []
    for name in sorted(old.keys() | new.keys()):
        b, a = old.get(name), new.get(name)
        if b == a:
            continue
        kind = DiffKind.ADDED if b is None else DiffKind.REMOVED if a is None else DiffKind.CHANGED
        lines = difflib.unified_diff((b or "").splitlines(keepends=True), (a or "").splitlines(keepends=True),
                                     fromfile=f"a/templates/{name}" if b is not None else "/dev/null",
                                     tofile=f"b/templates/{name}" if a is not None else "/dev/null")
        text = "".join(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines)
        out.append(ManifestDiff(name=name, kind=kind, diff=text))
    return tuple(out)
