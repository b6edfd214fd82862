"""Reports of real runs to render: the incident before the fix, with a waiver and a baseline."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from harvester_iac.model import load_inventory
from harvester_iac.policy import (
    FailOn,
    ValidationReport,
    load_observed,
    parse_waivers,
    validate,
)

REPO = Path(__file__).resolve().parents[2]
BEFORE = REPO / "examples/inventories/altra-before-fix.yaml"
INCIDENT = REPO / "examples/observed/incident.snapshot.json"


def snapshot_now(path: Path) -> datetime:
    """One hour after the snapshot was collected: fresh, whatever day it was regenerated."""
    text = json.loads(path.read_text())["collected_at"]
    return datetime.fromisoformat(text.replace("Z", "+00:00")) + timedelta(hours=1)


@cache
def incident_report(fail_on: FailOn = FailOn.ERROR, baselined: bool = False) -> ValidationReport:
    """Before-fix inventory + incident evidence, PLACEMENT-002 waived (line 2 of waivers)."""
    waivers = parse_waivers(
        "waivers:\n  - rule: HIAC-PLACEMENT-002\n    resource: host/altra\n"
        "    reason: single Harvester host, one failure domain by design\n"
        "    expires: 2099-01-01\n", file=str(REPO / "waivers.yaml"))
    inv = load_inventory(BEFORE)
    observed = load_observed(INCIDENT)
    now = snapshot_now(INCIDENT)
    baseline: frozenset[str] = frozenset()
    if baselined:
        first = validate(inv, observed=observed, now=now, waivers=waivers)
        baseline = frozenset(o.finding.fingerprint for o in first.outcomes
                             if o.finding.rule == "HIAC-HEALTH-001")
    return validate(inv, observed=observed, now=now, waivers=waivers, fail_on=fail_on,
                    baseline=baseline)
