"""Waivers: a waived finding is reported as waived and never blocks; bad files are exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.errors import SnapshotError
from harvester_iac.model import default_inventory
from harvester_iac.policy import FailOn, all_rules, parse_waivers, validate
from tests.policy._support import NOW

KNOWN = tuple(r.id for r in all_rules())


def test_waived_finding_is_reported_and_does_not_block() -> None:
    waivers = parse_waivers(
        "waivers:\n"
        "  - rule: HIAC-PLACEMENT-002\n"
        "    resource: host/al*\n"
        "    reason: single Harvester host until the second node arrives\n"
        "    expires: 2026-06-30\n", file="w.yaml", known_rules=KNOWN)
    report = validate(default_inventory(), now=NOW, waivers=waivers, fail_on=FailOn.WARNING)
    (host,) = [o for o in report.outcomes if o.finding.rule == "HIAC-PLACEMENT-002"]
    assert host.waived and not host.blocking
    assert host.waiver is not None and host.waiver.line == 2
    without = validate(default_inventory(), now=NOW, fail_on=FailOn.WARNING)
    assert not without.passed and report.passed


def test_expired_waiver_waives_nothing() -> None:
    waivers = parse_waivers(
        "waivers:\n  - {rule: HIAC-PLACEMENT-002, resource: host/altra, reason: r, "
        "expires: 2025-01-01}\n", file="w.yaml")
    report = validate(default_inventory(), now=NOW, waivers=waivers, fail_on=FailOn.WARNING)
    rules = {o.finding.rule for o in report.blocking}
    assert {"HIAC-PLACEMENT-002", "HIAC-WAIVER-001"} <= rules


@pytest.mark.parametrize(("text", "where", "words"), [
    ("- rule: x\n", "1:1", "no waivers list"),
    ("waivers:\n  - rule: HIAC-PLACEMENT-002\n    resource: host/altra\n", "2:5",
     'missing or empty "reason"'),
    ("waivers:\n  - {rule: HIAC-PLACEMENT-02, resource: host/a, reason: r}\n", "2:12",
     'did you mean "HIAC-PLACEMENT-002"'),
    ("waivers:\n  - {rule: HIAC-PLACEMENT-002, resource: hots/a, reason: r}\n", "hots/a",
     'did you mean "host"'),
    ("waivers:\n  - {rule: HIAC-PLACEMENT-002, resource: host/a, reason: r, expires: soon}\n",
     "soon", '"soon" is not a date'),
    ("waivers:\n  - {rule: HIAC-PLACEMENT-002, resource: host/a, reason: r, until: 2026-01-01}\n",
     "2026-01-01", 'unknown key "until"'),
    ("waivers: [\n", "2:1", "invalid YAML"),
])
def test_bad_waiver_files_name_the_place(text: str, where: str, words: str) -> None:
    """``where`` is line:col, or a token on line 2 whose column is the expected one."""
    if ":" not in where:
        where = f"2:{text.splitlines()[1].index(where) + 1}"
    with pytest.raises(SnapshotError) as err:
        parse_waivers(text, file="w.yaml", known_rules=KNOWN)
    message = str(err.value)
    assert message.startswith(f"w.yaml:{where}"), message
    assert words in message


def test_cli_bad_waivers_exit_2_with_one_paragraph(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "waivers.yaml"
    bad.write_text("waivers:\n  - {rule: HIAC-PLACEMENT-002, resource: host/a}\n")
    assert main(["validate", "--waivers", str(bad), "--now", "2025-12-28T00:00:00Z"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:5" in err and "Traceback" not in err and err.count("\n") == 1
