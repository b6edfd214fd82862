"""The gate as a library: evidence in, a judged report out.

``validate`` is what ``harvester-iac validate`` runs; ``gate_messages`` is the short form
the CDK stacks call from their validation hook (blocking findings as one-line messages).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from harvester_iac.core import Finding, Severity
from harvester_iac.model import Inventory
from harvester_iac.policy._baseline import load_baseline
from harvester_iac.policy._context import DEFAULT_MAX_AGE, RuleContext
from harvester_iac.policy._engine import FailOn, ValidationReport, run_rules
from harvester_iac.policy._observed import Observed
from harvester_iac.policy._placement import PlacementSource, SitePlacement
from harvester_iac.policy._rule import Rule
from harvester_iac.policy._simulation import plan_placement
from harvester_iac.policy._thresholds import Thresholds
from harvester_iac.policy._waivers import Waiver

if TYPE_CHECKING:
    from harvester_iac.observe import HealthSnapshot

__all__ = [
    "Placer",
    "build_context",
    "gate_messages",
    "load_observed",
    "observed_from_snapshot",
    "open_findings",
    "validate",
]

DEFAULT_THRESHOLDS = Thresholds()

#: How a context gets its placement; the default runs the Longhorn scheduler simulation.
Placer = Callable[[Inventory, Observed | None, datetime], SitePlacement]


def _default_placer(inv: Inventory, observed: Observed | None, now: datetime) -> SitePlacement:
    return plan_placement(inv, observed, now=now)


def observed_from_snapshot(snap: HealthSnapshot, *, source: str) -> Observed:
    """The policy's view of a health snapshot; ``source`` names its file."""
    from harvester_iac.observe import SourceKind, SourceState

    failed = tuple(
        f"{s.kind.value} {s.location}: {s.error or 'failed'}"
        for s in snap.sources if s.state is SourceState.FAILED)
    partial = tuple(
        f"{s.kind.value} {s.location}: {s.error or 'read in part'}"
        + (f" ({s.detail})" if s.detail and s.kind is not SourceKind.LOG else "")
        for s in snap.sources if s.state is SourceState.PARTIAL)
    return Observed(
        source=source, collected_at=snap.collected_at,
        window_start=snap.window.since, window_end=snap.window.until,
        events=tuple(snap.events), longhorn=snap.longhorn,
        metrics=snap.metrics.samples if snap.metrics is not None else (),
        failed_sources=failed, partial_sources=partial, coverage=snap.coverage,
        sessions=snap.sessions, events_dropped=snap.events_dropped,
        log_sources=tuple(s.location for s in snap.sources
                          if s.kind is SourceKind.LOG and s.state is not SourceState.FAILED))


def load_observed(path: str | Path) -> Observed:
    """Read a health snapshot file (raises ``SnapshotError`` naming file and place)."""
    from harvester_iac.observe import load_snapshot

    return observed_from_snapshot(load_snapshot(Path(path)), source=str(path))


def build_context(
    inventory: Inventory,
    *,
    observed: Observed | None = None,
    now: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    max_age: timedelta = DEFAULT_MAX_AGE,
    require_observed: bool = False,
    require: frozenset[str] = frozenset(),
    waivers: tuple[Waiver, ...] = (),
    placer: Placer | None = None,
) -> RuleContext:
    when = now or datetime.now(UTC)
    placement = (placer or _default_placer)(inventory, observed, when)
    return RuleContext(
        inventory=inventory, placement=placement, observed=observed, now=when,
        thresholds=thresholds, max_age=max_age, require_observed=require_observed,
        require=frozenset(str(k) for k in require), waivers=waivers)


def _placement_note(p: SitePlacement) -> str:
    obs = sum(v.source is PlacementSource.OBSERVED for v in p.volumes)
    sim = len(p.volumes) - obs
    return (f"{len(p.volumes)} declared volume(s): {obs} from observed Longhorn replicas, "
            f"{sim} simulated ({p.simulator})")


def validate(
    inventory: Inventory,
    *,
    observed: Observed | HealthSnapshot | None = None,
    now: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    max_age: timedelta = DEFAULT_MAX_AGE,
    require_observed: bool = False,
    require: frozenset[str] = frozenset(),
    waivers: tuple[Waiver, ...] = (),
    baseline: frozenset[str] | str | Path = frozenset(),
    fail_on: FailOn | Severity | str = FailOn.ERROR,
    rules: tuple[Rule, ...] | None = None,
    placer: Placer | None = None,
) -> ValidationReport:
    """Run every rule on ``inventory`` with the evidence and judge the findings.

    ``require_observed`` turns every unknown (a subject a rule could not judge for want of
    evidence) into an error, ``require`` those missing one of these evidence kinds
    (``EvidenceKind`` values such as ``"replicas"``); either also makes partial and failed
    sources errors.
    """
    if observed is not None and not isinstance(observed, Observed):
        observed = observed_from_snapshot(observed, source="<snapshot>")
    if isinstance(baseline, str | Path):
        baseline = load_baseline(baseline)
    ctx = build_context(inventory, observed=observed, now=now, thresholds=thresholds,
                        max_age=max_age, require_observed=require_observed, require=require,
                        waivers=waivers, placer=placer)
    return run_rules(ctx, fail_on=FailOn(str(fail_on)), baseline=baseline, rules=rules,
                     placement_note=_placement_note(ctx.placement))


def open_findings(report: ValidationReport) -> tuple[Finding, ...]:
    """The findings a stack's validation hook reports: neither waived nor baselined."""
    return tuple(o.finding for o in report.outcomes if not (o.waived or o.baselined))


def gate_messages(
    inventory: Inventory,
    *,
    snapshot: HealthSnapshot | Observed | None = None,
    fail_on: Severity | FailOn = Severity.ERROR,
    now: datetime | None = None,
) -> list[str]:
    """Blocking findings as one-line messages (empty: the gate passes).

    For construct/stack validation hooks: ``HIAC-PLACEMENT-001 error: <message>. Fix: ...``.
    """
    report = validate(inventory, observed=snapshot, fail_on=fail_on, now=now)
    return [
        f"{o.finding.rule} {o.finding.severity.value}: {o.finding.message}. Fix: {o.finding.fix}"
        for o in report.blocking
    ]
