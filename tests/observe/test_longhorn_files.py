"""Longhorn objects from kubectl output: every shape kubectl and the API produce, and bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.errors import SnapshotError
from harvester_iac.observe import (
    AntiAffinity,
    DataLocality,
    DiskType,
    Robustness,
    Workload,
    parse_longhorn_text,
    read_longhorn_files,
    vm_name_of,
)
from tests.observe._paths import (
    HEALTHY,
    INCIDENT_LONGHORN,
    LONGHORN_API,
    LONGHORN_CRDS,
    MASTER_VOLUMES,
)

INCIDENT_FILE = INCIDENT_LONGHORN / "longhorn-system.yaml"
DISK_PATH = "/var/lib/harvester/defaultdisk"


def _items(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for doc in yaml.safe_load_all(path.read_text()):
        items += doc["items"] if "items" in doc else [doc]
    return items


def test_incident_objects_read_from_kubectl_yaml() -> None:
    state, sources = read_longhorn_files(INCIDENT_LONGHORN)
    assert [s.location for s in sources] == [str(INCIDENT_FILE)]
    assert sources[0].detail == "22 Longhorn objects"
    assert len(state.volumes) == 5 and len(state.replicas) == 5 and len(state.nodes) == 1
    for vm, name in MASTER_VOLUMES.items():
        v = state.volume(name)
        assert v is not None
        assert (v.vm_name, v.vm_name_from) == (vm, "workload")
        assert v.pvc_name is not None and v.pvc_name.startswith(f"{vm}-root-")
        assert (v.number_of_replicas, v.robustness, v.state) == (1, Robustness.HEALTHY, "attached")
        assert v.size_bytes == 40 * 1024**3 and v.attached_node == "altra"
        assert v.data_locality is DataLocality.DISABLED and v.disk_selector == ()
        assert v.replica_disk_soft_anti_affinity is AntiAffinity.IGNORED
        (replica,) = state.replicas_of(name)
        assert (replica.node, replica.disk_path, replica.current_state) == ("altra", DISK_PATH, "running")
        assert replica.data_path is not None
        assert replica.data_path.startswith(f"{DISK_PATH}/replicas/{name}-")
    assert {v.pvc_name for v in state.volumes if v.vm_name in MASTER_VOLUMES} == {
        "kube-master-00-root-2qcjn", "kube-master-01-root-52gqg", "kube-master-02-root-t8xft",
    }
    (node,) = state.nodes
    assert (node.name, node.ready, node.schedulable, node.zone) == ("altra", True, True, None)
    (disk,) = node.disks
    assert (disk.path, disk.disk_type, disk.allow_scheduling) == (DISK_PATH, DiskType.FILESYSTEM, True)
    assert disk.storage_maximum_bytes == 959925420032 and disk.storage_reserved_bytes == 287977626009
    assert disk.storage_scheduled_bytes == sum(b for _, b in disk.scheduled_replica_bytes)
    assert {r for r, _ in disk.scheduled_replica_bytes} == {r.name for r in state.replicas}
    assert disk.condition("Ready") is not None and disk.condition("Ready").true  # type: ignore[union-attr]
    assert state.setting("replica-soft-anti-affinity") == "false"
    assert state.setting("storage-over-provisioning-percentage") == "100"


@pytest.mark.parametrize(
    "example", [INCIDENT_FILE, *sorted(HEALTHY.glob("longhorn/*.yaml"))], ids=lambda p: p.parent.parent.name
)
def test_example_objects_are_valid_for_longhorns_crds(example: Path) -> None:
    """Every hand-built object passes the openAPIV3Schema of its Longhorn version's CRD."""
    version = "1.9.2" if "incident" in str(example) else "1.11.2"
    checked = 0
    for obj in _items(example):
        crd = json.loads((LONGHORN_CRDS / f"longhorn-v{version}-{obj['kind'].lower()}.v1beta2.json").read_text())
        jsonschema.Draft7Validator(crd["openAPIV3Schema"]).validate(obj)
        checked += 1
    assert checked > 10


def test_json_list_single_objects_and_multi_document_yaml(tmp_path: Path) -> None:
    items = _items(INCIDENT_FILE)
    (tmp_path / "all.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    one = tmp_path / "single"
    one.mkdir()
    (one / "volume.yaml").write_text(yaml.safe_dump(items[1]))
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    (one / "more.yml").write_text(yaml.safe_dump_all([*items[5:7], config_map]))
    (one / ".hidden.yaml").write_text("not: [valid")  # hidden files are not read
    (one / "notes.txt").write_text("ignored: not a .yaml/.json file")
    from_json, _ = read_longhorn_files(tmp_path / "all.json")
    from_yaml, _ = read_longhorn_files(INCIDENT_FILE)
    assert from_json == from_yaml
    state, sources = read_longhorn_files(one)
    assert [Path(s.location).name for s in sources] == ["more.yml", "volume.yaml"]
    assert sources[0].detail == "2 Longhorn objects, 1 other objects skipped"
    assert [v.name for v in state.volumes] == [items[1]["metadata"]["name"]]
    assert len(state.replicas) == 2


def test_api_lists_name_their_item_kind_in_the_list_kind() -> None:
    body = json.loads((LONGHORN_API / "volumes-page-1.json").read_text())
    for item in body["items"]:
        del item["kind"], item["apiVersion"]
    got = parse_longhorn_text(json.dumps(body), file="page.json")
    assert [type(o).__name__ for o in got.objects] == ["LonghornVolume", "LonghornVolume"]


def test_omitted_fields_are_none_and_empty_robustness_is_unknown() -> None:
    text = "apiVersion: longhorn.io/v1beta2\nkind: Volume\nmetadata: {name: fresh}\nstatus: {robustness: ''}\n"
    (v,) = parse_longhorn_text(text, file="v.yaml").objects
    assert v.name == "fresh" and v.robustness is Robustness.UNKNOWN  # type: ignore[union-attr]
    assert v.number_of_replicas is None and v.vm_name is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ("items: [a, b\n", "2:1", "YAML"),
        ('{"items": [}', "1:12", "JSON"),
        (
            "apiVersion: longhorn.io/v1beta2\nkind: Volume\nmetadata: {name: v}\nspec: {numberOfReplicas: three}\n",
            "/spec/numberOfReplicas",
            "an integer",
        ),
        (
            "apiVersion: longhorn.io/v1beta2\nkind: Volume\nmetadata: {name: v}\nstatus: {robustness: shaky}\n",
            "/status/robustness",
            "'healthy'",
        ),
        ("apiVersion: longhorn.io/v1beta2\nkind: Node\nmetadata: {}\n", "/metadata/name", "name"),
        (
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: longhorn.io/v1beta2\n  kind: Replica\n"
            "  metadata: {name: r}\n  spec: {diskPath: [1]}\n",
            "/items/0/spec/diskPath",
            "a string",
        ),
    ],
)
def test_bad_files_name_file_place_and_expectation(
    tmp_path: Path, text: str, where: str, expected: str
) -> None:
    bad = tmp_path / "objects.yaml"
    bad.write_text(text)
    with pytest.raises(SnapshotError) as info:
        read_longhorn_files(bad)
    err = info.value
    assert err.file == str(bad)
    assert err.where == where
    assert expected in str(err)


def test_binary_empty_and_missing_inputs_are_bad_input(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_bytes(b"kind: List\n\x00\x00")
    with pytest.raises(SnapshotError, match="binary"):
        read_longhorn_files(tmp_path / "x.yaml")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SnapshotError, match="no Longhorn"):
        read_longhorn_files(empty)
    (empty / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    with pytest.raises(SnapshotError, match="no Longhorn"):
        read_longhorn_files(empty)
    with pytest.raises(SnapshotError, match="no such file"):
        read_longhorn_files(tmp_path / "absent")
    (tmp_path / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SnapshotError, match="UTF-8"):
        read_longhorn_files(tmp_path / "latin1.yaml")


@pytest.mark.parametrize(
    ("workloads", "pvc", "expected"),
    [
        ([Workload("virt-launcher-kube-master-00-7xk2p", "Running", "kube-master-00", "VirtualMachineInstance")],
         "kube-master-00-root-2qcjn", ("kube-master-00", "workload")),
        ([Workload("virt-launcher-kube-master-01-c9w5n", "Running", None, None)], None, ("kube-master-01", "pod")),
        ([], "kube-master-02-root-t8xft", ("kube-master-02", "pvc")),
        ([], "web-1-disk-0-abcde", ("web-1", "pvc")),
        ([Workload("postgres-0", "Running", "postgres", "StatefulSet")], "data-postgres-0", (None, None)),
    ],
)
def test_vm_name_from_workload_pod_or_harvester_pvc_name(
    workloads: list[Workload], pvc: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert vm_name_of(workloads, pvc) == expected


_INCIDENT_TEXT = INCIDENT_FILE.read_text()


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", "replace")),
    st.integers(0, len(_INCIDENT_TEXT)).map(lambda n: _INCIDENT_TEXT[:n]),
    st.integers(0, 4000).map(lambda n: json.dumps(yaml.safe_load(_INCIDENT_TEXT))[:n]),
    st.integers(1, 3000).map(lambda n: "[" * n),
))
def test_any_text_gives_objects_or_a_snapshot_error(text: str) -> None:
    try:
        parse_longhorn_text(text, file="fuzz.yaml")
    except SnapshotError:
        pass


def test_huge_line_and_deep_nesting_are_bad_input(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("value: " + "x" * (10 * 1024 * 1024) + "\n")
    with pytest.raises(SnapshotError, match="no Longhorn"):
        read_longhorn_files(big)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    with pytest.raises(SnapshotError):
        read_longhorn_files(deep)
