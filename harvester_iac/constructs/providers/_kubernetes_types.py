"""The Kubernetes provider's argument types (config dataclasses), no CDK runtime.

Kept apart from the L1 classes (``_kubernetes``) so that ``harvester-iac synth`` can build
these classes while Node.js starts; see ``_commands/synth.py``. Typed from the vendored
schema (identical in 2.38.0 and 3.2.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "KubernetesExec",
    "KubernetesManifestConfig",
    "KubernetesProviderConfig",
    "ManifestFieldManager",
    "ManifestTimeouts",
    "ManifestWait",
    "ManifestWaitCondition",
]

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
