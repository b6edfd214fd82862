"""HIAC-CAPACITY-001: the declared volumes fit Longhorn's storage limits with room to spare."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from harvester_iac.core import (
    Evidence,
    Finding,
    Observation,
    Resource,
    ResourceKind,
    Severity,
    Unknown,
)
from harvester_iac.model import Size
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._facts import volume_res
from harvester_iac.policy._placement import DiskLoad, Spot
from harvester_iac.policy._rule import Category, Need, Rule


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB"


class DiskCapacity(Rule):
    id = "HIAC-CAPACITY-001"
    title = "Declared volumes fit each disk's Longhorn storage limits"
    severity = Severity.ERROR
    category = Category.CAPACITY
    applies_to = ResourceKind.DISK
    unknown_when = (
        'a disk with no declared capacity whose Longhorn Node was not observed (that disk: its si'
        'ze is unknown).'
    )
    why = (
        "Longhorn refuses a replica on a disk when the scheduled size would pass "
        "(maximum - reserved) x storage-over-provisioning-percentage, or when free space "
        "is at storage-minimal-available-percentage of the maximum. Volumes that do not fit are "
        "created degraded (an error); a disk within 10% of a limit, or one that thin volumes "
        "will fill to the floor, refuses the next volume or rebuild (a warning)."
    )
    fix = ("Add a Longhorn disk or capacity, shrink volumes, or lower storageReserved; raising "
           "storageOverProvisioningPercentage only postpones a full disk.")

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        pl = ctx.placement
        loaded = {Spot(d.host, d.disk) for d in pl.disks}
        nodes = ctx.coverage("nodes").state
        for h in ctx.inventory.hosts:
            for d in h.disks:
                if Spot(h.name, d.name) not in loaded:
                    seen = ("its Longhorn Node was not observed" if nodes == "none"
                            else "Longhorn reports no size for it")
                    yield self.unknown(Resource(ResourceKind.DISK, f"{h.name}/{d.name}"),
                                       needs=[Need.NODES], reason=(
                        f"the size of disk {h.name}/{d.name} is unknown: the inventory declares no "
                        f"capacity and {seen}"))
        margin = ctx.thresholds.capacity_margin
        refused: dict[Spot, list[str]] = defaultdict(list)
        for vp in pl.volumes:
            for s in vp.full_disks:
                refused[s].append(vp.volume.key)
        for load in pl.disks:
            spot = Spot(load.host, load.disk)
            yield from self._judge(ctx, load, refused.get(spot, []), margin)

    def _judge(self, ctx: RuleContext, load: DiskLoad, refused: list[str],
               margin: float) -> Iterable[Finding]:
        pl = ctx.placement
        if load.maximum_bytes <= 0:
            return
        limit = (load.maximum_bytes - load.reserved_bytes) * pl.over_provisioning_pct / 100
        floor = load.maximum_bytes * pl.minimal_available_pct / 100
        free_after = load.available_bytes - load.new_bytes
        problems: list[tuple[Severity, str]] = []
        if load.scheduled_bytes > limit:
            problems.append((Severity.ERROR, f"scheduled {_gib(load.scheduled_bytes)} passes the "
                             f"over-provisioning limit {_gib(limit)}"))
        elif load.scheduled_bytes > limit * (1 - margin):
            problems.append((Severity.WARNING, f"scheduled {_gib(load.scheduled_bytes)} is within "
                             f"{margin:.0%} of the over-provisioning limit {_gib(limit)}"))
        if load.observed and load.available_bytes <= floor:
            problems.append((Severity.ERROR, f"free space {_gib(load.available_bytes)} is at or "
                             f"below the minimal available {_gib(floor)}: Longhorn refuses "
                             "every new replica here"))
        elif load.observed and load.available_bytes <= floor + margin * load.maximum_bytes:
            problems.append((Severity.WARNING, f"free space {_gib(load.available_bytes)} is within "
                             f"{margin:.0%} of the minimal available {_gib(floor)}"))
        elif load.new_bytes and free_after <= floor:
            problems.append((Severity.WARNING, f"once the new volumes fill up, free space "
                             f"({_gib(free_after)}) falls to the minimal available "
                             f"{_gib(floor)} and Longhorn stops scheduling here"))
        if refused:
            shown = ", ".join(refused[:5]) + (f" and {len(refused) - 5} more"
                                              if len(refused) > 5 else "")
            problems.insert(0, (Severity.ERROR, f"it refused replicas of {shown} for lack of "
                                "space"))
        if not problems:
            return
        sev = Severity.ERROR if any(s is Severity.ERROR for s, _ in problems) else Severity.WARNING
        where = f"{load.host}/{load.disk}"
        msg = f"disk {where}: " + "; ".join(t for _, t in problems)
        evidence: list[Evidence] = [
            Observation("storage", f"maximum {_gib(load.maximum_bytes)}, reserved "
                        f"{_gib(load.reserved_bytes)}, available {_gib(load.available_bytes)}, scheduled "
                        f"after placing {_gib(load.scheduled_bytes)} "
                        f"({'observed' if load.observed else 'declared capacity'})"),
            Observation("limits", f"over-provisioning {pl.over_provisioning_pct}%, minimal "
                        f"available {pl.minimal_available_pct}%"),
        ]
        host = ctx.inventory.host(load.host)
        disk = host.disk(load.disk) if host else None
        if host is not None and disk is not None:
            evidence.insert(0, ctx.locate.ref(
                ("hosts", ctx.inventory.hosts.index(host), "disks", host.disks.index(disk))))
        resources = [Resource(ResourceKind.DISK, where)]
        resources += [volume_res(vp) for vp in ctx.placement.volumes
                      if vp.volume.key in set(refused)]
        need = Size(int(max(load.scheduled_bytes - limit, 0)))
        fix = self.fix
        if need.bytes > 0:
            fix = f"Free or add at least {need} on {where}, or add a disk. " + self.fix
        yield self.finding(resources=resources, message=msg, evidence=evidence, severity=sev,
                           key=where, fix=fix)


RULE = DiskCapacity()
