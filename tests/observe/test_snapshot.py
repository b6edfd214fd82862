"""The health snapshot: round trip, the shipped schema, and located errors on bad input."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.errors import SnapshotError
from harvester_iac.observe import (
    Event,
    EventKind,
    HealthSnapshot,
    MetricName,
    MetricSample,
    PrometheusMetrics,
    Robustness,
    SourceKind,
    SourceState,
    SourceStatus,
    TimeWindow,
    VolumeRobustnessSample,
    build_snapshot,
    dumps_snapshot,
    join_volumes,
    load_snapshot,
    read_iscsiadm,
    read_longhorn_files,
    snapshot_schema,
    snapshot_to_dict,
    write_snapshot,
)
from tests.observe._paths import INCIDENT_LISTING, INCIDENT_LONGHORN, MASTER_VOLUMES

T0 = datetime(2025, 12, 28, 0, 46, 45, 118204, tzinfo=UTC)


def _events() -> tuple[Event, ...]:
    return (
        Event(time=datetime(2025, 12, 28, 0, 52, 5, tzinfo=UTC), host="altra", source="kernel",
              kind=EventKind.BUFFER_IO_ERROR, file="kernel.log", line=17,
              raw="Dec 27 16:52:05 altra kernel: Buffer I/O error on dev sdo16, logical block 0, async page read",
              device="sdo16", disk="sdo", repeat=3, tz_assumed=True),
        Event(time=T0, host="kube-master-00", source="k3s", kind=EventKind.ETCD_SLOW_APPLY,
              file="k3s.log", line=4, raw='{"msg":"apply request took too long"}', took_ms=1723.0,
              expected_ms=100.0, extra=(("prefix", "read-only range "),)),
        Event(time=None, host=None, source="iscsid", kind=EventKind.LOGIN_ERROR, file="pasted.log",
              line=1, raw="cannot make a connection to 10.42.82.27:3260 (-1,22)", portal="10.42.82.27:3260"),
    )


def _snapshot() -> HealthSnapshot:
    sessions = read_iscsiadm(INCIDENT_LISTING)
    longhorn, lh_sources = read_longhorn_files(INCIDENT_LONGHORN)
    metrics = PrometheusMetrics(
        url="http://127.0.0.1:9090",
        queried_at=datetime(2025, 12, 29, 10, 0, tzinfo=UTC),
        samples=(
            MetricSample(MetricName.ETCD_WAL_FSYNC_P99, (("instance", "a"), ("job", "etcd")), 0.512),
            MetricSample(MetricName.ETCD_BACKEND_COMMIT_P99, (("instance", "a"),), math.nan),
            MetricSample(MetricName.ETCD_BACKEND_COMMIT_P99, (("instance", "b"),), math.inf),
        ),
        volume_robustness=(VolumeRobustnessSample("pvc-1", "altra", None, Robustness.DEGRADED, "value"),),
    )
    sources = (
        SourceStatus(SourceKind.LOG, "kernel.log", SourceState.OK, detail="20 lines", lines=20, events=1),
        SourceStatus(SourceKind.KUBERNETES, "https://192.168.1.85:6443/apis/longhorn.io/v1beta2/namespaces/longhorn-system/settings",
                     SourceState.FAILED, error="HTTP 403 Forbidden"),
        *lh_sources,
    )
    return build_snapshot(
        collected_at=datetime(2025, 12, 29, 10, 0, 1, 250000, tzinfo=UTC),
        window=TimeWindow(since=datetime(2025, 12, 27, 23, 0, tzinfo=UTC), until=None),
        sources=sources,
        events=join_volumes(_events(), sessions),
        sessions=(sessions,),
        longhorn=longhorn,
        metrics=metrics,
    )


def test_round_trip_is_exact(tmp_path: Path) -> None:
    snap = _snapshot()
    path = tmp_path / "snap.json"
    write_snapshot(snap, path)
    again = load_snapshot(path)
    for f in dataclasses.fields(HealthSnapshot):
        if f.name != "metrics":
            assert getattr(again, f.name) == getattr(snap, f.name), f.name
    assert again.metrics is not None and snap.metrics is not None
    a, b = again.metrics.samples, snap.metrics.samples
    assert [(s.name, s.labels) for s in a] == [(s.name, s.labels) for s in b]
    assert a[0].value == 0.512 and math.isnan(a[1].value) and a[2].value == math.inf
    assert dumps_snapshot(again) == path.read_text()


def test_snapshot_json_validates_against_the_shipped_schema() -> None:
    schema = snapshot_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    doc = json.loads(dumps_snapshot(_snapshot()))
    jsonschema.Draft202012Validator(schema).validate(doc)
    event = doc["events"][1]
    assert event["kind"] == "buffer_io_error"
    for key in ("time", "host", "source", "kind", "device", "connection", "iqn", "volume", "file", "line", "raw"):
        assert key in event
    assert event["volume"] == MASTER_VOLUMES["kube-master-01"]
    assert event["time"] == "2025-12-28T00:52:05Z"
    assert doc["sources"][1] | {} == {
        "kind": "kubernetes", "path": None,
        "url": "https://192.168.1.85:6443/apis/longhorn.io/v1beta2/namespaces/longhorn-system/settings",
        "status": "failed", "error": "HTTP 403 Forbidden", "detail": None, "lines": 0, "events": 0,
    }


def test_every_event_field_is_in_the_schema() -> None:
    """Adding a field to Event must come with the schema (and the snapshot) knowing it."""
    props = snapshot_schema()["$defs"]["event"]["properties"]
    assert set(props) == {f.name for f in dataclasses.fields(Event)}
    assert set(snapshot_schema()["$defs"]["event"]["required"]) == set(props)


def test_summaries_count_occurrences_by_host_disk_volume_and_master() -> None:
    s = _snapshot().summaries
    assert [h.host for h in s.hosts] == ["altra", "kube-master-00", None]
    (disk,) = s.disks
    assert (disk.host, disk.disk, disk.devices, disk.volumes) == (
        "altra", "sdo", ("sdo16",), (MASTER_VOLUMES["kube-master-01"],),
    )
    assert disk.counts.count(EventKind.BUFFER_IO_ERROR) == 3 and disk.counts.total == 3
    (volume,) = s.volumes
    assert (volume.vm_name, volume.pvc_name) == ("kube-master-01", "kube-master-01-root-52gqg")
    (master,) = s.masters
    assert master.host == "kube-master-00" and master.volumes == (MASTER_VOLUMES["kube-master-00"],)
    assert master.max_took_ms == 1723.0 and master.counts.first == T0 == master.counts.last


def _write(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    ("mutate", "where", "expected"),
    [
        (lambda d: d["events"][0].__setitem__("line", "17"), "/events/0/line", "integer"),
        (lambda d: d["events"][0].__setitem__("kind", "disk_on_fire"), "/events/0/kind", "one of"),
        (lambda d: d["events"][0].pop("raw"), "/events/0", "raw"),
        (lambda d: d.__setitem__("surprise", 1), "/surprise", 'unknown key "surprise"'),
        (lambda d: d["sources"][0].__setitem__("status", "meh"), "/sources/0/status", '"partial"'),
        (lambda d: d.__setitem__("collected_at", "yesterday"), "/collected_at", "RFC 3339"),
        (lambda d: d["longhorn"]["volumes"][0].__setitem__("robustness", "fine"),
         "/longhorn/volumes/0/robustness", "healthy"),
        (lambda d: d.__setitem__("apiVersion", "harvester-iac/v0"), "/apiVersion", "harvester-iac/v1"),
    ],
)
def test_bad_snapshots_name_file_pointer_and_expectation(
    tmp_path: Path, mutate: Any, where: str, expected: str
) -> None:
    doc = snapshot_to_dict(_snapshot())
    mutate(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert info.value.file == str(path)
    assert info.value.where == where
    assert expected in str(info.value)


def test_not_json_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text('{"apiVersion": "harvester-iac/v1",\n  "kind": }')
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert info.value.where == "2:11"
    with pytest.raises(SnapshotError, match="no such snapshot"):
        load_snapshot(tmp_path / "absent.json")
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(SnapshotError, match="UTF-8"):
        load_snapshot(path)


def test_write_is_atomic_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text("previous")
    write_snapshot(_snapshot(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]
    assert load_snapshot(path).events
    with pytest.raises(SnapshotError, match="cannot write"):
        write_snapshot(_snapshot(), tmp_path / "no-such-dir" / "snap.json")


def test_naive_times_are_refused_when_writing() -> None:
    snap = dataclasses.replace(_snapshot(), collected_at=datetime(2025, 12, 29, 10, 0))
    with pytest.raises(ValueError, match="naive"):
        dumps_snapshot(snap)


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_any_bytes_or_truncated_snapshot_is_a_snapshot_error(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    good = dumps_snapshot(_snapshot()).encode()
    blob = data.draw(st.one_of(
        st.binary(max_size=300),
        st.integers(0, len(good) - 3).map(lambda n: good[:n]),  # the last 2 bytes are "}\n"
        st.just(b"[" * 50_000),
        st.just(good.replace(b'"line": 17', b'"line": 1e999')),
    ))
    path = tmp_path_factory.mktemp("fuzz") / "snap.json"
    path.write_bytes(blob)
    with pytest.raises(SnapshotError):
        load_snapshot(path)
