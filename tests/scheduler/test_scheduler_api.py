"""The public surface of ``harvester_iac.scheduler`` and the multi-volume ``Scheduler``."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime

import pytest

import harvester_iac.cli as cli
import harvester_iac.scheduler as scheduler
from harvester_iac.errors import SnapshotError
from harvester_iac.scheduler import (
    AntiAffinity,
    ClusterState,
    DataLocality,
    DiskSelection,
    DiskState,
    ExclusionRule,
    LonghornVersion,
    NodeState,
    Placement,
    ReplicaState,
    Scheduler,
    SchedulingSettings,
    VolumeSpec,
    load_case,
    simulate,
)
from tests.scheduler._cases import EXTRA_CASES, REFERENCE_CASES

GIB = 2**30
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_public_names_are_pinned() -> None:
    assert scheduler.__all__ == [
        "AntiAffinity", "CaseExpectation", "ClusterState", "DataEngine", "DataLocality",
        "DiskSelection", "DiskState", "DiskType", "Exclusion", "ExclusionRule",
        "InventoryPlacement", "LonghornVersion", "NodeState", "Placement", "ReplicaAutoBalance",
        "ReplicaOutcome", "ReplicaState", "Robustness", "Scheduler", "SchedulerInput", "SchedulingCase",
        "SchedulingSettings",
        "SimulationResult", "VolumePlacement", "VolumeSpec",
        "cluster_from_longhorn", "from_inventory", "from_observed", "load_case", "parse_case", "place_inventory",
        "replicas_from_longhorn", "simulate",
    ]
    assert scheduler.__all__ == sorted(scheduler.__all__)
    for name in scheduler.__all__:
        assert getattr(scheduler, name) is not None


def test_cli_registers_simulate() -> None:
    assert "simulate" in cli.COMMANDS


def test_scheduler_does_not_import_cdk_or_model() -> None:
    import subprocess
    import sys

    code = ("import sys, harvester_iac.scheduler; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('cdktf', 'cdktn', 'jsii', "
            "'constructs', 'kubernetes', 'matplotlib') or m in ('harvester_iac.cdk', "
            "'harvester_iac.model')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "version", "selection"),
    [("1.9", "1.9", DiskSelection.MOST_USABLE_STORAGE), ("v1.10.2", "1.10", DiskSelection.MOST_USABLE_STORAGE),
     ("1.11.2", "1.11", DiskSelection.BALANCE_SCORE), ("1.12.1", "1.12", DiskSelection.BALANCE_SCORE)],
)
def test_versions(text: str, version: str, selection: DiskSelection) -> None:
    v = LonghornVersion.parse(text)
    assert v == version and v.disk_selection is selection


@pytest.mark.parametrize("text", ["1.8.2", "2.0", "latest", ""])
def test_unsupported_versions(text: str) -> None:
    with pytest.raises(ValueError):
        LonghornVersion.parse(text)


def test_format_example_sentence() -> None:
    case = load_case(next(p for p in REFERENCE_CASES if p.name.startswith("10-")))
    result = simulate(case)
    assert result.explanations == (
        "replica 2: no disk left: disk soft anti-affinity is off and n1/d1 holds a replica",
    )
    assert result.to_json() == {
        "placements": [{"node": "n1", "disk": "d1"}, None],
        "errors": [],
        "explanations": list(result.explanations),
    }


def _cluster(n_nodes: int, disks: int, size: int = 10 * GIB) -> ClusterState:
    return ClusterState(nodes=tuple(
        NodeState(name=f"h{i}", zone=f"z{i % 2}", disks=tuple(
            DiskState(name=f"d{j}", storage_maximum_bytes=size, storage_available_bytes=size)
            for j in range(disks)))
        for i in range(n_nodes)))


def test_commit_counts_placed_replicas_for_the_next_volume() -> None:
    s = Scheduler(_cluster(3, 1), version=LonghornVersion.V1_12)
    vol = VolumeSpec(name="v", size_bytes=4 * GIB, number_of_replicas=3)
    for i in range(2):
        result = s.place(dataclasses.replace(vol, name=f"v{i}"), now=NOW)
        assert result.first_unplaced == -1
        assert len({p.node for p in result.placements if p}) == 3  # hard node anti-affinity
        s.commit(result.placements, vol.size_bytes)
    # Each 10 GiB disk now has 8 GiB scheduled: a third 4 GiB replica exceeds 100% of 10 GiB.
    assert [s.scheduled(f"h{i}", "d0") for i in range(3)] == [8 * GIB] * 3
    last = s.place(dataclasses.replace(vol, name="v-late"), now=NOW)
    assert last.first_unplaced == 0
    assert {e.rule for e in last.outcomes[0].exclusions} == {ExclusionRule.OVER_PROVISIONING}
    assert "over-provisioning rules out h0/d0, h1/d0 and h2/d0" in last.explanations[0]
    # Without commit the scheduler would not have known.
    fresh = Scheduler(_cluster(3, 1))
    assert fresh.place(vol, now=NOW).first_unplaced == -1
    state = s.cluster_state()
    assert sum(d.storage_scheduled_bytes for n in state.nodes for d in n.disks) == 24 * GIB


def test_input_order_does_not_change_placements() -> None:
    for path in REFERENCE_CASES + EXTRA_CASES:
        case = load_case(path)
        nodes = list(case.cluster.nodes)
        random.Random(7).shuffle(nodes)
        shuffled = dataclasses.replace(case, cluster=ClusterState(nodes=tuple(
            dataclasses.replace(n, disks=tuple(reversed(n.disks))) for n in nodes)))
        assert simulate(shuffled).placements == simulate(case).placements, path.name


def test_duplicate_names_in_python_built_cluster() -> None:
    dup = ClusterState(nodes=(NodeState(name="a"), NodeState(name="a")))
    with pytest.raises(SnapshotError, match='duplicate node name "a"'):
        Scheduler(dup)
    dup_disk = ClusterState(nodes=(NodeState(name="a", disks=(DiskState(name="d"), DiskState(name="d"))),))
    with pytest.raises(SnapshotError, match='duplicate disk name "d"'):
        Scheduler(dup_disk)


def test_reusable_failed_replica_is_reported() -> None:
    case = load_case(next(p for p in EXTRA_CASES if p.name.startswith("x06-")))
    result = simulate(case)
    assert result.reusable_failed_replica == "r-failed"
    assert "replenishment wait ends at 2015-01-02T00:00:30Z" in result.explanations[0]
    assert "reuse failed replica r-failed on n1/d1" in result.explanations[0]
    # A replica rebuilt five times is never reused.
    worn = load_case(next(p for p in EXTRA_CASES if p.name.startswith("x08-")))
    assert simulate(worn).reusable_failed_replica is None


def test_strict_local_refusal_without_new_replicas() -> None:
    s = Scheduler(_cluster(2, 1))
    vol = VolumeSpec(size_bytes=GIB, number_of_replicas=2, data_locality=DataLocality.STRICT_LOCAL)
    result = s.place(vol, count=0, now=NOW)
    assert result.error and result.outcomes == ()


def test_count_defaults_to_missing_replicas() -> None:
    s = Scheduler(_cluster(4, 1))
    result = s.place(VolumeSpec(size_bytes=GIB, number_of_replicas=3), now=NOW)
    assert len(result.outcomes) == 3 and result.first_unplaced == -1


def test_override_resolution() -> None:
    assert AntiAffinity.IGNORED.resolve(True) and not AntiAffinity.IGNORED.resolve(False)
    assert AntiAffinity.ENABLED.resolve(False) and not AntiAffinity.DISABLED.resolve(True)


def test_settings_defaults_are_longhorns() -> None:
    s = SchedulingSettings()
    assert (s.replica_soft_anti_affinity, s.replica_zone_soft_anti_affinity,
            s.replica_disk_soft_anti_affinity) == (False, True, True)
    assert (s.storage_over_provisioning_percentage, s.storage_minimal_available_percentage) == (100, 25)
    assert s.allow_empty_disk_selector_volume and s.allow_empty_node_selector_volume
    assert s.replica_replenishment_wait_interval_s == 600


def test_placement_text() -> None:
    assert str(Placement(node="n1", disk="d1")) == "n1/d1"


def test_explanation_pass_can_be_skipped() -> None:
    case = load_case(next(p for p in REFERENCE_CASES if p.name.startswith("10-")))
    s = Scheduler(case.cluster, settings=case.settings, version=case.version)
    quiet = s.place(case.volume, count=case.schedule, now=case.now, explain=False)
    assert quiet.placements == simulate(case).placements
    assert quiet.explanations == () and quiet.outcomes[1].exclusions == ()
    why = s.exclusions(case.volume, placed=(ReplicaState(name="r", node="n1", disk="d1"),),
                       now=case.now)
    assert [e.rule for e in why] == [ExclusionRule.DISK_ANTI_AFFINITY]
