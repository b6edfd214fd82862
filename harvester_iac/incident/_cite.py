"""Line numbers for evidence that readers keep as typed values (listings, objects, inventory).

The iscsiadm map and the Longhorn objects are parsed into dataclasses without positions;
to cite them as ``file:line``, the chain looks the value up in the file's text once.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from harvester_iac.incident._model import Cite

__all__ = ["find_line"]


@lru_cache(maxsize=64)
def _lines(file: str) -> tuple[str, ...]:
    try:
        if file.startswith("<default inventory"):
            from harvester_iac.model import DEFAULT_INVENTORY_NAME

            text = resources.files("harvester_iac.model").joinpath(DEFAULT_INVENTORY_NAME).read_text()
        else:
            text = Path(file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(text.splitlines())


def find_line(file: str, needle: str, *, after: str | None = None) -> Cite | None:
    """The first line of ``file`` holding ``needle`` (past the first line holding ``after``)."""
    lines = _lines(file)
    start = 0
    if after is not None:
        start = next((i + 1 for i, t in enumerate(lines) if after in t), len(lines))
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return Cite(file=file, line=i + 1, text=lines[i].strip())
    return None
