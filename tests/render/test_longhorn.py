"""The Longhorn Node disk manifest and the StorageClass manifest: defaults and custom."""

from __future__ import annotations

import pytest

from harvester_iac.model import (
    AntiAffinity,
    DataLocality,
    DiskType,
    Host,
    Longhorn,
    LonghornDisk,
    Size,
    StorageClass,
    default_inventory,
)
from harvester_iac.render import Manifest, node_disk_manifest, storage_class_manifest


def _host(*disks: LonghornDisk, tags: tuple[str, ...] = ()) -> Host:
    return Host(name="altra", address="192.168.1.85", disks=disks, tags=tags)


DEFAULT_DISK = LonghornDisk(name="default-disk", path="/var/lib/harvester/defaultdisk", managed=False)


def test_default_inventory_node_is_the_incident_fix() -> None:
    """The incident's templates/longhorn-altra-disk.yaml: nvme0 at /usr/local/longhorn-disk."""
    inv = default_inventory()
    (altra,) = inv.hosts
    m = node_disk_manifest(altra, inv.longhorn)
    assert m is not None
    assert (m.api_version, m.kind, m.name, m.namespace) == ("longhorn.io/v1beta2", "Node", "altra", "longhorn-system")
    assert m.to_dict() == {
        "apiVersion": "longhorn.io/v1beta2",
        "kind": "Node",
        "metadata": {"name": "altra", "namespace": "longhorn-system"},
        "spec": {
            "disks": {
                "nvme0": {
                    "allowScheduling": True,
                    "diskType": "filesystem",
                    "evictionRequested": False,
                    "path": "/usr/local/longhorn-disk",
                    "storageReserved": 0,
                    "tags": [],
                },
            },
        },
    }


def test_default_disk_is_never_in_the_manifest() -> None:
    inv = default_inventory()
    m = node_disk_manifest(inv.hosts[0], inv.longhorn)
    assert m is not None
    disks = m.to_dict()["spec"]["disks"]
    assert "default-disk" not in disks
    assert all(d["path"] != "/var/lib/harvester/defaultdisk" for d in disks.values())


def test_no_managed_disk_means_no_manifest() -> None:
    assert node_disk_manifest(_host(DEFAULT_DISK), Longhorn()) is None
    assert node_disk_manifest(_host(), Longhorn()) is None


def test_node_defaults() -> None:
    m = node_disk_manifest(_host(DEFAULT_DISK, LonghornDisk(name="d1", path="/mnt/d1")), Longhorn())
    assert m is not None
    assert m.to_dict()["spec"] == {"disks": {"d1": {
        "allowScheduling": True, "diskType": "filesystem", "evictionRequested": False,
        "path": "/mnt/d1", "storageReserved": 0, "tags": [],
    }}}


def test_node_custom() -> None:
    host = _host(
        LonghornDisk(name="nvme1", path="/dev/nvme1n1", disk_type=DiskType.BLOCK,
                     storage_reserved=Size.parse("100Gi"), allow_scheduling=False,
                     eviction_requested=True, tags=("nvme", "fast")),
        LonghornDisk(name="ssd0", path="/mnt/ssd0", tags=("ssd",)),
        tags=("rack-a",),
    )
    m = node_disk_manifest(host, Longhorn(version="1.11.2", namespace="storage"))
    assert m is not None and m.namespace == "storage"
    spec = m.to_dict()["spec"]
    assert spec["tags"] == ["rack-a"]
    assert list(spec["disks"]) == ["nvme1", "ssd0"]
    assert spec["disks"]["nvme1"] == {
        "allowScheduling": False, "diskType": "block", "evictionRequested": True,
        "path": "/dev/nvme1n1", "storageReserved": 100 * 2**30, "tags": ["nvme", "fast"],
    }
    assert isinstance(spec["disks"]["nvme1"]["storageReserved"], int)


def test_manifest_is_a_value() -> None:
    inv = default_inventory()
    a = node_disk_manifest(inv.hosts[0], inv.longhorn)
    b = node_disk_manifest(inv.hosts[0], inv.longhorn)
    assert a == b and hash(a) == hash(b)
    assert a is not None
    copy = a.to_dict()
    copy["spec"]["disks"]["nvme0"]["path"] = "/elsewhere"
    assert a.to_dict()["spec"]["disks"]["nvme0"]["path"] == "/usr/local/longhorn-disk"
    with pytest.raises(AttributeError):
        a.name = "other"  # type: ignore[misc]


def test_key_order_is_fixed() -> None:
    inv = default_inventory()
    m = node_disk_manifest(inv.hosts[0], inv.longhorn)
    assert m is not None
    assert list(m.to_dict()) == ["apiVersion", "kind", "metadata", "spec"]
    assert list(m.to_dict()["metadata"]) == ["name", "namespace"]


def test_storage_class_defaults() -> None:
    m = storage_class_manifest(StorageClass(name="longhorn-x"))
    assert isinstance(m, Manifest)
    assert (m.api_version, m.kind, m.name, m.namespace) == ("storage.k8s.io/v1", "StorageClass", "longhorn-x", None)
    body = m.to_dict()
    assert list(body)[:3] == ["apiVersion", "kind", "metadata"]
    assert body["provisioner"] == "driver.longhorn.io"
    assert body["parameters"] == {
        "numberOfReplicas": "3", "staleReplicaTimeout": "30", "dataLocality": "disabled", "migratable": "true",
    }
    assert (body["reclaimPolicy"], body["volumeBindingMode"], body["allowVolumeExpansion"]) == (
        "Delete", "Immediate", True)
    assert "annotations" not in body["metadata"]
    assert "fromBackup" not in body["parameters"]


def test_storage_class_custom() -> None:
    sc = StorageClass(
        name="etcd-nvme", number_of_replicas=2, data_locality=DataLocality.BEST_EFFORT,
        disk_selector=("nvme", "fast"), node_selector=("rack-a",),
        replica_soft_anti_affinity=AntiAffinity.ENABLED,
        replica_zone_soft_anti_affinity=AntiAffinity.DISABLED,
        replica_disk_soft_anti_affinity=AntiAffinity.DISABLED,
        stale_replica_timeout_min=45, migratable=False, is_default=True, reclaim_policy="Retain",
        volume_binding_mode="WaitForFirstConsumer", allow_volume_expansion=False,
    )
    m = storage_class_manifest(sc)
    assert m is not None
    body = m.to_dict()
    assert body["parameters"] == {
        "numberOfReplicas": "2", "staleReplicaTimeout": "45", "dataLocality": "best-effort",
        "migratable": "false", "diskSelector": "nvme,fast", "nodeSelector": "rack-a",
        "replicaSoftAntiAffinity": "enabled", "replicaZoneSoftAntiAffinity": "disabled",
        "replicaDiskSoftAntiAffinity": "disabled",
    }
    assert all(isinstance(v, str) for v in body["parameters"].values())
    assert body["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert (body["reclaimPolicy"], body["volumeBindingMode"], body["allowVolumeExpansion"]) == (
        "Retain", "WaitForFirstConsumer", False)


def test_spread_replicas_intent_renders_as_overrides() -> None:
    m = storage_class_manifest(StorageClass(name="spread", number_of_replicas=2).spread_replicas())
    assert m is not None
    params = m.to_dict()["parameters"]
    assert params["replicaSoftAntiAffinity"] == "enabled"
    assert params["replicaDiskSoftAntiAffinity"] == "disabled"
    assert "replicaZoneSoftAntiAffinity" not in params


def test_unmanaged_storage_class_is_not_rendered() -> None:
    assert storage_class_manifest(StorageClass(name="harvester-longhorn", managed=False)) is None
