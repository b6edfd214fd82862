"""Hyperscan looks for anchors and checks their lines: it must select exactly the lines that
hold a ``PREFILTERS`` match, whatever the near misses around them.

Seeded generated text: every prefilter's wording whole, and the same wordings split by a
newline, cut short, with a letter's case changed, a letter doubled or dropped, glued to
neighbours, at the end of a file without a final newline; read through ``LineReader`` in
blocks of many sizes (so lines straddle block boundaries) by every engine and binding that
imports. The reference is the plain ``PREFILTERS`` alternation searched line by line.
"""

from __future__ import annotations

import io
import random
import re

import pytest

from harvester_iac.observe.logs import _prefilter
from harvester_iac.observe.logs._prefilter import ANCHORS, PREFILTERS, Finder, literal_runs
from harvester_iac.observe.logs._reader import LineReader

_RX = re.compile(b"|".join(b"(?:" + p.encode() + b")" for p in PREFILTERS))
_FILLER = ("Dec 27 16:52:05 altra kernel: ", "k3s[812]: {\"level\":\"warn\",\"msg\":\"", "iscsid: ",
           "connection1:0 ", "read-only ", "sync ", "error ", "_request ", "timed ", "x", "")


def _instance(expression: str, rnd: random.Random) -> str:
    """A text that ``expression`` (prefilter syntax) matches."""
    text = expression.replace(r"[^ \n]+", rnd.choice(["10.0.0.7:3260", "iqn.x:vol", "h"]))
    text = text.replace(r"[ \t]*", rnd.choice(["", " ", "\t", " \t "]))
    text = re.sub(r"\\(.)", r"\1", text)
    assert re.search(expression, text), (expression, text)
    return text


def _near_miss(text: str, rnd: random.Random) -> str:
    at = rnd.randrange(1, max(len(text), 2))
    kind = rnd.randrange(6)
    if kind == 0:
        return text[:at] + "\n" + text[at:]  # split across lines
    if kind == 1:
        return text[:at]  # cut short
    if kind == 2:
        return text[:at] + text[at:at + 1].swapcase() + text[at + 1:]
    if kind == 3:
        return text[:at] + text[at - 1:]  # a letter doubled
    if kind == 4:
        return text[:at - 1] + text[at:]  # a letter dropped
    return text  # whole


def _generated(seed: int) -> bytes:
    rnd = random.Random(seed)
    lines = []
    for _ in range(400):
        parts = [rnd.choice(_FILLER)]
        for _ in range(rnd.randrange(3)):
            word = _instance(rnd.choice(PREFILTERS), rnd)
            parts.append(_near_miss(word, rnd) if rnd.random() < 0.7 else word)
            parts.append(rnd.choice(_FILLER))
        for anchor in rnd.sample(ANCHORS, rnd.randrange(3)):
            parts.append(anchor)  # an anchor alone: checked, and must be dropped
        lines.append("".join(parts))
    text = "\n".join(lines)
    if seed % 2:
        text += "\n"  # even seeds end without a final newline
    return text.encode()


def _reference(data: bytes) -> list[tuple[int, bytes]]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [(n, line) for n, line in enumerate(lines, 1) if _RX.search(line)]


def _finders() -> list[Finder]:
    found: list[Finder] = [_prefilter._ReFinder()]
    for kind in (_prefilter._HyperscanFinder, _prefilter._PyperscanFinder):
        try:
            found.append(kind())
        except ImportError:
            continue
    return found


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("chunk", [16, 97, 333, 4096, 1 << 20])
def test_every_engine_selects_exactly_the_lines_with_a_prefilter_match(seed: int, chunk: int) -> None:
    data = _generated(seed)
    want = _reference(data)
    assert len(want) > 50
    for finder in _finders():
        got = list(LineReader(io.BytesIO(data), finder, chunk_size=chunk).candidates())
        assert got == want, (finder.name, getattr(finder, "binding", ""))


def test_finders_agree_on_lines_in_a_block_slice() -> None:
    data = _generated(7)
    lo = data.index(b"\n", 1000) + 1
    hi = data.rindex(b"\n", 0, len(data) - 1000) + 1
    want = {n for n, _ in _reference(data) if lo <= _line_start(data, n) < hi}
    for finder in _finders():
        ends = finder.find(data, lo, hi)
        assert ends == sorted(ends) and all(lo < e <= hi for e in ends)
        got = {data.count(b"\n", 0, e - 1) + 1 for e in ends}
        assert got == want, getattr(finder, "binding", finder.name)


def _line_start(data: bytes, lineno: int) -> int:
    pos = 0
    for _ in range(lineno - 1):
        pos = data.index(b"\n", pos) + 1
    return pos


def test_every_prefilter_is_covered_by_an_anchor_or_looked_for_itself() -> None:
    expressions, checks = _prefilter._plan()
    anchored = {e for c in checks if c is not None for e in c.decode().split("|")}
    for p in PREFILTERS:
        assert f"(?:{p})" in anchored or p in expressions, p
    assert len(expressions) <= 17


def test_literal_runs_only_names_text_every_match_contains() -> None:
    assert literal_runs(r"connect to [^ \n]+ failed \(") == ["connect to ", " failed ("]
    assert literal_runs(r'"MESSAGE"[ \t]*:[ \t]*\[') == ['"MESSAGE"', ":", "["]
    assert literal_runs(r"ab?c") == ["a", "c"]
    assert literal_runs(r"a[]x]b{2}") == ["a"]
    assert literal_runs(r"a|b") == literal_runs(r"(ab)?c") == []
