"""The shared vocabulary of every layer, standard library only.

* errors: ``HarvesterIacError`` and its tree (``InputError`` carries file, place and
  expectation), ``did_you_mean``;
* units and names: ``Size`` (Kubernetes quantities), ``Duration``, RFC 1123 and qualified-name checks;
* Longhorn's wire enums and ``LonghornSettings`` (Longhorn's defaults, written once);
* findings: ``Severity``, ``Finding``, ``Evidence`` (``SourceRef`` or ``Observation``),
  ``Resource``, and ``Unknown`` (a subject a rule could not judge, and why);
* foreign errors (yaml, json, the Kubernetes client) become these in one place:
  ``map_foreign_errors``, ``source_failure``;
* ``Located``: a decoded JSON/YAML value with its file and JSON pointer, the one way every
  reader fails with a place, and the one translation of JSON Schema errors.

Nothing here imports a third-party library, and names load on first use (PEP 562): a log scan
that needs only ``UsageError`` does not pay for the findings, ``Located`` or the units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester_iac.core._lazy import lazy_exports

if TYPE_CHECKING:
    from harvester_iac.core._errors import (
        ConstructError,
        HarvesterIacError,
        InputError,
        InventoryError,
        LogFormatError,
        RuleError,
        SizeError,
        SnapshotError,
        SourceError,
        SynthBlocked,
        UsageError,
        did_you_mean,
    )
    from harvester_iac.core._findings import (
        Evidence,
        Finding,
        Observation,
        Resource,
        ResourceKind,
        Severity,
        SourceRef,
        Status,
        Unknown,
    )
    from harvester_iac.core._foreign import foreign_error, map_foreign_errors, source_failure
    from harvester_iac.core._located import (
        Located,
        Marks,
        PathKey,
        Problem,
        path_of,
        pointer_of,
        schema_problem,
        show,
    )
    from harvester_iac.core._longhorn import (
        SETTING_NAMES,
        AntiAffinity,
        DataEngine,
        DataLocality,
        DiskType,
        LonghornSettings,
        ReplicaAutoBalance,
        Robustness,
    )
    from harvester_iac.core._units import (
        Duration,
        Size,
        clean_path,
        is_dns1123_label,
        is_dns1123_subdomain,
        is_qualified_name,
    )

_HOME: dict[str, str] = {
    "AntiAffinity": "harvester_iac.core._longhorn",
    "ConstructError": "harvester_iac.core._errors",
    "DataEngine": "harvester_iac.core._longhorn",
    "DataLocality": "harvester_iac.core._longhorn",
    "DiskType": "harvester_iac.core._longhorn",
    "Duration": "harvester_iac.core._units",
    "Evidence": "harvester_iac.core._findings",
    "Finding": "harvester_iac.core._findings",
    "HarvesterIacError": "harvester_iac.core._errors",
    "InputError": "harvester_iac.core._errors",
    "InventoryError": "harvester_iac.core._errors",
    "Located": "harvester_iac.core._located",
    "LogFormatError": "harvester_iac.core._errors",
    "LonghornSettings": "harvester_iac.core._longhorn",
    "Marks": "harvester_iac.core._located",
    "Observation": "harvester_iac.core._findings",
    "PathKey": "harvester_iac.core._located",
    "Problem": "harvester_iac.core._located",
    "ReplicaAutoBalance": "harvester_iac.core._longhorn",
    "Resource": "harvester_iac.core._findings",
    "ResourceKind": "harvester_iac.core._findings",
    "Robustness": "harvester_iac.core._longhorn",
    "RuleError": "harvester_iac.core._errors",
    "SETTING_NAMES": "harvester_iac.core._longhorn",
    "Severity": "harvester_iac.core._findings",
    "Size": "harvester_iac.core._units",
    "SizeError": "harvester_iac.core._errors",
    "SnapshotError": "harvester_iac.core._errors",
    "SourceError": "harvester_iac.core._errors",
    "SourceRef": "harvester_iac.core._findings",
    "Status": "harvester_iac.core._findings",
    "SynthBlocked": "harvester_iac.core._errors",
    "Unknown": "harvester_iac.core._findings",
    "UsageError": "harvester_iac.core._errors",
    "clean_path": "harvester_iac.core._units",
    "did_you_mean": "harvester_iac.core._errors",
    "foreign_error": "harvester_iac.core._foreign",
    "is_dns1123_label": "harvester_iac.core._units",
    "is_dns1123_subdomain": "harvester_iac.core._units",
    "is_qualified_name": "harvester_iac.core._units",
    "map_foreign_errors": "harvester_iac.core._foreign",
    "path_of": "harvester_iac.core._located",
    "pointer_of": "harvester_iac.core._located",
    "schema_problem": "harvester_iac.core._located",
    "show": "harvester_iac.core._located",
    "source_failure": "harvester_iac.core._foreign",
}

__all__ = [
    "SETTING_NAMES",
    "AntiAffinity",
    "ConstructError",
    "DataEngine",
    "DataLocality",
    "DiskType",
    "Duration",
    "Evidence",
    "Finding",
    "HarvesterIacError",
    "InputError",
    "InventoryError",
    "Located",
    "LogFormatError",
    "LonghornSettings",
    "Marks",
    "Observation",
    "PathKey",
    "Problem",
    "ReplicaAutoBalance",
    "Resource",
    "ResourceKind",
    "Robustness",
    "RuleError",
    "Severity",
    "Size",
    "SizeError",
    "SnapshotError",
    "SourceError",
    "SourceRef",
    "Status",
    "SynthBlocked",
    "Unknown",
    "UsageError",
    "clean_path",
    "did_you_mean",
    "foreign_error",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_qualified_name",
    "map_foreign_errors",
    "path_of",
    "pointer_of",
    "schema_problem",
    "show",
    "source_failure",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
