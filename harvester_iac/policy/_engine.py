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

from harvester_iac.core import Finding, Resource, Severity, Status
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Rule, all_rules
from harvester_iac.policy._waivers import Waiver

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
    """One rule's verdict: the subjects it examined, its outcomes, or why it is unknown."""

    rule: Rule
    status: Status
    subjects: tuple[Resource, ...]
    outcomes: tuple[Outcome, ...] = ()
    reason: str | None = None


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

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return tuple(o for r in self.results for o in r.outcomes)

    @property
    def blocking(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.blocking)

    @property
    def passed(self) -> bool:
        return not self.blocking

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
        }


def _order(f: Finding) -> tuple[int, str, tuple[str, ...], str]:
    return (-f.severity.rank, f.rule, tuple(r.id for r in f.resources), f.key)


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
    for rule in rules if rules is not None else all_rules():
        subjects = rule.subjects(ctx)
        reason = rule.unknown_reason(ctx)
        if reason is not None:
            results.append(RuleResult(rule=rule, status=Status.UNKNOWN, subjects=subjects,
                                      reason=reason))
            continue
        findings = sorted(set(rule.evaluate(ctx)), key=_order)
        outcomes = []
        for f in findings:
            waiver = next((w for w in active if w.matches(f)), None)
            known = f.fingerprint in baseline
            outcomes.append(Outcome(
                finding=f, waiver=waiver, baselined=known,
                blocking=waiver is None and not known and fail_on.blocks(f.severity)))
        results.append(RuleResult(
            rule=rule, status=Status.FAILED if findings else Status.PASSED,
            subjects=subjects, outcomes=tuple(outcomes)))
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
    )
