"""The inventory as plain typed data: hosts, Longhorn disks, storage classes, VMs.

Everything here is a frozen, keyword-only dataclass, so an inventory can be written in
Python as easily as in YAML, and every later layer (constructs, render, scheduler, policy)
reads the same objects. Field names use Python spelling; the YAML spelling (camelCase, as
Longhorn and Kubernetes write it) is in ``_load.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from harvester_iac.core import AntiAffinity, DataLocality, DiskType, LonghornSettings, Size

__all__ = [
    "AntiAffinity",
    "BlockDevice",
    "ControlPlane",
    "DataLocality",
    "DeclaredVolume",
    "DiskType",
    "Host",
    "Inventory",
    "Longhorn",
    "LonghornDisk",
    "LonghornSettings",
    "MasterVm",
    "Network",
    "StorageClass",
    "Vm",
    "VmDisk",
    "VmImage",
]

API_VERSION = "harvester-iac/v1"
KIND = "Inventory"


@dataclass(frozen=True, kw_only=True)
class LonghornDisk:
    """A disk Longhorn schedules replicas on (one entry of the Longhorn Node's spec.disks).

    ``managed=False`` marks a disk this project does not own (Harvester's default disk,
    which Longhorn created itself): it is modelled for the scheduler, never rendered and
    never removed. ``device`` is the block device under ``path`` (two disks on one device
    are one failure domain). ``capacity`` is the filesystem size, used to simulate
    placement before any observation exists.
    See https://longhorn.io/docs/latest/nodes-and-volumes/nodes/multidisk/
    """

    name: str
    path: str
    device: str | None = None
    disk_type: DiskType = DiskType.FILESYSTEM
    storage_reserved: Size = Size(0)
    allow_scheduling: bool = True
    eviction_requested: bool = False
    tags: tuple[str, ...] = ()
    capacity: Size | None = None
    managed: bool = True


@dataclass(frozen=True, kw_only=True)
class BlockDevice:
    """A Harvester node-disk-manager BlockDevice to provision as a Longhorn disk.

    ``name`` is the BlockDevice object's name when known (node-disk-manager derives it from
    the device's WWN/serial); ``dev_path`` is the device node, e.g. ``/dev/nvme1n1``.
    See https://docs.harvesterhci.io/latest/host/#multi-disk-management
    """

    dev_path: str
    name: str | None = None
    tags: tuple[str, ...] = ()
    force_formatted: bool = False


@dataclass(frozen=True, kw_only=True)
class Host:
    """A Harvester node, which is also a Longhorn node of the same name.

    ``aliases`` are the other names the evidence may use for it (an FQDN in syslog, an old
    host name, the node name Longhorn or Kubernetes report); a short name and its FQDN
    match without one (see :class:`harvester_iac.model.HostMatcher`).
    """

    name: str
    address: str
    aliases: tuple[str, ...] = ()
    kubeconfig: str | None = None
    context: str | None = None
    zone: str = ""
    tags: tuple[str, ...] = ()
    disks: tuple[LonghornDisk, ...] = ()
    block_devices: tuple[BlockDevice, ...] = ()

    def disk(self, name: str) -> LonghornDisk | None:
        return next((d for d in self.disks if d.name == name), None)


@dataclass(frozen=True, kw_only=True)
class Longhorn:
    """The Longhorn installation: its version decides the CRD schema and scheduler rules."""

    version: str = "1.9.2"
    namespace: str = "longhorn-system"
    settings: LonghornSettings = LonghornSettings()

    @property
    def minor(self) -> tuple[int, int]:
        major, minor, *_ = (int(p) for p in self.version.split("."))
        return major, minor


@dataclass(frozen=True, kw_only=True)
class StorageClass:
    """A Longhorn StorageClass (provisioner ``driver.longhorn.io``).

    ``managed=False`` declares a class that exists already (Harvester's built-in
    ``harvester-longhorn``) so VMs can name it; it is not created.
    See https://longhorn.io/docs/latest/references/storage-class-parameters/
    """

    name: str
    number_of_replicas: int = 3
    data_locality: DataLocality = DataLocality.DISABLED
    disk_selector: tuple[str, ...] = ()
    node_selector: tuple[str, ...] = ()
    replica_soft_anti_affinity: AntiAffinity = AntiAffinity.IGNORED
    replica_zone_soft_anti_affinity: AntiAffinity = AntiAffinity.IGNORED
    replica_disk_soft_anti_affinity: AntiAffinity = AntiAffinity.IGNORED
    stale_replica_timeout_min: int = 30
    migratable: bool = True
    is_default: bool = False
    reclaim_policy: str = "Delete"
    volume_binding_mode: str = "Immediate"
    allow_volume_expansion: bool = True
    managed: bool = True

    def spread_replicas(self) -> StorageClass:
        """Intent: every replica on its own disk, several allowed per node.

        Harvester's single-node guide: node-level soft anti-affinity on, disk-level
        soft anti-affinity off, so two replicas never share one disk.
        """
        from dataclasses import replace

        return replace(
            self,
            replica_soft_anti_affinity=AntiAffinity.ENABLED,
            replica_disk_soft_anti_affinity=AntiAffinity.DISABLED,
        )


@dataclass(frozen=True, kw_only=True)
class VmImage:
    """A Harvester VM image downloaded from ``url``."""

    name: str
    url: str
    display_name: str | None = None
    namespace: str = "default"
    storage_class: str | None = None
    managed: bool = True


@dataclass(frozen=True, kw_only=True)
class Network:
    """A Harvester VM network (a VLAN on a cluster network)."""

    name: str
    cluster_network: str = "mgmt"
    vlan_id: int = 1
    namespace: str = "default"
    managed: bool = True


@dataclass(frozen=True, kw_only=True)
class VmDisk:
    """A VM disk backed by a Longhorn volume.

    ``volume_name`` is the Longhorn volume Harvester created for it (``pvc-<uid>``), known
    only after the first deploy; recording it joins observations to this disk.
    """

    name: str
    size: Size
    storage_class: str
    image: str | None = None
    boot_order: int | None = None
    volume_name: str | None = None
    bus: str = "virtio"


@dataclass(frozen=True, kw_only=True)
class MasterVm:
    """A K3s server (etcd member) VM and its root volume."""

    name: str
    address: str
    host: str
    cpu: int = 4
    memory: Size = Size(8 * 2**30)
    root_volume: VmDisk
    network: str | None = None
    namespace: str = "default"
    ssh_keys: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Vm:
    """Any other VM on the site, with its disks."""

    name: str
    host: str | None = None
    cpu: int = 2
    memory: Size = Size(4 * 2**30)
    disks: tuple[VmDisk, ...] = ()
    network: str | None = None
    namespace: str = "default"
    address: str | None = None


@dataclass(frozen=True, kw_only=True)
class ControlPlane:
    """The K3s control plane: its masters form the etcd quorum."""

    masters: tuple[MasterVm, ...] = ()

    @property
    def quorum(self) -> int:
        return len(self.masters) // 2 + 1


@dataclass(frozen=True, kw_only=True)
class DeclaredVolume:
    """One Longhorn volume the inventory implies: a VM disk, located in the inventory."""

    vm: str
    disk: str
    size: Size
    storage_class: str
    host: str | None
    is_master_root: bool
    volume_name: str | None
    path: str

    @property
    def key(self) -> str:
        return f"{self.vm}/{self.disk}"


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """A whole site: what the stacks synthesize, render writes and the gate checks."""

    name: str
    hosts: tuple[Host, ...]
    longhorn: Longhorn = Longhorn()
    storage_classes: tuple[StorageClass, ...] = ()
    images: tuple[VmImage, ...] = ()
    networks: tuple[Network, ...] = ()
    control_plane: ControlPlane = ControlPlane()
    vms: tuple[Vm, ...] = ()
    description: str = ""
    source: str = field(default="<python>", compare=False)

    def host(self, name: str) -> Host | None:
        return self._host_index.get(name)

    @cached_property
    def _host_index(self) -> dict[str, Host]:
        """Hosts by name (the first of a name, as a scan would find): the gate looks hosts
        up once per volume, and a site may have a thousand of them."""
        index: dict[str, Host] = {}
        for h in self.hosts:
            index.setdefault(h.name, h)
        return index

    def storage_class(self, name: str) -> StorageClass | None:
        return next((s for s in self.storage_classes if s.name == name), None)

    def declared_volumes(self) -> Iterator[DeclaredVolume]:
        """Every VM disk, masters first, each with its inventory path."""
        for i, m in enumerate(self.control_plane.masters):
            r = m.root_volume
            yield DeclaredVolume(
                vm=m.name, disk=r.name, size=r.size, storage_class=r.storage_class,
                host=m.host, is_master_root=True, volume_name=r.volume_name,
                path=f"/controlPlane/masters/{i}/rootVolume",
            )
        for i, vm in enumerate(self.vms):
            for j, d in enumerate(vm.disks):
                yield DeclaredVolume(
                    vm=vm.name, disk=d.name, size=d.size, storage_class=d.storage_class,
                    host=vm.host, is_master_root=False, volume_name=d.volume_name,
                    path=f"/vms/{i}/disks/{j}",
                )
