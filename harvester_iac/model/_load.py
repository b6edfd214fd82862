"""Inventory YAML <-> typed model, with errors that point at the line.

Order of checks: YAML syntax, then the JSON Schema shipped beside this module (types,
unknown keys with a "did you mean"), then sizes, then ``structural_problems``. The first
problem by position is reported, with a count of the rest.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harvester_iac.core import (
    SETTING_NAMES,
    InventoryError,
    Located,
    Marks,
    PathKey,
    Problem,
    Size,
    SizeError,
    schema_problem,
    show,
)
from harvester_iac.model._check import structural_problems
from harvester_iac.model._types import (
    AntiAffinity,
    BlockDevice,
    ControlPlane,
    DataLocality,
    DiskType,
    Host,
    Inventory,
    Longhorn,
    LonghornDisk,
    LonghornSettings,
    MasterVm,
    Network,
    StorageClass,
    Vm,
    VmDisk,
    VmImage,
)

if TYPE_CHECKING:
    import jsonschema

__all__ = [
    "DEFAULT_INVENTORY_NAME",
    "check_inventory",
    "default_inventory",
    "inventory_schema",
    "load_inventory",
    "parse_inventory",
]

DEFAULT_INVENTORY_NAME = "default-inventory.yaml"


@cache
def inventory_schema() -> dict[str, Any]:
    """The inventory JSON Schema (also shipped as ``inventory.schema.json`` for editors)."""
    text = resources.files("harvester_iac.model").joinpath("inventory.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # 70 ms of import, paid only when a file is checked

    return jsonschema.Draft202012Validator(inventory_schema())


def load_inventory(path: str | Path) -> Inventory:
    """Load and check an inventory file; raise ``InventoryError`` naming file:line:col."""
    from harvester_iac._yaml import read_text  # YAML only where text is read: check_inventory needs none

    text = read_text(path, error=InventoryError)
    return parse_inventory(text, file=str(path))


@cache
def default_inventory() -> Inventory:
    """The embedded default: the incident's homelab after the fix (see the YAML file).

    The file ships inside the package and the test suite checks it against the JSON
    Schema, so loading it skips the schema pass (and the jsonschema import): every
    command on the default starts faster. The structural checks still run.
    """
    text = resources.files("harvester_iac.model").joinpath(DEFAULT_INVENTORY_NAME).read_text()
    return parse_inventory(text, file=f"<default inventory {DEFAULT_INVENTORY_NAME}>", _schema=False)


def parse_inventory(text: str, *, file: str = "<inventory>", _schema: bool = True) -> Inventory:
    from harvester_iac._yaml import load_yaml

    doc = load_yaml(text, file=file, error=InventoryError)
    if not isinstance(doc.value, dict):
        raise InventoryError("the document is not a mapping", file=file, where=doc.place(()),
                             expected="a mapping with apiVersion: harvester-iac/v1, kind: Inventory")
    if _schema:
        _schema_check(doc)
    inv = _build(doc)
    _raise_first(doc, structural_problems(inv))
    return inv


def check_inventory(inv: Inventory) -> None:
    """Check an inventory built in Python; raise ``InventoryError`` with the JSON pointer."""
    _raise_first(Located(None, inv.source, error=InventoryError, marks=Marks()), structural_problems(inv))


def _raise_first(doc: Located, problems: list[Problem]) -> None:
    error = doc.first_problem(problems)
    if error is not None:
        raise error


# --- schema errors --------------------------------------------------------------------

def _schema_check(doc: Located) -> None:
    _raise_first(doc, [_describe(e) for e in _validator().iter_errors(doc.value)])


def _describe(err: jsonschema.ValidationError) -> Problem:
    """The inventory's own words for sizes and Longhorn versions, else the shared translation."""
    path: PathKey = tuple(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    inst: Any = err.instance
    if err.validator == "oneOf" and "Kubernetes quantity" in str(schema.get("description", "")):
        try:
            Size.parse(inst)
        except SizeError as exc:
            return Problem(path, str(exc), "a size such as 40Gi", exc.hint)
        return Problem(path, f"invalid size {inst!r}", "a size such as 40Gi")
    if err.validator == "pattern" and path and path[-1] == "version":
        return Problem(path, f"unsupported Longhorn version {show(inst)}", "1.9.x, 1.10.x, 1.11.x or 1.12.x")
    return schema_problem(err)


# --- building the model -----------------------------------------------------------------

def _size(doc: Located, path: PathKey, value: Any) -> Size:
    try:
        return Size.parse(value)
    except SizeError as exc:
        raise InventoryError(str(exc), file=doc.file, where=doc.place(path),
                             expected="a size such as 40Gi", hint=exc.hint) from None


def _disk(doc: Located, p: PathKey, d: dict[str, Any]) -> LonghornDisk:
    return LonghornDisk(
        name=d["name"], path=d["path"], device=d.get("device"),
        disk_type=DiskType(d.get("diskType", "filesystem")),
        storage_reserved=_size(doc, (*p, "storageReserved"), d.get("storageReserved", 0)),
        allow_scheduling=d.get("allowScheduling", True),
        eviction_requested=d.get("evictionRequested", False),
        tags=tuple(d.get("tags", ())),
        capacity=_size(doc, (*p, "capacity"), d["capacity"]) if "capacity" in d else None,
        managed=d.get("managed", True),
    )


def _vm_disk(doc: Located, p: PathKey, d: dict[str, Any]) -> VmDisk:
    return VmDisk(
        name=d["name"], size=_size(doc, (*p, "size"), d["size"]), storage_class=d["storageClass"],
        image=d.get("image"), boot_order=d.get("bootOrder"), volume_name=d.get("volumeName"),
        bus=d.get("bus", "virtio"),
    )


def _build(doc: Located) -> Inventory:
    data: dict[str, Any] = doc.value  # type: ignore[assignment]  # checked by the caller
    lh = data.get("longhorn", {})
    st = lh.get("settings", {})
    settings = LonghornSettings(**{SETTING_NAMES[k]: v for k, v in st.items()})
    hosts = tuple(
        Host(
            name=h["name"], address=h["address"], aliases=tuple(h.get("aliases", ())),
            kubeconfig=h.get("kubeconfig"),
            context=h.get("context"), zone=h.get("zone", ""), tags=tuple(h.get("tags", ())),
            disks=tuple(_disk(doc, ("hosts", i, "disks", j), d)
                        for j, d in enumerate(h.get("disks", ()))),
            block_devices=tuple(
                BlockDevice(dev_path=b["devPath"], name=b.get("name"), tags=tuple(b.get("tags", ())),
                            force_formatted=b.get("forceFormatted", False))
                for b in h.get("blockDevices", ())),
        )
        for i, h in enumerate(data["hosts"])
    )
    classes = tuple(
        StorageClass(
            name=s["name"], number_of_replicas=s.get("numberOfReplicas", 3),
            data_locality=DataLocality(s.get("dataLocality", "disabled")),
            disk_selector=tuple(s.get("diskSelector", ())), node_selector=tuple(s.get("nodeSelector", ())),
            replica_soft_anti_affinity=AntiAffinity(s.get("replicaSoftAntiAffinity", "ignored")),
            replica_zone_soft_anti_affinity=AntiAffinity(s.get("replicaZoneSoftAntiAffinity", "ignored")),
            replica_disk_soft_anti_affinity=AntiAffinity(s.get("replicaDiskSoftAntiAffinity", "ignored")),
            stale_replica_timeout_min=s.get("staleReplicaTimeout", 30),
            migratable=s.get("migratable", True), is_default=s.get("isDefault", False),
            reclaim_policy=s.get("reclaimPolicy", "Delete"),
            volume_binding_mode=s.get("volumeBindingMode", "Immediate"),
            allow_volume_expansion=s.get("allowVolumeExpansion", True),
            managed=s.get("managed", True),
        )
        for s in data.get("storageClasses", ())
    )
    images = tuple(
        VmImage(name=m["name"], url=m["url"], display_name=m.get("displayName"),
                namespace=m.get("namespace", "default"), storage_class=m.get("storageClass"),
                managed=m.get("managed", True))
        for m in data.get("images", ())
    )
    networks = tuple(
        Network(name=n["name"], cluster_network=n.get("clusterNetwork", "mgmt"),
                vlan_id=n.get("vlanId", 1), namespace=n.get("namespace", "default"),
                managed=n.get("managed", True))
        for n in data.get("networks", ())
    )
    masters = tuple(
        MasterVm(
            name=m["name"], address=m["address"], host=m["host"], cpu=m.get("cpu", 4),
            memory=_size(doc, ("controlPlane", "masters", i, "memory"), m.get("memory", "8Gi")),
            root_volume=_vm_disk(doc, ("controlPlane", "masters", i, "rootVolume"), m["rootVolume"]),
            network=m.get("network"), namespace=m.get("namespace", "default"),
            ssh_keys=tuple(m.get("sshKeys", ())),
        )
        for i, m in enumerate(data.get("controlPlane", {}).get("masters", ()))
    )
    vms = tuple(
        Vm(
            name=v["name"], host=v.get("host"), cpu=v.get("cpu", 2),
            memory=_size(doc, ("vms", i, "memory"), v.get("memory", "4Gi")),
            disks=tuple(_vm_disk(doc, ("vms", i, "disks", j), d) for j, d in enumerate(v.get("disks", ()))),
            network=v.get("network"), namespace=v.get("namespace", "default"), address=v.get("address"),
        )
        for i, v in enumerate(data.get("vms", ()))
    )
    return Inventory(
        name=data["metadata"]["name"], description=data["metadata"].get("description", ""),
        hosts=hosts,
        longhorn=Longhorn(version=str(lh.get("version", "1.9.2")),
                          namespace=lh.get("namespace", "longhorn-system"), settings=settings),
        storage_classes=classes, images=images, networks=networks,
        control_plane=ControlPlane(masters=masters), vms=vms, source=doc.file,
    )
