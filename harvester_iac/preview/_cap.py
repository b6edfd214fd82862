"""Fit a Markdown document under a character limit by cutting its longest diff bodies.

The document is a list of :class:`Block` values: ``head`` and ``tail`` are never cut (the
verdict, the destroy banner, the findings live there); ``body`` may be cut at a line
boundary. The limit is shared like water: every body is cut to the same length ``L``,
the largest ``L`` that fits, so short diffs survive whole and the longest shrink first.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Block", "fit"]


@dataclass(frozen=True, slots=True)
class Block:
    head: str
    body: str = ""
    tail: str = ""


def _note(cut_lines: int, limit: int) -> str:
    return (f"\n_✂️ {cut_lines} more line{'s' if cut_lines != 1 else ''} cut to fit `--max-chars {limit}`; "
            "`harvester-iac preview --format json` has them all._\n")


_NOTE_ROOM = len(_note(10**7, 10**9))


def _cut(body: str, length: int) -> str:
    if len(body) <= length:
        return body
    keep = body.rfind("\n", 0, length + 1)
    return body[: keep + 1] if keep >= 0 else ""


def fit(blocks: list[Block], limit: int) -> str:
    """The blocks joined, with bodies cut so the whole stays within ``limit`` when it can."""
    fixed = sum(len(b.head) + len(b.tail) for b in blocks)
    sizes = [len(b.body) for b in blocks]
    if fixed + sum(sizes) <= limit:
        return "".join(b.head + b.body + b.tail for b in blocks)

    def total(level: int) -> int:
        return fixed + sum(min(s, level) + (_NOTE_ROOM if s > level else 0) for s in sizes)

    lo, hi = 0, max(sizes)
    while lo < hi:  # the largest level that fits
        mid = (lo + hi + 1) // 2
        if total(mid) <= limit:
            lo = mid
        else:
            hi = mid - 1
    out = []
    for b in blocks:
        kept = _cut(b.body, lo)
        note = ""
        if kept != b.body:
            note = _note(b.body.count("\n") - kept.count("\n") or 1, limit)
        out.append(b.head + kept + b.tail + note)
    return "".join(out)
