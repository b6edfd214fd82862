"""The preview as one value: plan, pre-plan diff, failure domains, findings and evidence.

Markdown and JSON are both rendered from a :class:`PreviewReport`, so they carry the same
content. ``verdict`` is the gate's answer plus the plan: fail when a finding blocks, warn
when a finding is open or the plan destroys anything, pass otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from harvester_iac.policy import Outcome, Severity, ValidationReport
from harvester_iac.preview._diff import ManifestDiff, ResourceDiff
from harvester_iac.preview._domains import FailureDomains
from harvester_iac.preview._plan import Plan

__all__ = ["EvidenceSummary", "PreviewReport", "Verdict", "WaiverState", "marker_for"]


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


def marker_for(site: str) -> str:
    """The hidden, stable comment marker CI finds the previous comment by."""
    return f"<!-- harvester-iac-preview site={site} -->"


@dataclass(frozen=True, kw_only=True)
class WaiverState:
    rule: str
    resource: str
    reason: str
    expires: str | None
    days_left: int | None
    used: bool
    file: str
    line: int | None


@dataclass(frozen=True, kw_only=True)
class EvidenceSummary:
    """What the verdict rests on: rule coverage, the snapshot and its age, the waivers."""

    coverage: str
    unknown: tuple[str, ...]
    snapshot: str | None
    collected_at: datetime | None
    age: timedelta | None
    max_age: timedelta
    failed_sources: tuple[str, ...]
    waivers: tuple[WaiverState, ...]

    @property
    def stale(self) -> bool:
        return self.age is not None and self.age > self.max_age


@dataclass(frozen=True, kw_only=True)
class PreviewReport:
    site: str
    inventory: str
    head: str
    base: str | None
    plan: Plan | None
    resources: tuple[ResourceDiff, ...] | None
    manifests: tuple[ManifestDiff, ...] | None
    domains: FailureDomains
    validation: ValidationReport
    plan_outcomes: tuple[Outcome, ...]
    evidence: EvidenceSummary
    notes: tuple[str, ...] = ()

    @property
    def marker(self) -> str:
        return marker_for(self.site)

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        both = self.plan_outcomes + self.validation.outcomes
        return tuple(sorted(both, key=lambda o: (not o.blocking, -o.finding.severity.rank, o.finding.rule,
                                                 o.finding.key)))

    @property
    def open(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.waived and not o.baselined)

    @property
    def verdict(self) -> Verdict:
        if any(o.blocking for o in self.outcomes):
            return Verdict.FAIL
        if self.open or (self.plan is not None and self.plan.destroyed):
            return Verdict.WARN
        return Verdict.PASS

    def counts(self) -> dict[str, int]:
        out = {s.value: sum(1 for o in self.open if o.finding.severity is s) for s in Severity}
        out["blocking"] = sum(1 for o in self.outcomes if o.blocking)
        out["waived"] = sum(1 for o in self.outcomes if o.waived)
        return out

    @property
    def has_changes(self) -> bool:
        return bool((self.plan is not None and self.plan.has_changes) or self.resources or self.manifests
                    or self.domains.changed)
