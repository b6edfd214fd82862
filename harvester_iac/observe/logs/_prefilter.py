"""Prefilter engines: find the few lines worth handing to the Python pattern table.

Both engines select the lines holding a match of one of the ``PREFILTERS`` expressions,
derived from the pattern rows, over whole read blocks; the reader turns their offsets into
candidate lines. Hyperscan (multi-pattern SIMD matching) is the fast path; Python's ``re``
is the fallback, chosen automatically when no Hyperscan binding imports, or with
``HARVESTER_IAC_ENGINE=re``.

Hyperscan's speed falls with the number of literals it looks for (measured on 1 MiB
blocks: 8 literals 2-4 GB/s, 16: 1.4-2.3, the 35 prefilters 1.1-1.7 GB/s), so it does not
look for the prefilters themselves but for ``ANCHORS``: 16 short literals, one of which
every prefilter match contains (the one prefilter none covers is looked for itself). Each
line where an anchor is found is then checked exactly, in Python, against the prefilters
that anchor stands for; anchors are rare in logs, so few lines are checked in vain. No
prefilter can match across a newline, so both engines select exactly the same lines and
therefore produce identical events.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from harvester_iac.core import UsageError
from harvester_iac.observe.logs._patterns import PATTERNS, Pattern, literal

__all__ = [
    "ANCHORS", "BINDING_ENV", "CACHE_ENV", "ENGINE_ENV", "PREFILTERS", "Finder", "active_engine",
    "get_finder", "literal_runs",
]

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

#: What Hyperscan looks for instead of the prefilters: each prefilter is checked on the lines
#: holding the first anchor that is literal text of every match of it (one that none covers
#: is looked for itself). Words of failures that healthy logs seldom print. Hyperscan's
#: speed depends on them more than their number suggests (a 4-letter ``_req`` instead of
#: ``_request`` and ``_req_error`` cost a third): measure with bench/scan.py after a change.
ANCHORS: tuple[str, ...] = (
    "onnect", " error", "_request", "_req_error", " too long", "timed out", "ping timeout",
    " is operational", " is shutdown", "login rejected", "FAILED Result", "offline",
    "Aborting journal", "read-only", "sync", "failed to ",
)

_META_CLASS = frozenset("dDsSwWbBAZzntrfvx0123456789")


def literal_runs(expression: str) -> list[str]:
    """The stretches of literal text every match of ``expression`` contains, in order.

    Only the syntax the prefilters use is understood; anything else (an alternation, a
    lookaround) makes the answer empty, which is always safe: nothing is then assumed.
    """
    bare = re.sub(r"\\.", "", expression)
    if "|" in bare or "(" in bare:  # alternatives or groups: not worth understanding here
        return []
    runs: list[str] = []
    run: list[str] = []

    def cut() -> None:
        if run:
            runs.append("".join(run))
            run.clear()

    i = 0
    while i < len(expression):
        c = expression[i]
        if c == "\\" and i + 1 < len(expression):
            nxt = expression[i + 1]
            if nxt in _META_CLASS or nxt.isalpha():
                cut()
            else:
                run.append(nxt)
            i += 2
            continue
        if c == "[":
            cut()
            i += 2 if expression[i + 1:i + 2] == "^" else 1
            i += expression[i:i + 1] == "]"  # a ']' first in the class is literal
            while i < len(expression) and expression[i] != "]":
                i += 2 if expression[i] == "\\" else 1
            if i >= len(expression):
                return []
            i += 1
            continue
        if c in "*?{+":
            if run:  # the quantified character may be absent (or repeated): not literal
                run.pop()
            cut()
            if c == "{":
                close = expression.find("}", i)
                i = len(expression) if close < 0 else close + 1
            else:
                i += 1
            continue
        if c in ").^$":
            cut()
        else:
            run.append(c)
        i += 1
    cut()
    return runs


def _plan() -> tuple[list[str], list[bytes | None]]:
    """Hyperscan's expressions, and for each the exact check (a regex source) of a line
    where it matched (None: the expression is a prefilter itself)."""
    groups: dict[str, list[str]] = {}
    alone: list[str] = []
    for expression in PREFILTERS:
        runs = literal_runs(expression)
        anchor = next((a for a in ANCHORS if any(a in r for r in runs)), None)
        if anchor is None:
            alone.append(expression)
        else:
            groups.setdefault(anchor, []).append(expression)
    expressions = [literal(a) for a in ANCHORS if a in groups] + alone
    checks: list[bytes | None] = [
        b"|".join(b"(?:" + e.encode() + b")" for e in groups[a]) for a in ANCHORS if a in groups]
    return expressions, checks + [None] * len(alone)


#: Environment variable choosing the engine: ``auto`` (default), ``hyperscan`` or ``re``.
ENGINE_ENV = "HARVESTER_IAC_ENGINE"
#: ``hyperscan`` here makes the Hyperscan engine use that binding even if pyperscan imports
#: (tests compare the bindings; the bench measures both).
BINDING_ENV = "HARVESTER_IAC_HYPERSCAN_BINDING"

Buffer = bytes | bytearray


class Finder(Protocol):
    """Finds the lines holding a prefilter match in a block of whole lines."""

    name: str

    def find(self, buf: Buffer, lo: int = 0, hi: int | None = None) -> list[int]:
        """Ascending end offsets (exclusive, in ``buf``) of matches in ``buf[lo:hi]``: at
        least one in every line holding a prefilter match, none in any other line."""
        ...


class _ReFinder:
    name = "re"

    def __init__(self) -> None:
        self._rx = re.compile(b"|".join(b"(?:" + p.encode() + b")" for p in PREFILTERS))

    def find(self, buf: Buffer, lo: int = 0, hi: int | None = None) -> list[int]:
        return [m.end() for m in self._rx.finditer(buf, lo, len(buf) if hi is None else hi)]


class _AnchoredFinder(ABC):
    """Hyperscan looks for the anchors; each line they are found in is checked exactly.
    A subclass is one Hyperscan binding: it only says how to scan (``_scan``)."""

    name = "hyperscan"
    binding = ""

    def __init__(self) -> None:
        self.expressions, self._sources = _plan()
        # each check compiled when its anchor first hits (16 compiles are ~4 ms of start-up)
        self._checks: list[re.Pattern[bytes] | None] = [None] * len(self._sources)

    @abstractmethod
    def _scan(self, data: memoryview, hits: list[tuple[int, int]]) -> None:
        """Append ``(end, expression index)`` for every match in ``data``."""

    def find(self, buf: Buffer, lo: int = 0, hi: int | None = None) -> list[int]:
        hi = len(buf) if hi is None else hi
        hits: list[tuple[int, int]] = []
        with memoryview(buf) as view:
            self._scan(view[lo:hi], hits)
        if not hits:
            return []
        hits.sort()
        checks, sources = self._checks, self._sources
        ends: list[int] = []
        start = stop = -1
        kept = False
        tried: set[int] = set()
        for end, index in hits:
            at = lo + end
            if at > stop:  # a new line: [start, stop) without its newline
                start = buf.rfind(b"\n", lo, at - 1) + 1 or lo
                stop = buf.find(b"\n", at - 1, hi)
                if stop < 0:
                    stop = hi
                kept = False
                tried.clear()
            elif kept or index in tried:
                continue
            source = sources[index]
            if source is not None:
                check = checks[index]
                if check is None:
                    check = checks[index] = re.compile(source)
                if check.search(buf, start, stop) is None:
                    tried.add(index)
                    continue
            ends.append(at)
            kept = True
        return ends


#: Where compiled Hyperscan databases are kept between runs (``HARVESTER_IAC_CACHE`` moves it).
CACHE_ENV = "HARVESTER_IAC_CACHE"


def _cache_file(expressions: list[bytes], version: str) -> Path:
    import hashlib  # ~3 ms (OpenSSL): only the hyperscan binding caches its database

    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "harvester-iac")
    key = hashlib.sha256(b"\0".join([version.encode(), *expressions])).hexdigest()[:24]
    return Path(root) / f"prefilter-{key}.hsdb"


def _hyperscan_database(hyperscan: Any, expressions: list[bytes]) -> Any:
    """The compiled database: loaded from the cache when this Hyperscan and these
    expressions compiled it before, else compiled and cached. A cache that cannot be read
    or written is simply not used."""
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


class _HyperscanFinder(_AnchoredFinder):
    """The ``hyperscan`` binding (its Vectorscan uses SSE only, no AVX2)."""

    binding = "hyperscan"

    def __init__(self) -> None:
        import hyperscan

        super().__init__()
        self._db = _hyperscan_database(hyperscan, [e.encode() for e in self.expressions])

    def _scan(self, data: memoryview, hits: list[tuple[int, int]]) -> None:
        append = hits.append

        def on_match(index: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            append((end, index))

        callback: Callable[[int, int, int, int, object], None] = on_match
        self._db.scan(data, match_event_handler=callback)


class _PyperscanFinder(_AnchoredFinder):
    """The ``pyperscan`` binding: its Vectorscan uses AVX2 where the CPU has it, about twice
    as fast as the ``hyperscan`` wheel's here, and compiles the anchors in ~3 ms (no cache).
    One scan at a time per process, like Hyperscan's scratch space (scans never share one)."""

    binding = "pyperscan"

    def __init__(self) -> None:
        import pyperscan

        super().__init__()
        database = pyperscan.BlockDatabase(*[pyperscan.Pattern(e.encode(), tag=i)
                                             for i, e in enumerate(self.expressions)])
        self._go = pyperscan.Scan.Continue
        self._hits: list[tuple[int, int]] = []
        self._scanner = database.build(None, self._on_match)

    def _on_match(self, _ctx: object, tag: int, _start: int, end: int) -> Any:
        self._hits.append((end, tag))
        return self._go

    def _scan(self, data: memoryview, hits: list[tuple[int, int]]) -> None:
        self._hits = hits
        try:
            self._scanner.scan(data)
        finally:
            self._hits = []


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
    key = f"{wanted}/{os.environ.get(BINDING_ENV, '')}"
    if key in _CACHE:
        return _CACHE[key]
    finder: Finder
    if wanted == "re":
        finder = _ReFinder()
    else:
        finder = _hyperscan_finder() or _ReFinder()
    _CACHE[key] = finder
    return finder


def _hyperscan_finder() -> Finder | None:
    """Hyperscan through the faster binding that imports (``pyperscan``, else ``hyperscan``)."""
    kinds: tuple[type[_AnchoredFinder], ...] = (_PyperscanFinder, _HyperscanFinder)
    if os.environ.get(BINDING_ENV) == "hyperscan":
        kinds = (_HyperscanFinder,)
    for kind in kinds:
        try:
            return kind()
        except ImportError:
            continue
        except Exception:  # pyperscan imported but cannot run here (CPU, build): the other
            if kind is _HyperscanFinder:
                raise
    return None


def active_engine() -> str:
    """Name of the engine a scan in this process would use (``hyperscan`` or ``re``)."""
    return get_finder().name
