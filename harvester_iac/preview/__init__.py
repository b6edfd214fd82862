"""Pull-request preview: plan, pre-plan diff, failure domains and the gate in one comment.

``load_plan`` reads ``terraform show -json`` (format 1.x) into typed changes;
``read_tree`` / ``git_checkout`` give the base and head sides (a folder or a git ref in a
temporary worktree); ``build_preview`` diffs them, places replicas on both with the gate's
scheduler simulation and judges the findings (plus HIAC-PLAN-001 on the plan);
``render_markdown`` (size-capped) and ``render_json`` (``preview-report.schema.json``)
print it. Nothing here imports the CDK runtime: synthesis is injected as a callable.
Names load on first use (PEP 562), so ``validate`` can know HIAC-PLAN-001's id cheaply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester_iac._lazy import lazy_exports

if TYPE_CHECKING:
    from harvester_iac.preview._build import build_preview
    from harvester_iac.preview._cap import Block, fit
    from harvester_iac.preview._diff import DiffKind, ManifestDiff, ResourceDiff, manifest_diffs, resource_diffs
    from harvester_iac.preview._domains import FailureDomains, QuorumVerdict, Spread, VolumeDomains, failure_domains
    from harvester_iac.preview._json import PREVIEW_SCHEMA_NAME, preview_schema, preview_to_dict, render_json
    from harvester_iac.preview._markdown import DEFAULT_MAX_CHARS, plan_counts, render_markdown
    from harvester_iac.preview._master_destroy import MASTER_DESTROYED, MasterDestroyed
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

_HOME: dict[str, str] = {
    "Action": "harvester_iac.preview._plan",
    "AttributeChange": "harvester_iac.preview._values",
    "Block": "harvester_iac.preview._cap",
    "DEFAULT_MAX_CHARS": "harvester_iac.preview._markdown",
    "DiffKind": "harvester_iac.preview._diff",
    "EvidenceSummary": "harvester_iac.preview._report",
    "FailureDomains": "harvester_iac.preview._domains",
    "GitCheckout": "harvester_iac.preview._tree",
    "MASTER_DESTROYED": "harvester_iac.preview._master_destroy",
    "ManifestDiff": "harvester_iac.preview._diff",
    "ManifestFile": "harvester_iac.preview._tree",
    "MasterDestroyed": "harvester_iac.preview._master_destroy",
    "PREVIEW_SCHEMA_NAME": "harvester_iac.preview._json",
    "Plan": "harvester_iac.preview._plan",
    "PreviewReport": "harvester_iac.preview._report",
    "QuorumVerdict": "harvester_iac.preview._domains",
    "ResourceChange": "harvester_iac.preview._plan",
    "ResourceDiff": "harvester_iac.preview._diff",
    "SENSITIVE": "harvester_iac.preview._values",
    "Spread": "harvester_iac.preview._domains",
    "SynthResource": "harvester_iac.preview._tree",
    "Synthesizer": "harvester_iac.preview._tree",
    "Tree": "harvester_iac.preview._tree",
    "UNKNOWN": "harvester_iac.preview._values",
    "Verdict": "harvester_iac.preview._report",
    "VolumeDomains": "harvester_iac.preview._domains",
    "WaiverState": "harvester_iac.preview._report",
    "build_preview": "harvester_iac.preview._build",
    "failure_domains": "harvester_iac.preview._domains",
    "fit": "harvester_iac.preview._cap",
    "git_checkout": "harvester_iac.preview._tree",
    "load_plan": "harvester_iac.preview._plan",
    "manifest_diffs": "harvester_iac.preview._diff",
    "marker_for": "harvester_iac.preview._report",
    "parse_plan": "harvester_iac.preview._plan",
    "plan_counts": "harvester_iac.preview._markdown",
    "preview_schema": "harvester_iac.preview._json",
    "preview_to_dict": "harvester_iac.preview._json",
    "read_tree": "harvester_iac.preview._tree",
    "render_json": "harvester_iac.preview._json",
    "render_markdown": "harvester_iac.preview._markdown",
    "resource_diffs": "harvester_iac.preview._diff",
}

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


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
