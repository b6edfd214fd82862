"""The inventory model: plain typed data for hosts, Longhorn disks, storage classes and VMs.

Load one from YAML (``load_inventory``), take the embedded default (``default_inventory``),
or build one in Python from the dataclasses. Nothing here imports the CDK runtime.

Names load on first use (PEP 562): reading the types costs no YAML or schema import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester_iac._lazy import lazy_exports

if TYPE_CHECKING:
    from harvester_iac.core import (
        Problem,
        Size,
        SizeError,
        clean_path,
        is_dns1123_label,
        is_dns1123_subdomain,
        is_qualified_name,
    )
    from harvester_iac.model._check import admission_problems, structural_problems
    from harvester_iac.model._identity import HostMatcher, Identity, MachineKind
    from harvester_iac.model._load import (
        DEFAULT_INVENTORY_NAME,
        check_inventory,
        default_inventory,
        inventory_schema,
        load_inventory,
        parse_inventory,
    )
    from harvester_iac.model._types import (
        AntiAffinity,
        BlockDevice,
        ControlPlane,
        DataLocality,
        DeclaredVolume,
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

_HOME: dict[str, str] = {
    "DEFAULT_INVENTORY_NAME": "harvester_iac.model._load",
    "AntiAffinity": "harvester_iac.core",
    "BlockDevice": "harvester_iac.model._types",
    "ControlPlane": "harvester_iac.model._types",
    "DataLocality": "harvester_iac.core",
    "DeclaredVolume": "harvester_iac.model._types",
    "DiskType": "harvester_iac.core",
    "Host": "harvester_iac.model._types",
    "HostMatcher": "harvester_iac.model._identity",
    "Identity": "harvester_iac.model._identity",
    "Inventory": "harvester_iac.model._types",
    "Longhorn": "harvester_iac.model._types",
    "LonghornDisk": "harvester_iac.model._types",
    "LonghornSettings": "harvester_iac.core",
    "MachineKind": "harvester_iac.model._identity",
    "MasterVm": "harvester_iac.model._types",
    "Network": "harvester_iac.model._types",
    "Problem": "harvester_iac.core",
    "Size": "harvester_iac.core",
    "SizeError": "harvester_iac.core",
    "StorageClass": "harvester_iac.model._types",
    "Vm": "harvester_iac.model._types",
    "VmDisk": "harvester_iac.model._types",
    "VmImage": "harvester_iac.model._types",
    "admission_problems": "harvester_iac.model._check",
    "check_inventory": "harvester_iac.model._load",
    "clean_path": "harvester_iac.core",
    "default_inventory": "harvester_iac.model._load",
    "inventory_schema": "harvester_iac.model._load",
    "is_dns1123_label": "harvester_iac.core",
    "is_dns1123_subdomain": "harvester_iac.core",
    "is_qualified_name": "harvester_iac.core",
    "load_inventory": "harvester_iac.model._load",
    "parse_inventory": "harvester_iac.model._load",
    "structural_problems": "harvester_iac.model._check",
}

__all__ = [
    "DEFAULT_INVENTORY_NAME",
    "AntiAffinity",
    "BlockDevice",
    "ControlPlane",
    "DataLocality",
    "DeclaredVolume",
    "DiskType",
    "Host",
    "HostMatcher",
    "Identity",
    "Inventory",
    "Longhorn",
    "LonghornDisk",
    "LonghornSettings",
    "MachineKind",
    "MasterVm",
    "Network",
    "Problem",
    "Size",
    "SizeError",
    "StorageClass",
    "Vm",
    "VmDisk",
    "VmImage",
    "admission_problems",
    "check_inventory",
    "clean_path",
    "default_inventory",
    "inventory_schema",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_qualified_name",
    "load_inventory",
    "parse_inventory",
    "structural_problems",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
