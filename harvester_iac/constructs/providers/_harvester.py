"""Typed L1 classes for the Harvester provider (``registry.terraform.io/harvester/harvester`` 1.8.1).

Hand-written from the vendored schema (``schemas/harvester-1.8.1.json``): every config
field is a Terraform argument of that name and type; read-only (computed) attributes are
typed properties that return references. Only the resources harvester-iac composes are
covered (VMs, images, networks, storage classes and their data sources); the test suite
checks each config class against the schema. The enums and config dataclasses live in
``_harvester_types`` (no CDK runtime) and are re-exported here.
See https://registry.terraform.io/providers/harvester/harvester/1.8.1/docs
"""

from __future__ import annotations

from harvester_iac.constructs.providers._base import (
    L1DataSource,
    L1Provider,
    L1Resource,
    ProviderInfo,
)
from harvester_iac.constructs.providers._harvester_types import (
    AccessMode,
    CloudinitType,
    DataHarvesterImageConfig,
    DataHarvesterNetworkConfig,
    DataHarvesterStorageClassConfig,
    DiskBus,
    DiskKind,
    HarvesterImageConfig,
    HarvesterNetworkConfig,
    HarvesterProviderConfig,
    HarvesterStorageClassConfig,
    HarvesterTimeouts,
    ImageBackend,
    ImageSourceType,
    InterfaceModel,
    InterfaceType,
    LabelExpression,
    ReclaimPolicy,
    RouteMode,
    RunStrategy,
    StorageClassTopology,
    VirtualMachineCloudinit,
    VirtualMachineConfig,
    VirtualMachineDisk,
    VirtualMachineInput,
    VirtualMachineNetworkInterface,
    VirtualMachineRequests,
    VirtualMachineTpm,
    VolumeBindingMode,
    VolumeMode,
)

__all__ = [
    "HARVESTER",
    "AccessMode",
    "CloudinitType",
    "DataHarvesterImage",
    "DataHarvesterImageConfig",
    "DataHarvesterNetwork",
    "DataHarvesterNetworkConfig",
    "DataHarvesterStorageClass",
    "DataHarvesterStorageClassConfig",
    "DiskBus",
    "DiskKind",
    "HarvesterImage",
    "HarvesterImageConfig",
    "HarvesterNetwork",
    "HarvesterNetworkConfig",
    "HarvesterProvider",
    "HarvesterProviderConfig",
    "HarvesterStorageClass",
    "HarvesterStorageClassConfig",
    "HarvesterTimeouts",
    "HarvesterVirtualMachine",
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

#: The provider these classes were written for; ``~> 1.8.1`` keeps deploys on the schema the
#: offline checker knows (1.9 pre-releases add arguments it would reject).
HARVESTER = ProviderInfo(
    name="harvester",
    source="registry.terraform.io/harvester/harvester",
    version="1.8.1",
    version_constraint="~> 1.8.1",
)


# --- provider -----------------------------------------------------------------------


class HarvesterProvider(L1Provider[HarvesterProviderConfig]):
    """``provider "harvester"`` with ``registry.terraform.io/harvester/harvester`` ``~> 1.8.1``."""

    PROVIDER = HARVESTER
    CONFIG = HarvesterProviderConfig


# --- virtual machine ----------------------------------------------------------------


class HarvesterVirtualMachine(L1Resource[VirtualMachineConfig]):
    """``harvester_virtualmachine``."""

    TERRAFORM_TYPE = "harvester_virtualmachine"
    PROVIDER = HARVESTER
    CONFIG = VirtualMachineConfig

    @property
    def vm_id(self) -> str:
        """Reference to the VM id (``namespace/name``)."""
        return self._attr("id")

    @property
    def node_name(self) -> str:
        """Reference to the node the VM runs on (known after apply)."""
        return self._attr("node_name")

    @property
    def state(self) -> str:
        return self._attr("state")


# --- image, network, storage class ----------------------------------------------------


class HarvesterImage(L1Resource[HarvesterImageConfig]):
    """``harvester_image``: a VM image Harvester downloads or imports."""

    TERRAFORM_TYPE = "harvester_image"
    PROVIDER = HARVESTER
    CONFIG = HarvesterImageConfig

    @property
    def image_id(self) -> str:
        """Reference to the image id (``namespace/name``), what ``disk.image`` takes."""
        return self._attr("id")


class HarvesterNetwork(L1Resource[HarvesterNetworkConfig]):
    """``harvester_network``."""

    TERRAFORM_TYPE = "harvester_network"
    PROVIDER = HARVESTER
    CONFIG = HarvesterNetworkConfig

    @property
    def network_id(self) -> str:
        """Reference to the network id (``namespace/name``), what ``network_name`` takes."""
        return self._attr("id")


class HarvesterStorageClass(L1Resource[HarvesterStorageClassConfig]):
    """``harvester_storageclass``."""

    TERRAFORM_TYPE = "harvester_storageclass"
    PROVIDER = HARVESTER
    CONFIG = HarvesterStorageClassConfig

    @property
    def storage_class_name(self) -> str:
        """Reference to the class name (creates a dependency on this resource)."""
        return self._attr("name")


# --- data sources: objects this stack does not create ------------------------------------


class DataHarvesterImage(L1DataSource[DataHarvesterImageConfig]):
    """``data "harvester_image"``: look up an existing image (plan fails when it is missing)."""

    TERRAFORM_TYPE = "harvester_image"
    PROVIDER = HARVESTER
    CONFIG = DataHarvesterImageConfig

    @property
    def image_id(self) -> str:
        return self.get_string_attribute("id")


class DataHarvesterNetwork(L1DataSource[DataHarvesterNetworkConfig]):
    """``data "harvester_network"``: look up an existing VM network."""

    TERRAFORM_TYPE = "harvester_network"
    PROVIDER = HARVESTER
    CONFIG = DataHarvesterNetworkConfig

    @property
    def network_id(self) -> str:
        return self.get_string_attribute("id")


class DataHarvesterStorageClass(L1DataSource[DataHarvesterStorageClassConfig]):
    """``data "harvester_storageclass"``: look up an existing storage class."""

    TERRAFORM_TYPE = "harvester_storageclass"
    PROVIDER = HARVESTER
    CONFIG = DataHarvesterStorageClassConfig

    @property
    def storage_class_name(self) -> str:
        return self.get_string_attribute("name")
