"""A whole inventory to the files of ``templates/``, refusing anything Longhorn would refuse.

Files: ``longhorn-<host>-disk.yaml`` (the Longhorn Node's managed disks) per host that has
one, ``storageclass-<name>.yaml`` per managed storage class, ``blockdevices-<host>.yaml``
per host with block devices to provision. Before a byte is produced, the inventory must
pass the admission rules (``render_problems``) and every manifest the CRD schemas of the
inventory's Longhorn version; the first failure is an ``InventoryError`` located in the
inventory file (line:column and JSON pointer), the rest counted.
"""

from __future__ import annotations

from pathlib import Path

from harvester_iac._yaml import load_yaml, read_text
from harvester_iac.core import InventoryError, Located, Marks, PathKey
from harvester_iac.model import Host, Inventory, Problem
from harvester_iac.render._harvester import BLOCK_DEVICE_NAMESPACE, block_device_manifests, block_device_name
from harvester_iac.render._longhorn import PROVISIONER, node_disk_manifest, storage_class_manifest
from harvester_iac.render._manifest import Manifest, RenderedFile
from harvester_iac.render._rules import render_problems
from harvester_iac.render._schema import SchemaProblem, schema_versions, validate_manifest
from harvester_iac.render._seal import sealed_file
from harvester_iac.render._yaml import dump_file, header

__all__ = ["inventory_manifests", "render_inventory"]



def inventory_manifests(inv: Inventory) -> tuple[Manifest, ...]:
    """Every manifest the inventory implies, in file order (no validation)."""
    return tuple(m for _, _, ms in _files(inv) for m in ms)


def render_inventory(inv: Inventory) -> tuple[RenderedFile, ...]:
    """The templates directory's files for ``inv``, sorted by path; validated first."""
    _raise_first(inv, render_problems(inv))
    planned = _files(inv)
    problems: list[Problem] = []
    for path, _, manifests in planned:
        for m in manifests:
            problems += (_as_problem(inv, path, p) for p in validate_manifest(m, longhorn_version=inv.longhorn.version))
    _raise_first(inv, problems)
    out = [sealed_file(path, dump_file(head, ms)) for path, head, ms in planned]
    return tuple(sorted(out, key=lambda f: f.path))


def _files(inv: Inventory) -> list[tuple[str, str, tuple[Manifest, ...]]]:
    out: list[tuple[str, str, tuple[Manifest, ...]]] = []
    for host in inv.hosts:
        node = node_disk_manifest(host, inv.longhorn)
        if node is not None:
            path = f"longhorn-{host.name}-disk.yaml"
            out.append((path, header(inv.name, _node_notes(inv, host, path)), (node,)))
    for sc in inv.storage_classes:
        manifest = storage_class_manifest(sc)
        if manifest is not None:
            out.append((f"storageclass-{sc.name}.yaml", header(inv.name, _class_notes(sc.name)), (manifest,)))
    for host in inv.hosts:
        devices = block_device_manifests(host)
        if devices:
            out.append((f"blockdevices-{host.name}.yaml", header(inv.name, _device_notes(host.name)), devices))
    return sorted(out, key=lambda f: f[0])


def _node_notes(inv: Inventory, host: Host, path: str) -> list[str]:
    managed = ", ".join(d.name for d in host.disks if d.managed)
    versions = ", ".join(f"v{v}" for v in schema_versions(inv.longhorn.version))
    return [
        f'Longhorn Node "{host.name}": the disks harvester-iac manages on this host ({managed}).',
        "Longhorn creates its Node objects itself and owns the default disk, so this is a",
        "partial object that is merged into the existing Node and never replaces it:",
        f"  kubectl apply -f {path}",
        "    kubectl applies custom resources with a JSON merge patch: disks this file",
        "    does not list (the default disk) stay as they are.",
        f"  kubectl apply --server-side --field-manager=harvester-iac -f {path}",
        "    server-side apply: the field manager owns only the disk keys listed here.",
        "Either way the default disk is never removed. To retire a disk: set",
        "allowScheduling: false and evictionRequested: true in the inventory, apply, wait",
        "until its replicas have moved, then delete it from the inventory; the next apply",
        "removes it from the Node.",
        f"Validated for Longhorn {inv.longhorn.version}: its admission rules and Node CRD schema ({versions}).",
    ]


def _class_notes(name: str) -> list[str]:
    return [
        f'StorageClass "{name}" for Longhorn\'s CSI driver ({PROVISIONER}).',
        "Kubernetes does not let a StorageClass's parameters change: to change them, delete",
        "the class and apply this file again (volumes already provisioned keep theirs).",
    ]


def _device_notes(host: str) -> list[str]:
    return [
        f'Harvester node-disk-manager BlockDevices on "{host}": disks to provision as Longhorn disks.',
        "node-disk-manager names the BlockDevices it discovers by a hash of the disk's WWN and",
        f"serial: give each device the name `kubectl -n {BLOCK_DEVICE_NAMESPACE} get blockdevices`",
        "shows (name: in the inventory) so this file updates that object instead of adding one.",
    ]


# --- errors located in the inventory ------------------------------------------------------

def _as_problem(inv: Inventory, path: str, p: SchemaProblem) -> Problem:
    return Problem(
        _inventory_path(inv, p),
        f"rendered {path} ({p.subject}, {p.pointer}): {p.message}",
        f"a manifest that the {p.source} schema accepts",
    )


def _inventory_path(inv: Inventory, p: SchemaProblem) -> PathKey:
    """Where in the inventory the refused part of a manifest came from (best effort)."""
    kind, _, rest = p.subject.partition("/")
    name = rest.rpartition("/")[2]
    parts = [str(s) for s in p.path]
    if kind == "Node":
        i = next((i for i, h in enumerate(inv.hosts) if h.name == name), None)
        if i is None:
            return ()
        host = inv.hosts[i]
        if parts[:2] == ["spec", "disks"] and len(parts) > 2:
            j = next((j for j, d in enumerate(host.disks) if d.name == parts[2]), None)
            if j is not None:
                return ("hosts", i, "disks", j, *_indexes(parts[3:]))
        if parts[:2] == ["spec", "tags"]:
            return ("hosts", i, *_indexes(parts[1:]))
        return ("hosts", i)
    if kind == "StorageClass":
        i = next((i for i, s in enumerate(inv.storage_classes) if s.name == name), None)
        if i is None:
            return ()
        key = parts[1] if parts[:1] == ["parameters"] and len(parts) > 1 else (parts[0] if parts else "")
        return ("storageClasses", i, key) if key in _CLASS_KEYS else ("storageClasses", i)
    for i, host in enumerate(inv.hosts):
        for j, device in enumerate(host.block_devices):
            if block_device_name(host, device) != name:
                continue
            base: PathKey = ("hosts", i, "blockDevices", j)
            if parts[-2:-1] == ["tags"]:
                return (*base, "tags", int(parts[-1]))
            return (*base, parts[-1]) if parts and parts[-1] in _DEVICE_KEYS else base
    return ()


_CLASS_KEYS = frozenset({
    "numberOfReplicas", "staleReplicaTimeout", "dataLocality", "diskSelector", "nodeSelector",
    "replicaSoftAntiAffinity", "replicaZoneSoftAntiAffinity", "replicaDiskSoftAntiAffinity",
    "migratable", "reclaimPolicy", "volumeBindingMode", "allowVolumeExpansion", "name",
})
_DEVICE_KEYS = frozenset({"devPath", "name", "tags", "forceFormatted"})


def _indexes(parts: list[str]) -> PathKey:
    return tuple(int(p) if p.isdigit() else p for p in parts)


def _located(inv: Inventory) -> Located:
    """The inventory's YAML with positions, when it came from a readable file."""
    source = Path(inv.source)
    if inv.source.startswith("<") or not source.is_file():
        return Located(None, inv.source, error=InventoryError, marks=Marks())
    try:
        return load_yaml(read_text(source, error=InventoryError), file=inv.source, error=InventoryError)
    except InventoryError:
        return Located(None, inv.source, error=InventoryError, marks=Marks())


def _raise_first(inv: Inventory, problems: list[Problem]) -> None:
    error = _located(inv).first_problem(problems) if problems else None
    if error is not None:
        raise error
