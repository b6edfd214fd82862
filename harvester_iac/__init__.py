"""harvester-iac: K3s control planes on Harvester with Longhorn, as typed infrastructure code.

The everyday entry points, by layer (each subpackage has the full API):

* ``harvester_iac.model``: ``load_inventory``, ``default_inventory``, ``Inventory`` ...
* ``harvester_iac.render``: ``render_inventory``, ``write_templates``
* ``harvester_iac.observe``: ``scan_logs``, ``load_snapshot``, ``build_snapshot``
* ``harvester_iac.scheduler``: ``simulate``, ``place_inventory``
* ``harvester_iac.policy``: ``validate``
* ``harvester_iac.stacks`` / ``harvester_iac.constructs``: the CDKTF side (imports the CDK runtime)

Names load on first use, so ``import harvester_iac`` never starts Node.js.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester_iac._lazy import lazy_exports

if TYPE_CHECKING:
    from harvester_iac.core import (
        ConstructError,
        HarvesterIacError,
        InputError,
        InventoryError,
        LogFormatError,
        SnapshotError,
        SourceError,
        UsageError,
    )
    from harvester_iac.model import Inventory, default_inventory, load_inventory
    from harvester_iac.observe import load_snapshot, scan_logs
    from harvester_iac.policy import validate
    from harvester_iac.render import render_inventory, write_templates
    from harvester_iac.scheduler import place_inventory, simulate

__version__ = "0.1.0"

_HOME: dict[str, str] = {
    "ConstructError": "harvester_iac.errors",
    "HarvesterIacError": "harvester_iac.errors",
    "InputError": "harvester_iac.errors",
    "Inventory": "harvester_iac.model",
    "InventoryError": "harvester_iac.errors",
    "LogFormatError": "harvester_iac.errors",
    "SnapshotError": "harvester_iac.errors",
    "SourceError": "harvester_iac.errors",
    "UsageError": "harvester_iac.errors",
    "default_inventory": "harvester_iac.model",
    "load_inventory": "harvester_iac.model",
    "load_snapshot": "harvester_iac.observe",
    "place_inventory": "harvester_iac.scheduler",
    "render_inventory": "harvester_iac.render",
    "scan_logs": "harvester_iac.observe",
    "simulate": "harvester_iac.scheduler",
    "validate": "harvester_iac.policy",
    "write_templates": "harvester_iac.render",
}

__all__ = [
    "ConstructError",
    "HarvesterIacError",
    "InputError",
    "Inventory",
    "InventoryError",
    "LogFormatError",
    "SnapshotError",
    "SourceError",
    "UsageError",
    "__version__",
    "default_inventory",
    "load_inventory",
    "load_snapshot",
    "place_inventory",
    "render_inventory",
    "scan_logs",
    "simulate",
    "validate",
    "write_templates",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
