"""The final choice: most usable storage (1.9, 1.10) and the balance score (1.11+).

The balance score is checked against a plain transcription of its formula that rescans
every value for every candidate, on random inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.scheduler._choose import choose_balance_score, choose_most_usable_storage


@dataclass
class Site:
    """Candidate disks 0..n-1 (grouped by node), with their node and storage values."""

    node_of: list[int]
    usable: list[int]   # available - reserved - scheduled (may be negative)
    most: list[int]     # available - reserved

    @property
    def found(self) -> list[int]:
        return list(range(len(self.node_of)))

    def choose(self, size: int, fit: bool) -> int:
        return choose_balance_score(self.found, node_of=self.node_of, usable=self.usable,
                                    most=self.most, size_bytes=size, disk_must_fit=fit)


def site(*disks: tuple[int, int, int, int]) -> Site:
    """(node, available, reserved, scheduled) per disk."""
    return Site(node_of=[d[0] for d in disks], usable=[d[1] - d[2] - d[3] for d in disks],
                most=[d[1] - d[2] for d in disks])


def _score(values: list[int]) -> float | None:
    mean = float(sum(values)) / float(len(values))
    if mean == 0:
        return None
    return float(max(values) - min(values)) / mean


def _naive(s: Site, size: int, fit: bool) -> int:
    found = s.found
    if len(found) == 1:
        return found[0]
    usable = [max(0, s.usable[d]) for d in found]
    nodes: dict[int, int] = {}
    for d in found:
        nodes[s.node_of[d]] = nodes.get(s.node_of[d], 0) + usable[d]
    best_node, best = None, None
    for n in nodes:
        if nodes[n] < size:
            continue
        trial = [v - size if m == n else v for m, v in nodes.items()]
        sc = _score(trial)
        if sc is not None and (best is None or sc < best):
            best_node, best = n, sc
    if best_node is None:
        return choose_most_usable_storage(found, s.most)
    best_disk, best = None, None
    for d in found:
        if s.node_of[d] != best_node or (fit and usable[d] < size):
            continue
        sc = _score([u - size if j == d else u for j, u in enumerate(usable)])
        if sc is not None and (best is None or sc < best):
            best_disk, best = d, sc
    return best_disk if best_disk is not None else choose_most_usable_storage(found, s.most)


@st.composite
def sites(draw: st.DrawFn) -> Site:
    disks = []
    for n in range(draw(st.integers(1, 5))):
        for _ in range(draw(st.integers(1, 4))):
            disks.append((n, draw(st.integers(0, 50)), draw(st.integers(0, 20)), draw(st.integers(0, 40))))
    return site(*disks)


@settings(max_examples=500, deadline=None)
@given(sites(), st.integers(1, 30), st.booleans())
def test_balance_score_matches_the_formula(s: Site, size: int, fit: bool) -> None:
    assert s.choose(size, fit) == _naive(s, size, fit)


def test_single_candidate_is_taken_even_when_empty() -> None:
    # Longhorn's "Disk with zero available capacity still returns a valid disk".
    assert site((0, 0, 0, 0)).choose(100, True) == 0


def test_balance_prefers_more_usable_node() -> None:
    # LEP "Replica Balance Scheduling", example 1: node B (1300 usable) over node A (1000).
    s = site((0, 900, 0, 0), (0, 100, 0, 0), (1, 600, 0, 0), (1, 700, 0, 0))
    assert s.node_of[s.choose(100, True)] == 1


def test_balance_uses_scheduled_bytes_most_usable_does_not() -> None:
    s = site((0, 3000, 0, 2500), (0, 2000, 0, 0))
    assert choose_most_usable_storage(s.found, s.most) == 0
    assert s.choose(1000, True) == 1


def test_most_usable_takes_first_of_equals_and_subtracts_reserved() -> None:
    equal = site((0, 3000, 1000, 0), (1, 2000, 0, 0), (2, 2500, 500, 0))
    assert choose_most_usable_storage(equal.found, equal.most) == 0
    reserved = site((0, 3000, 1500, 0), (1, 2000, 0, 0))
    assert choose_most_usable_storage(reserved.found, reserved.most) == 1


def test_no_node_fits_falls_back_to_most_usable() -> None:
    s = site((0, 500, 0, 0), (1, 700, 0, 0))
    assert s.choose(1000, False) == 1
