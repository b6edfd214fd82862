"""Vendored provider schemas (harvester 1.8.1, kubernetes 2.38.0/3.2.1) and an offline checker.

``check_against_provider_schemas(tf_json)`` returns the problems Terraform would report
from the schemas alone (see PROVENANCE.md for where the schemas come from). This module
does not import the CDK runtime.
"""

from harvester_iac.constructs.providers.schemas._check import (
    check_against_provider_schemas,
    constraint_admits,
)
from harvester_iac.constructs.providers.schemas._load import (
    KUBERNETES_UNDESCRIBED_DATA_SOURCES,
    KUBERNETES_UNDESCRIBED_RESOURCES,
    ProviderSchema,
    provider_schemas,
)

__all__ = [
    "KUBERNETES_UNDESCRIBED_DATA_SOURCES",
    "KUBERNETES_UNDESCRIBED_RESOURCES",
    "ProviderSchema",
    "check_against_provider_schemas",
    "constraint_admits",
    "provider_schemas",
]
