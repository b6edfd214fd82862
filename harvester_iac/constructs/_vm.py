"""MasterVm (with its RootVolume), ControlPlane, and the plain VMs of a site.

A K3s master is a ``harvester_virtualmachine`` pinned to its inventory host with
``node_selector {"kubernetes.io/hostname" = host}``: the placement the inventory states is
the placement the cluster gets, so the scheduler simulation and the policy gate reason
about the real layout. Its root volume is a Longhorn volume of the named storage class,
cloned from the named image. Names, sizes and references are validated at construction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from harvester_iac.cdk import Construct
from harvester_iac.constructs._props import ControlPlaneProps, MasterVmProps, RootVolumeProps
from harvester_iac.constructs._refs import Catalog, ImageRef, NetworkRef, StorageClassRef
from harvester_iac.constructs._validation import add_findings_validation
from harvester_iac.constructs.providers import (
    DiskBus,
    HarvesterProvider,
    HarvesterVirtualMachine,
    RunStrategy,
    VirtualMachineConfig,
    VirtualMachineDisk,
    VirtualMachineNetworkInterface,
)
from harvester_iac.constructs.providers._base import create_construct
from harvester_iac.core import ConstructError, Finding, Severity
from harvester_iac.model import Size, Vm, VmDisk, is_dns1123_label, is_dns1123_subdomain

__all__ = [
    "ControlPlane",
    "ControlPlaneProps",
    "MasterVm",
    "MasterVmProps",
    "RootVolume",
    "RootVolumeProps",
    "vm_resource",
]

HOSTNAME_LABEL = "kubernetes.io/hostname"
_MANAGED_BY = {"app.kubernetes.io/managed-by": "harvester-iac"}
_MIN_MEMORY = Size(2**27)  # 128Mi: below that no K3s node (or any VM worth pinning) boots


def _check_label(where: str, prop: str, value: str) -> None:
    if not is_dns1123_label(value):
        raise ConstructError(f"{where}: '{prop}' must be an RFC 1123 label (lower-case letters, "
                             f"digits, '-', at most 63), found {value!r}")


def _check_disk(where: str, disk: VmDisk) -> None:
    _check_label(where, "disk.name", disk.name)
    if disk.size.bytes <= 0:
        raise ConstructError(f"{where}: disk {disk.name!r} 'size' must be positive, found {disk.size}")
    if disk.bus not in {b.value for b in DiskBus}:
        raise ConstructError(f"{where}: disk {disk.name!r} 'bus' must be one of "
                             f"{', '.join(b.value for b in DiskBus)}, found {disk.bus!r}")
    if disk.boot_order is not None and disk.boot_order < 0:
        raise ConstructError(f"{where}: disk {disk.name!r} 'boot_order' must be >= 0, "
                             f"found {disk.boot_order}")


def _check_vm(where: str, name: str, cpu: int, memory: Size) -> None:
    _check_label(where, "name", name)
    if cpu < 1:
        raise ConstructError(f"{where}: 'cpu' must be at least 1, found {cpu}")
    if memory.bytes < _MIN_MEMORY.bytes:
        raise ConstructError(f"{where}: 'memory' must be at least {_MIN_MEMORY}, found {memory}")


def _disk_block(disk: VmDisk, storage_class: StorageClassRef, image: ImageRef | None) -> VirtualMachineDisk:
    return VirtualMachineDisk(
        name=disk.name, size=str(disk.size), storage_class_name=storage_class.storage_class_name,
        image=image.image_id if image else None, boot_order=disk.boot_order,
        bus=DiskBus(disk.bus))


def _nic(network: NetworkRef | None) -> VirtualMachineNetworkInterface:
    if network is None:
        return VirtualMachineNetworkInterface(name="default")
    return VirtualMachineNetworkInterface(name="default", network_name=network.network_id)



class RootVolume(Construct):
    """A master's root volume; the VM's first ``disk`` block. Typed: ``size``, ``storage_class_name``."""

    def __init__(self, scope: Construct, id: str, *, props: RootVolumeProps) -> None:
        where = f"RootVolume {id}"
        _check_disk(where, props.disk)
        if props.storage_class.name != props.disk.storage_class:
            raise ConstructError(f"{where}: 'storage_class' is {props.storage_class.name!r} but the "
                                 f"disk names {props.disk.storage_class!r}")
        if (props.image is None) != (props.disk.image is None):
            raise ConstructError(f"{where}: 'image' must be given exactly when the disk names one "
                                 f"(disk.image={props.disk.image!r})")
        create_construct(self, scope, id)
        self.props = props
        self.disk_block = _disk_block(props.disk, props.storage_class, props.image)

    @property
    def size(self) -> Size:
        return self.props.disk.size

    @property
    def storage_class_name(self) -> str:
        return self.props.storage_class.name

    @property
    def volume_name(self) -> str | None:
        """The Longhorn volume (``pvc-<uid>``) recorded in the inventory after the first deploy."""
        return self.props.disk.volume_name



class MasterVm(Construct):
    """A K3s master VM pinned to its Harvester host, with its ``RootVolume``.

    Typed attributes: ``vm_name``, ``host``, ``address``, ``root_volume``, ``resource``
    (the ``harvester_virtualmachine``).
    """

    def __init__(self, scope: Construct, id: str, *, props: MasterVmProps) -> None:
        m = props.master
        where = f"MasterVm {m.name}"
        _check_vm(where, m.name, m.cpu, m.memory)
        _check_label(where, "namespace", m.namespace)
        if not is_dns1123_subdomain(m.host):
            raise ConstructError(f"{where}: 'host' must name the Harvester node the master runs on "
                                 f"(RFC 1123 subdomain), found {m.host!r}")
        root = m.root_volume
        storage = props.catalog.storage_class(root.storage_class, used_by=where)
        image = props.catalog.image(root.image, used_by=where) if root.image else None
        network = props.catalog.network(m.network, used_by=where) if m.network else None
        create_construct(self, scope, id)
        self.props = props
        self.root_volume = RootVolume(self, "RootVolume", props=RootVolumeProps(
            disk=root, storage_class=storage, image=image))
        self.resource = HarvesterVirtualMachine(self, "Resource", provider=props.provider,
                                                config=VirtualMachineConfig(
            name=m.name, namespace=m.namespace, cpu=m.cpu, memory=str(m.memory),
            description=f"K3s master {m.name} ({m.address}) on {m.host}, managed by harvester-iac",
            run_strategy=props.run_strategy, hostname=m.name,
            node_selector={HOSTNAME_LABEL: m.host},
            labels={**_MANAGED_BY, "harvester-iac/role": "k3s-master"},
            ssh_keys=m.ssh_keys,
            disk=(self.root_volume.disk_block,), network_interface=(_nic(network),)))

    @property
    def vm_name(self) -> str:
        return self.props.master.name

    @property
    def host(self) -> str:
        return self.props.master.host

    @property
    def address(self) -> str:
        return self.props.master.address



class ControlPlane(Construct):
    """The masters of one K3s cluster, one ``MasterVm`` each (id = master name).

    Validated at construction: unique master names and addresses, hosts among ``hosts``.
    Registers a validation that warns when the master count tolerates no failure.
    """

    def __init__(self, scope: Construct, id: str, *, props: ControlPlaneProps) -> None:
        masters = props.control_plane.masters
        _unique("ControlPlane", "master name", [m.name for m in masters])
        _unique("ControlPlane", "master address", [m.address for m in masters])
        if props.hosts is not None:
            for m in masters:
                if m.host not in props.hosts:
                    raise ConstructError(f"ControlPlane: master {m.name!r} is pinned to host "
                                         f"{m.host!r}, which is not one of {list(props.hosts)}")
        create_construct(self, scope, id)
        self.props = props
        self.masters: tuple[MasterVm, ...] = tuple(
            MasterVm(self, m.name, props=MasterVmProps(master=m, catalog=props.catalog,
                                                       provider=props.provider))
            for m in masters)
        if masters:  # warnings only, which never fail synth: reported, not handed to cdktf
            add_findings_validation(self, self._quorum_findings, fail_on=None)

    @property
    def quorum(self) -> int:
        return self.props.control_plane.quorum

    @property
    def hosts(self) -> Mapping[str, tuple[str, ...]]:
        """Master names by host: how the etcd members spread over Harvester nodes."""
        out: dict[str, tuple[str, ...]] = {}
        for m in self.props.control_plane.masters:
            out[m.host] = (*out.get(m.host, ()), m.name)
        return out

    def _quorum_findings(self) -> Iterator[Finding]:
        n = len(self.props.control_plane.masters)
        tolerated = n - self.quorum
        if tolerated == 0 or n % 2 == 0:
            yield Finding(severity=Severity.WARNING, rule="ControlPlane", message=(
                f"{n} master(s) keep quorum {self.quorum} and tolerate {tolerated} failure(s); "
                "an odd count of at least 3 tolerates one"))


def _unique(where: str, what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ConstructError(f"{where}: duplicate {what} {v!r}")
        seen.add(v)


def vm_resource(scope: Construct, id: str, *, vm: Vm, catalog: Catalog,
                provider: HarvesterProvider | None = None,
                run_strategy: RunStrategy = RunStrategy.RERUN_ON_FAILURE) -> HarvesterVirtualMachine:
    """A VM other than a master: validated like one, created as a bare L1 (one jsii call).

    Plain VMs get no L2 construct of their own: a site may hold hundreds, and each construct
    is a Node.js round trip. ``vm.host`` pins the VM to that node when set.
    """
    where = f"VM {vm.name}"
    _check_vm(where, vm.name, vm.cpu, vm.memory)
    _check_label(where, "namespace", vm.namespace)
    _unique(where, "disk name", [d.name for d in vm.disks])
    disks: list[VirtualMachineDisk] = []
    for d in vm.disks:
        _check_disk(where, d)
        image = catalog.image(d.image, used_by=where) if d.image else None
        disks.append(_disk_block(d, catalog.storage_class(d.storage_class, used_by=where), image))
    network = catalog.network(vm.network, used_by=where) if vm.network else None
    return HarvesterVirtualMachine(scope, id, provider=provider, config=VirtualMachineConfig(
        name=vm.name, namespace=vm.namespace, cpu=vm.cpu, memory=str(vm.memory),
        description=f"VM {vm.name}" + (f" on {vm.host}" if vm.host else "") + ", managed by harvester-iac",
        run_strategy=run_strategy, hostname=vm.name,
        node_selector={HOSTNAME_LABEL: vm.host} if vm.host else {},
        labels=_MANAGED_BY, disk=tuple(disks), network_interface=(_nic(network),)))
