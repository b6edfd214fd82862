"""The Harvester provider's argument types: enums and config dataclasses, no CDK runtime.

Kept apart from the L1 classes (``_harvester``) so that ``harvester-iac synth`` can build
these classes (dataclass creation is most of this package's import time) while Node.js
starts; see ``_commands/synth.py``. Every field is a Terraform argument of the vendored
schema (``schemas/harvester-1.8.1.json``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "AccessMode",
    "CloudinitType",
    "DataHarvesterImageConfig",
    "DataHarvesterNetworkConfig",
    "DataHarvesterStorageClassConfig",
    "DiskBus",
    "DiskKind",
    "HarvesterImageConfig",
    "HarvesterNetworkConfig",
    "HarvesterProviderConfig",
    "HarvesterStorageClassConfig",
    "HarvesterTimeouts",
    "ImageBackend",
    "ImageSourceType",
    "InterfaceModel",
    "InterfaceType",
    "LabelExpression",
    "ReclaimPolicy",
    "RouteMode",
    "RunStrategy",
    "StorageClassTopology",
    "VirtualMachineCloudinit",
    "VirtualMachineConfig",
    "VirtualMachineDisk",
    "VirtualMachineInput",
    "VirtualMachineNetworkInterface",
    "VirtualMachineRequests",
    "VirtualMachineTpm",
    "VolumeBindingMode",
    "VolumeMode",
]

_BLOCK = {"block": True}


class RunStrategy(StrEnum):
    """KubeVirt run strategy; https://kubevirt.io/user-guide/virtual_machines/run_strategies/"""

    ALWAYS = "Always"
    MANUAL = "Manual"
    HALTED = "Halted"
    RERUN_ON_FAILURE = "RerunOnFailure"


class DiskBus(StrEnum):
    VIRTIO = "virtio"
    SATA = "sata"
    SCSI = "scsi"


class DiskKind(StrEnum):
    """``disk.type``."""

    DISK = "disk"
    CD_ROM = "cd-rom"


class AccessMode(StrEnum):
    READ_WRITE_ONCE = "ReadWriteOnce"
    READ_ONLY_MANY = "ReadOnlyMany"
    READ_WRITE_MANY = "ReadWriteMany"


class VolumeMode(StrEnum):
    BLOCK = "Block"
    FILESYSTEM = "Filesystem"


class InterfaceModel(StrEnum):
    VIRTIO = "virtio"
    E1000 = "e1000"
    E1000E = "e1000e"
    NE2K_PCI = "ne2k_pco"
    PCNET = "pcnet"
    RTL8139 = "rtl8139"


class InterfaceType(StrEnum):
    BRIDGE = "bridge"
    MASQUERADE = "masquerade"


class CloudinitType(StrEnum):
    NO_CLOUD = "noCloud"
    CONFIG_DRIVE = "configDrive"


class ImageSourceType(StrEnum):
    DOWNLOAD = "download"
    UPLOAD = "upload"
    EXPORT_FROM_VOLUME = "export-from-volume"
    CLONE = "clone"


class ImageBackend(StrEnum):
    BACKING_IMAGE = "backingimage"
    CDI = "cdi"


class ReclaimPolicy(StrEnum):
    DELETE = "Delete"
    RETAIN = "Retain"
    RECYCLE = "Recycle"


class VolumeBindingMode(StrEnum):
    IMMEDIATE = "Immediate"
    WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"


class RouteMode(StrEnum):
    AUTO = "auto"
    MANUAL = "manual"


@dataclass(frozen=True, kw_only=True)
class HarvesterTimeouts:
    """``timeouts`` of every Harvester resource (Go durations such as ``10m``)."""

    create: str | None = None
    read: str | None = None
    update: str | None = None
    delete: str | None = None
    default: str | None = None


@dataclass(frozen=True, kw_only=True)
class HarvesterProviderConfig:
    """The ``provider "harvester"`` block."""

    #: Path of the Harvester cluster's kubeconfig (or its base64 content); default: ``KUBECONFIG``.
    kubeconfig: str | None = None
    #: Context in that kubeconfig; default: its current context.
    kubecontext: str | None = None
    #: Bootstrap a fresh Harvester (writes the kubeconfig); default: false.
    bootstrap: bool | None = None


@dataclass(frozen=True, kw_only=True)
class VirtualMachineDisk:
    """One ``disk`` block: a PVC-backed volume (Longhorn), a container disk or a CD-ROM."""

    name: str
    #: Volume size as a Kubernetes quantity (``40Gi``).
    size: str | None = None
    #: Image id (``namespace/name``) the volume is cloned from.
    image: str | None = None
    storage_class_name: str | None = None
    #: 1 boots first; 0 (default) is not bootable.
    boot_order: int | None = None
    bus: DiskBus | None = None
    type: DiskKind | None = None
    access_mode: AccessMode | None = None
    volume_mode: VolumeMode | None = None
    auto_delete: bool | None = None
    hot_plug: bool | None = None
    container_image_name: str | None = None
    existing_volume_name: str | None = None
    volume_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class VirtualMachineNetworkInterface:
    """One ``network_interface`` block; no ``network_name`` means the management network."""

    name: str
    network_name: str | None = None
    model: InterfaceModel | None = None
    type: InterfaceType | None = None
    mac_address: str | None = None
    boot_order: int | None = None
    wait_for_lease: bool | None = None


@dataclass(frozen=True, kw_only=True)
class VirtualMachineCloudinit:
    type: CloudinitType | None = None
    user_data: str | None = None
    user_data_base64: str | None = None
    user_data_secret_name: str | None = None
    network_data: str | None = None
    network_data_base64: str | None = None
    network_data_secret_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class VirtualMachineInput:
    name: str
    type: str | None = None
    bus: str | None = None


@dataclass(frozen=True, kw_only=True)
class VirtualMachineRequests:
    cpu: str | None = None
    memory: str | None = None


@dataclass(frozen=True, kw_only=True)
class VirtualMachineTpm:
    name: str | None = None


@dataclass(frozen=True, kw_only=True)
class VirtualMachineConfig:
    """``harvester_virtualmachine`` arguments (a KubeVirt VM on a Harvester cluster)."""

    name: str
    namespace: str | None = None
    description: str | None = None
    cpu: int | None = None
    #: Memory as a Kubernetes quantity (``8Gi``).
    memory: str | None = None
    run_strategy: RunStrategy | None = None
    hostname: str | None = None
    machine_type: str | None = None
    #: Scheduling constraint; ``{"kubernetes.io/hostname": host}`` pins the VM to one node.
    node_selector: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    ssh_keys: tuple[str, ...] = ()
    efi: bool | None = None
    secure_boot: bool | None = None
    cpu_model: str | None = None
    cpu_pinning: bool | None = None
    isolate_emulator_thread: bool | None = None
    create_initial_snapshot: bool | None = None
    reserved_memory: str | None = None
    restart_after_update: bool | None = None
    disk: tuple[VirtualMachineDisk, ...] = ()
    network_interface: tuple[VirtualMachineNetworkInterface, ...] = ()
    input: tuple[VirtualMachineInput, ...] = ()
    cloudinit: VirtualMachineCloudinit | None = field(default=None, metadata=_BLOCK)
    requests: VirtualMachineRequests | None = field(default=None, metadata=_BLOCK)
    tpm: VirtualMachineTpm | None = field(default=None, metadata=_BLOCK)
    timeouts: HarvesterTimeouts | None = None


@dataclass(frozen=True, kw_only=True)
class HarvesterImageConfig:
    """``harvester_image`` arguments."""

    name: str
    display_name: str
    source_type: ImageSourceType
    namespace: str | None = None
    url: str | None = None
    description: str | None = None
    checksum: str | None = None
    backend: ImageBackend | None = None
    storage_class_name: str | None = None
    file_path: str | None = None
    pvc_name: str | None = None
    pvc_namespace: str | None = None
    security_parameters: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    timeouts: HarvesterTimeouts | None = None


@dataclass(frozen=True, kw_only=True)
class HarvesterNetworkConfig:
    """``harvester_network`` arguments (a VLAN network on a cluster network)."""

    name: str
    cluster_network_name: str
    vlan_id: int
    namespace: str | None = None
    description: str | None = None
    route_mode: RouteMode | None = None
    route_cidr: str | None = None
    route_gateway: str | None = None
    route_dhcp_server_ip: str | None = None
    config: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    timeouts: HarvesterTimeouts | None = None


@dataclass(frozen=True, kw_only=True)
class LabelExpression:
    key: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StorageClassTopology:
    match_label_expressions: tuple[LabelExpression, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HarvesterStorageClassConfig:
    """``harvester_storageclass`` arguments; ``parameters`` are the CSI driver's (all strings)."""

    name: str
    parameters: Mapping[str, str]
    description: str | None = None
    is_default: bool | None = None
    allow_volume_expansion: bool | None = None
    reclaim_policy: ReclaimPolicy | None = None
    volume_binding_mode: VolumeBindingMode | None = None
    volume_provisioner: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    allowed_topologies: StorageClassTopology | None = field(default=None, metadata=_BLOCK)
    timeouts: HarvesterTimeouts | None = None


@dataclass(frozen=True, kw_only=True)
class DataHarvesterImageConfig:
    name: str | None = None
    namespace: str | None = None
    display_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class DataHarvesterNetworkConfig:
    name: str
    namespace: str | None = None


@dataclass(frozen=True, kw_only=True)
class DataHarvesterStorageClassConfig:
    name: str
