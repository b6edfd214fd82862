"""The final choice among candidate disks.

Longhorn 1.9 and 1.10 take the disk with the most usable storage
(``available - reserved``). From 1.11 the scheduler computes a balance score (the
longhorn LEP "Replica Balance Scheduling"): first it picks the node whose usable storage,
after hypothetically placing the replica there, leaves the candidate nodes most balanced
(``(max - min) / mean`` of the per-node usable bytes), then the disk of that node that leaves
the candidate disks most balanced. Usable storage there is
``available - reserved - scheduled``, at least 0. When no node (or, from 1.12, no disk)
can hold the replica, it falls back to the most usable storage.

Scoring a candidate only changes one value of the distribution, so the new maximum and
minimum come from the two largest and two smallest values: one pass over the candidates,
not one pass per candidate. Ties go to the first candidate in (node, disk) name order;
Longhorn iterates a Go map there, so its own tie-break is random.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["Candidate", "choose_balance_score", "choose_most_usable_storage"]

#: (node name, disk id, storage available, storage reserved, storage scheduled)
Candidate = tuple[str, int, int, int, int]


def choose_most_usable_storage(candidates: Sequence[Candidate]) -> Candidate:
    """The candidate with the largest ``available - reserved``; first of equals."""
    best = candidates[0]
    best_usable = best[2] - best[3]
    for c in candidates[1:]:
        usable = c[2] - c[3]
        if usable > best_usable:
            best, best_usable = c, usable
    return best


class _Spread:
    """Sum, two largest and two smallest of a list of ints, to rescore one change in O(1)."""

    __slots__ = ("bot1", "bot1_at", "bot2", "count", "top1", "top1_at", "top2", "total")

    def __init__(self, values: Sequence[int]) -> None:
        self.count = len(values)
        self.total = sum(values)
        self.top1 = self.top2 = self.bot1 = self.bot2 = 0
        self.top1_at = self.bot1_at = -1
        for i, v in enumerate(values):
            if self.top1_at < 0 or v > self.top1:
                self.top2, self.top1, self.top1_at = self.top1, v, i
            elif i == 1 or v > self.top2:
                self.top2 = v
            if self.bot1_at < 0 or v < self.bot1:
                self.bot2, self.bot1, self.bot1_at = self.bot1, v, i
            elif i == 1 or v < self.bot2:
                self.bot2 = v

    def score_with(self, at: int, new: int, size: int) -> float | None:
        """``(max - min) / mean`` after value ``at`` becomes ``new``; None when undefined."""
        high, low = new, new
        if self.count > 1:
            other_high = self.top2 if at == self.top1_at else self.top1
            other_low = self.bot2 if at == self.bot1_at else self.bot1
            high = max(high, other_high)
            low = min(low, other_low)
        mean = float(self.total - size) / float(self.count)
        if mean == 0:
            return None
        return float(high - low) / mean


def _usable(c: Candidate) -> int:
    return max(0, c[2] - c[3] - c[4])


def choose_balance_score(
    candidates: Sequence[Candidate], size: int, *, disk_must_fit: bool
) -> Candidate:
    """Longhorn 1.11+ ``getDiskWithMostBalanceScore`` with its fallback.

    ``disk_must_fit`` (1.12) skips disks whose usable storage is below the replica size.
    """
    if len(candidates) == 1:
        return candidates[0]
    node_names: list[str] = []
    node_usable: list[int] = []
    node_at: dict[str, int] = {}
    disk_usable = [_usable(c) for c in candidates]
    for c, u in zip(candidates, disk_usable, strict=True):
        at = node_at.get(c[0])
        if at is None:
            node_at[c[0]] = len(node_names)
            node_names.append(c[0])
            node_usable.append(u)
        else:
            node_usable[at] += u

    nodes = _Spread(node_usable)
    best_node: str | None = None
    best_score = 0.0
    for i, u in enumerate(node_usable):
        if u < size:
            continue
        score = nodes.score_with(i, u - size, size)
        if score is not None and (best_node is None or score < best_score):
            best_node, best_score = node_names[i], score
    if best_node is None:
        return choose_most_usable_storage(candidates)

    # Longhorn scores a disk against every candidate disk, not only those on the node.
    disks = _Spread(disk_usable)
    best_disk: Candidate | None = None
    best_disk_score = 0.0
    for i, c in enumerate(candidates):
        if c[0] != best_node:
            continue
        u = disk_usable[i]
        if disk_must_fit and u < size:
            continue
        score = disks.score_with(i, u - size, size)
        if score is not None and (best_disk is None or score < best_disk_score):
            best_disk, best_disk_score = c, score
    if best_disk is None:
        return choose_most_usable_storage(candidates)
    return best_disk
