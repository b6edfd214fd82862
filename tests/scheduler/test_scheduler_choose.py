"""The final choice: most usable storage (1.9, 1.10) and the balance score (1.11+).

The balance score is checked against a plain transcription of its formula that rescans
every value for every candidate, on random inputs.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.scheduler._choose import (
    Candidate,
    choose_balance_score,
    choose_most_usable_storage,
)


def _score(values: list[int]) -> float | None:
    mean = float(sum(values)) / float(len(values))
    if mean == 0:
        return None
    return float(max(values) - min(values)) / mean


def _naive_balance(cands: list[Candidate], size: int, disk_must_fit: bool) -> Candidate:
    if len(cands) == 1:
        return cands[0]
    usable = [max(0, c[2] - c[3] - c[4]) for c in cands]
    nodes: dict[str, int] = {}
    for c, u in zip(cands, usable, strict=True):
        nodes[c[0]] = nodes.get(c[0], 0) + u
    names = list(nodes)
    best_node, best = None, None
    for name in names:
        if nodes[name] < size:
            continue
        trial = [nodes[n] - size if n == name else nodes[n] for n in names]
        s = _score(trial)
        if s is not None and (best is None or s < best):
            best_node, best = name, s
    if best_node is None:
        return choose_most_usable_storage(cands)
    best_disk, best = None, None
    for i, c in enumerate(cands):
        if c[0] != best_node or (disk_must_fit and usable[i] < size):
            continue
        trial = [u - size if j == i else u for j, u in enumerate(usable)]
        s = _score(trial)
        if s is not None and (best is None or s < best):
            best_disk, best = c, s
    return best_disk if best_disk is not None else choose_most_usable_storage(cands)


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    n_nodes = draw(st.integers(1, 5))
    out: list[Candidate] = []
    disk_id = 0
    for n in range(n_nodes):
        for _ in range(draw(st.integers(1, 4))):
            avail = draw(st.integers(0, 50))
            out.append((f"n{n}", disk_id, avail, draw(st.integers(0, 20)), draw(st.integers(0, 40))))
            disk_id += 1
    return out


@settings(max_examples=400, deadline=None)
@given(candidates(), st.integers(1, 30), st.booleans())
def test_balance_score_matches_the_formula(cands: list[Candidate], size: int, fit: bool) -> None:
    assert choose_balance_score(cands, size, disk_must_fit=fit) == _naive_balance(cands, size, fit)


def test_single_candidate_is_taken_even_when_empty() -> None:
    # Longhorn's "Disk with zero available capacity still returns a valid disk".
    only: Candidate = ("n3", 4, 0, 0, 0)
    assert choose_balance_score([only], 100, disk_must_fit=True) == only


def test_balance_prefers_more_usable_node_then_disk() -> None:
    # LEP "Replica Balance Scheduling", example 1: node B (1300 usable) over node A (1000).
    cands: list[Candidate] = [("A", 1, 900, 0, 0), ("A", 2, 100, 0, 0),
                              ("B", 3, 600, 0, 0), ("B", 4, 700, 0, 0)]
    assert choose_balance_score(cands, 100, disk_must_fit=True)[0] == "B"


def test_balance_uses_scheduled_bytes_most_usable_does_not() -> None:
    cands: list[Candidate] = [("n1", 1, 3000, 0, 2500), ("n1", 2, 2000, 0, 0)]
    assert choose_most_usable_storage(cands)[1] == 1
    assert choose_balance_score(cands, 1000, disk_must_fit=True)[1] == 2


def test_most_usable_takes_first_of_equals_and_subtracts_reserved() -> None:
    equal: list[Candidate] = [("n1", 1, 3000, 1000, 0), ("n2", 2, 2000, 0, 0), ("n3", 3, 2500, 500, 0)]
    assert choose_most_usable_storage(equal)[1] == 1
    reserved: list[Candidate] = [("n1", 1, 3000, 1500, 0), ("n2", 2, 2000, 0, 0)]
    assert choose_most_usable_storage(reserved)[1] == 2


def test_no_node_fits_falls_back_to_most_usable() -> None:
    cands: list[Candidate] = [("n1", 1, 500, 0, 0), ("n2", 2, 700, 0, 0)]
    assert choose_balance_score(cands, 1000, disk_must_fit=False)[1] == 2
