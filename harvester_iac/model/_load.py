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

from harvester_iac._yaml import Located, PathKey, load_yaml, locate, read_text
from harvester_iac.core import SETTING_NAMES, InventoryError, Size, SizeError, did_you_mean
from harvester_iac.model._check import Problem, structural_problems
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
    doc = load_yaml(text, file=file, error=InventoryError)
    if not isinstance(doc.data, dict):
        raise InventoryError("the document is not a mapping", file=file, where=locate(doc, ()),
                             expected="a mapping with apiVersion: harvester-iac/v1, kind: Inventory")
    if _schema:
        _schema_check(doc)
    inv = _build(doc)
    _raise_first(doc, structural_problems(inv))
    return inv


def check_inventory(inv: Inventory) -> None:
    """Check an inventory built in Python; raise ``InventoryError`` with the JSON pointer."""
    problems = structural_problems(inv)
    if problems:
        _raise_first(Located(None, {}, inv.source), problems)


def _raise_first(doc: Located, problems: list[Problem]) -> None:
    if not problems:
        return
    problems = sorted(problems, key=lambda p: _position(doc, p))
    first = problems[0]
    raise InventoryError(first.message, file=doc.file, where=locate(doc, first.path, at_key=first.at_key),
                         expected=first.expected, hint=first.hint, more=len(problems) - 1)


def _position(doc: Located, p: Problem) -> tuple[int, int]:
    marks = doc.key_marks if p.at_key else doc.marks
    return marks.get(p.path) or doc.marks.get(p.path) or (10**9, 0)


# --- schema errors --------------------------------------------------------------------

def _schema_check(doc: Located) -> None:
    errors = list(_validator().iter_errors(doc.data))
    if not errors:
        return
    described = [_describe(doc, e) for e in errors]
    described.sort(key=lambda p: _position(doc, p))
    _raise_first(doc, described)


def _describe(doc: Located, err: jsonschema.ValidationError) -> Problem:
    path: PathKey = tuple(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    inst: Any = err.instance
    v = err.validator
    if v == "additionalProperties" and isinstance(inst, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(k for k in inst if k not in allowed)
        key = extra[0] if extra else "?"
        return Problem((*path, key), f'unknown key "{key}"',
                       "one of " + ", ".join(allowed), did_you_mean(key, allowed), at_key=True)
    if v == "required" and isinstance(inst, dict):
        missing = [k for k in schema.get("required", []) if k not in inst]
        return Problem(path, f'missing required key "{missing[0]}"' if missing else err.message)
    if v == "oneOf" and "Kubernetes quantity" in str(schema.get("description", "")):
        try:
            Size.parse(inst)
        except SizeError as exc:
            return Problem(path, str(exc), "a size such as 40Gi", exc.hint)
        return Problem(path, f"invalid size {inst!r}", "a size such as 40Gi")
    if v == "type":
        want = schema.get("type")
        return Problem(path, f"expected {_type_words(want)}, found {_show(inst)}")
    if v == "enum":
        opts = ", ".join(f'"{o}"' for o in schema.get("enum", []))
        return Problem(path, f"expected one of {opts}, found {_show(inst)}",
                       hint=did_you_mean(str(inst), [str(o) for o in schema.get("enum", [])]))
    if v == "const":
        return Problem(path, f'expected "{schema.get("const")}", found {_show(inst)}')
    if v == "pattern" and path and path[-1] == "version":
        return Problem(path, f"unsupported Longhorn version {_show(inst)}",
                       "1.9.x, 1.10.x, 1.11.x or 1.12.x")
    return Problem(path, f"{_show(inst)}: {err.message.split(' is ', 1)[-1]}")


def _type_words(want: object) -> str:
    words = {"string": "a string", "integer": "an integer", "boolean": "true or false",
             "array": "a list", "object": "a mapping", "number": "a number"}
    if isinstance(want, list):
        return " or ".join(words.get(str(w), str(w)) for w in want)
    return words.get(str(want), str(want))


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


# --- building the model -----------------------------------------------------------------

def _size(doc: Located, path: PathKey, value: Any) -> Size:
    try:
        return Size.parse(value)
    except SizeError as exc:
        raise InventoryError(str(exc), file=doc.file, where=locate(doc, path),
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
    data: dict[str, Any] = doc.data
    lh = data.get("longhorn", {})
    st = lh.get("settings", {})
    settings = LonghornSettings(**{SETTING_NAMES[k]: v for k, v in st.items()})
    hosts = tuple(
        Host(
            name=h["name"], address=h["address"], kubeconfig=h.get("kubeconfig"),
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
