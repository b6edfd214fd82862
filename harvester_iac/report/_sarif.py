"""SARIF 2.1.0, for code-scanning UIs: one result per finding, rules from the registry.

Subjects a rule could not judge are results of kind ``open`` (level ``none``): SARIF's
word for "could not determine". Waived findings carry an external suppression with the waiver's reason; with a baseline,
``baselineState`` says ``unchanged`` (known) or ``new``. Locations point at the inventory
line (or log line) of the finding's first evidence; the resources become logical locations.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from harvester_iac.policy import Rule, Severity, SourceRef, ValidationReport
from harvester_iac.report._common import is_real_file
from harvester_iac.report._json import tool_version

__all__ = ["SARIF_SCHEMA_URI", "render_sarif", "report_to_sarif"]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(file: str) -> str:
    if PureWindowsPath(file).drive:
        return "file:///" + quote(PureWindowsPath(file).as_posix())
    p = PurePosixPath(file)
    if p.is_absolute():
        return "file://" + quote(str(p))
    return quote(str(p))


def _rule_name(rule: Rule) -> str:
    return type(rule).__name__


def _location(ref: SourceRef) -> dict[str, Any]:
    phys: dict[str, Any] = {"artifactLocation": {"uri": _uri(ref.file)}}
    if ref.line is not None and ref.line >= 1:
        region: dict[str, Any] = {"startLine": ref.line}
        if ref.column is not None and ref.column >= 1:
            region["startColumn"] = ref.column
        if ref.text:
            region["snippet"] = {"text": ref.text}
        phys["region"] = region
    return {"physicalLocation": phys}


def report_to_sarif(report: ValidationReport, *, with_baseline: bool = False) -> dict[str, Any]:
    rules = [r.rule for r in report.results]
    index = {r.id: i for i, r in enumerate(rules)}
    descriptors = [
        {
            "id": r.id,
            "name": _rule_name(r),
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.why},
            "help": {"text": r.fix},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
            "properties": {"category": r.category.value, "tags": [r.category.value]},
        }
        for r in rules
    ]
    results = []
    for o in report.outcomes:
        f = o.finding
        refs = [e for e in f.evidence if isinstance(e, SourceRef) and is_real_file(e.file)]
        first = f.location
        if first is not None and first in refs:
            refs.remove(first)
            refs.insert(0, first)
        res: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.fix}"},
            "partialFingerprints": {"harvesterIacFingerprint/v1": f.fingerprint},
            "properties": {"resources": [r.id for r in f.resources], "blocking": o.blocking},
        }
        if refs:
            res["locations"] = [_location(refs[0])]
            if len(refs) > 1:
                res["relatedLocations"] = [
                    {"id": i, **_location(r)} for i, r in enumerate(refs[1:], 1)][:20]
        res.setdefault("locations", [])
        if res["locations"]:
            res["locations"][0]["logicalLocations"] = [
                {"name": r.id, "kind": "resource"} for r in f.resources]
        else:
            res["locations"] = [{"logicalLocations": [
                {"name": r.id, "kind": "resource"} for r in f.resources]}]
        if o.waiver is not None:
            res["suppressions"] = [{
                "kind": "external", "state": "accepted",
                "justification": o.waiver.reason,
                "location": _location(SourceRef(o.waiver.file, o.waiver.line))
                if is_real_file(o.waiver.file) else {},
            }]
            if not res["suppressions"][0]["location"]:
                del res["suppressions"][0]["location"]
        if with_baseline:
            res["baselineState"] = "unchanged" if o.baselined else "new"
        results.append(res)
    for r in report.results:
        for u in r.unknowns:
            # SARIF's "open": the tool could not tell whether the rule is satisfied
            results.append({
                "ruleId": r.rule.id, "ruleIndex": index[r.rule.id], "kind": "open", "level": "none",
                "message": {"text": f"not judged: {u.reason}"},
                "locations": [{"logicalLocations": [{"name": u.resource.id, "kind": "resource"}]}],
                "properties": {"resources": [u.resource.id], "needs": list(u.needs),
                               "blocking": False},
            })
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "harvester-iac",
            "version": tool_version(),
            "informationUri": "https://github.com/harvester-iac/harvester-iac",
            "rules": descriptors,
        }},
        "results": results,
        "invocations": [{
            "executionSuccessful": True,
            "properties": {"failOn": report.fail_on.value, "passed": report.passed,
                           "site": report.site},
        }],
    }
    if is_real_file(report.inventory_file):
        run["artifacts"] = [{"location": {"uri": _uri(report.inventory_file)},
                             "roles": ["analysisTarget"]}]
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(report: ValidationReport, *, with_baseline: bool = False) -> str:
    return json.dumps(report_to_sarif(report, with_baseline=with_baseline), indent=2,
                      ensure_ascii=False) + "\n"
