"""Render refuses what Longhorn's admission webhook (or Harvester) would refuse, located in the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harvester_iac.errors import InventoryError
from harvester_iac.model import (
    BlockDevice,
    DiskType,
    Host,
    Inventory,
    LonghornDisk,
    load_inventory,
)
from harvester_iac.render import render_inventory, render_problems
from tests.render.conftest import inventory_text

HOST = "  - name: altra\n    address: 192.168.1.85\n    disks:\n"


def _render_file(tmp_path: Path, text: str) -> InventoryError:
    path = tmp_path / "inventory.yaml"
    path.write_text(text)
    with pytest.raises(InventoryError) as info:
        render_inventory(load_inventory(path))
    return info.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_eviction_with_scheduling_is_refused_at_its_line(tmp_path: Path) -> None:
    text = inventory_text(
        HOST + "      - name: nvme0\n        path: /usr/local/longhorn-disk\n"
        "        allowScheduling: true\n        evictionRequested: true\n")
    err = _render_file(tmp_path, text)
    line = _line_of(text, "evictionRequested")
    assert str(err).startswith(f"{tmp_path / 'inventory.yaml'}:{line}:")
    assert "(/hosts/0/disks/0/evictionRequested)" in str(err)
    assert "requests eviction while it still allows scheduling" in str(err)


def test_invalid_disk_tag_is_refused(tmp_path: Path) -> None:
    text = inventory_text(HOST + "      - {name: nvme0, path: /mnt/nvme0, tags: [ok, -bad-]}\n")
    err = _render_file(tmp_path, text)
    assert err.where is not None and err.where.endswith("(/hosts/0/disks/0/tags/1)")
    assert re.match(rf"{_line_of(text, '-bad-')}:\d+ ", err.where)
    assert "not a valid tag" in str(err) and "qualified name" in str(err)


def test_negative_storage_reserved_is_refused_when_loading(tmp_path: Path) -> None:
    """Sizes cannot be negative in the model, so the inventory never reaches render."""
    path = tmp_path / "inventory.yaml"
    path.write_text(inventory_text(HOST + "      - {name: nvme0, path: /mnt/nvme0, storageReserved: -1}\n"))
    with pytest.raises(InventoryError, match=r"inventory.yaml:\d+:\d+"):
        load_inventory(path)


def test_duplicate_cleaned_paths_are_refused_when_loading(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(inventory_text(
        HOST + "      - {name: a, path: /mnt/disk}\n      - {name: b, path: /mnt//disk/}\n"))
    with pytest.raises(InventoryError, match=r'duplicate disk path "/mnt/disk"'):
        load_inventory(path)


def test_duplicate_cleaned_paths_built_in_python_are_refused_by_render() -> None:
    """An Inventory built in Python never went through loading: render checks it all again."""
    inv = Inventory(name="py", hosts=(Host(name="altra", address="192.168.1.85", disks=(
        LonghornDisk(name="a", path="/mnt/disk"), LonghornDisk(name="b", path="/mnt/./disk/"))),))
    (problem,) = render_problems(inv)
    assert problem.path == ("hosts", 0, "disks", 1, "path")
    with pytest.raises(InventoryError, match='duplicate disk path "/mnt/disk"'):
        render_inventory(inv)


def test_python_built_inventory_errors_name_the_json_pointer() -> None:
    inv = Inventory(name="py", hosts=(Host(name="altra", address="192.168.1.85", disks=(
        LonghornDisk(name="nvme0", path="/mnt/nvme0", eviction_requested=True),)),))
    with pytest.raises(InventoryError) as info:
        render_inventory(inv)
    assert str(info.value).startswith("<python>:(/hosts/0/disks/0/evictionRequested): ")


def test_block_disk_needs_a_device_path() -> None:
    inv = Inventory(name="py", hosts=(Host(name="altra", address="192.168.1.85", disks=(
        LonghornDisk(name="spdk", path="/mnt/spdk", disk_type=DiskType.BLOCK),)),))
    (problem,) = render_problems(inv)
    assert problem.path == ("hosts", 0, "disks", 0, "path")
    assert "not a device" in problem.message


def test_block_device_names_must_be_unique_across_hosts() -> None:
    hosts = tuple(
        Host(name=n, address=a, block_devices=(BlockDevice(dev_path="/dev/sdb", name="data-disk"),))
        for n, a in (("hv-1", "10.0.0.1"), ("hv-2", "10.0.0.2"))
    )
    (problem,) = render_problems(Inventory(name="py", hosts=hosts))
    assert problem.path == ("hosts", 1, "blockDevices", 0, "name")
    assert 'used twice (first at /hosts/0/blockDevices/0/name)' in problem.message


def test_block_device_name_and_tags_must_be_valid() -> None:
    host = Host(name="hv-1", address="10.0.0.1", block_devices=(
        BlockDevice(dev_path="/dev/sdb", name="Data_Disk", tags=("ok", "not ok")),))
    problems = render_problems(Inventory(name="py", hosts=(host,)))
    assert sorted(p.path for p in problems) == [
        ("hosts", 0, "blockDevices", 0, "name"), ("hosts", 0, "blockDevices", 0, "tags", 1)]


def test_a_disk_provisioned_twice_is_refused(tmp_path: Path) -> None:
    """node-disk-manager adds a provisioned device to Longhorn itself, under the BlockDevice name."""
    text = inventory_text(
        HOST + "      - {name: nvme0, path: /var/lib/harvester/extra-disks/nvme0, device: /dev/nvme0n1}\n"
        "    blockDevices:\n      - {devPath: /dev/nvme0n1}\n")
    err = _render_file(tmp_path, text)
    assert "(/hosts/0/disks/0/device)" in str(err)
    assert 'as disk "altra-nvme0n1" at /var/lib/harvester/extra-disks/altra-nvme0n1' in str(err)


def test_a_disk_that_is_the_ndm_disk_may_be_managed() -> None:
    """Same name and path as NDM's disk: the entry refines it (tags, storageReserved)."""
    host = Host(
        name="altra", address="192.168.1.85",
        disks=(LonghornDisk(name="altra-nvme0n1", path="/var/lib/harvester/extra-disks/altra-nvme0n1",
                            device="/dev/nvme0n1", tags=("nvme",)),),
        block_devices=(BlockDevice(dev_path="/dev/nvme0n1"),),
    )
    inv = Inventory(name="py", hosts=(host,))
    assert render_problems(inv) == []
    assert [f.path for f in render_inventory(inv)] == ["blockdevices-altra.yaml", "longhorn-altra-disk.yaml"]


def test_several_problems_report_the_first_and_count_the_rest(tmp_path: Path) -> None:
    text = inventory_text(
        HOST + "      - {name: a, path: /mnt/a, tags: [-x-]}\n"
        "      - {name: b, path: /mnt/b, allowScheduling: true, evictionRequested: true}\n")
    err = _render_file(tmp_path, text)
    assert "(/hosts/0/disks/0/tags/0)" in str(err)
    assert str(err).endswith("1 more problem after this one.")


def test_schema_failures_point_into_the_inventory(tmp_path: Path) -> None:
    """storageReserved beyond int64: the CRD refuses it; the error names the inventory line."""
    text = inventory_text(HOST + "      - name: nvme0\n        path: /mnt/nvme0\n        storageReserved: 9Ei\n")
    err = _render_file(tmp_path, text)
    assert f":{_line_of(text, 'storageReserved')}:" in str(err)
    assert "(/hosts/0/disks/0/storageReserved)" in str(err)
    assert "rendered longhorn-altra-disk.yaml" in str(err) and "int64" in str(err)
    assert "Longhorn v1.9.2 nodes.longhorn.io" in str(err)
