"""HIAC-WAIVER-001: every waiver is still in date."""

from __future__ import annotations

from collections.abc import Iterable

from harvester_iac.core import Observation, Resource, ResourceKind, Severity
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Category, Inspected, ValueRule
from harvester_iac.policy._waivers import Waiver


class ExpiredWaiver(ValueRule):
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

    inspected_key = "expires"

    def inspect(self, ctx: RuleContext) -> Iterable[Inspected]:
        for waiver in ctx.waivers:
            yield Inspected(
                resource=Resource(ResourceKind.WAIVER, waiver.resource_id), value=waiver,
                key=f"{waiver.rule}:{waiver.resource}",
                evidence=(waiver.ref, Observation("reason", waiver.reason),
                          Observation("expires", str(waiver.expires))))

    def passes(self, value: object, ctx: RuleContext) -> bool:
        return isinstance(value, Waiver) and not value.expired(ctx.now)

    def problem(self, item: Inspected, ctx: RuleContext) -> str:
        waiver = item.value
        assert isinstance(waiver, Waiver)
        return (f"the waiver of {waiver.rule} for {waiver.resource} expired on "
                f"{waiver.expires}; it no longer waives anything")


RULE = ExpiredWaiver()
