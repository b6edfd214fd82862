"""JUnit XML: one test suite per rule, one test case per rule x resource.

A case fails when an open finding on its resource is at or above ``--fail-on``; a subject a
rule could not judge is skipped (with the reason), never passed; under --require-observed
its error fails the case. Warnings below the gate,
waived and baselined findings are written to the case's ``system-out``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from harvester_iac.policy import Outcome, Resource, Status, ValidationReport

__all__ = ["render_junit"]


def _text(o: Outcome) -> str:
    f = o.finding
    lines = [f"{f.severity.value.upper()} {f.rule}: {f.message}", f"fix: {f.fix}"]
    if o.waiver is not None:
        lines.append(f"waived: {o.waiver.reason}")
    if o.baselined:
        lines.append("baselined: known before, does not fail the gate")
    lines += [f"evidence: {e}" for e in f.evidence]
    return "\n".join(lines)


def render_junit(report: ValidationReport) -> str:
    root = ET.Element("testsuites", name="harvester-iac validate")
    total = fails = skips = 0
    for r in report.results:
        suite = ET.SubElement(root, "testsuite", name=f"{r.rule.id} {r.rule.title}")
        cases: dict[Resource, list[Outcome]] = {s: [] for s in r.subjects}
        for o in r.outcomes:
            named = [res for res in o.finding.resources if res in cases]
            for res in named or [o.finding.resources[0]]:
                cases.setdefault(res, []).append(o)
        if not cases:
            cases[Resource.parse(f"site/{report.site}")] = []
        s_fail = s_skip = 0
        unknown = {u.resource: u for u in r.unknowns}
        for u in r.unknowns:
            cases.setdefault(u.resource, [])
        for res, outs in cases.items():
            case = ET.SubElement(suite, "testcase", classname=r.rule.id, name=res.id)
            blocked = [o for o in outs if o.blocking]
            if res in unknown and not blocked:
                ET.SubElement(case, "skipped", message=f"unknown: {unknown[res].reason}")
                s_skip += 1
                continue
            if r.status is Status.UNKNOWN and not r.unknowns and not blocked:
                ET.SubElement(case, "skipped", message=f"unknown: {r.reason}")
                s_skip += 1
                continue
            blocking = [o for o in outs if o.blocking]
            if blocking:
                f = blocking[0].finding
                fail = ET.SubElement(case, "failure", type=f.severity.value, message=f.message)
                fail.text = "\n\n".join(_text(o) for o in blocking)
                s_fail += 1
            rest = [o for o in outs if not o.blocking]
            if rest:
                ET.SubElement(case, "system-out").text = "\n\n".join(_text(o) for o in rest)
        n = len(cases)
        suite.set("tests", str(n))
        suite.set("failures", str(s_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(s_skip))
        total, fails, skips = total + n, fails + s_fail, skips + s_skip
    root.set("tests", str(total))
    root.set("failures", str(fails))
    root.set("errors", "0")
    root.set("skipped", str(skips))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
