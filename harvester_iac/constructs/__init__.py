"""CDK for Terraform constructs for Harvester hosts, Longhorn disks and classes, and K3s masters.

L2 constructs take ``(scope, id, *, props=XxxProps(...))``, validate their props at
construction (``ConstructError`` naming the prop and value) and build the typed L1
resources of ``harvester_iac.constructs.providers``. They read ``model`` objects, never YAML.
Names load on first use (PEP 562): reading one starts the CDK runtime (``harvester_iac.cdk``),
while the providers' argument types (``providers/_harvester_types``, ``_kubernetes_types``)
and ``providers.schemas`` import without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester_iac._lazy import lazy_exports

if TYPE_CHECKING:
    from harvester_iac.constructs._host import HarvesterHost, LonghornDisk
    from harvester_iac.constructs._props import (
        ControlPlaneProps,
        HarvesterHostProps,
        LonghornDiskProps,
        LonghornStorageClassProps,
        MasterVmProps,
        RootVolumeProps,
    )
    from harvester_iac.constructs._refs import Catalog, ImageRef, NetworkRef, StorageClassRef
    from harvester_iac.constructs._storage import LonghornStorageClass
    from harvester_iac.constructs._validation import (
        FindingsValidation,
        TerraformVersionCheck,
        add_findings_validation,
        findings_of,
        require_terraform_for_imports,
        skip_terraform_check,
        start_terraform_check,
    )
    from harvester_iac.constructs._vm import ControlPlane, MasterVm, RootVolume, vm_resource
    from harvester_iac.core import Finding, Severity  # re-exported: the one finding vocabulary

_HOME: dict[str, str] = {
    "Catalog": "harvester_iac.constructs._refs",
    "ControlPlane": "harvester_iac.constructs._vm",
    "ControlPlaneProps": "harvester_iac.constructs._props",
    "Finding": "harvester_iac.core",
    "FindingsValidation": "harvester_iac.constructs._validation",
    "HarvesterHost": "harvester_iac.constructs._host",
    "HarvesterHostProps": "harvester_iac.constructs._props",
    "ImageRef": "harvester_iac.constructs._refs",
    "LonghornDisk": "harvester_iac.constructs._host",
    "LonghornDiskProps": "harvester_iac.constructs._props",
    "LonghornStorageClass": "harvester_iac.constructs._storage",
    "LonghornStorageClassProps": "harvester_iac.constructs._props",
    "MasterVm": "harvester_iac.constructs._vm",
    "MasterVmProps": "harvester_iac.constructs._props",
    "NetworkRef": "harvester_iac.constructs._refs",
    "RootVolume": "harvester_iac.constructs._vm",
    "RootVolumeProps": "harvester_iac.constructs._props",
    "Severity": "harvester_iac.core",
    "StorageClassRef": "harvester_iac.constructs._refs",
    "TerraformVersionCheck": "harvester_iac.constructs._validation",
    "add_findings_validation": "harvester_iac.constructs._validation",
    "findings_of": "harvester_iac.constructs._validation",
    "require_terraform_for_imports": "harvester_iac.constructs._validation",
    "skip_terraform_check": "harvester_iac.constructs._validation",
    "start_terraform_check": "harvester_iac.constructs._validation",
    "vm_resource": "harvester_iac.constructs._vm",
}

__all__ = [
    "Catalog",
    "ControlPlane",
    "ControlPlaneProps",
    "Finding",
    "FindingsValidation",
    "HarvesterHost",
    "HarvesterHostProps",
    "ImageRef",
    "LonghornDisk",
    "LonghornDiskProps",
    "LonghornStorageClass",
    "LonghornStorageClassProps",
    "MasterVm",
    "MasterVmProps",
    "NetworkRef",
    "RootVolume",
    "RootVolumeProps",
    "Severity",
    "StorageClassRef",
    "TerraformVersionCheck",
    "add_findings_validation",
    "findings_of",
    "require_terraform_for_imports",
    "skip_terraform_check",
    "start_terraform_check",
    "vm_resource",
]

__getattr__, __dir__ = lazy_exports(__name__, _HOME)
