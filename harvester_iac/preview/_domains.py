"""Failure domains before -> after: where each etcd root volume's replicas land, and
whether the quorum survives losing any one disk or host, on the base and on the head.

Placement is the gate's own (``policy.build_context``: Longhorn's scheduler simulated on
the declared disks, or on the observed Longhorn nodes with their live replicas kept), so
the table shows exactly what the placement rules judged. A disk domain is one physical
device of one host; a master stops when all of its root volume's replicas sit in the lost
domain, or (for a host) when its VM runs there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from harvester_iac.model import Inventory
from harvester_iac.policy import Observed, RuleContext, breaking_count, build_context, disk_groups, host_groups

__all__ = ["FailureDomains", "QuorumVerdict", "Spread", "VolumeDomains", "failure_domains"]


@dataclass(frozen=True, kw_only=True)
class Spread:
    """One volume's replicas on one side: spots (``host/disk``), disk domains, hosts."""

    replicas: tuple[str, ...]
    domains: tuple[str, ...]
    hosts: tuple[str, ...]
    source: str
    wanted: int

    @property
    def survives_disk(self) -> bool:
        return len(self.domains) >= 2

    @property
    def survives_host(self) -> bool:
        return len(self.hosts) >= 2


@dataclass(frozen=True, kw_only=True)
class VolumeDomains:
    volume: str
    master: str | None
    before: Spread | None
    after: Spread | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, kw_only=True)
class QuorumVerdict:
    """Whether etcd keeps quorum after losing any one disk domain / host, and the worst case."""

    members: int
    breaking: int
    survives_disk: bool
    survives_host: bool
    worst_disk: str
    worst_host: str


@dataclass(frozen=True, kw_only=True)
class FailureDomains:
    volumes: tuple[VolumeDomains, ...]
    before: QuorumVerdict | None
    after: QuorumVerdict | None
    compared: bool = True

    @property
    def changed(self) -> bool:
        """Whether placement differs between base and head (never, without a base)."""
        return self.compared and (self.before != self.after or any(v.changed for v in self.volumes))


def _spreads(ctx: RuleContext) -> dict[str, tuple[Spread, str | None]]:
    out: dict[str, tuple[Spread, str | None]] = {}
    for p in ctx.placement.volumes:
        spread = Spread(
            replicas=tuple(f"{s.host}/{s.disk}" for s in p.replicas),
            domains=tuple(sorted({str(ctx.domain(s)) for s in p.replicas})),
            hosts=tuple(sorted({s.host for s in p.replicas})),
            source=str(p.source), wanted=p.wanted)
        out[p.volume.key] = (spread, p.volume.vm if p.volume.is_master_root else None)
    return out


def _verdict(ctx: RuleContext) -> QuorumVerdict | None:
    n = len(ctx.inventory.control_plane.masters)
    if n == 0:
        return None
    breaking = breaking_count(ctx.inventory)
    disks = disk_groups(ctx)
    hosts = host_groups(ctx)
    worst_d = max(disks.items(), key=lambda kv: (len(kv[1]), str(kv[0])), default=None)
    worst_h = max(hosts.items(), key=lambda kv: (len(kv[1]), kv[0]), default=None)

    def say(domain: str | None, stopped: int) -> str:
        return f"losing {domain} stops {stopped} of {n}" if domain else "no domain holds a whole master"

    return QuorumVerdict(
        members=n, breaking=breaking,
        survives_disk=worst_d is None or len(worst_d[1]) < breaking,
        survives_host=worst_h is None or len(worst_h[1]) < breaking,
        worst_disk=say(str(worst_d[0]) if worst_d else None, len(worst_d[1]) if worst_d else 0),
        worst_host=say(worst_h[0] if worst_h else None, len(worst_h[1]) if worst_h else 0))


def failure_domains(head: Inventory, base: Inventory | None, *, observed: Observed | None,
                    now: datetime) -> FailureDomains:
    """Every master root volume, plus any volume whose placement differs, before -> after."""
    after_ctx = build_context(head, observed=observed, now=now)
    before_ctx = build_context(base, observed=observed, now=now) if base is not None else None
    after = _spreads(after_ctx)
    before = _spreads(before_ctx) if before_ctx is not None else {}
    rows: list[VolumeDomains] = []
    for key in sorted(after.keys() | before.keys()):
        a, b = after.get(key), before.get(key)
        master = (a or b or (None, None))[1]
        row = VolumeDomains(volume=key, master=master, before=b[0] if b else None,
                            after=a[0] if a else None)
        if master is not None or (base is not None and row.changed):
            rows.append(row)
    rows.sort(key=lambda r: (r.master is None, r.volume))
    return FailureDomains(volumes=tuple(rows),
                          before=_verdict(before_ctx) if before_ctx is not None else None,
                          after=_verdict(after_ctx), compared=base is not None)
