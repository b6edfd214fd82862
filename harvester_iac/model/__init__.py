"""The inventory model: plain typed data for hosts, Longhorn disks, storage classes and VMs.

Load one from YAML (``load_inventory``), take the embedded default (``default_inventory``),
or build one in Python from the dataclasses. Nothing here imports the CDK runtime.
"""

from harvester_iac.model._check import Problem, admission_problems, clean_path, structural_problems
from harvester_iac.model._load import (
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
from harvester_iac.model._units import (
    Size,
    SizeError,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
)

__all__ = [
    "AntiAffinity",
    "BlockDevice",
    "ControlPlane",
    "DataLocality",
    "DeclaredVolume",
    "DiskType",
    "Host",
    "Inventory",
    "Longhorn",
    "LonghornDisk",
    "LonghornSettings",
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
