"""The two ways into the scheduler, and the one meaning they give to missing evidence.

The public simulation (``place_inventory`` on ``from_observed``'s cluster) and the policy
gate (``validate``'s placement) must predict the same replicas from the same evidence.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from harvester_iac.model import default_inventory
from harvester_iac.observe import LonghornCondition, LonghornDisk, LonghornNode, LonghornState
from harvester_iac.policy import Observed
from harvester_iac.policy._simulation import plan_placement
from harvester_iac.scheduler import (
    cluster_from_longhorn,
    from_inventory,
    from_observed,
    place_inventory,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TRUE = (LonghornCondition(type="Ready", status="True"), LonghornCondition(type="Schedulable", status="True"))
GIB = 2**30


def _reported(*, conditions: tuple[LonghornCondition, ...] = TRUE, maximum: int | None = 900 * GIB,
              ready: bool | None = True) -> tuple[LonghornNode, ...]:
    """Longhorn's view of the default inventory's host, every declared disk at its path."""
    inv = default_inventory()
    host = inv.hosts[0]
    disks = tuple(
        LonghornDisk(name=f"lh-{d.name}", path=d.path, allow_scheduling=True, storage_maximum_bytes=maximum,
                     storage_available_bytes=maximum, storage_reserved_bytes=0, storage_scheduled_bytes=0,
                     conditions=conditions)
        for d in host.disks)
    return (LonghornNode(name=host.name, ready=ready, schedulable=ready, allow_scheduling=True, disks=disks),)


def _public(nodes: tuple[LonghornNode, ...]) -> dict[str, tuple[tuple[str, str], ...]]:
    inv = default_inventory()
    placed = place_inventory(inv, observed_nodes=from_observed(inv, nodes).cluster)
    return {v.key: tuple(sorted((p.node, p.disk) for p in v.replicas)) for v in placed.volumes}


def _gate(nodes: tuple[LonghornNode, ...]) -> dict[str, tuple[tuple[str, str], ...]]:
    observed = Observed(source="<test>", collected_at=NOW, longhorn=LonghornState(nodes=nodes))
    site = plan_placement(default_inventory(), observed, now=NOW)
    return {v.volume.key: tuple(sorted((s.host, s.disk) for s in v.replicas)) for v in site.volumes}


@pytest.mark.parametrize(
    "nodes",
    [
        _reported(),
        _reported(conditions=()),  # no Schedulable condition reported
        _reported(maximum=None),  # no storage numbers reported
        _reported(ready=None),  # no Ready condition on the node
        _reported(maximum=30 * GIB),  # room for some replicas, not all
    ],
    ids=["complete", "no-conditions", "no-storage-numbers", "node-not-ready", "small-disks"],
)
def test_public_simulation_and_gate_agree(nodes: tuple[LonghornNode, ...]) -> None:
    assert _public(nodes) == _gate(nodes)


def test_complete_evidence_places_every_replica() -> None:
    placed = _public(_reported())
    wanted = {v.key: 0 for v in default_inventory().declared_volumes()}
    assert set(placed) == set(wanted) and all(placed.values())


@pytest.mark.parametrize("nodes", [_reported(conditions=()), _reported(maximum=None), _reported(ready=None)],
                         ids=["no-conditions", "no-storage-numbers", "node-not-ready"])
def test_missing_evidence_means_what_longhorn_reads(nodes: tuple[LonghornNode, ...]) -> None:
    """A condition not reported is not True; a storage number not reported is 0."""
    assert not any(_public(nodes).values())
    disks = [d for n in cluster_from_longhorn(nodes).nodes for d in n.disks]
    planned = [d for n in from_observed(default_inventory(), nodes).cluster.nodes for d in n.disks]
    for disk in (*disks, *planned):
        usable = disk.schedulable and disk.storage_maximum_bytes > 0
        node_ok = all(n.ready for n in cluster_from_longhorn(nodes).nodes)
        assert not (usable and node_ok)


def test_a_declared_disk_longhorn_does_not_report_is_added_as_declared() -> None:
    inv = default_inventory()
    nodes = _reported()
    only_first = (replace(nodes[0], disks=nodes[0].disks[:1]),)
    got = from_observed(inv, only_first)
    host = inv.hosts[0]
    assert got.measured == {(host.name, host.disks[0].name)}
    plan = {d.name: d for d in from_inventory(inv).cluster.nodes[0].disks}
    for disk in got.cluster.nodes[0].disks[1:]:
        assert disk == plan[disk.name]


def test_the_inventory_sets_the_spec_longhorn_the_status() -> None:
    inv = default_inventory()
    disk = from_observed(inv, _reported()).cluster.nodes[0].disks[0]
    declared = inv.hosts[0].disks[0]
    assert (disk.name, disk.storage_reserved_bytes, disk.tags) == (
        declared.name, declared.storage_reserved.bytes, tuple(sorted(declared.tags)))
    assert (disk.storage_maximum_bytes, disk.schedulable) == (900 * GIB, True)
