"""Inventory paths → file:line, so every finding can point at the value to change.

The model keeps typed values, not YAML positions; the locator re-reads the inventory's
source with positions only when a finding first asks for one (large generated sites
never pay for it when they pass).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from harvester_iac._yaml import load_yaml
from harvester_iac.core import InputError, PathKey, SourceRef, path_of, pointer_of
from harvester_iac.model import DEFAULT_INVENTORY_NAME, Inventory

__all__ = ["InventoryLocator"]


class InventoryLocator:
    """``ref(("hosts", 0, "disks", 1))`` → ``SourceRef(file, line, column, pointer)``."""

    def __init__(self, inv: Inventory) -> None:
        self.file = inv.source
        self._marks: dict[PathKey, tuple[int, int]] | None = None

    def _load(self) -> dict[PathKey, tuple[int, int]]:
        if self._marks is not None:
            return self._marks
        text: str | None = None
        if self.file.startswith("<default inventory"):
            text = resources.files("harvester_iac.model").joinpath(
                DEFAULT_INVENTORY_NAME).read_text()
        elif not self.file.startswith("<"):
            try:
                text = Path(self.file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
        marks: dict[PathKey, tuple[int, int]] = {}
        if text is not None:
            try:
                found = load_yaml(text, file=self.file).marks
                marks = found.values if found is not None else {}
            except InputError:
                marks = {}
        self._marks = marks
        return marks

    def ref(self, path: PathKey | str) -> SourceRef:
        """A reference to ``path`` (a key tuple or a JSON pointer like ``/hosts/0``)."""
        key = path_of(path) if isinstance(path, str) else tuple(path)
        marks = self._load()
        probe = key
        while probe and probe not in marks:
            probe = probe[:-1]
        mark = marks.get(probe)
        return SourceRef(
            file=self.file,
            line=mark[0] if mark else None,
            column=mark[1] if mark else None,
            pointer=pointer_of(key),
        )
