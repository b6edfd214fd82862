"""Kubernetes manifests from the inventory model, as typed values and as deterministic YAML.

The manifest functions (``node_disk_manifest``, ``storage_class_manifest``,
``block_device_manifests``) are pure and shared with the CDK stack, which puts the same
``Manifest.to_dict()`` into a ``kubernetes_manifest`` resource. ``render_inventory`` turns
a whole inventory into the files of ``templates/`` after checking them against Longhorn's
admission rules and CRD schemas; ``write_templates`` and ``check_templates`` keep a
templates directory in step. Nothing here imports the CDK runtime.

Names load on first use (PEP 562): the CDK stack's manifest functions cost no YAML, schema
or writer import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester_iac._lazy import lazy_exports

if TYPE_CHECKING:
    from harvester_iac.render._harvester import block_device_manifests, block_device_name
    from harvester_iac.render._inventory import inventory_manifests, render_inventory
    from harvester_iac.render._longhorn import node_disk_manifest, storage_class_manifest
    from harvester_iac.render._manifest import Manifest, RenderedFile
    from harvester_iac.render._rules import render_problems
    from harvester_iac.render._schema import (
        VENDORED_LONGHORN_VERSIONS,
        SchemaProblem,
        schema_versions,
        validate_manifest,
    )
    from harvester_iac.render._seal import Ownership, ownership, sealed_file
    from harvester_iac.render._write import (
        DiffStatus,
        TemplateDiff,
        TemplatePlan,
        WriteReport,
        check_templates,
        is_generated,
        plan_templates,
        write_templates,
    )
    from harvester_iac.render._yaml import GENERATED_PREFIX

_HOME: dict[str, str] = {
    "DiffStatus": "harvester_iac.render._write",
    "GENERATED_PREFIX": "harvester_iac.render._yaml",
    "Manifest": "harvester_iac.render._manifest",
    "Ownership": "harvester_iac.render._seal",
    "RenderedFile": "harvester_iac.render._manifest",
    "SchemaProblem": "harvester_iac.render._schema",
    "TemplateDiff": "harvester_iac.render._write",
    "TemplatePlan": "harvester_iac.render._write",
    "VENDORED_LONGHORN_VERSIONS": "harvester_iac.render._schema",
    "WriteReport": "harvester_iac.render._write",
    "block_device_manifests": "harvester_iac.render._harvester",
    "block_device_name": "harvester_iac.render._harvester",
    "check_templates": "harvester_iac.render._write",
    "inventory_manifests": "harvester_iac.render._inventory",
    "is_generated": "harvester_iac.render._write",
    "node_disk_manifest": "harvester_iac.render._longhorn",
    "ownership": "harvester_iac.render._seal",
    "plan_templates": "harvester_iac.render._write",
    "render_inventory": "harvester_iac.render._inventory",
    "render_problems": "harvester_iac.render._rules",
    "schema_versions": "harvester_iac.render._schema",
    "sealed_file": "harvester_iac.render._seal",
    "storage_class_manifest": "harvester_iac.render._longhorn",
    "validate_manifest": "harvester_iac.render._schema",
    "write_templates": "harvester_iac.render._write",
}

__all__ = [
    "GENERATED_PREFIX",
    "VENDORED_LONGHORN_VERSIONS",
    "DiffStatus",
    "Manifest",
    "Ownership",
    "RenderedFile",
    "SchemaProblem",
    "TemplateDiff",
    "TemplatePlan",
    "WriteReport",
    "block_device_manifests",
    "block_device_name",
    "check_templates",
    "inventory_manifests",
    "is_generated",
    "node_disk_manifest",
    "ownership",
    "plan_templates",
    "render_inventory",
    "render_problems",
    "schema_versions",
    "sealed_file",
    "storage_class_manifest",
    "validate_manifest",
    "write_templates",
]

__getattr__, __dir__ = lazy_exports(__name__, _HOME)
