"""The ``--format json`` report, documented by ``validate-report.schema.json`` (shipped here)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from harvester_iac.observe._version import tool_version
from harvester_iac.policy import (
    Evidence,
    Outcome,
    RuleResult,
    SourceRef,
    ValidationReport,
)

__all__ = [
    "REPORT_SCHEMA_NAME", "render_json", "report_schema", "report_to_dict", "tool_version",
]

REPORT_SCHEMA_NAME = "validate-report.schema.json"


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report (draft 2020-12)."""
    text = resources.files("harvester_iac.report").joinpath(REPORT_SCHEMA_NAME).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _evidence(e: Evidence) -> dict[str, Any]:
    if isinstance(e, SourceRef):
        return {"type": "source", "file": e.file, "line": e.line, "column": e.column,
                "pointer": e.pointer, "text": e.text}
    return {"type": "value", "name": e.name, "value": e.value}


def _finding(o: Outcome) -> dict[str, Any]:
    f = o.finding
    w = o.waiver
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "title": f.title,
        "message": f.message,
        "why": f.why,
        "fix": f.fix,
        "resources": [r.id for r in f.resources],
        "evidence": [_evidence(e) for e in f.evidence],
        "fingerprint": f.fingerprint,
        "waived": w is not None,
        "waiver": None if w is None else {
            "reason": w.reason, "expires": w.expires.isoformat() if w.expires else None,
            "file": w.file, "line": w.line},
        "baselined": o.baselined,
        "blocking": o.blocking,
    }


def _rule(r: RuleResult) -> dict[str, Any]:
    return {
        "id": r.rule.id,
        "title": r.rule.title,
        "severity": r.rule.severity.value,
        "category": r.rule.category.value,
        "status": r.status.value,
        "reason": r.reason,
        "subjects": [s.id for s in r.subjects],
        "unknowns": [{"resource": u.resource.id, "reason": u.reason, "needs": list(u.needs),
                      "evidence": [_evidence(e) for e in u.evidence]} for u in r.unknowns],
    }


def report_to_dict(report: ValidationReport) -> dict[str, Any]:
    return {
        "apiVersion": "harvester-iac/v1",
        "kind": "ValidationReport",
        "tool": {"name": "harvester-iac", "version": tool_version()},
        "site": report.site,
        "inventory": report.inventory_file,
        "observed": report.observed_file,
        "collectedAt": report.collected_at.isoformat() if report.collected_at else None,
        "now": report.now.isoformat(),
        "placement": report.placement_note,
        "failOn": report.fail_on.value,
        "passed": report.passed,
        "findings": [_finding(o) for o in report.outcomes],
        "rules": [_rule(r) for r in report.results],
        "summary": report.summary(),
        "coverage": [{"kind": c.kind.value, "scope": c.scope, "state": c.state.value,
                      "reason": c.reason, "sources": list(c.sources)} for c in report.coverage],
        "coverageLine": report.coverage_line,
    }


def render_json(report: ValidationReport) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
