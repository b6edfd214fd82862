"""Harvester node-disk-manager ``BlockDevice`` manifests: whole disks to give to Longhorn.

How node-disk-manager (NDM) names BlockDevices: when it discovers a disk it names the
object after an MD5 hash of the disk's WWN + vendor + model + serial (falling back to the
filesystem UUID, then the partition-table UUID), a 32-hex-digit name that identifies the
disk across reboots and device renames. Those identifiers are not in the inventory, so
``BlockDevice.name`` should be copied from ``kubectl -n longhorn-system get blockdevices``
to make this manifest update the object NDM discovered.

Without a name, ``block_device_name`` derives ``<host>-<device>`` (``altra-nvme0n1``):
readable, and stable because it depends only on the host name and ``devPath``, which
identify the device in the inventory, never on list order, time or hardware probing.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from harvester_iac.model import BlockDevice, Host
from harvester_iac.render._longhorn import MANAGED_BY
from harvester_iac.render._manifest import Manifest

__all__ = ["BLOCK_DEVICE_API", "BLOCK_DEVICE_NAMESPACE", "block_device_manifests", "block_device_name"]

BLOCK_DEVICE_API = "harvesterhci.io/v1beta1"
#: Harvester keeps BlockDevice objects in Longhorn's namespace, whatever Longhorn's is called.
BLOCK_DEVICE_NAMESPACE = "longhorn-system"
_MAX_NAME = 63
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def block_device_name(host: Host, device: BlockDevice) -> str:
    """``device.name`` if set, else ``<host>-<device>`` (see the module docstring).

    ``/dev/nvme0n1`` on ``altra`` gives ``altra-nvme0n1``. A path that does not survive
    the spelling of a Kubernetes name unchanged (``/dev/disk/by-id/nvme-Samsung_SSD``),
    or a name over 63 characters, gets an 8-hex-digit hash of host and path appended, so
    two different paths never collapse into one name.
    """
    if device.name:
        return device.name
    raw = device.dev_path.removeprefix("/dev/")
    slug = _NOT_NAME.sub("-", raw.lower()).strip("-") or "disk"
    name = f"{host.name}-{slug}"
    if slug == raw and len(name) <= _MAX_NAME:
        return name
    digest = hashlib.sha256(f"{host.name}\0{device.dev_path}".encode()).hexdigest()[:8]
    stem = name[: _MAX_NAME - len(digest) - 1].rstrip("-.")
    return f"{stem}-{digest}"


def block_device_manifests(host: Host) -> tuple[Manifest, ...]:
    """One ``BlockDevice`` per entry of ``host.block_devices``, asking NDM to provision it.

    ``spec.provision`` is the current switch and ``spec.fileSystem.provisioned`` the one
    older NDM releases read, so both are set; ``mountPoint`` is deprecated but the CRD
    still requires it, so it is written empty. ``tags`` become the Longhorn disk's tags.
    See https://docs.harvesterhci.io/latest/host/#multi-disk-management
    """
    return tuple(_manifest(host, device) for device in host.block_devices)


def _manifest(host: Host, device: BlockDevice) -> Manifest:
    spec: dict[str, Any] = {
        "devPath": device.dev_path,
        "fileSystem": {
            "forceFormatted": device.force_formatted,
            "mountPoint": "",
            "provisioned": True,
        },
        "nodeName": host.name,
        "provision": True,
        "provisioner": {"longhorn": {"engineVersion": "LonghornV1"}},
        "tags": list(device.tags),
    }
    return Manifest.build({
        "apiVersion": BLOCK_DEVICE_API,
        "kind": "BlockDevice",
        "metadata": {
            "name": block_device_name(host, device),
            "namespace": BLOCK_DEVICE_NAMESPACE,
            "labels": dict(MANAGED_BY),
        },
        "spec": spec,
    })
