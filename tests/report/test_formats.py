"""Every --format renders the same report; JSON and SARIF validate against their schemas."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from harvester_iac.policy import FailOn, Severity
from harvester_iac.report import (
    Format,
    render,
    render_github,
    render_junit,
    render_markdown,
    render_text,
    report_schema,
    report_to_dict,
    report_to_sarif,
)
from tests.report._support import BEFORE, REPO, incident_report

SARIF_SCHEMA = REPO / "tests/fixtures/sarif/sarif-schema-2.1.0.json"


def test_json_validates_against_the_shipped_schema() -> None:
    doc = json.loads(render(incident_report(), Format.JSON))
    jsonschema.Draft202012Validator(
        report_schema(), format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["passed"] is False
    rules = {f["rule"]: f for f in doc["findings"]}
    assert rules["HIAC-PLACEMENT-002"]["waived"] is True
    assert rules["HIAC-PLACEMENT-002"]["waiver"]["line"] == 2
    quorum = rules["HIAC-PLACEMENT-001"]
    assert quorum["severity"] == "error" and quorum["blocking"] is True
    assert {"type": "source", "file": str(BEFORE), "line": 40, "column": 58,
            "pointer": "/controlPlane/masters/0/rootVolume/storageClass",
            "text": None} in quorum["evidence"]
    assert doc["summary"]["waived"] == 1


def test_json_schema_rejects_what_it_should() -> None:
    doc = report_to_dict(incident_report())
    doc["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, report_schema())


def test_sarif_validates_against_the_official_schema() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text())
    report = incident_report(baselined=True)
    doc = report_to_sarif(report, with_baseline=True)
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.rule.id for r in report.results]
    results = run["results"]
    opened = [r for r in results if r.get("kind") == "open"]  # subjects not judged
    assert len(results) - len(opened) == len(report.outcomes)
    assert len(opened) == len(report.unknowns) == 3
    assert all(r["level"] == "none" and r["ruleId"] == "HIAC-ETCD-001" for r in opened)
    by_rule = {r["ruleId"]: r for r in results if r.get("kind") != "open"}
    quorum = by_rule["HIAC-PLACEMENT-001"]
    assert quorum["level"] == "error" and quorum["baselineState"] == "new"
    loc = quorum["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("examples/inventories/altra-before-fix.yaml")
    assert loc["region"]["startLine"] == 40
    assert by_rule["HIAC-PLACEMENT-002"]["suppressions"][0]["kind"] == "external"
    assert by_rule["HIAC-HEALTH-001"]["baselineState"] == "unchanged"


def test_junit_one_case_per_rule_and_resource() -> None:
    report = incident_report()
    root = ET.fromstring(render_junit(report))
    suites = root.findall("testsuite")
    assert len(suites) == len(report.results)
    quorum = next(s for s in suites if s.get("name", "").startswith("HIAC-PLACEMENT-001"))
    cases = {c.get("name"): c for c in quorum.findall("testcase")}
    assert set(cases) == {"volume/kube-master-00/root", "volume/kube-master-01/root",
                          "volume/kube-master-02/root"}
    assert all(c.find("failure") is not None for c in cases.values())
    assert quorum.get("failures") == "3"
    waived = next(s for s in suites if s.get("name", "").startswith("HIAC-PLACEMENT-002"))
    case = waived.find("testcase")
    assert case is not None and case.find("failure") is None
    out = case.find("system-out")
    assert out is not None and "waived: single Harvester host" in (out.text or "")
    total = sum(int(s.get("failures", "0")) for s in suites)
    assert root.get("failures") == str(total)


def test_junit_fail_on_never_has_no_failures_and_unknown_is_skipped() -> None:
    from harvester_iac.model import default_inventory
    from harvester_iac.policy import validate
    from tests.policy._support import NOW

    report = validate(default_inventory(), now=NOW, fail_on=FailOn.NEVER)
    root = ET.fromstring(render_junit(report))
    assert root.get("failures") == "0"
    skipped = [c for c in root.iter("testcase") if c.find("skipped") is not None]
    assert skipped and all("unknown:" in (c.find("skipped").get("message") or "")  # type: ignore[union-attr]
                           for c in skipped)


def test_github_annotations() -> None:
    lines = render_github(incident_report()).splitlines()
    quorum = next(line for line in lines if "title=HIAC-PLACEMENT-001" in line)
    assert re.match(rf"::error file={re.escape(str(BEFORE))},line=40,col=58,"
                    r"title=HIAC-PLACEMENT-001 No single disk holds a quorum of etcd root "
                    r"volumes::", quorum)
    assert "%2C" not in quorum.split("::")[2]  # commas escaped only in properties
    waived = next(line for line in lines if "title=HIAC-PLACEMENT-002" in line)
    assert waived.startswith("::notice ") and "(waived)" in waived
    assert lines[-1].startswith("FAILED:")


def test_github_escapes_newlines_and_percent() -> None:
    from harvester_iac.report._github import _data, _prop

    assert _data("50%\nnext") == "50%25%0Anext"
    assert _prop("a,b:c") == "a%2Cb%3Ac"


def test_markdown_and_text_name_every_finding() -> None:
    report = incident_report()
    md = render_markdown(report)
    text = render_text(report)
    assert md.startswith("## harvester-iac validate: altra-homelab-before-fix")
    assert "| | severity | rule | resources | finding | state |" in md
    for o in report.outcomes:
        assert o.finding.rule in md and o.finding.fingerprint in md
        assert o.finding.fingerprint in text
    assert "waived" in md
    *_, verdict, coverage = text.rstrip().splitlines()
    assert verdict.startswith("FAILED:")
    assert coverage.startswith("coverage: events altra full, kube-master-00 full") and "engines none" in coverage


def test_text_explains_each_rule_once() -> None:
    report = incident_report()
    text = render_text(report)
    rules = {o.finding.rule for o in report.outcomes}
    assert len(report.outcomes) > len(rules)  # some rule fires more than once here
    for rule in rules:
        why = next(o.finding.why for o in report.outcomes if o.finding.rule == rule)
        assert text.count(f"why: {why}") == 1


def test_severity_levels_map_to_sarif_levels() -> None:
    from harvester_iac.report._sarif import _LEVEL

    assert _LEVEL == {Severity.ERROR: "error", Severity.WARNING: "warning",
                      Severity.INFO: "note"}


def test_sarif_uri_forms() -> None:
    from harvester_iac.report._sarif import _uri

    assert _uri("examples/a b.yaml") == "examples/a%20b.yaml"
    assert _uri("/abs/x.yaml") == "file:///abs/x.yaml"
    assert Path("x").name == "x"


@pytest.mark.parametrize("case", ["default-no-evidence", "after-fix-incident", "three-node-healthy"])
def test_every_run_validates_against_both_schemas(case: str) -> None:
    from harvester_iac.model import default_inventory, load_inventory
    from harvester_iac.policy import load_observed, validate
    from tests.report._support import INCIDENT, snapshot_now

    healthy = REPO / "examples/observed/healthy.snapshot.json"
    inv, snap = {
        "default-no-evidence": (default_inventory(), None),
        "after-fix-incident": (default_inventory(), INCIDENT),
        "three-node-healthy": (load_inventory(REPO / "examples/inventories/three-node.yaml"),
                               healthy),
    }[case]
    report = validate(inv, observed=load_observed(snap) if snap else None,
                      now=snapshot_now(snap) if snap else snapshot_now(INCIDENT))
    jsonschema.Draft202012Validator(report_schema()).validate(report_to_dict(report))
    sarif = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft7Validator(sarif).validate(report_to_sarif(report))
    for fmt in Format:
        assert render(report, fmt).endswith("\n")


def test_report_api_is_pinned() -> None:
    import harvester_iac.report as report

    assert report.__all__ == sorted(report.__all__, key=lambda n: (not n.isupper(), n))
    for name in report.__all__:
        assert callable(getattr(report, name)) or isinstance(getattr(report, name), str), name
    with pytest.raises(AttributeError):
        _ = report.render_pdf
