"""What Longhorn, Harvester or the API server would refuse in what render writes.

``admission_problems`` (in the model) holds Longhorn's admission rules, which the policy
gate reports too; ``structural_problems`` runs again because an Inventory built in Python
never went through loading. The rules added here matter only once manifests exist: object
names that collide or are not names, and disk settings Longhorn refuses at apply time.
"""

from __future__ import annotations

from harvester_iac.model import (
    DiskType,
    Host,
    Inventory,
    Problem,
    admission_problems,
    clean_path,
    is_dns1123_subdomain,
    is_qualified_name,
    structural_problems,
)
from harvester_iac.render._harvester import block_device_name

__all__ = ["NDM_MOUNT_ROOT", "render_problems"]

#: Where Harvester's node-disk-manager mounts the devices it provisions.
NDM_MOUNT_ROOT = "/var/lib/harvester/extra-disks"

PathKey = tuple[str | int, ...]


def render_problems(inv: Inventory) -> list[Problem]:
    """Structural, admission and render-time problems, each at its inventory path."""
    return [*structural_problems(inv), *admission_problems(inv), *_render_time(inv)]


def _render_time(inv: Inventory) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[str, PathKey] = {}
    for i, host in enumerate(inv.hosts):
        out += _provisioned_twice(i, host)
        for j, disk in enumerate(host.disks):
            if disk.managed and disk.disk_type is DiskType.BLOCK and not disk.path.startswith("/dev/"):
                out.append(Problem(
                    ("hosts", i, "disks", j, "path"),
                    f'block disk "{disk.name}" has path "{disk.path}", which is not a device',
                    "a device path under /dev/ for diskType: block",
                    "use diskType: filesystem for a mounted directory"))
        for j, device in enumerate(host.block_devices):
            base: PathKey = ("hosts", i, "blockDevices", j)
            name = block_device_name(host, device)
            where: PathKey = (*base, "name") if device.name else (*base, "devPath")
            if not is_dns1123_subdomain(name):
                out.append(Problem(where, f'block device name "{name}" is not a valid object name',
                                   "lower-case letters, digits, '-' and '.' (RFC 1123)"))
            if name in seen:
                first = "/".join(str(p) for p in seen[name])
                out.append(Problem(where, f'block device name "{name}" is used twice (first at /{first})',
                                   "one BlockDevice name per device (they share one namespace)"))
            else:
                seen[name] = where
            for t, tag in enumerate(device.tags):
                if not is_qualified_name(tag):
                    out.append(Problem((*base, "tags", t), f'block device tag "{tag}" is not a valid tag',
                                       "a Kubernetes qualified name ([prefix/]name); it becomes a Longhorn disk tag"))
    return out


def _provisioned_twice(i: int, host: Host) -> list[Problem]:
    """A managed disk on a device that a BlockDevice also hands to node-disk-manager.

    NDM mounts a provisioned device at ``/var/lib/harvester/extra-disks/<BlockDevice
    name>`` and adds it to the Longhorn Node itself, under that name. A managed disk
    entry for the same device is only consistent when it is that very disk (same name,
    same path: then it refines NDM's entry, e.g. with storageReserved); anything else
    adds a second Longhorn disk that points at a directory on the OS drive.
    """
    out: list[Problem] = []
    devices = {b.dev_path: b for b in host.block_devices}
    for j, disk in enumerate(host.disks):
        device = devices.get(disk.device or "")
        if not disk.managed or device is None:
            continue
        name = block_device_name(host, device)
        mount = f"{NDM_MOUNT_ROOT}/{name}"
        if disk.name == name and clean_path(disk.path) == mount:
            continue
        k = host.block_devices.index(device)
        out.append(Problem(
            ("hosts", i, "disks", j, "device"),
            f'disk "{disk.name}" is on {device.dev_path}, which /hosts/{i}/blockDevices/{k} hands to '
            f'node-disk-manager; NDM adds that device to Longhorn itself, as disk "{name}" at {mount}, '
            "so this entry would be a second disk",
            f"name: {name} and path: {mount} (to manage NDM's disk), or managed: false",
            "or drop the blockDevices entry and mount the device yourself"))
    return out
