"""The L2 constructs: defaults, custom props, synthesized-JSON snapshots, prop validation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from harvester_iac import cdk
from harvester_iac.constructs import (
    Catalog,
    ControlPlane,
    ControlPlaneProps,
    HarvesterHost,
    HarvesterHostProps,
    ImageRef,
    LonghornDisk,
    LonghornDiskProps,
    LonghornStorageClass,
    LonghornStorageClassProps,
    MasterVm,
    MasterVmProps,
    NetworkRef,
    RootVolume,
    RootVolumeProps,
    Severity,
    StorageClassRef,
    findings_of,
)
from harvester_iac.constructs.providers import (
    AttributeStack,
    HarvesterProvider,
    HarvesterProviderConfig,
    KubernetesProvider,
    KubernetesProviderConfig,
    RunStrategy,
)
from harvester_iac.constructs.providers.schemas import check_against_provider_schemas
from harvester_iac.errors import ConstructError
from harvester_iac.model import (
    AntiAffinity,
    Host,
    Longhorn,
    Network,
    Size,
    StorageClass,
    VmDisk,
    VmImage,
    default_inventory,
)
from harvester_iac.model import ControlPlane as ControlPlaneModel
from harvester_iac.model import LonghornDisk as DiskModel
from harvester_iac.model import (
    MasterVm as MasterModel,
)
from harvester_iac.render import node_disk_manifest, storage_class_manifest
from tests.cdk.conftest import assert_snapshot

pytestmark = pytest.mark.cdk

NVME = DiskModel(name="nvme0", path="/usr/local/longhorn-disk", device="/dev/nvme0n1",
                 capacity=Size.parse("931Gi"))
DEFAULT_DISK = DiskModel(name="default-disk", path="/var/lib/harvester/defaultdisk", managed=False)


def _stack(name: str = "t") -> AttributeStack:
    stack = AttributeStack(cdk.Testing.app(), name)
    HarvesterProvider(stack, "harvester", config=HarvesterProviderConfig())
    KubernetesProvider(stack, "kubernetes", config=KubernetesProviderConfig())
    return stack


def _doc(stack: AttributeStack) -> dict[str, Any]:
    doc: dict[str, Any] = stack.to_terraform()
    assert check_against_provider_schemas(doc) == []
    return doc


# --- LonghornDisk -------------------------------------------------------------------

def test_longhorn_disk_defaults() -> None:
    disk = LonghornDisk(_stack(), "d", props=LonghornDiskProps(
        disk=DiskModel(name="nvme0", path="/mnt/nvme"), node_name="altra"))
    assert (disk.disk_name, disk.disk_path, disk.node_name) == ("nvme0", "/mnt/nvme", "altra")
    assert disk.managed and disk.tags == ()


def test_longhorn_disk_custom_and_from_existing() -> None:
    stack = _stack()
    tagged = LonghornDisk(stack, "d", props=LonghornDiskProps(
        disk=dataclasses.replace(NVME, tags=("nvme", "fast")), node_name="hv-1"))
    assert tagged.tags == ("nvme", "fast")
    existing = LonghornDisk.from_existing(stack, "e", node_name="hv-1", name="default-disk",
                                          path="/var/lib/harvester/defaultdisk")
    assert not existing.managed


@pytest.mark.parametrize(("disk", "message"), [
    (DiskModel(name="NVMe0", path="/mnt"), "'name' must be an RFC 1123 label"),
    (DiskModel(name="nvme0", path="mnt/nvme"), "'path' must be an absolute path, found 'mnt/nvme'"),
    (DiskModel(name="nvme0", path="/mnt", device="nvme0n1"), "'device' must be a path under /dev/"),
    (DiskModel(name="nvme0", path="/mnt", capacity=Size.parse("10Gi"),
               storage_reserved=Size.parse("10Gi")),
     "'storage_reserved' 10Gi must be smaller than 'capacity' 10Gi"),
])
def test_longhorn_disk_validation(disk: DiskModel, message: str) -> None:
    with pytest.raises(ConstructError, match=message):
        LonghornDisk(_stack(), "d", props=LonghornDiskProps(disk=disk, node_name="altra"))


# --- HarvesterHost --------------------------------------------------------------------

ALTRA = Host(name="altra", address="192.168.1.85", disks=(DEFAULT_DISK, NVME))


def test_harvester_host_defaults_adopt_the_node_and_apply_only_managed_disks() -> None:
    stack = _stack("host")
    host = HarvesterHost(stack, "altra", props=HarvesterHostProps(host=ALTRA))
    doc = _doc(stack)
    (body,) = doc["resource"]["kubernetes_manifest"].values()
    expected = node_disk_manifest(ALTRA, Longhorn())
    assert expected is not None and host.manifest == expected
    assert body["manifest"] == expected.to_dict()
    assert list(body["manifest"]["spec"]["disks"]) == ["nvme0"]  # the default disk is never listed
    assert body["field_manager"] == [{"name": "harvester-iac", "force_conflicts": True}]
    assert body["lifecycle"] == {"prevent_destroy": True}
    (imp,) = doc["import"]
    assert imp["id"] == "apiVersion=longhorn.io/v1beta2,kind=Node,namespace=longhorn-system,name=altra"
    assert imp["to"] == f"kubernetes_manifest.{next(iter(doc['resource']['kubernetes_manifest']))}"
    assert [d.disk_name for d in host.disks] == ["default-disk", "nvme0"]
    assert_snapshot("harvester_host_default", doc)


def test_harvester_host_custom() -> None:
    stack = _stack("host")
    kp = KubernetesProvider(stack, "k2", config=KubernetesProviderConfig(config_context="lab"), alias="lab")
    HarvesterHost(stack, "altra", props=HarvesterHostProps(
        host=ALTRA, longhorn=Longhorn(namespace="storage"), provider=kp, adopt_node=False,
        field_manager="gitops", force_conflicts=False, protect_node=False))
    doc = _doc(stack)
    (body,) = doc["resource"]["kubernetes_manifest"].values()
    assert "import" not in doc and "lifecycle" not in body
    assert body["manifest"]["metadata"]["namespace"] == "storage"
    assert body["field_manager"] == [{"name": "gitops", "force_conflicts": False}]
    assert body["provider"] == "kubernetes.lab"
    assert_snapshot("harvester_host_custom", doc)


def test_harvester_host_without_managed_disks_writes_nothing() -> None:
    stack = _stack()
    host = HarvesterHost(stack, "h", props=HarvesterHostProps(host=Host(
        name="altra", address="x", disks=(DEFAULT_DISK,))))
    assert host.manifest is None and host.node_manifest is None
    assert "resource" not in stack.to_terraform()


def test_add_disk_updates_the_node_manifest() -> None:
    stack = _stack()
    host = HarvesterHost(stack, "h", props=HarvesterHostProps(host=Host(
        name="altra", address="x", disks=(DEFAULT_DISK,))))
    host.add_disk("extra", disk=NVME)
    host.add_disk("extra2", disk=DiskModel(name="sda2", path="/mnt/sda2"))
    (body,) = _doc(stack)["resource"]["kubernetes_manifest"].values()
    assert sorted(body["manifest"]["spec"]["disks"]) == ["nvme0", "sda2"]
    with pytest.raises(ConstructError, match="use the same path '/mnt/sda2'"):
        host.add_disk("again", disk=DiskModel(name="sda3", path="/mnt/sda2/"))


@pytest.mark.parametrize(("host", "message"), [
    (Host(name="Altra", address="x"), "'host.name' must be a Kubernetes node name"),
    (Host(name="altra", address="x", disks=(NVME, dataclasses.replace(NVME, path="/other"))),
     "duplicate disk name 'nvme0'"),
    (Host(name="altra", address="x", disks=(NVME, dataclasses.replace(
        NVME, name="nvme1", path="/usr/local//longhorn-disk/"))),
     "use the same path '/usr/local/longhorn-disk'"),
])
def test_harvester_host_validation(host: Host, message: str) -> None:
    with pytest.raises(ConstructError, match=message):
        HarvesterHost(_stack(), "h", props=HarvesterHostProps(host=host))


# --- LonghornStorageClass -----------------------------------------------------------------

def test_storage_class_defaults_match_the_rendered_manifest() -> None:
    stack = _stack("sc")
    sc = StorageClass(name="longhorn-master-root")
    construct = LonghornStorageClass(stack, "sc", props=LonghornStorageClassProps(storage_class=sc))
    doc = _doc(stack)
    (body,) = doc["resource"]["harvester_storageclass"].values()
    manifest = storage_class_manifest(sc)
    assert manifest is not None and construct.manifest == manifest
    assert body["parameters"] == manifest.to_dict()["parameters"]
    assert body["volume_provisioner"] == "driver.longhorn.io"
    assert "is_default" not in body
    assert construct.number_of_replicas == 3 and construct.storage_class_name == "longhorn-master-root"
    assert_snapshot("storage_class_default", doc)


def test_storage_class_custom() -> None:
    stack = _stack("sc")
    sc = StorageClass(name="etcd-nvme", number_of_replicas=2, disk_selector=("nvme",),
                      reclaim_policy="Retain", is_default=True).spread_replicas()
    LonghornStorageClass(stack, "sc", props=LonghornStorageClassProps(storage_class=sc))
    doc = _doc(stack)
    (body,) = doc["resource"]["harvester_storageclass"].values()
    assert body["is_default"] is True and body["reclaim_policy"] == "Retain"
    assert body["parameters"]["diskSelector"] == "nvme"
    assert body["parameters"]["replicaDiskSoftAntiAffinity"] == AntiAffinity.DISABLED.value
    assert_snapshot("storage_class_custom", doc)


@pytest.mark.parametrize(("sc", "message"), [
    (StorageClass(name="Bad_Name"), "'name' must be a Kubernetes name"),
    (StorageClass(name="x", number_of_replicas=0), "'number_of_replicas' must be 1-20, found 0"),
    (StorageClass(name="x", disk_selector=("not a tag",)), "'disk_selector' tag 'not a tag'"),
    (StorageClass(name="x", reclaim_policy="Keep"), "'reclaim_policy' must be one of"),
    (StorageClass(name="harvester-longhorn", managed=False), "from_existing"),
])
def test_storage_class_validation(sc: StorageClass, message: str) -> None:
    with pytest.raises(ConstructError, match=message):
        LonghornStorageClass(_stack(), "sc", props=LonghornStorageClassProps(storage_class=sc))


def test_storage_class_selector_validation_sees_the_hosts_of_the_stack() -> None:
    stack = _stack()
    HarvesterHost(stack, "h", props=HarvesterHostProps(host=ALTRA))
    LonghornStorageClass(stack, "ok", props=LonghornStorageClassProps(
        storage_class=StorageClass(name="any")))
    LonghornStorageClass(stack, "bad", props=LonghornStorageClassProps(
        storage_class=StorageClass(name="nvme-only", disk_selector=("nvme",))))
    (finding,) = findings_of(stack)
    assert finding.severity is Severity.ERROR
    assert "selects disks tagged ['nvme']" in finding.message and finding.rule.endswith("/bad")
    tagged = _stack()
    HarvesterHost(tagged, "h", props=HarvesterHostProps(host=dataclasses.replace(
        ALTRA, disks=(dataclasses.replace(NVME, tags=("nvme",)),))))
    LonghornStorageClass(tagged, "good", props=LonghornStorageClassProps(
        storage_class=StorageClass(name="nvme-only", disk_selector=("nvme",))))
    assert findings_of(tagged) == ()


# --- RootVolume, MasterVm, ControlPlane ----------------------------------------------------

ROOT = VmDisk(name="root", size=Size.parse("40Gi"), storage_class="longhorn-master-root",
              image="ubuntu-24-04", boot_order=1)
MASTER = MasterModel(name="kube-master-00", address="192.168.1.150", host="altra", root_volume=ROOT)


def _catalog(stack: AttributeStack, *, network: bool = False) -> Catalog:
    image = ImageRef.create(stack, "image", image=VmImage(name="ubuntu-24-04", url="https://e.com/u.img"))
    sc = LonghornStorageClass(stack, "sc", props=LonghornStorageClassProps(
        storage_class=StorageClass(name="longhorn-master-root", number_of_replicas=2)))
    networks = {}
    if network:
        networks["homelab"] = NetworkRef.create(stack, "net", network=Network(name="homelab", vlan_id=20))
    return Catalog(images={"ubuntu-24-04": image}, storage_classes={sc.storage_class_name: sc.ref},
                   networks=networks)


def test_root_volume_defaults_and_custom() -> None:
    stack = _stack()
    ref = StorageClassRef(name="longhorn-master-root", storage_class_name="longhorn-master-root")
    root = RootVolume(stack, "r", props=RootVolumeProps(disk=dataclasses.replace(ROOT, image=None),
                                                        storage_class=ref))
    assert root.size == Size.parse("40Gi") and root.storage_class_name == "longhorn-master-root"
    assert root.disk_block.image is None and root.disk_block.boot_order == 1
    assert root.volume_name is None
    with pytest.raises(ConstructError, match="'image' must be given exactly when"):
        RootVolume(stack, "r2", props=RootVolumeProps(disk=ROOT, storage_class=ref))
    with pytest.raises(ConstructError, match="'storage_class' is 'other'"):
        RootVolume(stack, "r3", props=RootVolumeProps(
            disk=dataclasses.replace(ROOT, image=None),
            storage_class=StorageClassRef(name="other", storage_class_name="other")))


def test_master_vm_defaults_pin_the_vm_to_its_host() -> None:
    stack = _stack("master")
    master = MasterVm(stack, "m", props=MasterVmProps(master=MASTER, catalog=_catalog(stack)))
    doc = _doc(stack)
    (vm,) = doc["resource"]["harvester_virtualmachine"].values()
    assert vm["node_selector"] == {"kubernetes.io/hostname": "altra"}
    assert vm["run_strategy"] == "RerunOnFailure" and vm["cpu"] == 4 and vm["memory"] == "8Gi"
    (disk,) = vm["disk"]
    assert disk["size"] == "40Gi" and disk["boot_order"] == 1
    assert disk["image"].startswith("${harvester_image.") and "harvester_storageclass" in disk["storage_class_name"]
    assert vm["network_interface"] == [{"name": "default"}]  # management network
    assert (master.vm_name, master.host, master.address) == ("kube-master-00", "altra", "192.168.1.150")
    assert_snapshot("master_vm_default", doc)


def test_master_vm_custom() -> None:
    stack = _stack("master")
    m = dataclasses.replace(MASTER, cpu=8, memory=Size.parse("16Gi"), network="homelab",
                            namespace="k3s", ssh_keys=("default/ops",))
    MasterVm(stack, "m", props=MasterVmProps(master=m, catalog=_catalog(stack, network=True),
                                             run_strategy=RunStrategy.ALWAYS))
    doc = _doc(stack)
    (vm,) = doc["resource"]["harvester_virtualmachine"].values()
    assert vm["run_strategy"] == "Always" and vm["namespace"] == "k3s" and vm["ssh_keys"] == ["default/ops"]
    assert vm["network_interface"][0]["network_name"].startswith("${harvester_network.")
    assert_snapshot("master_vm_custom", doc)


@pytest.mark.parametrize(("master", "message"), [
    (dataclasses.replace(MASTER, name="Master_0"), "'name' must be an RFC 1123 label"),
    (dataclasses.replace(MASTER, cpu=0), "'cpu' must be at least 1, found 0"),
    (dataclasses.replace(MASTER, memory=Size.parse("64Mi")), "'memory' must be at least 128Mi"),
    (dataclasses.replace(MASTER, root_volume=dataclasses.replace(ROOT, size=Size(0))),
     "'size' must be positive"),
    (dataclasses.replace(MASTER, root_volume=dataclasses.replace(ROOT, storage_class="longhorn-master")),
     'unknown storage class "longhorn-master" \\(did you mean "longhorn-master-root"\\?\\)'),
    (dataclasses.replace(MASTER, network="lan"), 'unknown network "lan"'),
])
def test_master_vm_validation(master: MasterModel, message: str) -> None:
    stack = _stack()
    catalog = _catalog(stack)
    with pytest.raises(ConstructError, match=message):
        MasterVm(stack, "m", props=MasterVmProps(master=master, catalog=catalog))


def test_control_plane_defaults_and_custom() -> None:
    stack = _stack("cp")
    masters = tuple(dataclasses.replace(MASTER, name=f"kube-master-0{i}", address=f"10.0.0.{i}",
                                        host="altra" if i < 2 else "beta") for i in range(3))
    cp = ControlPlane(stack, "ControlPlane", props=ControlPlaneProps(
        control_plane=ControlPlaneModel(masters=masters), catalog=_catalog(stack)))
    assert [m.vm_name for m in cp.masters] == ["kube-master-00", "kube-master-01", "kube-master-02"]
    assert cp.quorum == 2 and cp.hosts == {"altra": ("kube-master-00", "kube-master-01"),
                                           "beta": ("kube-master-02",)}
    assert findings_of(stack) == ()
    assert_snapshot("control_plane", _doc(stack))


def test_control_plane_validation_and_quorum_warning() -> None:
    stack = _stack()
    catalog = _catalog(stack)
    twice = (MASTER, dataclasses.replace(MASTER, address="10.9.9.9"))
    with pytest.raises(ConstructError, match="duplicate master name 'kube-master-00'"):
        ControlPlane(stack, "a", props=ControlPlaneProps(
            control_plane=ControlPlaneModel(masters=twice), catalog=catalog))
    with pytest.raises(ConstructError, match="pinned to host 'altra', which is not one of \\['beta'\\]"):
        ControlPlane(stack, "b", props=ControlPlaneProps(
            control_plane=ControlPlaneModel(masters=(MASTER,)), catalog=catalog, hosts=("beta",)))
    two = (MASTER, dataclasses.replace(MASTER, name="kube-master-01", address="10.9.9.9"))
    ControlPlane(stack, "c", props=ControlPlaneProps(
        control_plane=ControlPlaneModel(masters=two), catalog=catalog))
    (finding,) = findings_of(stack)
    assert finding.severity is Severity.WARNING and "tolerate 0 failure" in finding.message


def test_constructs_read_the_default_inventory_objects() -> None:
    """The default homelab's own objects build every construct without errors."""
    inv = default_inventory()
    stack = _stack()
    host = HarvesterHost(stack, "altra", props=HarvesterHostProps(host=inv.hosts[0], longhorn=inv.longhorn))
    assert host.node_name == "altra" and host.manifest is not None
