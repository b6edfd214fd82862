"""HIAC-PLACEMENT-004: selectors leave the masters' root volumes more than one disk."""

from __future__ import annotations

from collections.abc import Iterable

from harvester_iac.core import (
    Evidence,
    Finding,
    Observation,
    Resource,
    ResourceKind,
    Severity,
)
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._domains import schedulable_domains, usable
from harvester_iac.policy._placement import Spot
from harvester_iac.policy._rule import Category, Rule


class MastersPinnedOneDisk(Rule):
    id = "HIAC-PLACEMENT-004"
    title = "Selectors leave the masters' root volumes more than one disk"
    severity = Severity.ERROR
    category = Category.PLACEMENT
    applies_to = ResourceKind.STORAGE_CLASS
    why = (
        "A diskSelector or nodeSelector that only one disk matches pins every replica of the "
        "masters' root volumes to that disk, whatever the replica count: the site has other "
        "disks, but etcd cannot use them, and one storage fault stalls every master."
    )
    fix = "Tag more disks (on other devices or hosts) to match the selector, or relax it."

    def subjects(self, ctx: RuleContext) -> tuple[Resource, ...]:
        names = sorted({m.root_volume.storage_class for m in ctx.inventory.control_plane.masters})
        return tuple(Resource(ResourceKind.STORAGE_CLASS, n) for n in names)

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        inv = ctx.inventory
        everywhere = schedulable_domains(ctx)
        if len(everywhere) < 2:
            return  # one disk in the site: a selector changes nothing (HIAC-PLACEMENT-001)
        for res in self.subjects(ctx):
            sc = inv.storage_class(res.name)
            if sc is None or not (sc.disk_selector or sc.node_selector):
                continue
            matches: list[Spot] = []
            for h in inv.hosts:
                if not set(sc.node_selector) <= set(h.tags):
                    continue
                for spot in usable(h):
                    disk = h.disk(spot.disk)
                    if disk is not None and set(sc.disk_selector) <= set(disk.tags):
                        matches.append(spot)
            domains = {ctx.domain(s) for s in matches}
            if len(domains) >= 2:
                continue
            i = inv.storage_classes.index(sc)
            selectors = []
            if sc.disk_selector:
                selectors.append(f"diskSelector {list(sc.disk_selector)}")
            if sc.node_selector:
                selectors.append(f"nodeSelector {list(sc.node_selector)}")
            sel = " and ".join(selectors)
            where = ", ".join(str(s) for s in matches) or "no disk at all"
            users = [m.name for m in inv.control_plane.masters
                     if m.root_volume.storage_class == sc.name]
            msg = (f"storage class {sc.name} ({sel}) matches only {where} of the site's "
                   f"{len(everywhere)} failure domains, so the root volumes of "
                   f"{', '.join(users)} can never spread")
            evidence: list[Evidence] = [
                Observation("matching disks", where),
                Observation("schedulable failure domains in the site",
                            ", ".join(str(d) for d in sorted(everywhere)))]
            for key in ("diskSelector", "nodeSelector"):
                if getattr(sc, "disk_selector" if key == "diskSelector" else "node_selector"):
                    evidence.append(ctx.locate.ref(("storageClasses", i, key)))
            tag = sc.disk_selector[0] if sc.disk_selector else None
            fix = (f"Add the tag {tag!r} to a disk on another device or host (hosts[].disks[]"
                   f".tags), or remove the diskSelector from storage class {sc.name}."
                   if tag else
                   f"Tag another host to match the nodeSelector of {sc.name}, or remove it.")
            yield self.finding(
                resources=[res, *(Resource(ResourceKind.DISK, str(s)) for s in matches)],
                message=msg, evidence=evidence, fix=fix, key=sc.name,
                severity=Severity.ERROR)


RULE = MastersPinnedOneDisk()
