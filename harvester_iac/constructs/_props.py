"""The L2 constructs' props: plain frozen dataclasses, no CDK runtime.

Kept apart from the constructs so ``harvester-iac synth`` can define them (about a third
of the constructs' import time) on its main thread while Node.js is still starting (see
``_commands.synth.PRELOAD``). Each construct module re-exports its props; the public
names live in ``harvester_iac.constructs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harvester_iac.constructs.providers._harvester_types import RunStrategy
from harvester_iac.model import Longhorn

if TYPE_CHECKING:
    from harvester_iac.constructs._refs import Catalog, ImageRef, StorageClassRef
    from harvester_iac.constructs.providers import HarvesterProvider, KubernetesProvider
    from harvester_iac.model import ControlPlane as ControlPlaneModel
    from harvester_iac.model import Host, StorageClass, VmDisk
    from harvester_iac.model import LonghornDisk as DiskModel
    from harvester_iac.model import MasterVm as MasterModel

__all__ = ["ControlPlaneProps", "HarvesterHostProps", "LonghornDiskProps",
           "LonghornStorageClassProps", "MasterVmProps", "RootVolumeProps"]


@dataclass(frozen=True, kw_only=True)
class LonghornDiskProps:
    """A disk of one Longhorn node."""

    #: The disk as the inventory models it (name, path, reservation, tags ...).
    #: See https://longhorn.io/docs/latest/nodes-and-volumes/nodes/multidisk/
    disk: DiskModel
    #: The Longhorn node (= Harvester host) the disk belongs to.
    node_name: str


@dataclass(frozen=True, kw_only=True)
class HarvesterHostProps:
    """A Harvester node and its Longhorn disks."""

    #: The host as the inventory models it (name, address, kubeconfig, disks ...).
    host: Host
    #: The Longhorn installation (namespace of the Node object, version).
    longhorn: Longhorn = Longhorn()
    #: Provider for the Longhorn Node manifest; default: the stack's default ``kubernetes``.
    provider: KubernetesProvider | None = None
    #: Import the existing Longhorn Node instead of creating it; default: true (Longhorn
    #: always creates it). Turn off only for a Node that Terraform state already holds.
    adopt_node: bool = True
    #: Server-side apply field manager of the disks this stack declares.
    field_manager: str = "harvester-iac"
    #: Take over the declared disk keys when another manager owns them (a disk added by
    #: ``kubectl apply`` before harvester-iac managed it); default: true. Only the declared
    #: keys are taken; nothing else of the Node changes hands.
    force_conflicts: bool = True
    #: ``prevent_destroy`` on the Node manifest: destroying it would delete Longhorn's own
    #: Node object; default: true.
    protect_node: bool = True


@dataclass(frozen=True, kw_only=True)
class LonghornStorageClassProps:
    """A Longhorn storage class and how it is deployed."""

    #: The class as the inventory models it (replicas, locality, selectors, anti-affinity).
    #: See https://longhorn.io/docs/latest/references/storage-class-parameters/
    storage_class: StorageClass
    #: Harvester provider to create it with; default: the stack's default ``harvester``.
    provider: HarvesterProvider | None = None
    #: Check at synth that the selectors match a schedulable disk and node of the stack;
    #: default: true. Off for a stack that deliberately holds no hosts.
    check_selectors: bool = True


@dataclass(frozen=True, kw_only=True)
class RootVolumeProps:
    """The root disk of a master: a Longhorn volume cloned from an image."""

    #: The disk as the inventory models it (name, size, storage class, image, boot order).
    disk: VmDisk
    #: The storage class the volume is provisioned with (decides its replicas and their spread).
    storage_class: StorageClassRef
    #: The image the volume is cloned from; required when ``disk.image`` is set.
    image: ImageRef | None = None


@dataclass(frozen=True, kw_only=True)
class MasterVmProps:
    """A K3s server VM and what it refers to."""

    #: The master as the inventory models it (name, address, host, cpu, memory, root volume).
    master: MasterModel
    #: Images, networks and storage classes the master may name.
    catalog: Catalog
    #: Harvester provider; default: the stack's default ``harvester``.
    provider: HarvesterProvider | None = None
    #: KubeVirt run strategy; default: restart the VM when it fails.
    #: See https://kubevirt.io/user-guide/virtual_machines/run_strategies/
    run_strategy: RunStrategy = RunStrategy.RERUN_ON_FAILURE


@dataclass(frozen=True, kw_only=True)
class ControlPlaneProps:
    """The K3s control plane: its masters form the etcd quorum."""

    control_plane: ControlPlaneModel
    #: Images, networks and storage classes the masters may name.
    catalog: Catalog
    #: Hosts masters may be pinned to (the stack's hosts); ``None`` skips the check.
    hosts: tuple[str, ...] | None = None
    #: Harvester provider; default: the stack's default ``harvester``.
    provider: HarvesterProvider | None = None
