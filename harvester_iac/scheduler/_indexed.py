"""The choice of one replica's disk from a pool, without a pass over every disk.

``Scheduler`` asks here first. The candidate set of a tier is the pool's parts of the
allowed zones, minus a few exceptions found by bisection: disks too full for the size
(the prefix of the headroom keys), disks whose headroom the volume's own unlisted replicas
lower, disks that already hold a replica (disk anti-affinity) and nodes the tier leaves
out. The balance score then needs only a handful of values (``Spread``): the two largest
and two smallest node sums and disk values, their total and count. Every node outside the
extremes scores ``(max - min(sum - size, min)) / mean``, which does not grow with its sum,
so the best of them is the largest sum, or, where that is flat, the first node whose sum
reaches ``min + size`` (a search in the tree of node sums).

Whatever this module does not cover answers ``None``, and the scheduler runs the
straightforward scan (``Scheduler(indexed=False)``, which the tests compare this with):
strict-local volumes, tiers listed node by node (used or evicting nodes), more exceptions
than ``EXCEPTIONS_LIMIT``, a non-positive mean, and byte counts near 2**50 where float
scores could tie between different sums.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from harvester_iac.scheduler._choose import Spread, choose_balance_score, choose_most_usable_storage
from harvester_iac.scheduler._filters import Occupancy
from harvester_iac.scheduler._index import ClusterIndex
from harvester_iac.scheduler._pool import Part, Pool
from harvester_iac.scheduler._tiers import Soft

__all__ = ["EMPTY", "EXCEPTIONS_LIMIT", "Request", "choose_indexed"]

#: More exceptions than this in one tier, and the straightforward scan is cheaper.
EXCEPTIONS_LIMIT = 48
#: The tier has no candidate disk (the next tier is tried).
EMPTY = -1
#: Sums at or above this could make distinct ranges score the same float.
_EXACT = 2**50
_Key = tuple[int, int]


@dataclass(slots=True, kw_only=True)
class Request:
    """What one replica's choice depends on besides the pool: the volume's constants, and
    where its replicas already are (set per replica)."""

    size_bytes: int
    soft: Soft
    creating: bool
    balance: bool
    disk_must_fit: bool
    occupancy: Occupancy = field(default_factory=Occupancy)
    counts: Mapping[int, int] = field(default_factory=dict)
    per_node: Mapping[int, int] = field(default_factory=dict)
    in_disk: Mapping[int, int] = field(default_factory=dict)
    #: the attached node when best-effort locality applies to this replica, else -1
    local: int = -1


def choose_indexed(index: ClusterIndex, pool: Pool, req: Request) -> int | None:
    """The disk id Longhorn picks, ``EMPTY`` when no tier has one, ``None`` when the
    straightforward scan must decide."""
    used_zones = req.occupancy.used_zones
    if pool.zone_parts:
        parts = [p for z, p in pool.parts if z not in used_zones]
        excluded: set[int] = set()
    else:
        parts = [p for _, p in pool.parts]
        excluded = {n for z in used_zones for n in pool.zone_nodes.get(z, ())}
        if len(excluded) > EXCEPTIONS_LIMIT:
            return None
    found = _tier(index, pool, req, parts, excluded)
    if found != EMPTY:
        return found
    if not req.soft.zone:
        return None  # the next tier lists evicting nodes one by one
    node_at = index.node_at
    used = {node_at[name] for name in req.occupancy.used_nodes}
    found = _tier(index, pool, req, [p for _, p in pool.parts], used & pool.disks_of.keys())
    return None if found == EMPTY else found


def _value(index: ClusterIndex, d: int) -> int:
    u = index.usable[d]
    return u if u > 0 else 0


def _tier(index: ClusterIndex, pool: Pool, req: Request, parts: list[Part],
          excluded: set[int]) -> int | None:
    size_bytes = req.size_bytes
    disk_node = index.disk_node
    headroom = index.headroom
    disks_of = pool.disks_of
    part_of = pool.part_of
    removed: set[int] = set()
    count = 0
    for part in parts:
        count += len(part.disk_keys)
        k = bisect_left(part.head_keys, (size_bytes, -1))
        if k:
            if k > EXCEPTIONS_LIMIT:
                return None
            for _, d in part.head_keys[:k]:
                if disk_node[d] not in excluded:
                    removed.add(d)
    for n, extra_node in req.per_node.items():
        ds = disks_of.get(n)
        if not ds or n in excluded or part_of[n] not in parts:
            continue
        for d in ds:
            extra = extra_node - req.in_disk.get(d, 0)
            if extra and headroom[d] - extra < size_bytes:
                removed.add(d)
    count -= len(removed)
    if excluded:
        count -= sum(len(disks_of[n]) for n in excluded)
    if count <= 0:
        return EMPTY
    if req.counts:
        held = [d for d in req.counts
                if d not in removed and disk_node[d] in disks_of and d in disks_of[disk_node[d]]
                and disk_node[d] not in excluded and part_of[disk_node[d]] in parts]
        if held:
            if count > len(held):
                removed.update(held)
                count -= len(held)
            elif not req.soft.disk:
                return EMPTY
    if len(removed) + len(excluded) > EXCEPTIONS_LIMIT:
        return None
    view = _View(index, pool, parts, excluded, removed)
    local = req.local
    if local >= 0 and local in disks_of and part_of[local] in parts and local not in view.gone:
        on_local = [d for d in disks_of[local] if d not in removed]
        if req.balance:
            return choose_balance_score(
                on_local, node_of=disk_node, usable=index.usable, most=index.most,
                size_bytes=size_bytes, disk_must_fit=req.disk_must_fit)
        return choose_most_usable_storage(on_local, index.most)
    if count == 1:
        return _first_of(parts, "disk_keys", view.skip_disks)
    if not req.balance:
        return _first_of(parts, "most_keys", view.skip_disks)
    return _balance(index, pool, req, view, count)


class _View:
    """A tier's candidates: parts minus excluded nodes and removed disks, with the node
    sums those removals change."""

    def __init__(self, index: ClusterIndex, pool: Pool, parts: list[Part], excluded: set[int],
                 removed: set[int]) -> None:
        self.parts = parts
        if not excluded and not removed:
            self.gone: set[int] = excluded
            self.modified: dict[int, int] = {}
            self.skip_nodes: set[int] = excluded
            self.skip_disks: set[int] = removed
            self.nodes = sum(len(p.nodes) for p in parts)
            self.total = sum(p.total for p in parts)
            return
        disk_node = index.disk_node
        gone = set(excluded)
        modified: dict[int, int] = {}
        lost: dict[int, int] = {}
        for d in removed:
            n = disk_node[d]
            modified[n] = modified.get(n, pool.node_sum[n]) - _value(index, d)
            lost[n] = lost.get(n, 0) + 1
        for n, k in lost.items():
            if k == len(pool.disks_of[n]):
                gone.add(n)
                del modified[n]
        self.gone = gone
        self.modified = modified
        self.skip_nodes = gone | modified.keys()
        self.skip_disks = removed | {d for n in excluded for d in pool.disks_of[n]}
        self.nodes = sum(len(p.nodes) for p in parts) - len(gone)
        self.total = (sum(p.total for p in parts) - sum(pool.node_sum[n] for n in excluded)
                      - sum(_value(index, d) for d in removed))


def _first_of(parts: Sequence[Part], attr: str, skip: Collection[int]) -> int:
    best: _Key | None = None
    for part in parts:
        for key in getattr(part, attr):
            if key[1] not in skip:
                if best is None or key < best:
                    best = key
                break
    assert best is not None
    return best[1]


def _heads(lists: Sequence[list[_Key]], skip: Collection[int], extra: Sequence[_Key],
           k: int) -> list[_Key]:
    """The ``k`` smallest keys of the lists without ``skip``, plus ``extra``."""
    if not skip and not extra:
        out = [key for keys in lists for key in keys[:k]]
        out.sort()
        return out[:k]
    out = list(extra)
    for keys in lists:
        if not skip:
            out.extend(keys[:k])
            continue
        taken = 0
        for key in keys:
            if key[1] not in skip:
                out.append(key)
                taken += 1
                if taken == k:
                    break
    out.sort()
    return out[:k]


def _spread(parts: Sequence[Part], nodes: bool, skip: Collection[int], extra: Sequence[_Key],
            count: int, total: int) -> tuple[Spread, list[_Key]]:
    """The spread of the node sums (``nodes``) or disk values, and the largest keys (three
    of nodes, two of disks)."""
    highs = [p.node_keys if nodes else p.disk_keys for p in parts]
    lows = [p.node_lows if nodes else p.disk_lows for p in parts]
    heads = _heads(highs, skip, extra, 3 if nodes else 2)
    bottom = _heads(lows, skip, [(-v, n) for v, n in extra], 2)
    top1 = -heads[0][0]
    top2 = -heads[1][0] if count > 1 else top1
    low = bottom[0][0]
    low2 = bottom[1][0] if count > 1 else low
    return Spread(count=count, total=total, top=(top1, heads[0][1], top2),
                     bottom=(low, bottom[0][1], low2)), heads


def _leftmost_flat(view: _View, threshold: int, skip: Collection[int]) -> int:
    """The first node (by id) outside ``skip`` whose sum reaches ``threshold``; -1 if none."""
    best = min((n for n, s in view.modified.items() if s >= threshold and n not in skip),
               default=-1)
    hidden = view.skip_nodes
    for part in view.parts:
        at = part.sums.first_at_least(threshold)
        while at >= 0:
            n = part.nodes[at]
            if n not in hidden and n not in skip:
                if best < 0 or n < best:
                    best = n
                break
            at = part.sums.first_at_least(threshold, at + 1)
    return best


def _balance(index: ClusterIndex, pool: Pool, req: Request, view: _View, count: int) -> int | None:
    size_bytes = req.size_bytes
    total = view.total
    if total - size_bytes <= 0:
        return None
    extra = [(-s, n) for n, s in view.modified.items()]
    nodes, heads = _spread(view.parts, True, view.skip_nodes, extra, view.nodes, total)
    if nodes.top1 + size_bytes >= _EXACT:
        return None
    sums = pool.node_sum
    value_of = view.modified
    choices = {nodes.top1_at, nodes.bot1_at}
    others = [key for key in heads if key[1] not in choices]
    if others:
        best_other = -others[0][0]
        if best_other >= nodes.bot1 + size_bytes:
            # Flat: every such node ties; it only matters when the top node ties too.
            if size_bytes == 0 or nodes.top2 == nodes.top1:
                choices.add(_leftmost_flat(view, nodes.bot1 + size_bytes, choices))
        elif best_other >= size_bytes:
            choices.add(others[0][1])
    mean = float(total - size_bytes) / float(view.nodes)
    best, best_score = -1, 0.0
    for n in sorted(choices):
        u = value_of.get(n, sums[n]) if n >= 0 else -1
        if u < size_bytes:
            continue
        score = nodes.range_with(n, u - size_bytes) / mean
        if best < 0 or score < best_score:
            best, best_score = n, score
    if best < 0:
        return _first_of(view.parts, "most_keys", view.skip_disks)
    return _disk(index, pool, req, view, count, best)


def _disk(index: ClusterIndex, pool: Pool, req: Request, view: _View, count: int,
          node: int) -> int | None:
    size_bytes = req.size_bytes
    skip = view.skip_disks
    usable = index.usable
    mine = [d for d in pool.disks_of[node] if d not in skip] if skip else pool.disks_of[node]
    if len(mine) == 1:  # the score only ranks disks of this node: one needs no spread
        d = mine[0]
        return d if not req.disk_must_fit or max(usable[d], 0) >= size_bytes else \
            _first_of(view.parts, "most_keys", skip)
    disks, _ = _spread(view.parts, False, skip, (), count, view.total)
    mean = float(view.total - size_bytes) / float(count)
    best, best_score = -1, 0.0
    for d in mine:
        u = usable[d]
        if u < 0:
            u = 0
        if req.disk_must_fit and u < size_bytes:
            continue
        score = disks.range_with(d, u - size_bytes) / mean
        if best < 0 or score < best_score:
            best, best_score = d, score
    if best < 0:
        return _first_of(view.parts, "most_keys", view.skip_disks)
    return best
