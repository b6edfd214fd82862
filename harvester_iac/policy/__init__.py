"""The placement/redundancy/health gate: rules, findings, waivers, baselines.

Rules live one per module in ``policy/rules/<area>/`` and register themselves at import.
``validate(inventory, observed=...)`` runs them all and returns a judged
:class:`ValidationReport`; ``gate_messages`` gives the blocking findings as one-line
messages for the CDK stacks' validation hook. Nothing here imports the CDK runtime.
"""

from harvester_iac.core import (
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
from harvester_iac.policy._baseline import load_baseline, parse_baseline
from harvester_iac.policy._context import DEFAULT_MAX_AGE, Domain, RuleContext
from harvester_iac.policy._docs import rules_markdown
from harvester_iac.policy._domains import breaking_count, disk_groups, host_groups
from harvester_iac.policy._engine import FailOn, Outcome, RuleResult, ValidationReport, run_rules
from harvester_iac.policy._hosts import HostIndex
from harvester_iac.policy._observed import Observed, Trouble, TroubleIndex
from harvester_iac.policy._placement import (
    DiskLoad,
    PlacementSource,
    SitePlacement,
    Spot,
    VolumePlacement,
)
from harvester_iac.policy._rule import NEED_TEXT, Category, Need, Rule, RuleError, all_rules, get_rule
from harvester_iac.policy._simulation import plan_placement
from harvester_iac.policy._thresholds import Thresholds, TroubleGroup, parse_duration
from harvester_iac.policy._validate import (
    Placer,
    build_context,
    gate_messages,
    load_observed,
    observed_from_snapshot,
    open_findings,
    validate,
)
from harvester_iac.policy._waivers import Waiver, load_waivers, parse_waivers

__all__ = [
    "DEFAULT_MAX_AGE",
    "NEED_TEXT",
    "Category",
    "DiskLoad",
    "Domain",
    "Evidence",
    "FailOn",
    "Finding",
    "HostIndex",
    "Need",
    "Observation",
    "Observed",
    "Outcome",
    "PlacementSource",
    "Placer",
    "Resource",
    "ResourceKind",
    "Rule",
    "RuleContext",
    "RuleError",
    "RuleResult",
    "Severity",
    "SitePlacement",
    "SourceRef",
    "Spot",
    "Status",
    "Thresholds",
    "Trouble",
    "TroubleGroup",
    "TroubleIndex",
    "Unknown",
    "ValidationReport",
    "VolumePlacement",
    "Waiver",
    "all_rules",
    "breaking_count",
    "build_context",
    "disk_groups",
    "gate_messages",
    "get_rule",
    "host_groups",
    "load_baseline",
    "load_observed",
    "load_waivers",
    "observed_from_snapshot",
    "open_findings",
    "parse_baseline",
    "parse_duration",
    "parse_waivers",
    "plan_placement",
    "rules_markdown",
    "run_rules",
    "validate",
]
