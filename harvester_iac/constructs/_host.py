"""HarvesterHost and LonghornDisk: a Harvester node and the Longhorn disks it serves.

Longhorn creates a ``Node`` object for every Harvester node itself, with Harvester's
default disk in it. The stack must therefore never create or replace that object:
``HarvesterHost`` *adopts* it (a Terraform ``import`` block) and applies only the disks
this project manages, through server-side apply with its own field manager. Server-side
apply treats ``spec.disks`` as a map, so the field manager owns only the disk keys it
declares; the default disk, owned by Longhorn, is never removed by a deploy. The manifest
is ``render.node_disk_manifest(...)``, the very object ``harvester-iac render`` writes to
``templates/longhorn-<host>-disk.yaml``.
"""

from __future__ import annotations

import dataclasses

from harvester_iac.cdk import Construct, TerraformResourceLifecycle
from harvester_iac.constructs._props import HarvesterHostProps, LonghornDiskProps
from harvester_iac.constructs.providers import (
    KubernetesManifest,
    KubernetesManifestConfig,
    ManifestFieldManager,
)
from harvester_iac.constructs.providers._base import create_construct
from harvester_iac.core import ConstructError
from harvester_iac.model import Host, Longhorn, clean_path, is_dns1123_label, is_dns1123_subdomain
from harvester_iac.model import LonghornDisk as DiskModel
from harvester_iac.render import Manifest, node_disk_manifest

__all__ = ["HarvesterHost", "HarvesterHostProps", "LonghornDisk", "LonghornDiskProps"]



class LonghornDisk(Construct):
    """One entry of a Longhorn Node's ``spec.disks``; its host renders the manifest.

    Validated at construction: the disk name (RFC 1123 label, Longhorn's map key), an
    absolute path, a device under ``/dev/`` and a reservation smaller than the capacity.
    An unmanaged disk (Harvester's default disk) is modelled but never rendered.
    """

    def __init__(self, scope: Construct, id: str, *, props: LonghornDiskProps) -> None:
        _check_disk(props.disk, props.node_name)
        create_construct(self, scope, id)
        self.props = props

    @classmethod
    def from_existing(cls, scope: Construct, id: str, *, node_name: str, name: str,
                      path: str) -> LonghornDisk:
        """A disk Longhorn already has and this stack must leave alone (``managed=False``)."""
        return cls(scope, id, props=LonghornDiskProps(
            disk=DiskModel(name=name, path=path, managed=False), node_name=node_name))

    @property
    def disk_name(self) -> str:
        return self.props.disk.name

    @property
    def disk_path(self) -> str:
        return self.props.disk.path

    @property
    def node_name(self) -> str:
        return self.props.node_name

    @property
    def managed(self) -> bool:
        """Whether the stack writes this disk (unmanaged disks are never touched)."""
        return self.props.disk.managed

    @property
    def tags(self) -> tuple[str, ...]:
        return self.props.disk.tags


def _check_disk(disk: DiskModel, node: str) -> None:
    where = f"LonghornDisk {node}/{disk.name}"
    if not is_dns1123_label(disk.name):
        raise ConstructError(f"{where}: 'name' must be an RFC 1123 label (lower-case letters, "
                             f"digits, '-', at most 63), found {disk.name!r}")
    if not disk.path.startswith("/"):
        raise ConstructError(f"{where}: 'path' must be an absolute path, found {disk.path!r}")
    if disk.device is not None and not disk.device.startswith("/dev/"):
        raise ConstructError(f"{where}: 'device' must be a path under /dev/, found {disk.device!r}")
    if disk.capacity is not None and disk.storage_reserved.bytes >= disk.capacity.bytes:
        raise ConstructError(f"{where}: 'storage_reserved' {disk.storage_reserved} must be smaller "
                             f"than 'capacity' {disk.capacity}")



class HarvesterHost(Construct):
    """A Harvester node: its Longhorn disks and the adopted Longhorn ``Node`` manifest.

    Typed attributes: ``node_name``, ``disks``, ``manifest`` (the rendered object or
    ``None`` when the host has no managed disk) and ``node_manifest`` (the L1 resource).
    """

    def __init__(self, scope: Construct, id: str, *, props: HarvesterHostProps) -> None:
        host = props.host
        if not is_dns1123_subdomain(host.name):
            raise ConstructError(f"HarvesterHost: 'host.name' must be a Kubernetes node name "
                                 f"(RFC 1123 subdomain), found {host.name!r}")
        if not props.field_manager:
            raise ConstructError(f"HarvesterHost {host.name}: 'field_manager' must not be empty")
        _check_unique(host.name, host.disks)
        for disk in host.disks:
            _check_disk(disk, host.name)
        create_construct(self, scope, id)
        self.props = props
        self._host = host
        self._disks: list[LonghornDisk] = [
            LonghornDisk(self, f"disk-{d.name}", props=LonghornDiskProps(disk=d, node_name=host.name))
            for d in host.disks]
        self.node_manifest: KubernetesManifest | None = None
        self._sync_manifest()

    @classmethod
    def from_existing(cls, scope: Construct, id: str, *, name: str,
                      longhorn: Longhorn | None = None) -> HarvesterHost:
        """A host this stack manages no disk on: VMs may be pinned to it, nothing is written."""
        return cls(scope, id, props=HarvesterHostProps(host=Host(name=name, address=""),
                                                       longhorn=longhorn or Longhorn()))

    @property
    def node_name(self) -> str:
        return self._host.name

    @property
    def host(self) -> Host:
        """The host model, including disks added with ``add_disk``."""
        return self._host

    @property
    def disks(self) -> tuple[LonghornDisk, ...]:
        return tuple(self._disks)

    @property
    def manifest(self) -> Manifest | None:
        """The Longhorn Node manifest this host applies (``None`` without managed disks)."""
        return node_disk_manifest(self._host, self.props.longhorn)

    def add_disk(self, id: str, *, disk: DiskModel) -> LonghornDisk:
        """Add a Longhorn disk to this host; the Node manifest follows."""
        _check_unique(self._host.name, (*self._host.disks, disk))
        construct = LonghornDisk(self, id, props=LonghornDiskProps(disk=disk, node_name=self._host.name))
        self._host = dataclasses.replace(self._host, disks=(*self._host.disks, disk))
        self._disks.append(construct)
        self._sync_manifest()
        return construct

    def _sync_manifest(self) -> None:
        manifest = self.manifest
        if manifest is None:
            return
        config = KubernetesManifestConfig(
            manifest=manifest.to_dict(),
            field_manager=ManifestFieldManager(name=self.props.field_manager,
                                               force_conflicts=self.props.force_conflicts))
        if self.node_manifest is not None:
            self.node_manifest.config = config
            return
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if self.props.protect_node else None
        self.node_manifest = KubernetesManifest(self, "LonghornNode", config=config,
                                                provider=self.props.provider, lifecycle=lifecycle)
        if self.props.adopt_node:
            self.node_manifest.adopt(provider=self.props.provider)


def _check_unique(host: str, disks: tuple[DiskModel, ...]) -> None:
    names: dict[str, str] = {}
    paths: dict[str, str] = {}
    for d in disks:
        if d.name in names:
            raise ConstructError(f"HarvesterHost {host}: duplicate disk name {d.name!r}")
        names[d.name] = d.path
        cleaned = clean_path(d.path)
        if cleaned in paths:
            raise ConstructError(
                f"HarvesterHost {host}: disks {paths[cleaned]!r} and {d.name!r} use the same path "
                f"{cleaned!r} (Longhorn compares cleaned paths); each disk needs its own path")
        paths[cleaned] = d.name
