"""HIAC-ETCD-001: etcd's WAL fsync p99 stays under 10 ms on every master."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from harvester_iac.core import Observation, Resource, ResourceKind, Severity, Unknown
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Category, Inspected, Need, ValueRule

if TYPE_CHECKING:
    from harvester_iac.observe import MetricSample

#: ``MetricName.ETCD_WAL_FSYNC_P99`` (seconds).
WAL_FSYNC_P99 = "etcd_wal_fsync_p99_seconds"


def _master_of(ctx: RuleContext, s: MetricSample) -> str | None:
    values = [v for _, v in s.labels]
    for m in ctx.inventory.control_plane.masters:
        for v in values:
            host = v.rsplit(":", 1)[0] if ":" in v and not v.startswith("[") else v
            if host in (m.name, m.address) or v.startswith(m.name + "."):
                return m.name
    return None


class WalFsyncLatency(ValueRule):
    id = "HIAC-ETCD-001"
    title = "etcd's WAL fsync p99 stays under 10 ms"
    severity = Severity.WARNING
    category = Category.ETCD
    applies_to = ResourceKind.MASTER
    needs = frozenset({Need.METRICS})
    unknown_when = (
        "Prometheus was not queried or has no `etcd_wal_fsync_p99_seconds` series (the whole "
        "rule); a master whose name or address no series carries (that master)."
    )
    why = (
        "etcd writes every change to its WAL and waits for fsync; its own guidance is a p99 "
        "under 10 ms. Slower disks make heartbeats late, applies slow and leader elections "
        "spurious, long before any volume fails outright."
    )
    fix = ("Give the masters' root volumes faster or less shared storage (a dedicated disk "
           "with a diskSelector), fewer replicas across slow links, or less competing I/O.")

    inspected_key = WAL_FSYNC_P99

    def unknown_reason(self, ctx: RuleContext) -> str | None:
        missing = super().unknown_reason(ctx)
        if missing is not None:
            return missing
        cov = ctx.coverage("metrics", WAL_FSYNC_P99)
        if cov.state == "none":
            return f"needs the Prometheus series {WAL_FSYNC_P99}: not observed ({cov.reason})"
        return None

    def unjudged(self, ctx: RuleContext) -> Iterable[Unknown]:
        """Masters no series with data names."""
        evidence = ctx.observed
        if evidence is None:
            return
        measured = {_master_of(ctx, s) for s in evidence.metric(WAL_FSYNC_P99) if not math.isnan(s.value)}
        for m in ctx.inventory.control_plane.masters:
            if m.name not in measured:
                yield self.unknown(
                    Resource(ResourceKind.MASTER, m.name), needs=[Need.METRICS],
                    reason=f"Prometheus has no {WAL_FSYNC_P99} series (with data) for {m.name}: "
                           "none carries its name or address in a label")

    def inspect(self, ctx: RuleContext) -> Iterable[Inspected]:
        """Each master's p99 in milliseconds, as Prometheus reports it."""
        evidence = ctx.observed
        if evidence is None:
            return
        for sample in evidence.metric(WAL_FSYNC_P99):
            if math.isnan(sample.value):
                continue
            master = _master_of(ctx, sample)
            member = master or (sample.label("instance") or sample.label("pod") or "an etcd member")
            subject = (Resource(ResourceKind.MASTER, master) if master
                       else Resource(ResourceKind.SITE, ctx.inventory.name))
            yield Inspected(resource=subject, value=sample.value * 1000, key=member, evidence=(
                Observation(WAL_FSYNC_P99, f"{sample.value:g} {dict(sample.labels)} in {evidence.source}"),))

    def passes(self, value: object, ctx: RuleContext) -> bool:
        return isinstance(value, float) and value <= ctx.thresholds.wal_fsync_p99_ms

    def problem(self, item: Inspected, ctx: RuleContext) -> str:
        p99_ms = float(item.value)  # type: ignore[arg-type]
        shown = "slower than the largest histogram bucket" if math.isinf(p99_ms) else f"{p99_ms:.1f} ms"
        return (f"etcd WAL fsync p99 on {item.key} is {shown}, "
                f"above {ctx.thresholds.wal_fsync_p99_ms:g} ms")


RULE = WalFsyncLatency()
