"""Invariants of the simulation on random clusters (hypothesis)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.scheduler import (
    AntiAffinity,
    ClusterState,
    DiskState,
    DiskType,
    LonghornVersion,
    NodeState,
    Scheduler,
    SchedulingSettings,
    VolumeSpec,
)
from harvester_iac.scheduler._filters import disk_static_problem, node_runtime_problem
from harvester_iac.scheduler._filters import node_schedulable_problem as node_problem

SCHEMA = json.loads(resources.files("harvester_iac.scheduler").joinpath(
    "simulate-output.schema.json").read_text())
GIB = 2**30


@st.composite
def clusters(draw: st.DrawFn) -> ClusterState:
    nodes = []
    for i in range(draw(st.integers(0, 5))):
        disks = []
        for j in range(draw(st.integers(0, 3))):
            maximum = draw(st.sampled_from([0, 2 * GIB, 5 * GIB, 20 * GIB]))
            disks.append(DiskState(
                name=f"d{j}",
                disk_type=draw(st.sampled_from([DiskType.FILESYSTEM, DiskType.FILESYSTEM, DiskType.BLOCK])),
                allow_scheduling=draw(st.booleans()) or draw(st.booleans()),
                eviction_requested=draw(st.booleans()) and draw(st.booleans()),
                schedulable=draw(st.booleans()) or draw(st.booleans()),
                tags=tuple(draw(st.sets(st.sampled_from(["ssd", "hdd"])))),
                storage_maximum_bytes=maximum,
                storage_available_bytes=draw(st.integers(0, maximum)),
                storage_reserved_bytes=draw(st.sampled_from([0, GIB])),
                storage_scheduled_bytes=draw(st.sampled_from([0, GIB, 3 * GIB])),
            ))
        nodes.append(NodeState(
            name=f"n{i}", zone=draw(st.sampled_from(["", "z1", "z2"])),
            ready=draw(st.booleans()) or draw(st.booleans()),
            allow_scheduling=draw(st.booleans()) or draw(st.booleans()),
            engine_image_ready=draw(st.booleans()) or draw(st.booleans()),
            tags=tuple(draw(st.sets(st.sampled_from(["fast"])))), disks=tuple(disks)))
    return ClusterState(nodes=tuple(nodes))


overrides = st.sampled_from(list(AntiAffinity))


@st.composite
def volumes(draw: st.DrawFn) -> VolumeSpec:
    return VolumeSpec(
        size_bytes=draw(st.sampled_from([GIB // 2, GIB, 2 * GIB])),
        number_of_replicas=draw(st.integers(1, 4)),
        disk_selector=tuple(draw(st.sets(st.sampled_from(["ssd"])))),
        node_selector=tuple(draw(st.sets(st.sampled_from(["fast"])))),
        replica_soft_anti_affinity=draw(overrides),
        replica_zone_soft_anti_affinity=draw(overrides),
        replica_disk_soft_anti_affinity=draw(overrides),
    )


@settings(max_examples=300, deadline=None)
@given(clusters(), volumes(), st.sampled_from(list(LonghornVersion)), st.booleans(), st.booleans())
def test_placements_obey_the_rules(cluster: ClusterState, volume: VolumeSpec,
                                   version: LonghornVersion, empty_disk: bool, empty_node: bool) -> None:
    from datetime import UTC, datetime

    cfg = SchedulingSettings(allow_empty_disk_selector_volume=empty_disk,
                             allow_empty_node_selector_volume=empty_node)
    s = Scheduler(cluster, settings=cfg, version=version)
    result = s.place(volume, now=datetime(2026, 1, 1, tzinfo=UTC))
    jsonschema.validate(result.to_json(), SCHEMA)
    node_soft = volume.replica_soft_anti_affinity.resolve(cfg.replica_soft_anti_affinity)
    zone_soft = volume.replica_zone_soft_anti_affinity.resolve(cfg.replica_zone_soft_anti_affinity)
    disk_soft = volume.replica_disk_soft_anti_affinity.resolve(cfg.replica_disk_soft_anti_affinity)
    placed = [p for p in result.placements if p is not None]
    for p in placed:
        node = cluster.node(p.node)
        assert node is not None
        disk = node.disk(p.disk)
        assert disk is not None
        assert node_problem(node) is None and node_runtime_problem(node) is None
        assert disk_static_problem(disk, volume, cfg) is None
    if not node_soft:
        assert len({p.node for p in placed}) == len(placed)
    if not zone_soft:
        zones = [n.zone for p in placed for n in cluster.nodes if n.name == p.node]
        assert len(set(zones)) == len(zones)
    if not disk_soft:
        assert len({(p.node, p.disk) for p in placed}) == len(placed)
    # Every unplaced replica is explained, and every node of the cluster is accounted for.
    for outcome in result.outcomes:
        if outcome.placement is None:
            assert outcome.explanation is not None
            assert outcome.explanation.startswith(f"replica {outcome.index + 1}: ")
            named = {e.node for e in outcome.exclusions}
            assert {n.name for n in cluster.nodes} <= named or not cluster.nodes
    # The same input gives the same answer.
    again = Scheduler(cluster, settings=cfg, version=version).place(
        volume, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert again.placements == result.placements and again.explanations == result.explanations
