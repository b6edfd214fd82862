"""Typed L1 classes for the Kubernetes provider (``registry.terraform.io/hashicorp/kubernetes``).

Only what harvester-iac uses: the provider block and ``kubernetes_manifest``, typed from the
vendored schema (identical in 2.38.0 and 3.2.1, hence the ``>= 2.38.0, < 4.0.0`` range).
The prebuilt ``@cdktf/provider-kubernetes`` bindings would cost 148 MB and ~5 s of import.
The config dataclasses live in ``_kubernetes_types`` (no CDK runtime), re-exported here.
See https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/manifest
"""

from __future__ import annotations

from typing import Any

from harvester_iac.constructs.providers._base import L1Provider, L1Resource, ProviderInfo
from harvester_iac.constructs.providers._kubernetes_types import (
    KubernetesExec,
    KubernetesManifestConfig,
    KubernetesProviderConfig,
    ManifestFieldManager,
    ManifestTimeouts,
    ManifestWait,
    ManifestWaitCondition,
)

__all__ = [
    "KUBERNETES",
    "KubernetesExec",
    "KubernetesManifest",
    "KubernetesManifestConfig",
    "KubernetesProvider",
    "KubernetesProviderConfig",
    "ManifestFieldManager",
    "ManifestTimeouts",
    "ManifestWait",
    "ManifestWaitCondition",
    "manifest_import_id",
]

KUBERNETES = ProviderInfo(
    name="kubernetes",
    source="registry.terraform.io/hashicorp/kubernetes",
    version="3.2.1",
    version_constraint=">= 2.38.0, < 4.0.0",
)


class KubernetesProvider(L1Provider[KubernetesProviderConfig]):
    """``provider "kubernetes"`` with ``registry.terraform.io/hashicorp/kubernetes``."""

    PROVIDER = KUBERNETES
    CONFIG = KubernetesProviderConfig


def manifest_import_id(*, api_version: str, kind: str, name: str, namespace: str | None) -> str:
    """The import id ``kubernetes_manifest`` parses: ``apiVersion=..,kind=..,namespace=..,name=..``.

    Format from the provider's ``manifest/provider/import.go`` (see its ``TestParseImportID``);
    ``namespace`` is left out for cluster-scoped objects.
    """
    parts = [f"apiVersion={api_version}", f"kind={kind}"]
    if namespace:
        parts.append(f"namespace={namespace}")
    parts.append(f"name={name}")
    return ",".join(parts)


class KubernetesManifest(L1Resource[KubernetesManifestConfig]):
    """``kubernetes_manifest``: any Kubernetes object, applied with server-side apply."""

    TERRAFORM_TYPE = "kubernetes_manifest"
    PROVIDER = KUBERNETES
    CONFIG = KubernetesManifestConfig

    def adopt(self, *, provider: L1Provider[Any] | None = None) -> str:
        """Import the existing object instead of creating it (a Terraform >= 1.5 ``import`` block).

        Returns the import id. Registers, once per stack, the check that this machine's
        Terraform/OpenTofu reads import blocks (see ``TerraformVersionCheck``).
        """
        # a function-level import: constructs._validation builds on this package
        from harvester_iac.constructs._validation import require_terraform_for_imports

        manifest = self.config.manifest
        meta = manifest.get("metadata", {})
        ident = manifest_import_id(api_version=str(manifest["apiVersion"]), kind=str(manifest["kind"]),
                                   name=str(meta["name"]), namespace=meta.get("namespace"))
        self.import_existing(ident, provider=provider)
        require_terraform_for_imports(self)
        return ident

    @property
    def object(self) -> str:
        """Reference to the object as the API server returned it after apply."""
        return self._attr("object")
