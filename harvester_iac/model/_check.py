"""Checks that an inventory holds together, as located problems.

Two families: ``structural_problems`` (names, references, duplicates, paths) make an
inventory unusable, so loading fails on them; ``admission_problems`` are the rules
Longhorn's admission webhook applies to what we would render, so render refuses them and
the policy gate reports them as findings before a plan ever reaches the cluster.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from harvester_iac.core import (
    PathKey,
    Problem,
    clean_path,
    did_you_mean,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
)
from harvester_iac.model._types import DataLocality, Inventory

__all__ = ["admission_problems", "clean_path", "structural_problems"]

SUPPORTED_LONGHORN = ((1, 9), (1, 10), (1, 11), (1, 12))


def _duplicates(items: Iterable[tuple[PathKey, str]], what: str) -> Iterator[Problem]:
    seen: dict[str, PathKey] = {}
    for path, key in items:
        if key in seen:
            first = "/".join(str(p) for p in seen[key])
            yield Problem(path, f'duplicate {what} "{key}" (first at /{first})', f"a unique {what}")
        else:
            seen[key] = path


def structural_problems(inv: Inventory) -> list[Problem]:
    """Problems that make the inventory meaningless: fix them before anything else runs."""
    out: list[Problem] = []
    if inv.longhorn.minor not in SUPPORTED_LONGHORN:
        out.append(Problem(("longhorn", "version"), f"Longhorn {inv.longhorn.version} is not supported",
                           "1.9.x, 1.10.x, 1.11.x or 1.12.x"))
    out += _host_problems(inv)
    out += _catalog_problems(inv)
    out += _vm_problems(inv)
    return out


def _host_problems(inv: Inventory) -> Iterator[Problem]:
    yield from _duplicates(((("hosts", i, "name"), h.name) for i, h in enumerate(inv.hosts)), "host name")
    names: list[tuple[PathKey, str]] = [(("hosts", i, "name"), h.name.lower())
                                        for i, h in enumerate(inv.hosts)]
    names += [(("hosts", i, "aliases", j), a.lower()) for i, h in enumerate(inv.hosts)
              for j, a in enumerate(h.aliases)]
    yield from (p for p in _duplicates(names, "host name or alias") if "aliases" in p.path)
    for i, h in enumerate(inv.hosts):
        if not is_dns1123_subdomain(h.name):
            yield Problem(("hosts", i, "name"), f'"{h.name}" is not a valid node name',
                          "lower-case letters, digits, '-' and '.' (RFC 1123)")
        yield from _duplicates(
            ((("hosts", i, "disks", j, "name"), d.name) for j, d in enumerate(h.disks)), "disk name")
        yield from _duplicates(
            ((("hosts", i, "disks", j, "path"), clean_path(d.path)) for j, d in enumerate(h.disks)), "disk path")
        yield from _duplicates(
            ((("hosts", i, "blockDevices", j, "devPath"), b.dev_path) for j, b in enumerate(h.block_devices)),
            "block device")
        for j, d in enumerate(h.disks):
            base: PathKey = ("hosts", i, "disks", j)
            if not is_dns1123_label(d.name):
                yield Problem((*base, "name"), f'"{d.name}" is not a valid disk name',
                              "lower-case letters, digits and '-' (RFC 1123 label)")
            if not d.path.startswith("/"):
                yield Problem((*base, "path"), f'expected an absolute path, found "{d.path}"', "an absolute path")
            if d.device is not None and not d.device.startswith("/dev/"):
                yield Problem((*base, "device"), f'expected a device path such as /dev/nvme0n1, found "{d.device}"',
                              "a path under /dev/", hint=f'did you mean "/dev/{d.device}"?')
            if d.capacity is not None and d.storage_reserved.bytes >= d.capacity.bytes:
                yield Problem((*base, "storageReserved"),
                              f"storageReserved {d.storage_reserved} leaves nothing of capacity {d.capacity}",
                              "less than the disk's capacity")


def _catalog_problems(inv: Inventory) -> Iterator[Problem]:
    """Storage classes, images and networks: unique, well named, consistent."""
    sc_names = [s.name for s in inv.storage_classes]
    yield from _duplicates(((("storageClasses", i, "name"), s.name) for i, s in enumerate(inv.storage_classes)),
                           "storage class")
    yield from _duplicates(((("images", i, "name"), m.name) for i, m in enumerate(inv.images)), "image")
    yield from _duplicates(((("networks", i, "name"), n.name) for i, n in enumerate(inv.networks)), "network")
    for i, s in enumerate(inv.storage_classes):
        if not is_dns1123_subdomain(s.name):
            yield Problem(("storageClasses", i, "name"), f'"{s.name}" is not a valid name', "RFC 1123")
    defaults = [i for i, s in enumerate(inv.storage_classes) if s.is_default]
    for i in defaults[1:]:
        yield Problem(("storageClasses", i, "isDefault"), "more than one default storage class",
                      "at most one isDefault: true")
    for i, image in enumerate(inv.images):
        if image.storage_class is not None and image.storage_class not in sc_names:
            yield _unknown(("images", i, "storageClass"), "storage class", image.storage_class, sc_names)
    for i, n in enumerate(inv.networks):
        if not is_dns1123_label(n.name):
            yield Problem(("networks", i, "name"), f'"{n.name}" is not a valid name', "RFC 1123 label")


def _vm_problems(inv: Inventory) -> Iterator[Problem]:
    """Masters and VMs: names, the host, network, storage class and image they refer to."""
    host_names = [h.name for h in inv.hosts]
    sc_names = [s.name for s in inv.storage_classes]
    image_names = [m.name for m in inv.images]
    net_names = [n.name for n in inv.networks]
    vm_keys: list[tuple[PathKey, str]] = []

    def refs(base: PathKey, name: str, host: str | None, network: str | None) -> Iterator[Problem]:
        vm_keys.append(((*base, "name"), name))
        if not is_dns1123_label(name.split("/")[1]):
            yield Problem((*base, "name"), f'"{name.split("/")[1]}" is not a valid VM name', "RFC 1123 label")
        if host is not None and host not in host_names:
            yield _unknown((*base, "host"), "host", host, host_names)
        if network is not None and network not in net_names:
            yield _unknown((*base, "network"), "network", network, net_names)

    for i, master in enumerate(inv.control_plane.masters):
        base: PathKey = ("controlPlane", "masters", i)
        yield from refs(base, f"{master.namespace}/{master.name}", master.host, master.network)
        root = master.root_volume
        yield from _disk_refs((*base, "rootVolume"), root.storage_class, root.image, sc_names, image_names)
    yield from _duplicates(((("controlPlane", "masters", i, "address"), m.address)
                            for i, m in enumerate(inv.control_plane.masters)), "master address")
    for i, vm in enumerate(inv.vms):
        yield from refs(("vms", i), f"{vm.namespace}/{vm.name}", vm.host, vm.network)
        yield from _duplicates(((("vms", i, "disks", j, "name"), d.name) for j, d in enumerate(vm.disks)),
                               "disk name")
        for j, vm_disk in enumerate(vm.disks):
            yield from _disk_refs(("vms", i, "disks", j), vm_disk.storage_class, vm_disk.image, sc_names, image_names)
    yield from _duplicates(vm_keys, "VM name")


def _disk_refs(
    base: PathKey, sc: str, image: str | None, sc_names: list[str], image_names: list[str]
) -> Iterator[Problem]:
    if sc not in sc_names:
        yield _unknown((*base, "storageClass"), "storage class", sc, sc_names)
    if image is not None and image not in image_names:
        yield _unknown((*base, "image"), "image", image, image_names)


def _unknown(path: PathKey, what: str, name: str, known: list[str]) -> Problem:
    listing = ", ".join(f'"{k}"' for k in known) or "none declared"
    return Problem(path, f'unknown {what} "{name}"', f"one of the declared {what}s ({listing})",
                   did_you_mean(name, known))


def admission_problems(inv: Inventory) -> list[Problem]:
    """What Longhorn's admission webhook would refuse in the manifests we render."""
    out: list[Problem] = []
    for i, h in enumerate(inv.hosts):
        for t, tag in enumerate(h.tags):
            if not is_qualified_name(tag):
                out.append(Problem(("hosts", i, "tags", t), f'node tag "{tag}" is not a valid tag',
                                   "a Kubernetes qualified name ([prefix/]name)"))
        for j, d in enumerate(h.disks):
            base: PathKey = ("hosts", i, "disks", j)
            if d.storage_reserved.bytes < 0:
                out.append(Problem((*base, "storageReserved"), "storageReserved is negative", ">= 0"))
            for t, tag in enumerate(d.tags):
                if not is_qualified_name(tag):
                    out.append(Problem((*base, "tags", t), f'disk tag "{tag}" is not a valid tag',
                                       "a Kubernetes qualified name ([prefix/]name)"))
            if d.eviction_requested and d.allow_scheduling:
                out.append(Problem(
                    (*base, "evictionRequested"),
                    f'disk "{d.name}" requests eviction while it still allows scheduling',
                    "allowScheduling: false on a disk being evicted",
                    "set allowScheduling: false, or drop evictionRequested"))
    for i, s in enumerate(inv.storage_classes):
        base = ("storageClasses", i)
        if not 1 <= s.number_of_replicas <= 20:
            out.append(Problem((*base, "numberOfReplicas"),
                               f"numberOfReplicas {s.number_of_replicas} is out of range", "1 to 20"))
        if s.data_locality is DataLocality.STRICT_LOCAL and s.number_of_replicas != 1:
            out.append(Problem((*base, "dataLocality"),
                               f"strict-local needs exactly 1 replica, not {s.number_of_replicas}",
                               "numberOfReplicas: 1 with dataLocality: strict-local"))
        for key, sel in (("diskSelector", s.disk_selector), ("nodeSelector", s.node_selector)):
            for t, tag in enumerate(sel):
                if not is_qualified_name(tag):
                    out.append(Problem((*base, key, t), f'selector tag "{tag}" is not a valid tag',
                                       "a Kubernetes qualified name"))
    return out
