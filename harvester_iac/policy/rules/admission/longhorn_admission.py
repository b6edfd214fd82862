"""HIAC-ADMISSION-001: what Longhorn's admission webhook would refuse, found before the plan."""

from __future__ import annotations

from collections.abc import Iterable

from harvester_iac.core import (
    Evidence,
    Finding,
    Observation,
    Resource,
    ResourceKind,
    Severity,
    pointer_of,
)
from harvester_iac.model import admission_problems
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Category, Rule


class LonghornAdmission(Rule):
    id = "HIAC-ADMISSION-001"
    title = "Longhorn accepts every disk, tag and storage class"
    severity = Severity.ERROR
    category = Category.ADMISSION
    applies_to = ResourceKind.SITE
    why = (
        "Longhorn's admission webhook refuses a Node or StorageClass with a negative "
        "storageReserved, an invalid tag, eviction requested on a disk that still allows "
        "scheduling, a replica count outside 1-20, or strict-local with more than one replica. "
        "The apply then fails half-way, after Terraform has changed other resources."
    )
    fix = "Change the named value as the message says; the expected form is in the evidence."

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        inv = ctx.inventory
        for p in admission_problems(inv):
            path = p.path
            res = Resource(ResourceKind.SITE, inv.name)
            if path[:1] == ("hosts",) and len(path) > 1 and isinstance(path[1], int):
                host = inv.hosts[path[1]]
                res = Resource(ResourceKind.HOST, host.name)
                if len(path) > 3 and path[2] == "disks" and isinstance(path[3], int):
                    res = Resource(ResourceKind.DISK, f"{host.name}/{host.disks[path[3]].name}")
            elif path[:1] == ("storageClasses",) and len(path) > 1 and isinstance(path[1], int):
                res = Resource(ResourceKind.STORAGE_CLASS, inv.storage_classes[path[1]].name)
            evidence: list[Evidence] = [ctx.locate.ref(path)]
            if p.expected:
                evidence.append(Observation("expected", p.expected))
            fix = p.hint[0].upper() + p.hint[1:] if p.hint else (
                f"Set {pointer_of(path)} to {p.expected}." if p.expected else self.fix)
            yield self.finding(resources=[res], message=p.message, evidence=evidence, fix=fix,
                               key=pointer_of(path))


RULE = LonghornAdmission()
