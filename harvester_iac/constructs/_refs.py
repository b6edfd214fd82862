"""References to images, networks and storage classes, whether this stack creates them or not.

A VM names its image, network and storage class; in Terraform it must hold their ids. A
``*Ref`` carries that id: a reference to a resource of this stack (so Terraform orders the
creation), or to a data source when the object exists already (so ``terraform plan`` fails
early, naming it, when it does not). ``Catalog`` is the by-name lookup VMs use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harvester_iac.constructs.providers import (
    DataHarvesterImageConfig,
    DataHarvesterNetworkConfig,
    DataHarvesterStorageClassConfig,
    HarvesterImageConfig,
    HarvesterNetworkConfig,
    ImageSourceType,
)
from harvester_iac.core import ConstructError, did_you_mean
from harvester_iac.model import Network, StorageClass, VmImage, is_dns1123_label, is_dns1123_subdomain

if TYPE_CHECKING:
    from harvester_iac.cdk import Construct
    from harvester_iac.constructs.providers import HarvesterProvider

# The L1 classes (CDK runtime) are imported where a ref creates one: this module holds no
# construct, so ``harvester-iac synth`` defines its dataclasses before Node.js is up (PRELOAD).

__all__ = ["Catalog", "ImageRef", "NetworkRef", "StorageClassRef"]

_MANAGED_BY = {"app.kubernetes.io/managed-by": "harvester-iac"}


def _check_name(what: str, prop: str, name: str, *, label: bool = False) -> None:
    ok = is_dns1123_label(name) if label else is_dns1123_subdomain(name)
    if not ok:
        kind = "RFC 1123 label" if label else "RFC 1123 subdomain"
        raise ConstructError(f"{what}: '{prop}' must be a Kubernetes name ({kind}: lower-case "
                             f"letters, digits, '-'), found {name!r}")


@dataclass(frozen=True, kw_only=True)
class ImageRef:
    """A Harvester VM image: ``image_id`` is what a VM disk's ``image`` takes."""

    name: str
    namespace: str
    image_id: str

    @classmethod
    def create(cls, scope: Construct, id: str, *, image: VmImage,
               provider: HarvesterProvider | None = None) -> ImageRef:
        """Create ``image`` (downloaded from its URL) as a ``harvester_image``."""
        _check_name(f"image {image.name}", "name", image.name)
        _check_name(f"image {image.name}", "namespace", image.namespace, label=True)
        if not image.url.startswith(("http://", "https://")):
            raise ConstructError(f"image {image.name}: 'url' must be an http(s) URL, found {image.url!r}")
        from harvester_iac.constructs.providers import HarvesterImage
        res = HarvesterImage(scope, id, provider=provider, config=HarvesterImageConfig(
            name=image.name, namespace=image.namespace, display_name=image.display_name or image.name,
            source_type=ImageSourceType.DOWNLOAD, url=image.url,
            storage_class_name=image.storage_class, labels=_MANAGED_BY))
        return cls(name=image.name, namespace=image.namespace, image_id=res.image_id)

    @classmethod
    def from_existing(cls, scope: Construct, id: str, *, name: str, namespace: str = "default",
                      provider: HarvesterProvider | None = None) -> ImageRef:
        """An image this stack does not create, looked up with ``data "harvester_image"``."""
        _check_name(f"image {name}", "name", name)
        from harvester_iac.constructs.providers import DataHarvesterImage
        data = DataHarvesterImage(scope, id, provider=provider,
                                  config=DataHarvesterImageConfig(name=name, namespace=namespace))
        return cls(name=name, namespace=namespace, image_id=data.image_id)


@dataclass(frozen=True, kw_only=True)
class NetworkRef:
    """A Harvester VM network: ``network_id`` is what a NIC's ``network_name`` takes."""

    name: str
    namespace: str
    network_id: str

    @classmethod
    def create(cls, scope: Construct, id: str, *, network: Network,
               provider: HarvesterProvider | None = None) -> NetworkRef:
        """Create ``network`` (a VLAN on its cluster network) as a ``harvester_network``."""
        _check_name(f"network {network.name}", "name", network.name, label=True)
        if not 0 <= network.vlan_id <= 4094:
            raise ConstructError(f"network {network.name}: 'vlan_id' must be 0-4094, found {network.vlan_id}")
        from harvester_iac.constructs.providers import HarvesterNetwork
        res = HarvesterNetwork(scope, id, provider=provider, config=HarvesterNetworkConfig(
            name=network.name, namespace=network.namespace, vlan_id=network.vlan_id,
            cluster_network_name=network.cluster_network, labels=_MANAGED_BY))
        return cls(name=network.name, namespace=network.namespace, network_id=res.network_id)

    @classmethod
    def from_existing(cls, scope: Construct, id: str, *, name: str, namespace: str = "default",
                      provider: HarvesterProvider | None = None) -> NetworkRef:
        """A network this stack does not create, looked up with ``data "harvester_network"``."""
        _check_name(f"network {name}", "name", name)
        from harvester_iac.constructs.providers import DataHarvesterNetwork
        data = DataHarvesterNetwork(scope, id, provider=provider,
                                    config=DataHarvesterNetworkConfig(name=name, namespace=namespace))
        return cls(name=name, namespace=namespace, network_id=data.network_id)


@dataclass(frozen=True, kw_only=True)
class StorageClassRef:
    """A storage class by name; ``storage_class`` is the model when the inventory declares it."""

    name: str
    storage_class_name: str
    storage_class: StorageClass | None = None

    @classmethod
    def from_existing(cls, scope: Construct, id: str, *, name: str,
                      provider: HarvesterProvider | None = None) -> StorageClassRef:
        """A class this stack does not create, looked up with ``data "harvester_storageclass"``."""
        _check_name(f"storage class {name}", "name", name)
        from harvester_iac.constructs.providers import DataHarvesterStorageClass
        data = DataHarvesterStorageClass(scope, id, provider=provider,
                                         config=DataHarvesterStorageClassConfig(name=name))
        return cls(name=name, storage_class_name=data.storage_class_name)


def _missing(what: str, name: str, known: Mapping[str, object], used_by: str) -> ConstructError:
    close = did_you_mean(name, known)
    listing = ", ".join(sorted(known)) or "none"
    hint = f" ({close})" if close else ""
    return ConstructError(f'{used_by}: unknown {what} "{name}"{hint}; the catalog has: {listing}')


@dataclass(frozen=True, kw_only=True)
class Catalog:
    """What VMs may name: the images, networks and storage classes of their stack."""

    images: Mapping[str, ImageRef] = field(default_factory=dict)
    networks: Mapping[str, NetworkRef] = field(default_factory=dict)
    storage_classes: Mapping[str, StorageClassRef] = field(default_factory=dict)

    def image(self, name: str, *, used_by: str) -> ImageRef:
        ref = self.images.get(name)
        if ref is None:
            raise _missing("image", name, self.images, used_by)
        return ref

    def network(self, name: str, *, used_by: str) -> NetworkRef:
        ref = self.networks.get(name)
        if ref is None:
            raise _missing("network", name, self.networks, used_by)
        return ref

    def storage_class(self, name: str, *, used_by: str) -> StorageClassRef:
        ref = self.storage_classes.get(name)
        if ref is None:
            raise _missing("storage class", name, self.storage_classes, used_by)
        return ref
