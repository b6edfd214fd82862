"""Rendered manifests against the vendored CRD schemas, and what those schemas refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harvester_iac.model import default_inventory, load_inventory
from harvester_iac.render import (
    VENDORED_LONGHORN_VERSIONS,
    Manifest,
    inventory_manifests,
    render_inventory,
    schema_versions,
    validate_manifest,
)
from harvester_iac.render._schema import _to_json_schema
from tests.render.conftest import EXAMPLES

SUPPORTED = ["1.9.0", "1.9.2", "1.10.2", "1.11.2", "1.12.1"]
EXPECTED_FILES = {
    "altra.yaml": ["longhorn-altra-disk.yaml", "storageclass-longhorn-master-root.yaml"],
    # before the fix: only Harvester's own disk and class, nothing to render
    "altra-before-fix.yaml": [],
    "three-node.yaml": ["blockdevices-hv-1.yaml", "blockdevices-hv-2.yaml", "blockdevices-hv-3.yaml",
                        "storageclass-etcd-nvme.yaml"],
}


def _node(**disk: Any) -> Manifest:
    spec = {"allowScheduling": True, "diskType": "filesystem", "evictionRequested": False,
            "path": "/usr/local/longhorn-disk", "storageReserved": 0, "tags": []}
    spec.update(disk)
    return Manifest.build({
        "apiVersion": "longhorn.io/v1beta2", "kind": "Node",
        "metadata": {"name": "altra", "namespace": "longhorn-system"},
        "spec": {"disks": {"nvme0": spec}},
    })


def _pointers(m: Manifest, version: str = "1.9.2") -> list[str]:
    return [p.pointer for p in validate_manifest(m, longhorn_version=version)]


def test_version_mapping() -> None:
    assert schema_versions("1.9.0") == ("1.9.2",)
    assert schema_versions("1.9.2") == ("1.9.2",)
    assert schema_versions("1.10.2") == ("1.11.2", "1.9.2")  # nearest first, and the other neighbour
    assert schema_versions("1.11.0") == ("1.11.2",)
    assert schema_versions("1.12.1") == ("1.12.1",)
    assert VENDORED_LONGHORN_VERSIONS == ("1.9.2", "1.11.2", "1.12.1")
    with pytest.raises(ValueError, match="not supported"):
        schema_versions("1.8.2")
    with pytest.raises(ValueError, match="not a Longhorn version"):
        schema_versions("latest")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_renders_and_validates_for_its_version(path: Path) -> None:
    inv = load_inventory(path)
    files = render_inventory(inv)  # refuses to render what does not validate
    assert [f.path for f in files] == EXPECTED_FILES[path.name]
    for m in inventory_manifests(inv):
        assert validate_manifest(m, longhorn_version=inv.longhorn.version) == [], m.key


@pytest.mark.parametrize("version", SUPPORTED)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_against_every_vendored_version(path: Path, version: str) -> None:
    for m in inventory_manifests(load_inventory(path)):
        assert validate_manifest(m, longhorn_version=version) == [], (m.key, version)


def test_every_kind_is_exercised_by_the_examples() -> None:
    kinds = {m.kind for p in EXAMPLES for m in inventory_manifests(load_inventory(p))}
    kinds |= {m.kind for m in inventory_manifests(default_inventory())}
    assert kinds == {"Node", "StorageClass", "BlockDevice"}


def test_a_valid_node_passes() -> None:
    assert _pointers(_node()) == []


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        ({"storageReserved": "0"}, "/spec/disks/nvme0/storageReserved", "expected an integer"),
        ({"storageReserved": True}, "/spec/disks/nvme0/storageReserved", "expected an integer"),
        ({"allowScheduling": "yes"}, "/spec/disks/nvme0/allowScheduling", "expected true or false"),
        ({"diskType": "ssd"}, "/spec/disks/nvme0/diskType", 'one of "filesystem", "block"'),
        ({"tags": "nvme"}, "/spec/disks/nvme0/tags", "expected a list"),
        ({"tags": [1]}, "/spec/disks/nvme0/tags/0", "expected a string"),
        ({"storageReserved": 2**63}, "/spec/disks/nvme0/storageReserved", "does not fit int64"),
        ({"storageReserve": 0}, "/spec/disks/nvme0/storageReserve", 'unknown key "storageReserve"'),
    ],
)
def test_node_schema_catches_wrong_types(change: dict[str, Any], pointer: str, words: str) -> None:
    problems = validate_manifest(_node(**change), longhorn_version="1.9.2")
    assert [p.pointer for p in problems] == [pointer]
    assert words in problems[0].message
    assert problems[0].source == "Longhorn v1.9.2 nodes.longhorn.io"


def test_the_schema_depends_on_the_longhorn_version() -> None:
    """``diskDriver: nvme`` arrived after 1.9: refused for 1.9 and for 1.10 (both neighbours)."""
    m = _node(diskDriver="nvme")
    assert _pointers(m, "1.11.2") == []
    assert _pointers(m, "1.12.1") == []
    assert _pointers(m, "1.9.2") == ["/spec/disks/nvme0/diskDriver"]
    assert [p.source for p in validate_manifest(m, longhorn_version="1.10.1")] == [
        "Longhorn v1.9.2 nodes.longhorn.io"]


def test_identity_and_status_are_checked() -> None:
    body = _node().to_dict()
    body["apiVersion"] = "longhorn.io/v1beta1"
    body["status"] = {"conditions": []}
    body["metadata"]["name"] = "Altra_1"
    m = Manifest.build(body)
    assert sorted(_pointers(m)) == ["/apiVersion", "/metadata/name", "/status"]


def test_block_device_schema() -> None:
    inv = load_inventory(next(p for p in EXAMPLES if p.name == "three-node.yaml"))
    good = next(m for m in inventory_manifests(inv) if m.kind == "BlockDevice")
    assert _pointers(good) == []
    body = good.to_dict()
    del body["spec"]["fileSystem"]["mountPoint"]
    body["spec"]["provisioner"]["longhorn"]["engineVersion"] = "LonghornV3"
    del body["spec"]["devPath"]
    problems = validate_manifest(Manifest.build(body), longhorn_version="1.11.2")
    assert sorted((p.pointer, p.message) for p in problems) == [
        ("/spec", 'missing required key "devPath"'),
        ("/spec/fileSystem", 'missing required key "mountPoint"'),
        ("/spec/provisioner/longhorn/engineVersion", 'expected one of "LonghornV1", "LonghornV2", found "LonghornV3"'),
    ]
    assert {p.source for p in problems} == {"node-disk-manager v1.8.2 blockdevices.harvesterhci.io"}


def test_storage_class_schema() -> None:
    good = next(m for m in inventory_manifests(default_inventory()) if m.kind == "StorageClass")
    assert _pointers(good) == []
    body = good.to_dict()
    body["parameters"]["numberOfReplicas"] = 2
    body["reclaimPolicy"] = "Recycle"
    body["spec"] = {}
    problems = validate_manifest(Manifest.build(body), longhorn_version="1.9.2")
    assert sorted(p.pointer for p in problems) == ["/parameters/numberOfReplicas", "/reclaimPolicy", "/spec"]


def test_unknown_kinds_have_no_schema() -> None:
    m = Manifest.build({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}})
    with pytest.raises(ValueError, match="no schema for v1 ConfigMap"):
        validate_manifest(m, longhorn_version="1.9.2")


def test_openapi_extensions_are_translated() -> None:
    schema = _to_json_schema({
        "type": "object",
        "properties": {
            "maybe": {"type": "string", "nullable": True},
            "port": {"x-kubernetes-int-or-string": True},
            "set": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
            "open": {"type": "object", "properties": {"a": {"type": "string"}},
                     "x-kubernetes-preserve-unknown-fields": True},
            "checked": {"type": "object", "x-kubernetes-validations": [{"rule": "self.a > 0"}]},
        },
    })
    import jsonschema

    v = jsonschema.Draft4Validator(schema)
    assert v.is_valid({"maybe": None, "port": 80, "set": ["a", "b"], "open": {"b": 1}, "checked": {}})
    assert v.is_valid({"port": "http"})
    assert not v.is_valid({"port": 1.5})
    assert not v.is_valid({"set": ["a", "a"]})
    assert not v.is_valid({"typo": 1})
    assert "x-kubernetes-validations" not in schema["properties"]["checked"]
