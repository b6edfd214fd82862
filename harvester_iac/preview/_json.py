"""``preview --format json``: the same content as the comment, documented by
``preview-report.schema.json`` (shipped in this package)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from harvester_iac.policy import Outcome
from harvester_iac.preview._diff import ManifestDiff, ResourceDiff
from harvester_iac.preview._domains import QuorumVerdict, Spread
from harvester_iac.preview._markdown import plan_counts
from harvester_iac.preview._plan import Plan, ResourceChange
from harvester_iac.preview._report import PreviewReport
from harvester_iac.preview._values import AttributeChange

__all__ = ["PREVIEW_SCHEMA_NAME", "preview_schema", "preview_to_dict", "render_json"]

PREVIEW_SCHEMA_NAME = "preview-report.schema.json"
SCHEMA_ID = "https://harvester-iac.invalid/schemas/preview-report/v1"


def preview_schema() -> dict[str, Any]:
    text = resources.files("harvester_iac.preview").joinpath(PREVIEW_SCHEMA_NAME).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _attr(a: AttributeChange) -> dict[str, Any]:
    return {"path": a.path, "before": a.before, "after": a.after, "forces_replacement": a.forces_replacement}


def _change(c: ResourceChange) -> dict[str, Any]:
    return {"address": c.address, "type": c.type, "mode": c.mode, "action": c.action.value,
            "actions": list(c.actions), "previous_address": c.previous_address, "import_id": c.import_id,
            "action_reason": c.action_reason, "attributes": [_attr(a) for a in c.changes]}


def _plan(p: Plan | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"file": p.file, "format_version": p.format_version, "terraform_version": p.terraform_version,
            "errored": p.errored, "complete": p.complete, "counts": plan_counts(p),
            "destroyed": [c.address for c in p.destroyed],
            "changes": [_change(c) for c in p.changes], "drift": [_change(c) for c in p.drift]}


def _outcome(o: Outcome) -> dict[str, Any]:
    f = o.finding
    return {"rule": f.rule, "severity": f.severity.value, "title": f.title, "message": f.message,
            "why": f.why, "fix": f.fix, "resources": [r.id for r in f.resources],
            "evidence": [str(e) for e in f.evidence], "fingerprint": f.fingerprint,
            "waived": o.waived, "waiver_reason": o.waiver.reason if o.waiver else None,
            "baselined": o.baselined, "blocking": o.blocking}


def _spread(s: Spread | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"replicas": list(s.replicas), "domains": list(s.domains), "hosts": list(s.hosts),
            "source": s.source, "wanted": s.wanted, "survives_disk": s.survives_disk,
            "survives_host": s.survives_host}


def _quorum(q: QuorumVerdict | None) -> dict[str, Any] | None:
    if q is None:
        return None
    return {"members": q.members, "breaking": q.breaking, "survives_disk": q.survives_disk,
            "survives_host": q.survives_host, "worst_disk": q.worst_disk, "worst_host": q.worst_host}


def _resource(d: ResourceDiff) -> dict[str, Any]:
    return {"stack": d.stack, "address": d.address, "kind": d.kind.value,
            "attributes": [_attr(a) for a in d.changes]}


def _manifest(m: ManifestDiff) -> dict[str, Any]:
    return {"file": f"templates/{m.name}", "kind": m.kind.value, "diff": m.diff}


def preview_to_dict(r: PreviewReport) -> dict[str, Any]:
    e = r.evidence
    return {
        "$schema": SCHEMA_ID, "marker": r.marker, "site": r.site, "verdict": r.verdict.value,
        "counts": r.counts(), "inventory": r.inventory, "head": r.head, "base": r.base,
        "has_changes": r.has_changes, "plan": _plan(r.plan),
        "resources": None if r.resources is None else [_resource(d) for d in r.resources],
        "manifests": None if r.manifests is None else [_manifest(m) for m in r.manifests],
        "failure_domains": {
            "before": _quorum(r.domains.before), "after": _quorum(r.domains.after),
            "volumes": [{"volume": v.volume, "master": v.master, "before": _spread(v.before),
                         "after": _spread(v.after)} for v in r.domains.volumes]},
        "findings": [_outcome(o) for o in r.outcomes],
        "evidence": {
            "coverage": e.coverage, "unknown": list(e.unknown), "snapshot": e.snapshot,
            "collected_at": e.collected_at.isoformat() if e.collected_at else None,
            "age_seconds": e.age.total_seconds() if e.age is not None else None,
            "max_age_seconds": e.max_age.total_seconds(), "stale": e.stale,
            "failed_sources": list(e.failed_sources),
            "waivers": [{"rule": w.rule, "resource": w.resource, "reason": w.reason, "expires": w.expires,
                         "days_left": w.days_left, "used": w.used, "file": w.file, "line": w.line}
                        for w in e.waivers]},
        "notes": list(r.notes),
    }


def render_json(r: PreviewReport) -> str:
    return json.dumps(preview_to_dict(r), indent=2, ensure_ascii=False) + "\n"
