"""Failure-domain reasoning shared by the quorum, pinning and health rules.

A master depends on a failure domain when losing it stops that master: all of its root
volume's live replicas sit in it (a disk domain), or its VM runs there, or all replicas
do (a host). etcd loses quorum when ``n - quorum + 1`` members stop at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from harvester_iac.model import Host, Inventory, StorageClass
from harvester_iac.policy._context import Domain, RuleContext
from harvester_iac.policy._facts import MasterPlacement, masters
from harvester_iac.policy._placement import Spot

__all__ = [
    "DomainGroup",
    "breaking_count",
    "disk_groups",
    "host_groups",
    "schedulable_domains",
    "spread_fix",
    "unplaced_masters",
]


@dataclass(frozen=True)
class DomainGroup:
    """Masters that all stop when one domain fails."""

    key: str
    members: tuple[MasterPlacement, ...]


def breaking_count(inv: Inventory) -> int:
    """How many etcd members must stop for the cluster to lose quorum."""
    n = len(inv.control_plane.masters)
    return n - inv.control_plane.quorum + 1


def unplaced_masters(ctx: RuleContext, *, by_host: bool = False) -> list[MasterPlacement]:
    """Masters whose root volume's replicas were not observed where the answer depends on
    it: the site has more than one disk (``by_host``: host) they could be on."""
    many = len(ctx.inventory.hosts) > 1 if by_host else len(schedulable_domains(ctx)) > 1
    return [mp for mp in masters(ctx) if mp.placement.unobserved and many]


def disk_groups(ctx: RuleContext) -> dict[Domain, list[MasterPlacement]]:
    """Per failure domain, the masters whose every root replica is there (known placements only)."""
    out: dict[Domain, list[MasterPlacement]] = defaultdict(list)
    unknown = {mp.master.name for mp in unplaced_masters(ctx)}
    for mp in masters(ctx):
        if mp.master.name in unknown:
            continue
        doms = {ctx.domain(s) for s in mp.placement.replicas}
        if len(doms) == 1:
            out[doms.pop()].append(mp)
    return out


def host_groups(ctx: RuleContext) -> dict[str, list[MasterPlacement]]:
    """Per host, the masters that stop with it (VM there, or every replica there)."""
    out: dict[str, list[MasterPlacement]] = defaultdict(list)
    unknown = {mp.master.name for mp in unplaced_masters(ctx, by_host=True)}
    for mp in masters(ctx):
        hosts = {s.host for s in mp.placement.replicas}
        on = {mp.master.host}
        if len(hosts) == 1 and mp.master.name not in unknown:
            on |= hosts
        for h in sorted(on):
            out[h].append(mp)
    return out


def usable(host: Host) -> list[Spot]:
    return [Spot(host.name, d.name) for d in host.disks
            if d.allow_scheduling and not d.eviction_requested]


def schedulable_domains(ctx: RuleContext, host: Host | None = None) -> set[Domain]:
    hosts = [host] if host is not None else list(ctx.inventory.hosts)
    return {ctx.domain(s) for h in hosts for s in usable(h)}


def spread_fix(ctx: RuleContext, host_name: str, classes: list[StorageClass]) -> str:
    """The inventory change that lets root volumes leave one disk of ``host_name``."""
    inv = ctx.inventory
    host = inv.host(host_name)
    names = ", ".join(sorted({c.name for c in classes})) or "the masters' storage class"
    few = [c for c in classes if c.number_of_replicas < 2]
    spread = ("numberOfReplicas: 2 or more, replicaDiskSoftAntiAffinity: disabled"
              + (" and replicaSoftAntiAffinity: enabled" if len(inv.hosts) == 1 else ""))
    if host is not None and len(schedulable_domains(ctx, host)) < 2:
        text = (f"Add a second Longhorn disk on {host_name} (hosts[].disks, on another "
                f"physical device) and let replicas spread: give the root volumes a storage "
                f"class with {spread} (they use storage class {names} now)")
    elif few:
        text = (f"Let replicas spread over {host_name}'s disks: set {spread} on storage "
                f"class {names}")
    else:
        text = (f"Set replicaDiskSoftAntiAffinity: disabled on storage class {names}, and "
                f"keep its disks on different physical devices")
    others = [h.name for h in inv.hosts if h.name != host_name and usable(h)]
    if others:
        text += f"; or move masters and their replicas to {', '.join(others)}"
    return text + "."
