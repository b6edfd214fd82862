"""HIAC-ETCD-001: etcd's WAL fsync p99 stays under 10 ms on every master."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from harvester_iac.core import Finding, Observation, Resource, ResourceKind, Severity
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Category, Need, Rule

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


class WalFsyncLatency(Rule):
    id = "HIAC-ETCD-001"
    title = "etcd's WAL fsync p99 stays under 10 ms"
    severity = Severity.WARNING
    category = Category.ETCD
    applies_to = ResourceKind.MASTER
    needs = frozenset({Need.ETCD})
    why = (
        "etcd writes every change to its WAL and waits for fsync; its own guidance is a p99 "
        "under 10 ms. Slower disks make heartbeats late, applies slow and leader elections "
        "spurious, long before any volume fails outright."
    )
    fix = ("Give the masters' root volumes faster or less shared storage (a dedicated disk "
           "with a diskSelector), fewer replicas across slow links, or less competing I/O.")

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        obs = ctx.observed
        if obs is None:
            return
        limit = ctx.thresholds.wal_fsync_p99_ms
        for s in obs.metric(WAL_FSYNC_P99):
            if math.isnan(s.value):
                continue
            ms = s.value * 1000
            if ms <= limit:
                continue
            master = _master_of(ctx, s)
            who = master or (s.label("instance") or s.label("pod") or "an etcd member")
            shown = "slower than the largest histogram bucket" if math.isinf(ms) else f"{ms:.1f} ms"
            res = (Resource(ResourceKind.MASTER, master) if master
                   else Resource(ResourceKind.SITE, ctx.inventory.name))
            yield self.finding(
                resources=[res], key=who,
                message=f"etcd WAL fsync p99 on {who} is {shown}, above {limit:g} ms",
                evidence=[Observation("etcd_wal_fsync_p99_seconds",
                                      f"{s.value:g} {dict(s.labels)} in {obs.source}")])


RULE = WalFsyncLatency()
