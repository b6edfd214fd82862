"""Typed L1 classes for the Kubernetes provider (``registry.terraform.io/hashicorp/kubernetes``).

Only what harvester-iac uses: the provider block and ``kubernetes_manifest``, typed from the
vendored schema (identical in 2.38.0 and 3.2.1, hence the ``>= 2.38.0, < 4.0.0`` range).
The prebuilt ``@cdktf/provider-kubernetes`` bindings would cost 148 MB and ~5 s of import.
See https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/manifest
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harvester_iac.constructs.providers._base import L1Provider, L1Resource, ProviderInfo

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

_BLOCK = {"block": True}


@dataclass(frozen=True, kw_only=True)
class KubernetesExec:
    """``exec`` credential plugin of the provider block."""

    api_version: str
    command: str
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class KubernetesProviderConfig:
    """The ``provider "kubernetes"`` block (every argument optional; env vars fill gaps)."""

    config_path: str | None = None
    config_paths: tuple[str, ...] = ()
    config_context: str | None = None
    config_context_auth_info: str | None = None
    config_context_cluster: str | None = None
    host: str | None = None
    insecure: bool | None = None
    tls_server_name: str | None = None
    cluster_ca_certificate: str | None = None
    client_certificate: str | None = None
    client_key: str | None = None
    token: str | None = None
    username: str | None = None
    password: str | None = None
    proxy_url: str | None = None
    ignore_annotations: tuple[str, ...] = ()
    ignore_labels: tuple[str, ...] = ()
    exec: KubernetesExec | None = field(default=None, metadata=_BLOCK)


class KubernetesProvider(L1Provider[KubernetesProviderConfig]):
    """``provider "kubernetes"`` with ``registry.terraform.io/hashicorp/kubernetes``."""

    PROVIDER = KUBERNETES
    CONFIG = KubernetesProviderConfig


@dataclass(frozen=True, kw_only=True)
class ManifestFieldManager:
    """Server-side apply field manager: which fields this resource owns."""

    #: Field manager name; default (provider): ``Terraform``.
    name: str | None = None
    #: Take over fields another manager owns, instead of failing; default: false.
    force_conflicts: bool | None = None


@dataclass(frozen=True, kw_only=True)
class ManifestTimeouts:
    create: str | None = None
    update: str | None = None
    delete: str | None = None


@dataclass(frozen=True, kw_only=True)
class ManifestWaitCondition:
    type: str | None = None
    status: str | None = None


@dataclass(frozen=True, kw_only=True)
class ManifestWait:
    rollout: bool | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    condition: tuple[ManifestWaitCondition, ...] = ()


@dataclass(frozen=True, kw_only=True)
class KubernetesManifestConfig:
    """``kubernetes_manifest`` arguments; ``manifest`` is the full object (no ``status``)."""

    manifest: Mapping[str, Any]
    computed_fields: tuple[str, ...] = ()
    field_manager: ManifestFieldManager | None = field(default=None, metadata=_BLOCK)
    wait: ManifestWait | None = field(default=None, metadata=_BLOCK)
    timeouts: ManifestTimeouts | None = field(default=None, metadata=_BLOCK)


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
