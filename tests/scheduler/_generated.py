"""Seeded random sites for comparing the indexed choice with the straightforward scan.

Sizes and capacities come from small sets so that ties (equal sums, equal disk values) and
full disks happen often; zones range from none to one per node.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from harvester_iac.scheduler import (
    AntiAffinity,
    ClusterState,
    DataLocality,
    DiskState,
    DiskType,
    LonghornVersion,
    NodeState,
    ReplicaState,
    Robustness,
    SchedulingSettings,
    VolumeSpec,
)

GIB = 2**30
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Site:
    cluster: ClusterState
    settings: SchedulingSettings
    version: LonghornVersion
    volumes: tuple[tuple[VolumeSpec, tuple[ReplicaState, ...]], ...]


def _disk(rng: random.Random, j: int) -> DiskState:
    maximum = rng.choice([10, 20, 20, 40, 100]) * GIB
    return DiskState(
        name=f"d{j}",
        disk_type=DiskType.BLOCK if rng.random() < 0.1 else DiskType.FILESYSTEM,
        allow_scheduling=rng.random() > 0.05, eviction_requested=rng.random() < 0.03,
        schedulable=rng.random() > 0.05, tags=tuple(sorted(rng.sample(["ssd", "hdd"], rng.randint(0, 2)))),
        storage_maximum_bytes=maximum,
        storage_available_bytes=rng.choice([maximum, maximum, maximum // 2, maximum // 5]),
        storage_reserved_bytes=rng.choice([0, 0, GIB]),
        storage_scheduled_bytes=rng.choice([0, 0, GIB, 5 * GIB]),
    )


def generated_site(seed: int) -> Site:
    rng = random.Random(seed)
    hosts = rng.randint(1, 40)
    zone_count = rng.choice([0, 1, 2, 3, 5, hosts])
    nodes = []
    for i in range(hosts):
        nodes.append(NodeState(
            name=f"n{i:02d}", zone=f"z{i % zone_count}" if zone_count else "",
            ready=rng.random() > 0.05, allow_scheduling=rng.random() > 0.05,
            instance_manager_ready=rng.random() > 0.03,
            tags=("fast",) if rng.random() < 0.3 else (),
            disks=tuple(_disk(rng, j) for j in range(rng.choice([0, 1, 2, 3, 8])))))
    settings = SchedulingSettings(
        replica_soft_anti_affinity=rng.random() < 0.3,
        replica_zone_soft_anti_affinity=rng.random() < 0.8,
        replica_disk_soft_anti_affinity=rng.random() < 0.8,
        storage_over_provisioning_percentage=rng.choice([100, 100, 200, 50]),
        storage_minimal_available_percentage=rng.choice([25, 25, 10, 0]),
        allow_empty_disk_selector_volume=rng.random() < 0.8,
        allow_empty_node_selector_volume=rng.random() < 0.8,
    )
    volumes = []
    for v in range(rng.randint(1, 120)):
        replicas: list[ReplicaState] = []
        robustness, degraded_at = Robustness.HEALTHY, None
        if rng.random() < 0.1 and nodes:
            node = rng.choice(nodes)
            if node.disks:
                failed = rng.random() < 0.5
                replicas.append(ReplicaState(
                    name=f"v{v}-r0", node=node.name, disk=rng.choice(node.disks).name,
                    failed_at=NOW - timedelta(hours=1) if failed else None,
                    eviction_requested=rng.random() < 0.2))
                if failed:
                    robustness, degraded_at = Robustness.DEGRADED, NOW - timedelta(hours=2)
        locality = rng.choice([DataLocality.DISABLED] * 4 + [DataLocality.BEST_EFFORT])
        volumes.append((VolumeSpec(
            name=f"v{v}", size_bytes=rng.choice([0, 1, 2, 2, 5, 5, 10]) * GIB,
            actual_size_bytes=rng.choice([0, 0, GIB]),
            number_of_replicas=rng.choice([1, 2, 3, 3, 3, 4]),
            disk_selector=rng.choice([(), (), ("ssd",), ("hdd",)]),
            node_selector=rng.choice([(), (), ("fast",)]),
            data_locality=locality,
            attached_node=rng.choice(nodes).name if nodes and rng.random() < 0.5 else None,
            replica_soft_anti_affinity=rng.choice([AntiAffinity.IGNORED] * 3 + list(AntiAffinity)),
            replica_zone_soft_anti_affinity=rng.choice([AntiAffinity.IGNORED] * 3 + list(AntiAffinity)),
            replica_disk_soft_anti_affinity=rng.choice([AntiAffinity.IGNORED] * 3 + list(AntiAffinity)),
            robustness=robustness, last_degraded_at=degraded_at,
        ), tuple(replicas)))
    return Site(cluster=ClusterState(nodes=tuple(nodes)), settings=settings,
                version=rng.choice(list(LonghornVersion)), volumes=tuple(volumes))
