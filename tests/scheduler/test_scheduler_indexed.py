"""The indexed choice (pools in value order) against the straightforward scan.

``Scheduler(indexed=False)`` runs Longhorn's steps literally: every disk of every tier
node, then the balance score over all candidates. The indexed path must give the same
placements, errors and explanations on every site, volume after volume.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.scheduler import (
    ClusterState,
    DiskState,
    LonghornVersion,
    NodeState,
    Scheduler,
    SchedulingSettings,
    SimulationResult,
    VolumeSpec,
    _indexed,
    load_case,
)
from harvester_iac.scheduler._pool import MaxTree
from tests.scheduler._cases import EXTRA_CASES, REFERENCE_CASES
from tests.scheduler._generated import GIB, NOW, Site, generated_site
from tests.scheduler.test_scheduler_properties import clusters, volumes


def _run(site: Site, *, indexed: bool) -> tuple[list[SimulationResult], ClusterState]:
    s = Scheduler(site.cluster, settings=site.settings, version=site.version, indexed=indexed)
    results = []
    for volume, replicas in site.volumes:
        result = s.place(volume, replicas=replicas, now=NOW)
        s.commit(result.placements, volume.size_bytes)
        results.append(result)
    return results, s.cluster_state()


@pytest.mark.parametrize("seed", range(120))
def test_indexed_equals_scan_on_generated_sites(seed: int) -> None:
    site = generated_site(seed)
    assert _run(site, indexed=True) == _run(site, indexed=False)


@settings(max_examples=200, deadline=None)
@given(clusters(), st.lists(volumes(), min_size=1, max_size=12),
       st.sampled_from(list(LonghornVersion)), st.booleans(), st.booleans())
def test_indexed_equals_scan_on_random_clusters(
    cluster: ClusterState, vols: list[VolumeSpec], version: LonghornVersion,
    empty_disk: bool, empty_node: bool,
) -> None:
    cfg = SchedulingSettings(allow_empty_disk_selector_volume=empty_disk,
                             allow_empty_node_selector_volume=empty_node)
    site = Site(cluster=cluster, settings=cfg, version=version,
                volumes=tuple((v, ()) for v in vols))
    assert _run(site, indexed=True) == _run(site, indexed=False)


def _uniform_site(hosts: int, zones: int) -> ClusterState:
    """Identical hosts: equal sums everywhere, the case where first-of-equals decides."""
    return ClusterState(nodes=tuple(
        NodeState(name=f"h{i:03d}", zone=f"z{i % zones}" if zones else "", disks=tuple(
            DiskState(name=f"d{j}", storage_maximum_bytes=100 * GIB, storage_available_bytes=100 * GIB)
            for j in range(4)))
        for i in range(hosts)))


@pytest.mark.parametrize("zones", [0, 3, 40])
@pytest.mark.parametrize("version", list(LonghornVersion))
def test_ties_on_identical_hosts(zones: int, version: LonghornVersion) -> None:
    rng = random.Random(zones)
    vols = tuple((VolumeSpec(name=f"v{i}", size_bytes=rng.choice([GIB, 2 * GIB, 4 * GIB])), ())
                 for i in range(300))
    site = Site(cluster=_uniform_site(40, zones), settings=SchedulingSettings(),
                version=version, volumes=vols)
    assert _run(site, indexed=True) == _run(site, indexed=False)


def test_the_indexed_choice_answers_the_common_case(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above would pass trivially if the pools never answered."""
    answers: list[int | None] = []
    real = _indexed.choose_indexed

    def spy(*args: object) -> int | None:
        found = real(*args)  # type: ignore[arg-type]
        answers.append(found)
        return found

    monkeypatch.setattr("harvester_iac.scheduler._simulate.choose_indexed", spy)
    s = Scheduler(_uniform_site(12, 3))
    result = s.place(VolumeSpec(name="v", size_bytes=GIB), now=datetime(2026, 1, 1, tzinfo=UTC))
    assert all(p is not None for p in result.placements)
    assert len(answers) == 3 and None not in answers


@given(st.lists(st.integers(-1, 20), min_size=1, max_size=40), st.data())
def test_max_tree_first_at_least(values: list[int], data: st.DataObject) -> None:
    tree = MaxTree(values)
    for _ in range(5):
        i = data.draw(st.integers(0, len(values) - 1))
        values[i] = data.draw(st.integers(-1, 20))
        tree.set(i, values[i])
        x = data.draw(st.integers(0, 21))
        start = data.draw(st.integers(0, len(values)))
        want = next((j for j in range(start, len(values)) if values[j] >= x), -1)
        assert tree.first_at_least(x, start) == want


@pytest.mark.parametrize("path", REFERENCE_CASES + EXTRA_CASES, ids=lambda p: p.stem)
def test_indexed_equals_scan_on_every_case(path: Path) -> None:
    case = load_case(path)
    results = [
        Scheduler(case.cluster, settings=case.settings, version=case.version,
                  indexed=indexed).place(
            case.volume, count=case.schedule, replicas=case.replicas, now=case.now,
            new_replica_nodes=case.new_replica_nodes)
        for indexed in (True, False)
    ]
    assert results[0] == results[1]
