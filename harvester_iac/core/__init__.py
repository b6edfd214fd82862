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

Importing it costs a few milliseconds: nothing here imports a third-party library.
"""

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
