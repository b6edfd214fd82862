"""Every rule's unknown path: evidence missing or partial gives ``unknown`` with the reason.

Rules that judge the inventory alone have no unknown path; they are judged (never unknown)
without any evidence. Snapshots are assembled with the typed observe objects and real
source statuses (what ``observe`` records), then judged through ``validate``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harvester_iac.model import Inventory, parse_inventory
from harvester_iac.observe import (
    Event,
    EventKind,
    HealthSnapshot,
    LonghornNode,
    LonghornState,
    LonghornVolume,
    MetricName,
    MetricSample,
    PrometheusMetrics,
    Robustness,
    SourceKind,
    SourceState,
    SourceStatus,
    build_snapshot,
)
from harvester_iac.policy import RuleResult, Status, all_rules, get_rule, validate
from tests.coverage.test_three_hosts_one_flaps import HOSTS, MASTERS
from tests.coverage.test_three_hosts_one_flaps import INVENTORY as RACK

NOW = datetime(2025, 12, 28, 1, 0, tzinfo=UTC)
T = NOW - timedelta(hours=1)
INVENTORY_ONLY = {"HIAC-ADMISSION-001", "HIAC-EVIDENCE-001", "HIAC-PLACEMENT-003",
                  "HIAC-PLACEMENT-004", "HIAC-WAIVER-001"}


def _log(host: str) -> SourceStatus:
    return SourceStatus(kind=SourceKind.LOG, location=f"logs/{host}/syslog", state=SourceState.OK,
                        hosts=(host,))


def _lh_file() -> SourceStatus:
    return SourceStatus(kind=SourceKind.LONGHORN_FILE, location="longhorn/dump.yaml", state=SourceState.OK)


def _volume(i: int, *, replicas: int = 3, attached: bool = True, pvc: str | None = None) -> LonghornVolume:
    m = MASTERS[i]
    return LonghornVolume(name=f"pvc-{i}000aaaa", number_of_replicas=replicas,
                          robustness=Robustness.HEALTHY if attached else Robustness.UNKNOWN,
                          state="attached" if attached else "detached",
                          pvc_name=pvc or f"{m}-root-k2j4x", pvc_namespace="default",
                          vm_name=m, vm_name_from="workload" if attached else "pvc")


def _stall(master: str) -> Event:
    return Event(time=T, host=master, source="etcd", kind=EventKind.ETCD_SLOW_APPLY,
                 file=f"logs/{master}/syslog", line=3, took_ms=1700.0,
                 raw=f"Dec 27 16:00:00 {master} k3s[1]: apply request took too long")


def _snap(*, logs: tuple[str, ...] = (), events: tuple[Event, ...] = (),
          longhorn: LonghornState | None = None, sources: tuple[SourceStatus, ...] = (),
          metrics: PrometheusMetrics | None = None) -> HealthSnapshot:
    srcs = [*(_log(h) for h in logs), *sources]
    if longhorn is not None and not sources:
        srcs.append(_lh_file())
    if metrics is not None:
        srcs.append(SourceStatus(kind=SourceKind.PROMETHEUS, location=metrics.url, state=SourceState.OK))
    return build_snapshot(collected_at=NOW - timedelta(minutes=5), sources=tuple(srcs), events=events,
                          longhorn=longhorn, metrics=metrics)


def _judge(rule_id: str, inv: Inventory, snap: HealthSnapshot | None) -> RuleResult:
    rule = get_rule(rule_id)
    assert rule is not None
    (result,) = validate(inv, observed=snap, now=NOW, rules=(rule,)).results
    return result


def _unknown(result: RuleResult) -> dict[str, str]:
    return {u.resource.id: u.reason for u in result.unknowns}


RACK_INV = parse_inventory(RACK)
ALL_LOGS = (*HOSTS, *MASTERS)


def test_every_evidence_rule_has_a_case_here() -> None:
    covered = INVENTORY_ONLY | {f"HIAC-{n}" for n in (
        "CAPACITY-001", "ETCD-001", "ETCD-002", "EVIDENCE-002", "HEALTH-001", "HEALTH-002",
        "HEALTH-003", "PLACEMENT-001", "PLACEMENT-002")}
    assert {r.id for r in all_rules()} == covered


@pytest.mark.parametrize("rule_id", sorted(INVENTORY_ONLY))
def test_inventory_rules_are_judged_without_evidence(rule_id: str) -> None:
    assert _judge(rule_id, RACK_INV, None).status is not Status.UNKNOWN


@pytest.mark.parametrize("rule_id", ["HIAC-ETCD-001", "HIAC-ETCD-002", "HIAC-EVIDENCE-002",
                                     "HIAC-HEALTH-001", "HIAC-HEALTH-002", "HIAC-HEALTH-003"])
def test_evidence_rules_are_unknown_without_evidence(rule_id: str) -> None:
    result = _judge(rule_id, RACK_INV, None)
    assert result.status is Status.UNKNOWN and "no health evidence" in (result.reason or "")
    assert {u.resource.kind.value for u in result.unknowns}  # every subject listed


def test_capacity_of_a_disk_nobody_sized() -> None:
    inv = parse_inventory(RACK.replace(", capacity: 1863Gi", "", 1))
    result = _judge("HIAC-CAPACITY-001", inv, _snap(logs=ALL_LOGS))
    assert result.status is Status.UNKNOWN
    assert "the inventory declares no capacity and its Longhorn Node was not observed" in _unknown(result)[
        "disk/hv-1/nvme0"]


def test_wal_fsync_without_prometheus_and_for_an_unmeasured_master() -> None:
    result = _judge("HIAC-ETCD-001", RACK_INV, _snap(logs=ALL_LOGS))
    assert result.status is Status.UNKNOWN and "Prometheus series" in (result.reason or "")
    series = tuple(MetricSample(name=MetricName.ETCD_WAL_FSYNC_P99, value=0.002,
                                labels=(("instance", f"10.20.1.{11 + i}:2381"),)) for i in (0, 1))
    metrics = PrometheusMetrics(url="http://127.0.0.1:9090", queried_at=NOW, samples=series)
    result = _judge("HIAC-ETCD-001", RACK_INV, _snap(logs=ALL_LOGS, metrics=metrics))
    assert result.status is Status.UNKNOWN and list(_unknown(result)) == ["master/k3s-server-3"]


def test_etcd_stalls_of_a_master_whose_logs_or_host_logs_are_missing() -> None:
    result = _judge("HIAC-ETCD-002", RACK_INV, _snap(logs=(*HOSTS, "k3s-server-1", "k3s-server-2")))
    assert "the logs of k3s-server-3 were not observed" in _unknown(result)["master/k3s-server-3"]
    snap = _snap(logs=("hv-1", "hv-3", *MASTERS), events=(_stall("k3s-server-2"),))
    result = _judge("HIAC-ETCD-002", RACK_INV, snap)
    assert result.status is Status.UNKNOWN  # no finding: nothing is claimed about hv-2
    assert "but the logs of its host hv-2 were not observed" in _unknown(result)["master/k3s-server-2"]


def test_health_of_a_host_whose_logs_were_not_read() -> None:
    result = _judge("HIAC-HEALTH-001", RACK_INV, _snap(logs=("hv-1", "hv-3")))
    assert result.status is Status.UNKNOWN
    assert "whose logs were not observed" in _unknown(result)["host/hv-2"]


def test_volume_health_without_volumes_or_with_a_detached_leftover_only() -> None:
    nodes = LonghornState(nodes=tuple(LonghornNode(name=h) for h in HOSTS))
    result = _judge("HIAC-HEALTH-002", RACK_INV, _snap(logs=ALL_LOGS, longhorn=nodes))
    assert result.status is Status.UNKNOWN and "Longhorn Volume objects: not observed" in (result.reason or "")
    lh = LonghornState(volumes=(_volume(0), _volume(1), _volume(2, attached=False)))
    result = _judge("HIAC-HEALTH-002", RACK_INV, _snap(logs=ALL_LOGS, longhorn=lh))
    assert list(_unknown(result)) == ["volume/k3s-server-3/root"]
    assert "detached volumes named after it do not count" in _unknown(result)["volume/k3s-server-3/root"]


def test_disks_without_nodes_and_with_a_partial_node_list() -> None:
    volumes = LonghornState(volumes=tuple(_volume(i) for i in range(3)))
    result = _judge("HIAC-HEALTH-003", RACK_INV, _snap(logs=ALL_LOGS, longhorn=volumes))
    assert result.status is Status.UNKNOWN and not result.outcomes
    assert "Longhorn Node objects: not observed" in (result.reason or "")
    live = tuple(SourceStatus(kind=SourceKind.KUBERNETES, location=f"https://k8s:6443/apis/longhorn.io/"
                              f"v1beta2/namespaces/longhorn-system/{p}", state=state,
                              error="HTTP 500 Internal Server Error" if state is SourceState.PARTIAL else None,
                              detail=f"1 {p} objects in 1 pages")
                 for p, state in (("volumes", SourceState.OK), ("nodes", SourceState.PARTIAL)))
    lh = LonghornState(volumes=volumes.volumes, nodes=(LonghornNode(name="hv-1"),))
    result = _judge("HIAC-HEALTH-003", RACK_INV, _snap(logs=ALL_LOGS, longhorn=lh, sources=live))
    assert set(_unknown(result)) == {"host/hv-2", "host/hv-3"}
    assert "read only in part (HTTP 500" in _unknown(result)["host/hv-2"]


@pytest.mark.parametrize(("rule_id", "resource"), [
    ("HIAC-PLACEMENT-001", "volume/k3s-server-1/root"),
    ("HIAC-PLACEMENT-002", "master/k3s-server-1"),
])
def test_placement_of_existing_volumes_whose_replicas_were_not_observed(rule_id: str, resource: str) -> None:
    lh = LonghornState(volumes=tuple(_volume(i) for i in range(3)))  # the plan's shape: 3 replicas
    result = _judge(rule_id, RACK_INV, _snap(logs=ALL_LOGS, longhorn=lh))
    assert result.status is Status.UNKNOWN
    assert "were not observed (no Replica objects)" in _unknown(result)[resource]
    assert len(result.unknowns) == 3


def test_unknowns_become_errors_with_require() -> None:
    lh = LonghornState(volumes=tuple(_volume(i) for i in range(3)))
    rule = get_rule("HIAC-PLACEMENT-001")
    assert rule is not None
    report = validate(RACK_INV, observed=_snap(logs=ALL_LOGS, longhorn=lh), now=NOW, rules=(rule,),
                      require=frozenset({"replicas"}))
    assert not report.passed and len(report.blocking) == 3
    assert all(o.finding.message.startswith("not judged, and the evidence is required")
               for o in report.blocking)
    report = validate(RACK_INV, observed=_snap(logs=ALL_LOGS, longhorn=lh), now=NOW, rules=(rule,),
                      require=frozenset({"metrics"}))
    assert report.passed  # the unknowns miss replicas, not metrics


def test_a_snapshot_built_without_sources_counts_only_what_it_holds() -> None:
    """The Python API may assemble a snapshot with no source: the hosts its events name and
    the Longhorn kinds it holds are observed, nothing else (stated in the reason)."""
    snap = build_snapshot(collected_at=NOW, events=(_stall("k3s-server-2"),),
                          longhorn=LonghornState(volumes=(_volume(1),)))
    got = {(c.kind.value, c.scope): (c.state.value, c.reason) for c in snap.coverage}
    assert set(got) == {("events", "k3s-server-2"), ("volumes", None)}
    assert got[("volumes", None)] == ("full", "no source recorded; taken as observed because the snapshot holds it")
    result = _judge("HIAC-HEALTH-001", RACK_INV, snap)
    assert result.status is Status.UNKNOWN
