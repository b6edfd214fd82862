"""The final choice among candidate disks.

Longhorn 1.9 and 1.10 take the disk with the most usable storage
(``available - reserved``). From 1.11 the scheduler computes a balance score (longhorn
LEP "Replica Balance Scheduling"): first it picks the node whose usable storage, after
hypothetically placing the replica there, leaves the candidate nodes most balanced
(``(max - min) / mean`` of the per-node usable bytes), then the disk of that node that leaves
the candidate disks most balanced. Usable storage there is
``available - reserved - scheduled``, at least 0. As in longhorn-manager's code, a disk is
scored against every candidate disk, not only those of its node. When no node (or, from
1.12, no disk of the chosen node) can hold the replica, the choice falls back to the most
usable storage.

Candidates are disk ids into per-disk value arrays, grouped by node in name order.
Scoring one candidate only changes one value of the distribution, so the new maximum and
minimum come from the two largest and two smallest values: one sort per choice, not one
pass over every candidate per candidate. Ties go to the first candidate in (node, disk)
name order; Longhorn iterates a Go map there, so its own tie-break is random.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

__all__ = ["Spread", "choose_balance_score", "choose_most_usable_storage"]


def choose_most_usable_storage(found: Sequence[int], most: Sequence[int]) -> int:
    """The disk with the largest ``most[d]`` (available - reserved); first of equals."""
    best = found[0]
    best_value = most[best]
    for d in found:
        if most[d] > best_value:
            best, best_value = d, most[d]
    return best


class Spread:
    """Sum, two largest and two smallest of some ints, to rescore one change in O(1)."""

    __slots__ = ("bot1", "bot1_at", "bot2", "count", "top1", "top1_at", "top2", "total")

    def __init__(self, *, count: int, total: int, top: tuple[int, int, int],
                 bottom: tuple[int, int, int]) -> None:
        """``top`` is (largest, its first position, second largest), ``bottom``
        (smallest, its first position, second smallest)."""
        self.count, self.total = count, total
        self.top1, self.top1_at, self.top2 = top
        self.bot1, self.bot1_at, self.bot2 = bottom

    @classmethod
    def of_values(cls, values: Sequence[int]) -> Spread:
        """The spread of ``values``; positions are indices into it."""
        count = len(values)
        ordered = sorted(values)
        top1, bot1 = ordered[-1], ordered[0]
        top2 = ordered[-2] if count > 1 else top1
        bot2 = ordered[1] if count > 1 else bot1
        # With ties, index() finds one holder; the other holder is then top2 == top1.
        return cls(count=count, total=sum(values), top=(top1, values.index(top1), top2),
                   bottom=(bot1, values.index(bot1), bot2))

    def range_with(self, at: int, new: int) -> float:
        """``max - min`` after value ``at`` becomes ``new``."""
        high = low = new
        if self.count > 1:
            other_high = self.top2 if at == self.top1_at else self.top1
            other_low = self.bot2 if at == self.bot1_at else self.bot1
            if other_high > high:
                high = other_high
            if other_low < low:
                low = other_low
        return float(high - low)


def choose_balance_score(
    found: Sequence[int],
    *,
    node_of: Sequence[int],
    usable: Sequence[int],
    most: Sequence[int],
    size_bytes: int,
    disk_must_fit: bool,
) -> int:
    """Longhorn 1.11+ ``getDiskWithMostBalanceScore`` with its fallback.

    ``usable[d]`` is available - reserved - scheduled (clamped at 0 here), ``most[d]``
    available - reserved for the fallback. ``disk_must_fit`` (1.12) skips disks whose
    usable storage is below the replica size.
    """
    if len(found) == 1:
        return found[0]
    disk_usable = [u if u > 0 else 0 for u in map(usable.__getitem__, found)]
    # ``found`` is grouped by node in ascending node id: find each node's slice by bisection.
    node_seq = [node_of[d] for d in found]
    bounds = [(bisect_left(node_seq, n), bisect_right(node_seq, n)) for n in dict.fromkeys(node_seq)]
    node_usable = [sum(disk_usable[lo:hi]) for lo, hi in bounds]

    best_node = _best(node_usable, range(len(node_usable)), size_bytes, must_fit=True)
    if best_node < 0:
        return choose_most_usable_storage(found, most)
    lo, hi = bounds[best_node]
    best_disk = _best(disk_usable, range(lo, hi), size_bytes, must_fit=disk_must_fit)
    if best_disk < 0:
        return choose_most_usable_storage(found, most)
    return found[best_disk]


def _best(values: list[int], choices: range, size_bytes: int, *, must_fit: bool) -> int:
    """The position in ``choices`` whose value, lowered by ``size``, leaves ``values`` most
    balanced (first of equals); -1 when none qualifies. Longhorn skips values below
    ``size`` when ``must_fit`` and treats an all-zero mean as "worst".
    """
    spread = Spread.of_values(values)
    mean = float(spread.total - size_bytes) / float(spread.count)
    if mean == 0:
        return -1
    best, best_score = -1, 0.0
    for i in choices:
        u = values[i]
        if must_fit and u < size_bytes:
            continue
        score = spread.range_with(i, u - size_bytes) / mean
        if best < 0 or score < best_score:
            best, best_score = i, score
    return best
