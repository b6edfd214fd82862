"""CDK for Terraform constructs for Harvester hosts, Longhorn disks and classes, and K3s masters.

L2 constructs take ``(scope, id, *, props=XxxProps(...))``, validate their props at
construction (``ConstructError`` naming the prop and value) and build the typed L1
resources of ``harvester_iac.constructs.providers``. They read ``model`` objects, never YAML.
Importing this package starts the CDK runtime (``harvester_iac.cdk``).
"""

from harvester_iac.constructs._host import (
    HarvesterHost,
    HarvesterHostProps,
    LonghornDisk,
    LonghornDiskProps,
)
from harvester_iac.constructs._refs import Catalog, ImageRef, NetworkRef, StorageClassRef
from harvester_iac.constructs._storage import LonghornStorageClass, LonghornStorageClassProps
from harvester_iac.constructs._validation import (
    FindingsValidation,
    TerraformVersionCheck,
    add_findings_validation,
    findings_of,
    require_terraform_for_imports,
    skip_terraform_check,
    start_terraform_check,
)
from harvester_iac.constructs._vm import (
    ControlPlane,
    ControlPlaneProps,
    MasterVm,
    MasterVmProps,
    RootVolume,
    RootVolumeProps,
    vm_resource,
)
from harvester_iac.core import Finding, Severity  # re-exported: the one finding vocabulary

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
