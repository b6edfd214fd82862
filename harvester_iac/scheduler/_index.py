"""A cluster flattened into per-disk arrays, with scheduled bytes kept as volumes land.

Nodes are sorted by name and each node's disks by name, so disk ids run in (node, disk)
name order: candidate lists built node by node come out sorted, which makes every
tie-break deterministic. Per-disk values that change with placements (scheduled bytes,
over-provisioning headroom, usable bytes) are updated in place by ``commit``; per-volume
filters that do not change (selectors, disk type) are computed once per distinct value,
and so are the pools (``_pool``) that keep those disks in value order for the indexed choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TypeVar

from harvester_iac.core import SnapshotError
from harvester_iac.scheduler._capacity import disk_limits
from harvester_iac.scheduler._filters import (
    disk_static_problem,
    node_runtime_problem,
    node_schedulable_problem,
    selectors_in_tags,
)
from harvester_iac.scheduler._pool import Pool
from harvester_iac.scheduler._types import (
    ClusterState,
    DiskState,
    NodeState,
    Placement,
    SchedulingSettings,
    VolumeSpec,
)

__all__ = ["ClusterIndex"]

_CACHE_LIMIT = 256
#: Pools are re-sorted on every commit, so only a few volume shapes keep one.
_POOL_LIMIT = 16
K = TypeVar("K")
V = TypeVar("V")


class ClusterIndex:
    """Longhorn nodes and disks as arrays indexed by node id and disk id."""

    def __init__(self, cluster: ClusterState, settings: SchedulingSettings, source: str) -> None:
        _check_names(cluster, source)
        self.settings = settings
        self.nodes: list[NodeState] = sorted(cluster.nodes, key=lambda n: n.name)
        self.node_at = {n.name: i for i, n in enumerate(self.nodes)}
        self.zone = [n.zone for n in self.nodes]
        self.disks: list[DiskState] = []
        self.disk_node: list[int] = []
        self.node_disks: list[tuple[int, ...]] = []
        self.disk_at: dict[tuple[str, str], int] = {}
        for i, node in enumerate(self.nodes):
            ids = []
            for disk in sorted(node.disks, key=lambda d: d.name):
                self.disk_at[(node.name, disk.name)] = len(self.disks)
                ids.append(len(self.disks))
                self.disk_node.append(i)
                self.disks.append(disk)
            self.node_disks.append(tuple(ids))
        self.available = [d.storage_available_bytes for d in self.disks]
        self.maximum = [d.storage_maximum_bytes for d in self.disks]
        self.reserved = [d.storage_reserved_bytes for d in self.disks]
        self.scheduled = [d.storage_scheduled_bytes for d in self.disks]
        limits = [
            disk_limits(
                maximum_bytes=d.storage_maximum_bytes,
                reserved_bytes=d.storage_reserved_bytes,
                over_provisioning_percentage=settings.storage_over_provisioning_percentage,
                minimal_available_percentage=settings.storage_minimal_available_percentage,
            )
            for d in self.disks
        ]
        self.op_limit = [lim.over_provisioning_limit_bytes for lim in limits]
        self.min_available = [lim.minimal_available_bytes for lim in limits]
        #: over-provisioning limit - scheduled: a replica of ``size`` fits when size <= headroom.
        self.headroom = [lim - s for lim, s in zip(self.op_limit, self.scheduled, strict=True)]
        #: available - reserved: the "most usable storage" of Longhorn 1.9/1.10.
        self.most = [a - r for a, r in zip(self.available, self.reserved, strict=True)]
        #: available - reserved - scheduled: what the balance score (1.11+) calls usable.
        self.usable = [m - s for m, s in zip(self.most, self.scheduled, strict=True)]
        self.schedulable = [node_schedulable_problem(n) is None for n in self.nodes]
        self.running = [
            i for i, n in enumerate(self.nodes)
            if self.schedulable[i] and node_runtime_problem(n) is None
        ]
        self.running_zone_of = {self.nodes[i].name: self.zone[i] for i in self.running}
        self._selector_cache: dict[tuple[tuple[str, ...], bool], list[bool]] = {}
        self._class_cache: dict[tuple[object, ...], list[tuple[int, ...]]] = {}
        self._space_cache: dict[int, list[bool]] = {}
        self._pools: dict[tuple[object, ...], Pool] = {}
        self._disk_pools: dict[int, list[Pool]] = {}

    def name_of(self, d: int) -> Placement:
        return Placement(node=self.nodes[self.disk_node[d]].name, disk=self.disks[d].name)

    def commit(self, placements: Iterable[Placement | None], size_bytes: int) -> None:
        """Count placed replicas of ``size`` bytes as scheduled on their disks."""
        for p in placements:
            if p is not None:
                d = self.disk_at[(p.node, p.disk)]
                old_usable, old_headroom = self.usable[d], self.headroom[d]
                self.scheduled[d] += size_bytes
                self.headroom[d] -= size_bytes
                self.usable[d] -= size_bytes
                pools = self._disk_pools.get(d)
                if pools:
                    old_value = old_usable if old_usable > 0 else 0
                    new_value = self.usable[d] if self.usable[d] > 0 else 0
                    for pool in pools:
                        pool.moved(self.disk_node[d], d, old_value, new_value,
                                   old_headroom, self.headroom[d])

    def cluster_state(self) -> ClusterState:
        """The cluster with the committed scheduled bytes written into its disks."""
        return ClusterState(nodes=tuple(
            replace(node, disks=tuple(
                replace(d, storage_scheduled_bytes=self.scheduled[self.disk_at[(node.name, d.name)]])
                for d in node.disks))
            for node in self.nodes
        ))

    def selector_ok(self, volume: VolumeSpec) -> list[bool]:
        """Per node: do its tags satisfy the volume's nodeSelector?"""
        allow = self.settings.allow_empty_node_selector_volume
        key = (volume.node_selector, allow)
        ok = self._selector_cache.get(key)
        if ok is None:
            ok = [selectors_in_tags(n.tags, volume.node_selector, allow) for n in self.nodes]
            self._remember(self._selector_cache, key, ok)
        return ok

    def class_disks(self, volume: VolumeSpec) -> list[tuple[int, ...]]:
        """Per node, the disks that pass every check except capacity and anti-affinity."""
        key = (volume.data_engine, volume.disk_selector, self.settings.allow_empty_disk_selector_volume)
        lists = self._class_cache.get(key)
        if lists is None:
            lists = [
                tuple(d for d in ids if disk_static_problem(self.disks[d], volume, self.settings) is None)
                for ids in self.node_disks
            ]
            self._remember(self._class_cache, key, lists)
        return lists

    def space_ok(self, actual_size_bytes: int) -> list[bool]:
        """Per disk: Longhorn's actual-space condition for a volume of ``actual_size``."""
        ok = self._space_cache.get(actual_size_bytes)
        if ok is None:
            ok = [
                m > 0 and a > 0 and a - actual_size_bytes > floor
                for m, a, floor in zip(self.maximum, self.available, self.min_available, strict=True)
            ]
            self._remember(self._space_cache, actual_size_bytes, ok)
        return ok

    def pool(self, volume: VolumeSpec) -> Pool:
        """The static candidates of volumes shaped like ``volume`` (not strict-local)."""
        key = (volume.data_engine, volume.disk_selector, volume.node_selector, volume.actual_size_bytes)
        pool = self._pools.get(key)
        if pool is None:
            if len(self._pools) >= _POOL_LIMIT:
                self._pools.clear()
                self._disk_pools.clear()
            class_disks = self.class_disks(volume)
            space = self.space_ok(volume.actual_size_bytes)
            selected = self.selector_ok(volume)
            disks_of = {}
            for n in self.running:
                if selected[n]:
                    ds = tuple(d for d in class_disks[n] if space[d])
                    if ds:
                        disks_of[n] = ds
            value = [u if u > 0 else 0 for u in self.usable]
            pool = Pool(disks_of, self.zone, value, self.headroom, self.most)
            self._pools[key] = pool
            for ds in disks_of.values():
                for d in ds:
                    self._disk_pools.setdefault(d, []).append(pool)
        return pool

    @staticmethod
    def _remember(cache: dict[K, V], key: K, value: V) -> None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[key] = value


def _check_names(cluster: ClusterState, source: str) -> None:
    seen: set[str] = set()
    for i, node in enumerate(cluster.nodes):
        if node.name in seen:
            raise SnapshotError(
                f'duplicate node name "{node.name}"',
                file=source, where=f"/nodes/{i}/name", expected="unique node names",
            )
        seen.add(node.name)
        disks: set[str] = set()
        for j, disk in enumerate(node.disks):
            if disk.name in disks:
                raise SnapshotError(
                    f'duplicate disk name "{disk.name}" on node "{node.name}"',
                    file=source, where=f"/nodes/{i}/disks/{j}/name",
                    expected="unique disk names within a node",
                )
            disks.add(disk.name)
