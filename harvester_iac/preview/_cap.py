"""Fit a Markdown document under a character limit by cutting its longest diff bodies.

The document is a list of :class:`Block` values: ``head`` and ``tail`` are never cut (the
verdict, the destroy banner, the findings live there); ``body`` may be cut at a line
boundary, and a cut body ends with a one-line note saying how much was cut. The limit is
shared like water: every body is cut to the same length ``L``, the largest ``L`` that
fits, so short diffs survive whole and the longest shrink first.
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
    """A plain line, right after the kept body: readable inside a code fence and outside."""
    return (f"… {cut_lines} more line{'s' if cut_lines != 1 else ''} cut to fit --max-chars {limit} "
            "(harvester-iac preview --format json has them all)\n")


def _cut(body: str, length: int) -> str:
    if len(body) <= length:
        return body
    keep = body.rfind("\n", 0, length + 1)
    return body[: keep + 1] if keep >= 0 else ""


def _assemble(blocks: list[Block], level: int, limit: int) -> str:
    """Bodies cut to ``level``; consecutive cut bodies share one note, placed after them."""
    out: list[str] = []
    pending = 0  # lines cut in the current run of cut bodies

    def flush() -> None:
        nonlocal pending
        if pending:
            out.append(_note(pending, limit))
            pending = 0

    for b in blocks:
        kept = _cut(b.body, level)
        cut = kept != b.body
        if not (cut and pending and not b.head):
            flush()
        out.append(b.head + kept)
        if cut:
            pending += max(1, b.body.count("\n") - kept.count("\n"))
        if b.tail:
            flush()
            out.append(b.tail)
    flush()
    return "".join(out)


def fit(blocks: list[Block], limit: int) -> str:
    """The blocks joined, with bodies cut so the whole stays within ``limit`` when it can."""
    whole = "".join(b.head + b.body + b.tail for b in blocks)
    if len(whole) <= limit:
        return whole
    lo, hi = 0, max(len(b.body) for b in blocks)
    while lo < hi:  # the largest level that fits
        mid = (lo + hi + 1) // 2
        if len(_assemble(blocks, mid, limit)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return _assemble(blocks, lo, limit)
