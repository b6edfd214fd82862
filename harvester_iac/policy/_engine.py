"""Run the rules, then apply waivers, the baseline and the gate.

Order matters and is fixed: rules yield findings; a current waiver marks a finding
waived; a baseline marks it known; only findings neither waived nor known, at or above
``--fail-on``, block. Rules that cannot judge report ``unknown`` with the reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from harvester_iac.core import Finding, Observation, Resource, ResourceKind, Severity, Status, Unknown
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Rule, all_rules
from harvester_iac.policy._waivers import Waiver

if TYPE_CHECKING:
    from harvester_iac.observe import Coverage

__all__ = ["FailOn", "Outcome", "RuleResult", "ValidationReport", "run_rules"]


class FailOn(StrEnum):
    """``--fail-on``: the least severity that fails the gate, or never."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"

    @property
    def severity(self) -> Severity | None:
        return None if self is FailOn.NEVER else Severity(self.value)

    def blocks(self, severity: Severity) -> bool:
        least = self.severity
        return least is not None and severity.at_least(least)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """A finding and what became of it: waived (by which waiver), baselined, blocking."""

    finding: Finding
    waiver: Waiver | None = None
    baselined: bool = False
    blocking: bool = False

    @property
    def waived(self) -> bool:
        return self.waiver is not None


@dataclass(frozen=True, kw_only=True)
class RuleResult:
    """One rule's verdict: the subjects it examined, its outcomes, and what it could not judge.

    ``status`` is ``unknown`` when the rule could not judge at all (``reason`` says why) or
    judged nothing wrong but left subjects unknown (``unknowns``, each with its reason); a
    rule that found a problem is ``failed`` even when other subjects stay unknown.
    """

    rule: Rule
    status: Status
    subjects: tuple[Resource, ...]
    outcomes: tuple[Outcome, ...] = ()
    reason: str | None = None
    unknowns: tuple[Unknown, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ValidationReport:
    """Everything a report format prints; ``passed`` is the gate's answer."""

    site: str
    inventory_file: str
    observed_file: str | None
    collected_at: datetime | None
    placement_note: str
    now: datetime
    fail_on: FailOn
    results: tuple[RuleResult, ...]
    coverage: tuple[Coverage, ...] = ()
    coverage_line: str = ""

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return tuple(o for r in self.results for o in r.outcomes)

    @property
    def blocking(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.blocking)

    @property
    def passed(self) -> bool:
        return not self.blocking

    @property
    def unknowns(self) -> tuple[Unknown, ...]:
        return tuple(u for r in self.results for u in r.unknowns)

    def summary(self) -> dict[str, int]:
        """Counts by severity (open findings only), plus waived, baselined, blocking, rules."""
        sev: Counter[str] = Counter()
        for o in self.outcomes:
            if not o.waived and not o.baselined:
                sev[o.finding.severity.value] += 1
        status = Counter(r.status.value for r in self.results)
        return {
            "error": sev["error"],
            "warning": sev["warning"],
            "info": sev["info"],
            "waived": sum(o.waived for o in self.outcomes),
            "baselined": sum(o.baselined for o in self.outcomes),
            "blocking": len(self.blocking),
            "rules": len(self.results),
            "passed": status["passed"],
            "failed": status["failed"],
            "unknown": status["unknown"],
            "unknownSubjects": len(self.unknowns),
        }


def _order(f: Finding) -> tuple[int, str, tuple[str, ...], str]:
    return (-f.severity.rank, f.rule, tuple(r.id for r in f.resources), f.key)


def _required(ctx: RuleContext, u: Unknown) -> bool:
    return ctx.require_observed or bool(set(u.needs) & ctx.require)


def _as_error(rule: Rule, u: Unknown) -> Finding:
    """An unknown under --require-observed / --require: an error that says what is missing."""
    needs = ", ".join(u.needs) or "health evidence"
    return Finding(
        rule=rule.id, severity=Severity.ERROR, title=rule.title,
        message=f"not judged, and the evidence is required: {u.reason}", why=rule.why,
        fix=(f"Collect the missing evidence ({needs}) with `harvester-iac observe` and validate "
             "again; without --require-observed / --require this is reported as unknown."),
        resources=(u.resource,),
        evidence=(*u.evidence, Observation("missing evidence", needs)),
        key=f"unknown:{u.resource.id}")


def run_rules(
    ctx: RuleContext,
    *,
    fail_on: FailOn = FailOn.ERROR,
    baseline: frozenset[str] = frozenset(),
    rules: Iterable[Rule] | None = None,
    site_file: str | None = None,
    placement_note: str = "",
) -> ValidationReport:
    """Evaluate ``rules`` (default: every registered rule) and judge the findings."""
    active = [w for w in ctx.waivers if not w.expired(ctx.now)]
    results: list[RuleResult] = []

    def judged(f: Finding) -> Outcome:
        waiver = next((w for w in active if w.matches(f)), None)
        known = f.fingerprint in baseline
        return Outcome(finding=f, waiver=waiver, baselined=known,
                       blocking=waiver is None and not known and fail_on.blocks(f.severity))

    for rule in rules if rules is not None else all_rules():
        subjects = rule.subjects(ctx)
        reason = rule.unknown_reason(ctx)
        if reason is not None:
            needs = rule.missing_needs(ctx)
            unknowns = tuple(Unknown(rule=rule.id, resource=s, reason=reason, needs=needs)
                             for s in subjects or (Resource(ResourceKind.SITE, ctx.inventory.name),))
            forced = sorted({_as_error(rule, u) for u in unknowns if _required(ctx, u)}, key=_order)
            results.append(RuleResult(rule=rule, status=Status.UNKNOWN, subjects=subjects,
                                      reason=reason, unknowns=unknowns,
                                      outcomes=tuple(judged(f) for f in forced)))
            continue
        items = list(rule.evaluate(ctx))
        findings = sorted({i for i in items if isinstance(i, Finding)}, key=_order)
        unknowns = tuple(dict.fromkeys(i for i in items if isinstance(i, Unknown)))
        forced = sorted({_as_error(rule, u) for u in unknowns if _required(ctx, u)}, key=_order)
        if findings:
            status = Status.FAILED
        elif unknowns:
            status = Status.UNKNOWN
        else:
            status = Status.PASSED
        why = None
        if status is Status.UNKNOWN:
            shown = "; ".join(f"{u.resource.id}: {u.reason}" for u in unknowns[:3])
            why = shown + (f"; and {len(unknowns) - 3} more" if len(unknowns) > 3 else "")
        results.append(RuleResult(
            rule=rule, status=status, subjects=subjects, reason=why, unknowns=unknowns,
            outcomes=tuple(judged(f) for f in [*findings, *forced])))
    obs = ctx.observed
    return ValidationReport(
        site=ctx.inventory.name,
        inventory_file=site_file or ctx.inventory.source,
        observed_file=obs.source if obs else None,
        collected_at=obs.collected_at if obs else None,
        placement_note=placement_note,
        now=ctx.now,
        fail_on=fail_on,
        results=tuple(results),
        coverage=obs.coverage if obs else (),
        coverage_line=_coverage_line(ctx),
    )


_NAMED = 8  # up to this many hosts and masters, the coverage line names each


def _coverage_line(ctx: RuleContext) -> str:
    """What was and was not seen, per evidence kind, resolved to the inventory's names."""
    if ctx.observed is None:
        return "coverage: nothing observed (no --observed or --logs)"
    from harvester_iac.observe import EvidenceKind

    machines = [h.name for h in ctx.inventory.hosts] + [m.name for m in ctx.inventory.control_plane.masters]
    states = {m: ctx.coverage("events", m).state.value for m in machines}
    if len(machines) <= _NAMED:
        logs = ", ".join(f"{m} {state}" for m, state in states.items())
    else:  # a large site: count the full ones, name the others
        full = sum(state == "full" for state in states.values())
        logs = f"{full} of {len(machines)} full" + "".join(
            f", {word}: " + " ".join(m for m, state in states.items() if state == word)
            for word in ("partial", "none") if word in states.values())
    parts = [f"events {logs}"]
    if ctx.hosts.unknown:
        parts[-1] += " (+ unknown hosts " + ", ".join(sorted(ctx.hosts.unknown)) + ")"
    for kind in (EvidenceKind.ISCSIADM, EvidenceKind.NODES, EvidenceKind.VOLUMES,
                 EvidenceKind.REPLICAS, EvidenceKind.ENGINES, EvidenceKind.METRICS):
        parts.append(f"{kind.value} {ctx.coverage(kind.value).state.value}")
    return "coverage: " + "; ".join(parts)
