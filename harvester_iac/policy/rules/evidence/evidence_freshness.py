"""HIAC-EVIDENCE-001: the gate judged current, complete health evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from harvester_iac.core import Finding, Observation, Resource, ResourceKind, Severity
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._observed import event_ref
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
        "that may no longer hold. A source read only in part (a Longhorn list that answered "
        "with an unexpected response or failed on a later page, Prometheus answering some "
        "queries) counts like a failed one. With --require-observed these findings are errors; "
        "with --require KIND, so is every named kind not observed in full."
    )
    fix = (
        "Collect fresh evidence with `harvester-iac observe ... -o snapshot.json` and pass "
        "--observed snapshot.json (or --logs DIR), or raise --max-age."
    )

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        strict = ctx.require_observed or bool(ctx.require)
        obs = ctx.observed
        for kind in sorted(ctx.require):
            cov = ctx.coverage(kind)
            if cov.state != "full":
                yield self.finding(
                    resources=[ctx.snapshot_resource], severity=Severity.ERROR, key=f"require:{kind}",
                    message=f"--require {kind}: {cov.describe()}",
                    evidence=[Observation("coverage", cov.describe()),
                              *(Observation("source", s) for s in cov.sources[:5])],
                    fix=f"Observe {kind} in full (see docs/rules.md for the commands) or drop "
                        f"{kind} from --require.")
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
        yield from self._outside(ctx, res, sev)
        if obs.events_dropped:
            yield self.finding(
                resources=res, severity=sev, key="capped",
                message=f"{obs.source} lists only part of its events ({obs.events_dropped} left "
                        "out by observe --max-events): rules that count events may count "
                        "too few",
                evidence=[Observation("events not listed", str(obs.events_dropped))],
                fix="Observe again without --max-events for the evidence the gate judges.")
        for state, said, sources, fix in (
                ("partial", "was read only in part", obs.partial_sources,
                 "Fix what stopped the read (access, timeouts, a damaged file) and observe again."),
                ("failed", "could not be read", obs.failed_sources,
                 "Fix access to the source (path, kubeconfig, URL) and observe again.")):
            for source in sources:
                yield self.finding(
                    resources=res, severity=sev, key=f"{state}:{source}", fix=fix,
                    message=f"a source of the health evidence {said}: {source}",
                    evidence=[Observation(f"{state} source", source)])

    def _outside(self, ctx: RuleContext, res: list[Resource], sev: Severity) -> Iterable[Finding]:
        """Events the snapshot itself says it could not have seen: still counted, but said."""
        obs = ctx.observed
        assert obs is not None
        checks: tuple[tuple[str, datetime | None, int, str], ...] = (
            ("before", obs.window_start, -1, "before the start of its window"),
            ("after", obs.window_end, 1, "after the end of its window"),
            ("future", obs.collected_at + _SKEW if obs.collected_at else None, 1, "after it was collected"),
        )
        for key, bound, side, words in checks:
            if bound is None:
                continue
            found = [e for e in obs.events
                     if e.time is not None and (e.time < bound if side < 0 else e.time > bound)]
            if not found:
                continue
            yield self.finding(
                resources=res, severity=sev, key=f"outside:{key}",
                message=f"{len(found)} event(s) in {obs.source} are dated {words} ({bound.isoformat()}); "
                        "they are counted, but the snapshot's clock or window is in doubt",
                evidence=[*(event_ref(e) for e in found[:3]), Observation("events", str(len(found)))],
                fix="Observe again with a window that covers the logs (--since/--until) and a correct "
                    "clock, or check the hosts' time zones (--tz).")


RULE = EvidenceFreshness()
