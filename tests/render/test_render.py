"""Whole inventories to files: names, headers, deterministic bytes, the committed templates/."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from harvester_iac.model import (
    BlockDevice,
    Host,
    Inventory,
    LonghornDisk,
    StorageClass,
    default_inventory,
    load_inventory,
)
from harvester_iac.render import (
    GENERATED_PREFIX,
    check_templates,
    inventory_manifests,
    node_disk_manifest,
    render_inventory,
)
from tests.render.conftest import EXAMPLES, ROOT


def test_default_inventory_files() -> None:
    files = render_inventory(default_inventory())
    assert [f.path for f in files] == ["longhorn-altra-disk.yaml", "storageclass-longhorn-master-root.yaml"]


def test_the_incident_file_is_the_node_manifest() -> None:
    """templates/longhorn-altra-disk.yaml holds exactly the Node object, as kubectl reads it."""
    inv = default_inventory()
    (node_file,) = [f for f in render_inventory(inv) if f.path == "longhorn-altra-disk.yaml"]
    docs = [d for d in yaml.safe_load_all(node_file.content) if d is not None]
    expected = node_disk_manifest(inv.hosts[0], inv.longhorn)
    assert expected is not None
    assert docs == [expected.to_dict()]
    assert docs[0]["spec"]["disks"]["nvme0"]["path"] == "/usr/local/longhorn-disk"
    text = node_file.content.decode()
    assert text.startswith(f"{GENERATED_PREFIX}altra-homelab; do not edit.")
    assert "JSON merge patch" in text and "--server-side" in text and "never removed" in text


@pytest.mark.parametrize("path", [None, *EXAMPLES], ids=lambda p: p.name if p else "default")
def test_files_are_deterministic(path: Path | None) -> None:
    first = render_inventory(load_inventory(path) if path else default_inventory())
    second = render_inventory(load_inventory(path) if path else default_inventory())
    assert first == second
    for f in first:
        text = f.content.decode("utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert text.startswith(GENERATED_PREFIX)
        assert "\r" not in text and "\t" not in text
        docs = text.split("\n---\n")
        assert len(docs) >= 2  # header, then every document opens with ---


def test_multi_document_block_devices_file() -> None:
    inv = load_inventory(next(p for p in EXAMPLES if p.name == "three-node.yaml"))
    host = dataclasses.replace(inv.hosts[0], block_devices=(
        BlockDevice(dev_path="/dev/nvme0n1", tags=("nvme",)), BlockDevice(dev_path="/dev/sdb")))
    inv = dataclasses.replace(inv, hosts=(host, *inv.hosts[1:]))
    (f,) = [f for f in render_inventory(inv) if f.path == "blockdevices-hv-1.yaml"]
    docs = [d for d in yaml.safe_load_all(f.content) if d is not None]
    assert [d["spec"]["devPath"] for d in docs] == ["/dev/nvme0n1", "/dev/sdb"]
    assert f.content.decode().count("\n---\n") == 2


def test_file_order_and_key_order_do_not_depend_on_input_order() -> None:
    """Hosts and classes listed in another order give the same bytes."""
    disk = LonghornDisk(name="d", path="/mnt/d")
    hosts = tuple(Host(name=n, address=f"10.0.0.{i}", disks=(disk,)) for i, n in enumerate(("b", "a"), 1))
    classes = (StorageClass(name="z"), StorageClass(name="y"))
    a = render_inventory(Inventory(name="x", hosts=hosts, storage_classes=classes))
    b = render_inventory(Inventory(name="x", hosts=hosts[::-1], storage_classes=classes[::-1]))
    assert a == b
    assert [f.path for f in a] == ["longhorn-a-disk.yaml", "longhorn-b-disk.yaml",
                                   "storageclass-y.yaml", "storageclass-z.yaml"]


def test_values_that_look_like_other_types_stay_strings() -> None:
    inv = default_inventory()
    (sc_file,) = [f for f in render_inventory(inv) if f.path.startswith("storageclass-")]
    doc = yaml.safe_load(sc_file.content.decode().split("\n---\n", 1)[1])
    assert doc["parameters"]["numberOfReplicas"] == "2"
    assert doc["parameters"]["migratable"] == "true"


def test_manifests_in_files_equal_the_manifest_values() -> None:
    """The CDK stack uses ``to_dict()``; the files must carry the very same objects."""
    for path in EXAMPLES:
        inv = load_inventory(path)
        from_files = [d for f in render_inventory(inv) for d in yaml.safe_load_all(f.content) if d is not None]
        assert sorted(map(repr, from_files)) == sorted(repr(m.to_dict()) for m in inventory_manifests(inv))


def test_committed_templates_are_the_rendered_default() -> None:
    """templates/ in the repository is what ``harvester-iac render`` writes for the default."""
    assert check_templates(render_inventory(default_inventory()), ROOT / "templates") == []
