"""The vendored provider schemas (see PROVENANCE.md), loaded once.

A ``ProviderSchema`` keeps the raw ``block`` objects of ``terraform providers schema -json``
(they are walked generically) and the constraints sidecar, keyed by dotted attribute path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "KUBERNETES_UNDESCRIBED_DATA_SOURCES",
    "KUBERNETES_UNDESCRIBED_RESOURCES",
    "ProviderSchema",
    "provider_schemas",
]

#: Resource types of hashicorp/kubernetes 2.38.0 / 3.2.1 that the partial schema file does
#: not describe (listed in the shared reference's PROVENANCE.md): known, arguments unchecked.
KUBERNETES_UNDESCRIBED_RESOURCES: frozenset[str] = frozenset(f"kubernetes_{n}" for n in (
    "annotations api_service api_service_v1 certificate_signing_request "
    "certificate_signing_request_v1 cluster_role cluster_role_binding "
    "cluster_role_binding_v1 cluster_role_v1 config_map config_map_v1 config_map_v1_data "
    "cron_job cron_job_v1 csi_driver csi_driver_v1 daemon_set_v1 daemonset "
    "default_service_account default_service_account_v1 deployment deployment_v1 "
    "endpoint_slice_v1 endpoints endpoints_v1 env horizontal_pod_autoscaler "
    "horizontal_pod_autoscaler_v1 horizontal_pod_autoscaler_v2 "
    "horizontal_pod_autoscaler_v2beta2 ingress ingress_class ingress_class_v1 ingress_v1 "
    "job job_v1 labels limit_range limit_range_v1 mutating_webhook_configuration "
    "mutating_webhook_configuration_v1 namespace namespace_v1 network_policy "
    "network_policy_v1 node_taint persistent_volume persistent_volume_claim "
    "persistent_volume_claim_v1 persistent_volume_v1 pod pod_disruption_budget "
    "pod_disruption_budget_v1 pod_v1 priority_class priority_class_v1 "
    "replication_controller replication_controller_v1 resource_quota resource_quota_v1 "
    "role role_binding role_binding_v1 role_v1 runtime_class_v1 secret secret_v1 "
    "secret_v1_data service service_account service_account_v1 service_v1 stateful_set "
    "stateful_set_v1 storage_class storage_class_v1 token_request_v1 "
    "validating_webhook_configuration validating_webhook_configuration_v1 "
    "pod_security_policy pod_security_policy_v1beta1 validating_admission_policy_v1"
).split())

#: Data sources of the same provider outside the partial schema file.
KUBERNETES_UNDESCRIBED_DATA_SOURCES: frozenset[str] = frozenset(f"kubernetes_{n}" for n in (
    "all_namespaces config_map config_map_v1 endpoint_slice_v1 endpoints_v1 ingress "
    "ingress_v1 mutating_webhook_configuration_v1 namespace namespace_v1 nodes "
    "persistent_volume_claim persistent_volume_claim_v1 persistent_volume_v1 pod pod_v1 "
    "secret secret_v1 server_version service service_v1 service_account service_account_v1 "
    "storage_class storage_class_v1"
).split())

_FILES = (
    ("harvester-1.8.1.json", "harvester-1.8.1.constraints.json"),
    ("kubernetes-3.2.1.json", "kubernetes-3.2.1.constraints.json"),
)


@dataclass(frozen=True, kw_only=True)
class ProviderSchema:
    """One provider's schema: blocks as Terraform prints them, plus the sidecar constraints."""

    source: str
    version: str
    provider: Mapping[str, Any]
    resources: Mapping[str, Mapping[str, Any]]
    data_sources: Mapping[str, Mapping[str, Any]]
    #: section (``provider``/``resource``/``data``) -> type -> dotted path -> constraint
    constraints: Mapping[str, Mapping[str, Mapping[str, Mapping[str, Any]]]]
    undescribed_resources: frozenset[str] = field(default_factory=frozenset)
    undescribed_data_sources: frozenset[str] = field(default_factory=frozenset)

    @property
    def local_name(self) -> str:
        """The provider's type name (``harvester``), the prefix of its resource types."""
        return self.source.rsplit("/", 1)[-1]


def _read(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def provider_schemas() -> Mapping[str, ProviderSchema]:
    """Vendored schemas by fully qualified source (``registry.terraform.io/harvester/harvester``)."""
    out: dict[str, ProviderSchema] = {}
    for schema_file, constraints_file in _FILES:
        doc, sidecar = _read(schema_file), _read(constraints_file)
        for source, body in doc["provider_schemas"].items():
            kubernetes = source.endswith("/kubernetes")
            out[source] = ProviderSchema(
                source=source,
                version=str(sidecar["version"]),
                provider=body["provider"]["block"],
                resources={k: v["block"] for k, v in body.get("resource_schemas", {}).items()},
                data_sources={k: v["block"] for k, v in body.get("data_source_schemas", {}).items()},
                constraints={
                    "provider": {"": sidecar.get("provider_config", {})},
                    "resource": sidecar.get("resource_schemas", {}),
                    "data": sidecar.get("data_source_schemas", {}),
                },
                undescribed_resources=KUBERNETES_UNDESCRIBED_RESOURCES if kubernetes else frozenset(),
                undescribed_data_sources=(
                    KUBERNETES_UNDESCRIBED_DATA_SOURCES if kubernetes else frozenset()),
            )
    return out
