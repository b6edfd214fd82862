"""The disks one kind of volume may use, kept in value order as replicas land.

A pool holds, for one static volume shape (data engine, disk and node selectors, actual
size), the disks that pass every check that does not move while replicas land: the node
is schedulable and running, its tags match the nodeSelector, the disk is open, of the
right type, its tags match the diskSelector, and it has the actual space. Each zone's part
keeps sorted keys (disk values, node sums of disk values, over-provisioning headroom,
"most usable storage") and a max tree over its node sums, so the balance score and the
exceptions of one replica are found by bisection instead of a pass over every disk.
Values are the balance score's usable bytes clamped at 0; ``commit`` moves them.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence

__all__ = ["MaxTree", "Part", "Pool"]

#: Above this many zones, a pool keeps one part and excludes used zones node by node.
ZONE_PARTS_LIMIT = 16


class MaxTree:
    """Maximum over positions 0..n-1 with point updates and a leftmost ">= x" search."""

    __slots__ = ("leaves", "tree")

    def __init__(self, values: Sequence[int]) -> None:
        leaves = 1
        while leaves < len(values):
            leaves *= 2
        tree = [-1] * (2 * leaves)
        tree[leaves:leaves + len(values)] = values
        for i in range(leaves - 1, 0, -1):
            a, b = tree[2 * i], tree[2 * i + 1]
            tree[i] = a if a > b else b
        self.leaves = leaves
        self.tree = tree

    def get(self, i: int) -> int:
        return self.tree[self.leaves + i]

    def set(self, i: int, value: int) -> None:
        tree = self.tree
        i += self.leaves
        tree[i] = value
        i >>= 1
        while i:
            a, b = tree[2 * i], tree[2 * i + 1]
            tree[i] = a if a > b else b
            i >>= 1

    def first_at_least(self, x: int, start: int = 0) -> int:
        """The first position from ``start`` on holding a value >= ``x``; -1 when none does."""
        tree, leaves = self.tree, self.leaves
        i = start + leaves
        if i >= 2 * leaves:
            return -1
        while tree[i] < x:
            while i & 1:  # a right child: climb to the first ancestor that is a left child
                i >>= 1
            if i == 0:
                return -1
            i += 1
        while i < leaves:
            i *= 2
            if tree[i] < x:
                i += 1
        return i - leaves


class Part:
    """The pool's nodes of one zone (or all of them): sorted keys and a tree of node sums.

    ``node_keys`` holds ``(-sum, node)``, ``disk_keys`` ``(-value, disk)``, ``most_keys``
    ``(-(available - reserved), disk)``: the first entry is the largest value with the
    lowest id, as Longhorn's first-of-equals choice wants; ``node_lows`` and ``disk_lows``
    hold ``(value, id)``, smallest first. ``head_keys`` holds ``(headroom, disk)``, so the
    disks too full for a size are a prefix.
    """

    __slots__ = ("disk_keys", "disk_lows", "head_keys", "local", "most_keys", "node_keys",
                 "node_lows", "nodes", "sums", "total")

    def __init__(self, nodes: list[int], sums: dict[int, int], disks: list[int],
                 value: Sequence[int], headroom: Sequence[int], most: Sequence[int]) -> None:
        self.nodes = nodes
        self.local = {n: i for i, n in enumerate(nodes)}
        self.sums = MaxTree([sums[n] for n in nodes])
        self.node_keys = sorted((-sums[n], n) for n in nodes)
        self.node_lows = sorted((sums[n], n) for n in nodes)
        self.disk_keys = sorted((-value[d], d) for d in disks)
        self.disk_lows = sorted((value[d], d) for d in disks)
        self.head_keys = sorted((headroom[d], d) for d in disks)
        self.most_keys = sorted((-most[d], d) for d in disks)
        self.total = sum(sums[n] for n in nodes)


def _move(keys: list[tuple[int, int]], old: tuple[int, int], new: tuple[int, int]) -> None:
    del keys[bisect_left(keys, old)]
    insort(keys, new)


class Pool:
    """The static candidate disks of one volume shape, split by zone into parts."""

    __slots__ = ("disks_of", "node_sum", "part_of", "parts", "zone_nodes", "zone_parts")

    def __init__(self, disks_of: dict[int, tuple[int, ...]], zone_of: Sequence[str],
                 value: Sequence[int], headroom: Sequence[int], most: Sequence[int]) -> None:
        #: node id -> its static candidate disks (nodes without any are left out)
        self.disks_of = disks_of
        self.node_sum = {n: sum(value[d] for d in ds) for n, ds in disks_of.items()}
        zones: dict[str, list[int]] = {}
        for n in sorted(disks_of):
            zones.setdefault(zone_of[n], []).append(n)
        self.zone_nodes = zones
        groups = list(zones.items()) if len(zones) <= ZONE_PARTS_LIMIT else [("", sorted(disks_of))]
        self.parts: list[tuple[str, Part]] = []
        self.part_of: dict[int, Part] = {}
        for zone, nodes in groups:
            part = Part(nodes, self.node_sum, [d for n in nodes for d in disks_of[n]],
                        value, headroom, most)
            self.parts.append((zone, part))
            for n in nodes:
                self.part_of[n] = part
        #: True when parts are zones (tier 1 drops used zones whole)
        self.zone_parts = len(zones) <= ZONE_PARTS_LIMIT

    def moved(self, node: int, disk: int, old_value: int, new_value: int,
              old_headroom: int, new_headroom: int) -> None:
        """Re-sort one disk after a commit changed its value and headroom."""
        part = self.part_of[node]
        if old_value != new_value:
            _move(part.disk_keys, (-old_value, disk), (-new_value, disk))
            _move(part.disk_lows, (old_value, disk), (new_value, disk))
            old_sum = self.node_sum[node]
            new_sum = old_sum - old_value + new_value
            self.node_sum[node] = new_sum
            part.total += new_sum - old_sum
            _move(part.node_keys, (-old_sum, node), (-new_sum, node))
            _move(part.node_lows, (old_sum, node), (new_sum, node))
            part.sums.set(part.local[node], new_sum)
        if old_headroom != new_headroom:
            _move(part.head_keys, (old_headroom, disk), (new_headroom, disk))
