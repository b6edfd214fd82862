"""Pull-request preview: plan, pre-plan diff, failure domains and the gate in one comment.

``load_plan`` reads ``terraform show -json`` (format 1.x) into typed changes;
``read_tree`` / ``git_checkout`` give the base and head sides (a folder or a git ref in a
temporary worktree); ``build_preview`` diffs them, places replicas on both with the gate's
scheduler simulation and judges the findings (plus HIAC-PLAN-001 on the plan);
``render_markdown`` (size-capped) and ``render_json`` (``preview-report.schema.json``)
print it. Nothing here imports the CDK runtime: synthesis is injected as a callable.
"""

from harvester_iac.preview._build import build_preview
from harvester_iac.preview._cap import Block, fit
from harvester_iac.preview._diff import DiffKind, ManifestDiff, ResourceDiff, manifest_diffs, resource_diffs
from harvester_iac.preview._domains import FailureDomains, QuorumVerdict, Spread, VolumeDomains, failure_domains
from harvester_iac.preview._json import PREVIEW_SCHEMA_NAME, preview_schema, preview_to_dict, render_json
from harvester_iac.preview._markdown import DEFAULT_MAX_CHARS, plan_counts, render_markdown
from harvester_iac.preview._master_destroy import RULE as MASTER_DESTROYED
from harvester_iac.preview._master_destroy import MasterDestroyed
from harvester_iac.preview._plan import Action, Plan, ResourceChange, load_plan, parse_plan
from harvester_iac.preview._report import EvidenceSummary, PreviewReport, Verdict, WaiverState, marker_for
from harvester_iac.preview._tree import (
    GitCheckout,
    ManifestFile,
    Synthesizer,
    SynthResource,
    Tree,
    git_checkout,
    read_tree,
)
from harvester_iac.preview._values import SENSITIVE, UNKNOWN, AttributeChange

__all__ = [
    "DEFAULT_MAX_CHARS",
    "MASTER_DESTROYED",
    "PREVIEW_SCHEMA_NAME",
    "SENSITIVE",
    "UNKNOWN",
    "Action",
    "AttributeChange",
    "Block",
    "DiffKind",
    "EvidenceSummary",
    "FailureDomains",
    "GitCheckout",
    "ManifestDiff",
    "ManifestFile",
    "MasterDestroyed",
    "Plan",
    "PreviewReport",
    "QuorumVerdict",
    "ResourceChange",
    "ResourceDiff",
    "Spread",
    "SynthResource",
    "Synthesizer",
    "Tree",
    "Verdict",
    "VolumeDomains",
    "WaiverState",
    "build_preview",
    "failure_domains",
    "fit",
    "git_checkout",
    "load_plan",
    "manifest_diffs",
    "marker_for",
    "parse_plan",
    "plan_counts",
    "preview_schema",
    "preview_to_dict",
    "read_tree",
    "render_json",
    "render_markdown",
    "resource_diffs",
]
