"""HIAC-WAIVER-001: every waiver is still in date."""

from __future__ import annotations

from collections.abc import Iterable

from harvester_iac.core import Finding, Observation, Resource, ResourceKind, Severity
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Category, Rule


class ExpiredWaiver(Rule):
    id = "HIAC-WAIVER-001"
    title = "Every waiver is still in date"
    severity = Severity.WARNING
    category = Category.GOVERNANCE
    applies_to = ResourceKind.WAIVER
    why = (
        "A waiver accepts a risk for a time. Past its expiry date it waives nothing, so the "
        "finding it covered counts again, and the stale entry should be renewed or removed."
    )
    fix = "Renew the waiver's expires date with a fresh reason, or delete it and fix the finding."

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        for w in ctx.waivers:
            if w.expired(ctx.now):
                yield self.finding(
                    resources=[Resource(ResourceKind.WAIVER, w.resource_id)],
                    message=f"the waiver of {w.rule} for {w.resource} expired on "
                            f"{w.expires}; it no longer waives anything",
                    evidence=[w.ref, Observation("reason", w.reason),
                              Observation("expires", str(w.expires))],
                    key=f"{w.rule}:{w.resource}")


RULE = ExpiredWaiver()
