"""Shared helpers of the policy tests: fixture inventories and snapshots per rule."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from harvester_iac.model import load_inventory
from harvester_iac.policy import (
    Finding,
    RuleResult,
    Severity,
    Status,
    get_rule,
    load_observed,
    load_waivers,
    validate,
)

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 12, 28, tzinfo=UTC)


def cases(rule_id: str, prefix: str) -> list[Path]:
    """The fixture inventories of a rule whose names start with ``pass-`` or ``fail-``."""
    found = sorted((FIXTURES / rule_id).glob(f"{prefix}-*.yaml"))
    return [p for p in found if not p.name.endswith(".waivers.yaml")]


def judge(rule_id: str, inventory: Path, *, require_observed: bool = False) -> RuleResult:
    """Run one rule on a fixture (with its ``.snapshot.json`` / ``.waivers.yaml`` beside it)."""
    rule = get_rule(rule_id)
    assert rule is not None, f"{rule_id} is not registered"
    snap = inventory.with_name(inventory.stem + ".snapshot.json")
    waivers = inventory.with_name(inventory.stem + ".waivers.yaml")
    report = validate(
        load_inventory(inventory),
        observed=load_observed(snap) if snap.exists() else None,
        waivers=load_waivers(waivers) if waivers.exists() else (),
        now=NOW, rules=(rule,), require_observed=require_observed)
    (result,) = report.results
    return result


def findings(result: RuleResult) -> list[Finding]:
    return [o.finding for o in result.outcomes]


def check_pass(rule_id: str, inventory: Path) -> None:
    result = judge(rule_id, inventory)
    assert result.status is Status.PASSED, [f.message for f in findings(result)] or result.reason


def only(result: RuleResult, severity: Severity | None = None) -> Finding:
    """The single finding of a failed result (of ``severity`` when given)."""
    assert result.status is Status.FAILED, result.reason
    fs = [f for f in findings(result) if severity is None or f.severity is severity]
    assert len(fs) == 1, [(f.severity, f.message) for f in findings(result)]
    return fs[0]


def ids(f: Finding) -> set[str]:
    return {r.id for r in f.resources}


def evidence_text(f: Finding) -> str:
    return "\n".join(str(e) for e in f.evidence)
