"""Baselines: only findings not in the baseline fail the gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harvester_iac.cli import main
from harvester_iac.errors import SnapshotError
from harvester_iac.policy import parse_baseline
from tests.policy._support import REPO

BEFORE = str(REPO / "examples/inventories/altra-before-fix.yaml")
NOW = "2025-12-28T00:00:00Z"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["validate", "--now", NOW, "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_previous_report_as_baseline_passes_known_findings(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, first = _json(capsys, "--inventory", BEFORE, "--fail-on", "warning")
    assert code == 1
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps(first))
    code, again = _json(capsys, "--inventory", BEFORE, "--fail-on", "warning",
                        "--baseline", str(base))
    assert code == 0
    findings = again["findings"]
    assert isinstance(findings, list) and findings
    assert all(f["baselined"] and not f["blocking"] for f in findings)


def test_new_finding_outside_the_baseline_still_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, report = _json(capsys, "--inventory", BEFORE, "--fail-on", "warning")
    findings = report["findings"]
    assert isinstance(findings, list)
    keep = [f["fingerprint"] for f in findings if f["rule"] != "HIAC-PLACEMENT-001"]
    base = tmp_path / "fingerprints.txt"
    base.write_text("# accepted on 2025-12-28\n" + "\n".join(keep) + "\n")
    code, again = _json(capsys, "--inventory", BEFORE, "--fail-on", "warning",
                        "--baseline", str(base))
    assert code == 1
    blocking = [f["rule"] for f in again["findings"] if f["blocking"]]
    assert blocking == ["HIAC-PLACEMENT-001"]


def test_fingerprint_list_forms() -> None:
    fp = "0123456789abcdef"
    assert parse_baseline(f'["{fp}"]', file="b.json") == {fp}
    assert parse_baseline(f"{fp}  # known\n\n", file="b.txt") == {fp}


@pytest.mark.parametrize(("text", "where"), [
    ('{"findings": [{"rule": "x"}]}', "(/findings/0/fingerprint)"),
    ('["xyz"]', "(/0)"),
    ("0123456789abcdef\nnot-a-fingerprint\n", "2"),
    ('{"findings": [', "1:15"),
])
def test_bad_baselines_name_the_place(text: str, where: str) -> None:
    with pytest.raises(SnapshotError) as err:
        parse_baseline(text, file="b.json")
    assert str(err.value).startswith(f"b.json:{where}")
