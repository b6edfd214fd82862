"""Loading inventories: the default, the examples, Python-built ones, and bad input."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import harvester_iac.model as model
from harvester_iac.errors import InventoryError
from harvester_iac.model import (
    AntiAffinity,
    Host,
    Inventory,
    LonghornDisk,
    MasterVm,
    Size,
    StorageClass,
    VmDisk,
    check_inventory,
    default_inventory,
    load_inventory,
    parse_inventory,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "inventories").glob("*.yaml"))

HEAD = "apiVersion: harvester-iac/v1\nkind: Inventory\nmetadata: {name: t}\n"
HOST = "hosts:\n  - name: altra\n    address: 192.168.1.85\n"


def test_public_api_is_pinned() -> None:
    # isort-style, as ruff keeps it: CONSTANTS, then Classes, then functions
    assert model.__all__ == sorted(model.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert set(model.__all__) == {
        "DEFAULT_INVENTORY_NAME", "AntiAffinity", "BlockDevice", "ControlPlane", "DataLocality", "DeclaredVolume",
        "DiskType", "Host", "HostMatcher", "Identity", "Inventory", "Longhorn", "LonghornDisk",
        "LonghornSettings", "MachineKind", "MasterVm", "Network", "Problem", "Size", "SizeError",
        "StorageClass", "Vm", "VmDisk",
        "VmImage", "admission_problems", "check_inventory", "clean_path", "default_inventory",
        "inventory_schema", "is_dns1123_label", "is_dns1123_subdomain", "is_qualified_name",
        "load_inventory", "parse_inventory", "structural_problems",
    }


def test_default_is_the_incident_homelab_after_the_fix() -> None:
    inv = default_inventory()
    (altra,) = inv.hosts
    assert (altra.name, altra.address, altra.kubeconfig) == ("altra", "192.168.1.85", "~/.kube/altra.yaml")
    nvme0 = altra.disk("nvme0")
    assert nvme0 is not None and nvme0.path == "/usr/local/longhorn-disk" and nvme0.managed
    assert nvme0.tags == ()
    default_disk = altra.disk("default-disk")
    assert default_disk is not None and not default_disk.managed
    masters = inv.control_plane.masters
    assert [m.name for m in masters] == ["kube-master-00", "kube-master-01", "kube-master-02"]
    assert [m.address for m in masters] == ["192.168.1.150", "192.168.1.151", "192.168.1.152"]
    assert {m.host for m in masters} == {"altra"}
    assert [m.root_volume.volume_name for m in masters] == [
        "pvc-928c70bb-e3b9-47d5-9bde-e0d05c29a6f0",
        "pvc-7a5ad083-1caa-4fee-9a12-043569536a00",
        "pvc-397611d9-e598-48a3-a3d8-cc6b25ee4b85",
    ]
    sc = inv.storage_class("longhorn-master-root")
    assert sc is not None and sc.number_of_replicas == 2
    assert sc.replica_disk_soft_anti_affinity is AntiAffinity.DISABLED
    assert inv.control_plane.quorum == 2


def test_example_altra_equals_the_embedded_default() -> None:
    example = load_inventory(ROOT / "examples" / "inventories" / "altra.yaml")
    assert dataclasses.replace(example, source="") == dataclasses.replace(default_inventory(), source="")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_load(path: Path) -> None:
    inv = load_inventory(path)
    assert inv.hosts and list(inv.declared_volumes())
    assert model.admission_problems(inv) == []


def test_declared_volumes_are_located() -> None:
    vols = list(load_inventory(ROOT / "examples" / "inventories" / "three-node.yaml").declared_volumes())
    assert [v.key for v in vols] == [
        "k3s-server-1/root", "k3s-server-2/root", "k3s-server-3/root", "gitea/root", "gitea/data",
    ]
    assert vols[0].is_master_root and vols[0].path == "/controlPlane/masters/0/rootVolume"
    assert not vols[4].is_master_root and vols[4].path == "/vms/0/disks/1"
    assert vols[4].size == Size.gibibytes(200)


def test_python_built_inventory_is_checked_like_yaml() -> None:
    root = VmDisk(name="root", size=Size.gibibytes(40), storage_class="fast")
    inv = Inventory(
        name="code",
        hosts=(Host(name="h1", address="10.0.0.1",
                    disks=(LonghornDisk(name="d1", path="/a"), LonghornDisk(name="d2", path="/a/"))),),
        storage_classes=(StorageClass(name="fast").spread_replicas(),),
        control_plane=model.ControlPlane(masters=(MasterVm(name="m0", address="10.0.1.1", host="h1",
                                                           root_volume=root),)),
    )
    with pytest.raises(InventoryError) as info:
        check_inventory(inv)
    assert "/hosts/0/disks/1/path" in str(info.value)
    assert "duplicate disk path" in str(info.value)


def _err(text: str) -> str:
    with pytest.raises(InventoryError) as info:
        parse_inventory(text, file="inv.yaml")
    return str(info.value)


def test_malformed_yaml_names_line_and_column() -> None:
    msg = _err(HEAD + "hosts: [\n  {name: a\n")
    assert msg.startswith("inv.yaml:") and "invalid YAML" in msg


def test_unknown_key_did_you_mean() -> None:
    msg = _err(HEAD + HOST + "    disks:\n      - name: d\n        pth: /x\n        path: /y\n")
    assert msg.startswith("inv.yaml:9:9 (/hosts/0/disks/0/pth)")
    assert 'unknown key "pth"' in msg and 'did you mean "path"' in msg


def test_wrong_type() -> None:
    msg = _err(HEAD + HOST + "    disks:\n      - name: d\n        path: /y\n        allowScheduling: yes please\n")
    assert "(/hosts/0/disks/0/allowScheduling)" in msg and "expected true or false" in msg


def test_size_typo_40gb() -> None:
    msg = _err(HEAD + HOST + "    disks:\n      - {name: d, path: /y, capacity: 40GB}\n")
    assert "inv.yaml:8:39 (/hosts/0/disks/0/capacity)" in msg
    assert '"40Gi"' in msg


def test_master_on_unknown_host() -> None:
    msg = _err(HEAD + HOST + "storageClasses: [{name: sc}]\ncontrolPlane:\n  masters:\n"
               "    - {name: m0, address: 1.1.1.1, host: altar,\n"
               "       rootVolume: {name: root, size: 40Gi, storageClass: sc}}\n")
    assert "(/controlPlane/masters/0/host)" in msg and 'unknown host "altar"' in msg
    assert 'did you mean "altra"' in msg


def test_unknown_storage_class() -> None:
    msg = _err(HEAD + HOST + "storageClasses: [{name: harvester-longhorn}]\ncontrolPlane:\n  masters:\n"
               "    - {name: m0, address: 1.1.1.1, host: altra,\n"
               "       rootVolume: {name: root, size: 40Gi, storageClass: harvester-longhorm}}\n")
    assert "rootVolume/storageClass" in msg and 'did you mean "harvester-longhorn"' in msg


def test_duplicate_names_and_paths() -> None:
    msg = _err(HEAD + HOST + "  - name: altra\n    address: 10.0.0.2\n")
    assert "(/hosts/1/name)" in msg and 'duplicate host name "altra"' in msg
    msg = _err(HEAD + HOST + "    disks:\n      - {name: a, path: /var/lib/longhorn/}\n"
               "      - {name: b, path: /var/lib/longhorn}\n")
    assert "(/hosts/0/disks/1/path)" in msg and "duplicate disk path" in msg


def test_duplicate_yaml_key() -> None:
    assert 'duplicate key "hosts"' in _err(HEAD + HOST + HOST)


def test_missing_required_and_wrong_kind() -> None:
    assert 'missing required key "hosts"' in _err(HEAD)
    assert 'expected "Inventory"' in _err(HEAD.replace("kind: Inventory", "kind: Cluster") + HOST)


def test_not_a_mapping_and_empty() -> None:
    assert "not a mapping" in _err("- a\n- b\n")
    assert "empty" in _err("")


def test_more_problems_are_counted() -> None:
    msg = _err(HEAD + HOST + "    disks:\n      - {name: A, path: x}\n")
    assert "more problem" in msg


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="file not found"):
        load_inventory(tmp_path / "missing.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"apiVersion: \x00\x01\x02")
    with pytest.raises(InventoryError, match="binary data"):
        load_inventory(binary)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(HEAD.encode() + b"# caf\xe9\n")
    with pytest.raises(InventoryError, match="invalid UTF-8"):
        load_inventory(latin)
    with pytest.raises(InventoryError, match="is a directory"):
        load_inventory(tmp_path)


def test_unsupported_longhorn_version() -> None:
    msg = _err(HEAD + "longhorn: {version: '1.4.0'}\n" + HOST)
    assert "(/longhorn/version)" in msg and "1.9.x" in msg


def test_admission_problems() -> None:
    inv = parse_inventory(
        HEAD + HOST + "    disks:\n      - {name: d, path: /d, tags: [bad tag], evictionRequested: true}\n"
        "storageClasses:\n  - {name: s, numberOfReplicas: 2, dataLocality: strict-local}\n"
        "  - {name: t, numberOfReplicas: 21}\n"
    )
    got = {("/".join(map(str, p.path)), p.message.split()[0]) for p in model.admission_problems(inv)}
    assert ("hosts/0/disks/0/tags/0", "disk") in got
    assert ("hosts/0/disks/0/evictionRequested", "disk") in got
    assert ("storageClasses/0/dataLocality", "strict-local") in got
    assert ("storageClasses/1/numberOfReplicas", "numberOfReplicas") in got


def test_the_embedded_default_passes_the_schema() -> None:
    """default_inventory() trusts its packaged file and skips the schema pass; this is the check."""
    from importlib import resources

    text = resources.files("harvester_iac.model").joinpath("default-inventory.yaml").read_text()
    assert parse_inventory(text, file="default") == default_inventory()
