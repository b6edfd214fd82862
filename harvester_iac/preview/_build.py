"""Put a preview together from its inputs (already read): pure, no I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

from harvester_iac.model import Inventory
from harvester_iac.policy import (
    DEFAULT_MAX_AGE,
    FailOn,
    Observed,
    Outcome,
    Status,
    ValidationReport,
    Waiver,
    validate,
)
from harvester_iac.preview._diff import manifest_diffs, resource_diffs
from harvester_iac.preview._domains import failure_domains
from harvester_iac.preview._master_destroy import MASTER_DESTROYED
from harvester_iac.preview._plan import Plan
from harvester_iac.preview._report import EvidenceSummary, PreviewReport, WaiverState
from harvester_iac.preview._tree import Tree

__all__ = ["build_preview"]


def _plan_outcomes(plan: Plan | None, inv: Inventory, waivers: tuple[Waiver, ...], now: datetime,
                   fail_on: FailOn) -> tuple[Outcome, ...]:
    if plan is None:
        return ()
    active = [w for w in waivers if not w.expired(now)]
    out = []
    for f in MASTER_DESTROYED.evaluate(plan, inv):
        waiver = next((w for w in active if w.matches(f)), None)
        out.append(Outcome(finding=f, waiver=waiver, blocking=waiver is None and fail_on.blocks(f.severity)))
    return tuple(out)


def _evidence(report: ValidationReport, observed: Observed | None, waivers: tuple[Waiver, ...],
              used: set[Waiver], now: datetime, max_age: timedelta) -> EvidenceSummary:
    s = report.summary()
    judged = s["rules"] - s["unknown"]
    coverage = (f"{judged} of {s['rules']} rules judged ({s['passed']} passed, {s['failed']} with findings), "
                f"{s['unknown']} unknown")
    if observed is not None and report.coverage_line:  # per evidence kind: "events altra full; ..."
        coverage += "; observed " + report.coverage_line.removeprefix("coverage: ")
    unknown = tuple(f"{r.rule.id}: {r.reason}" for r in report.results if r.status is Status.UNKNOWN)
    at = observed.collected_at if observed else None
    states = tuple(WaiverState(
        rule=w.rule, resource=w.resource, reason=w.reason,
        expires=w.expires.isoformat() if w.expires else None,
        days_left=(w.expires - now.date()).days if w.expires else None,
        used=w in used, file=w.file, line=w.line) for w in waivers)
    return EvidenceSummary(coverage=coverage, unknown=unknown, snapshot=observed.source if observed else None,
                           collected_at=at, age=(now - at) if at else None, max_age=max_age,
                           failed_sources=observed.failed_sources if observed else (), waivers=states)


def build_preview(
    *,
    head: Tree,
    base: Tree | None = None,
    plan: Plan | None = None,
    observed: Observed | None = None,
    waivers: tuple[Waiver, ...] = (),
    now: datetime,
    max_age: timedelta = DEFAULT_MAX_AGE,
    fail_on: FailOn = FailOn.ERROR,
    inventory_label: str = "",
) -> PreviewReport:
    """The whole preview of ``head`` against ``base`` (and ``plan``), judged by the gate."""
    inv = head.inventory
    if inv is None:
        raise ValueError("the head side needs an inventory")
    report = validate(inv, observed=observed, now=now, max_age=max_age, waivers=waivers, fail_on=fail_on)
    plan_outcomes = _plan_outcomes(plan, inv, waivers, now, fail_on)
    used = {o.waiver for o in (*report.outcomes, *plan_outcomes) if o.waiver is not None}
    resources = manifests = None
    if base is not None:
        if base.resources is not None and head.resources is not None:
            resources = resource_diffs(base.resources, head.resources)
        if base.manifests is not None and head.manifests is not None:
            manifests = manifest_diffs(base.manifests, head.manifests)
    domains = failure_domains(inv, base.inventory if base else None, observed=observed, now=now)
    notes = (*head.notes, *(base.notes if base else ()))
    return PreviewReport(
        site=inv.name, inventory=inventory_label or inv.source, head=head.label,
        base=base.label if base else None, plan=plan, resources=resources, manifests=manifests,
        domains=domains, validation=report, plan_outcomes=plan_outcomes,
        evidence=_evidence(report, observed, waivers, used, now, max_age), notes=notes)
