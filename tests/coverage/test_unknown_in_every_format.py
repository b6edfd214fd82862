"""An unknown result shows, with its reason, in every output format (and the JSON schema)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from harvester_iac.observe import LonghornState
from harvester_iac.policy import ValidationReport, validate
from harvester_iac.report import Format, render, report_schema
from tests.coverage.test_unknown_paths import ALL_LOGS, NOW, RACK_INV, _snap, _volume

REASON = "were not observed (no Replica objects)"


@pytest.fixture(scope="module")
def report() -> ValidationReport:
    lh = LonghornState(volumes=tuple(_volume(i) for i in range(3)))
    return validate(RACK_INV, observed=_snap(logs=ALL_LOGS, longhorn=lh), now=NOW)


@pytest.mark.parametrize("fmt", list(Format))
def test_the_reason_is_in_every_format(report: ValidationReport, fmt: Format) -> None:
    out = render(report, fmt)
    assert REASON in out.replace("%2C", ",")  # GitHub escapes commas only in properties
    assert "volume/k3s-server-1/root" in out


def test_json_lists_unknowns_per_rule_and_validates(report: ValidationReport) -> None:
    doc = json.loads(render(report, Format.JSON))
    jsonschema.validate(doc, report_schema())
    rule = next(r for r in doc["rules"] if r["id"] == "HIAC-PLACEMENT-001")
    assert rule["status"] == "unknown" and [u["needs"] for u in rule["unknowns"]] == [["replicas"]] * 3
    assert doc["summary"]["unknownSubjects"] >= 3
    assert {c["kind"] for c in doc["coverage"]} >= {"events", "volumes"}
    assert doc["coverageLine"].startswith("coverage: events hv-1 full")


def test_sarif_and_junit_never_pass_an_unknown(report: ValidationReport) -> None:
    from pathlib import Path

    sarif = json.loads(render(report, Format.SARIF))
    schema = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "sarif" /
                         "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(sarif)
    opened = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "HIAC-PLACEMENT-001"]
    assert len(opened) == 3 and {(r["kind"], r["level"]) for r in opened} == {("open", "none")}
    root = ET.fromstring(render(report, Format.JUNIT))
    suite = next(s for s in root.findall("testsuite") if s.get("name", "").startswith("HIAC-PLACEMENT-001"))
    assert suite.get("skipped") == "3" and suite.get("failures") == "0"


def test_a_large_site_s_coverage_line_names_only_what_was_not_seen_in_full() -> None:
    from harvester_iac.model import parse_inventory
    from tests.coverage.test_unknown_paths import _snap

    hosts = "".join(f"  - {{name: hv-{i}, address: 10.0.0.{i}}}\n" for i in range(1, 10))
    inv = parse_inventory("apiVersion: harvester-iac/v1\nkind: Inventory\nmetadata: {name: big}\n"
                          "hosts:\n" + hosts)
    report = validate(inv, observed=_snap(logs=tuple(f"hv-{i}" for i in range(1, 8))), now=NOW)
    assert report.coverage_line.startswith("coverage: events 7 of 9 full, none: hv-8 hv-9; iscsiadm none")


def test_required_unknowns_are_errors_in_every_format() -> None:
    lh = LonghornState(volumes=tuple(_volume(i) for i in range(3)))
    report = validate(RACK_INV, observed=_snap(logs=ALL_LOGS, longhorn=lh), now=NOW,
                      require=frozenset({"replicas"}))
    assert not report.passed
    for fmt in Format:
        out = render(report, fmt)
        assert "not judged, and the evidence is required" in out, fmt
    doc = json.loads(render(report, Format.JSON))
    jsonschema.validate(doc, report_schema())
    assert any(f["blocking"] and f["rule"] == "HIAC-PLACEMENT-001" for f in doc["findings"])
