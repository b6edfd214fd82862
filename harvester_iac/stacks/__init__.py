"""Stacks composed from an inventory: ``HarvesterStack`` per Harvester cluster, and the app.

``build_app`` / ``synth_to`` are what ``harvester-iac synth`` and ``main.py`` (``cdktf
synth``) run. The validation hook (``HarvesterStackProps.validators``) takes functions
of a ``ValidationContext`` returning findings; Longhorn admission rules are wired by default.
Importing this package starts the CDK runtime.
"""

from harvester_iac.stacks._app import (
    ENV_INVENTORY,
    ENV_OBSERVED,
    ENV_TEMPLATES_DIR,
    SynthBlocked,
    SynthResult,
    app_main,
    build_app,
    synth_to,
)
from harvester_iac.stacks._stack import HarvesterStack, HarvesterStackProps, cluster_stacks
from harvester_iac.stacks._validators import (
    DEFAULT_VALIDATORS,
    ValidationContext,
    Validator,
    admission_validator,
    findings_validator,
    policy_validator,
    report_validator,
    run_validators,
)

__all__ = [
    "DEFAULT_VALIDATORS",
    "ENV_INVENTORY",
    "ENV_OBSERVED",
    "ENV_TEMPLATES_DIR",
    "HarvesterStack",
    "HarvesterStackProps",
    "SynthBlocked",
    "SynthResult",
    "ValidationContext",
    "Validator",
    "admission_validator",
    "app_main",
    "build_app",
    "cluster_stacks",
    "findings_validator",
    "policy_validator",
    "report_validator",
    "run_validators",
    "synth_to",
]
