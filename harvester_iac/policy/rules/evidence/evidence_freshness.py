"""HIAC-EVIDENCE-001: the gate judged current, complete health evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from harvester_iac.core import Finding, Observation, Resource, ResourceKind, Severity
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Category, Rule

_SKEW = timedelta(minutes=5)


def _age(d: timedelta) -> str:
    """``3d``, ``1h 30m``, ``45s``: the two largest non-zero units."""
    s = int(abs(d.total_seconds()))
    parts = [(s // 86400, "d"), (s % 86400 // 3600, "h"), (s % 3600 // 60, "m"), (s % 60, "s")]
    shown = [f"{n}{u}" for n, u in parts if n][:2]
    return " ".join(shown) or "0s"


class EvidenceFreshness(Rule):
    id = "HIAC-EVIDENCE-001"
    title = "Storage health was checked with current evidence"
    severity = Severity.WARNING
    category = Category.EVIDENCE
    applies_to = ResourceKind.SNAPSHOT
    why = (
        "Placement is only as safe as the storage under it. Without a health snapshot the "
        "gate cannot see a flapping iSCSI path; with an old or partial one it judges a past "
        "that may no longer hold. With --require-observed these findings are errors."
    )
    fix = (
        "Collect fresh evidence with `harvester-iac observe ... -o snapshot.json` and pass "
        "--observed snapshot.json (or --logs DIR), or raise --max-age."
    )

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        strict = ctx.require_observed
        obs = ctx.observed
        if obs is None:
            yield self.finding(
                resources=[Resource(ResourceKind.SITE, ctx.inventory.name)],
                severity=Severity.ERROR if strict else Severity.INFO,
                message="health was not checked: no snapshot or logs were given, so rules "
                        "that need observed evidence report unknown",
                evidence=[Observation("require observed", "yes" if strict else "no")],
                key="missing")
            return
        res = [ctx.snapshot_resource]
        sev = Severity.ERROR if strict else Severity.WARNING
        if obs.collected_at is None:
            yield self.finding(
                resources=res, severity=sev, key="undated",
                message=f"{obs.source} does not say when it was collected, so its age is unknown",
                evidence=[Observation("collected at", "unknown")])
        else:
            age = ctx.now - obs.collected_at
            ev = [Observation("collected at", obs.collected_at.isoformat()),
                  Observation("now", ctx.now.isoformat()),
                  Observation("max age", _age(ctx.max_age))]
            if age > ctx.max_age:
                yield self.finding(
                    resources=res, severity=sev, key="stale", evidence=ev,
                    message=f"the health evidence is {_age(age)} old, older than --max-age "
                            f"{_age(ctx.max_age)}")
            elif age < -_SKEW:
                yield self.finding(
                    resources=res, severity=sev, key="future", evidence=ev,
                    message=f"the health evidence was collected {_age(age)} after now: a clock "
                            "is wrong or --now is too early")
        for failed in obs.failed_sources:
            yield self.finding(
                resources=res, severity=sev, key=f"failed:{failed}",
                message=f"a source of the health evidence could not be read: {failed}",
                evidence=[Observation("failed source", failed)],
                fix="Fix access to the source (path, kubeconfig, URL) and observe again.")


RULE = EvidenceFreshness()
