"""Prefilter engines: find the few lines worth handing to the Python pattern table.

Both engines look for the same ``PREFILTERS`` expressions, derived from the pattern rows,
over whole read blocks and return the end offsets of their matches; the reader turns
offsets into candidate lines. Hyperscan (multi-pattern SIMD matching) is the fast path.
Python's ``re`` is the fallback, chosen automatically when ``import hyperscan`` fails, or
with ``HARVESTER_IAC_ENGINE=re``. No prefilter can match across a newline, so both engines
select exactly the same lines and therefore produce identical events.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, cast

from harvester_iac.core import UsageError
from harvester_iac.observe.logs._patterns import PATTERNS, Pattern, literal

__all__ = ["CACHE_ENV", "ENGINE_ENV", "PREFILTERS", "Finder", "active_engine", "get_finder"]

#: Journal JSON whose MESSAGE is a byte array: the wording is only readable once decoded.
_ENVELOPE_PREFILTERS = (r'"MESSAGE"[ \t]*:[ \t]*\[',)



def _row_prefilters() -> tuple[str, ...]:
    """Each row's prefilter once, without the literal guards another literal guard contains."""
    literal_guards = {p.guard for p in PATTERNS if p.prefilter == literal(p.guard)}

    def covered(p: Pattern) -> bool:
        return p.guard in literal_guards and any(g != p.guard and g in p.guard for g in literal_guards)

    return tuple(dict.fromkeys(p.prefilter for p in PATTERNS if not covered(p)))


#: Prefilter expressions (Hyperscan, Python ``re`` and ripgrep syntax alike, never crossing a
#: newline): the pattern rows' own, then the envelopes that hide a wording from them.
PREFILTERS: tuple[str, ...] = (*_row_prefilters(), *_ENVELOPE_PREFILTERS)

#: Environment variable choosing the engine: ``auto`` (default), ``hyperscan`` or ``re``.
ENGINE_ENV = "HARVESTER_IAC_ENGINE"

Buffer = bytes | bytearray | memoryview


class Finder(Protocol):
    """Finds prefilter matches in a block of whole lines."""

    name: str

    def find(self, data: Buffer) -> list[int]:
        """End offsets (exclusive) of matches in ``data``, ascending."""
        ...


class _ReFinder:
    name = "re"

    def __init__(self) -> None:
        self._rx = re.compile(b"|".join(b"(?:" + p.encode() + b")" for p in PREFILTERS))

    def find(self, data: Buffer) -> list[int]:
        return [m.end() for m in self._rx.finditer(data)]


#: Where compiled Hyperscan databases are kept between runs (``HARVESTER_IAC_CACHE`` moves it).
CACHE_ENV = "HARVESTER_IAC_CACHE"


def _cache_file(expressions: list[bytes], version: str) -> Path:
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "harvester-iac")
    key = hashlib.sha256(b"\0".join([version.encode(), *expressions])).hexdigest()[:24]
    return Path(root) / f"prefilter-{key}.hsdb"


def _hyperscan_database(hyperscan: Any) -> Any:
    """The compiled prefilter database: loaded from the cache when this Hyperscan and these
    expressions compiled it before (compiling costs more than starting Python), else
    compiled and cached. A cache that cannot be read or written is simply not used."""
    expressions = [p.encode() for p in PREFILTERS]
    version = f"{getattr(hyperscan, '__version__', '?')}/{hyperscan.HS_MODE_BLOCK}"
    path = _cache_file(expressions, version)
    try:
        db = hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
        db.scratch = hyperscan.Scratch(db)  # a loaded database comes without scratch space
        return db
    except Exception:  # missing, truncated or from another build: compile instead
        pass
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=list(range(len(expressions))),
               elements=len(expressions), flags=0)
    try:
        import tempfile  # only when compiling: a cached start does not pay for it

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(hyperscan.dumpb(db))
        os.replace(tmp, path)
    except OSError:
        pass
    return db


class _HyperscanFinder:
    name = "hyperscan"

    def __init__(self) -> None:
        import hyperscan

        self._db = _hyperscan_database(hyperscan)

    def find(self, data: Buffer) -> list[int]:
        ends: list[int] = []
        append = ends.append

        def on_match(_id: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            append(end)

        callback: Callable[[int, int, int, int, object], None] = on_match
        self._db.scan(cast(bytes, data), match_event_handler=callback)
        ends.sort()
        return ends


_CACHE: dict[str, Finder] = {}


def _wanted() -> str:
    value = os.environ.get(ENGINE_ENV, "auto").strip().lower() or "auto"
    if value not in ("auto", "hyperscan", "re"):
        raise UsageError(
            f"unknown matching engine {value!r}",
            where=ENGINE_ENV,
            expected="auto, hyperscan or re",
            found=value,
        )
    return value


def get_finder(name: str | None = None) -> Finder:
    """The engine ``name`` (or the one ``HARVESTER_IAC_ENGINE`` asks for), built once per process.

    ``auto`` and ``hyperscan`` fall back to ``re`` when the Hyperscan wheel cannot be imported.
    """
    wanted = name or _wanted()
    if wanted in _CACHE:
        return _CACHE[wanted]
    finder: Finder
    if wanted == "re":
        finder = _ReFinder()
    else:
        try:
            finder = _HyperscanFinder()
        except ImportError:
            finder = _ReFinder()
    _CACHE[wanted] = finder
    return finder


def active_engine() -> str:
    """Name of the engine a scan in this process would use (``hyperscan`` or ``re``)."""
    return get_finder().name
