"""The error tree, at its long-standing import path (it lives in :mod:`harvester_iac.core`)."""

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

__all__ = [
    "ConstructError",
    "HarvesterIacError",
    "InputError",
    "InventoryError",
    "LogFormatError",
    "RuleError",
    "SizeError",
    "SnapshotError",
    "SourceError",
    "SynthBlocked",
    "UsageError",
    "did_you_mean",
]
