"""HIAC-PLACEMENT-003: every declared volume gets all the replicas its class asks for."""

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
)
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._facts import placement_evidence, volume_res
from harvester_iac.policy._placement import CAPACITY_REASONS, PlacementSource, VolumePlacement
from harvester_iac.policy._rule import Category, Rule

_SHOWN = 5


def _fix(cls: str, placed: int, reasons: frozenset[str]) -> str:
    steps = []
    if reasons & {"disk-anti-affinity", "node-anti-affinity", "zone-anti-affinity"}:
        steps.append(f"lower numberOfReplicas of storage class {cls} to {max(placed, 1)}, or add "
                     "disks/hosts so each replica has its own, or enable the matching soft "
                     "anti-affinity")
    if reasons & {"disk-selector", "node-selector"}:
        steps.append(f"tag more disks/hosts to match the selectors of {cls}, or relax them")
    if reasons & CAPACITY_REASONS:
        steps.append("add disk capacity or shrink the volumes (see HIAC-CAPACITY-001)")
    if not steps:
        steps.append(f"lower numberOfReplicas of storage class {cls}, or add schedulable disks")
    text = "; ".join(steps)
    return text[0].upper() + text[1:] + "."


class UnsatisfiableReplicas(Rule):
    id = "HIAC-PLACEMENT-003"
    title = "Every volume gets all the replicas its storage class asks for"
    severity = Severity.ERROR
    category = Category.PLACEMENT
    applies_to = ResourceKind.STORAGE_CLASS
    why = (
        "When Longhorn cannot place every replica a storage class asks for (anti-affinity, "
        "selectors, capacity), the volume is created degraded and stays so: the redundancy "
        "the class promises never exists, and Longhorn keeps retrying the rebuild."
    )
    fix = "Lower numberOfReplicas, or add disks and hosts the replicas may use."

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        inv = ctx.inventory
        groups: dict[str, list[VolumePlacement]] = defaultdict(list)
        for vp in ctx.placement.volumes:
            if vp.source is PlacementSource.SIMULATED and vp.missing:
                groups[vp.volume.storage_class].append(vp)
        for cls, vps in sorted(groups.items()):
            sc = inv.storage_class(cls)
            wanted = vps[0].wanted
            placed = min(len(vp.replicas) for vp in vps)
            reasons = frozenset().union(*(vp.reasons for vp in vps))
            names = ", ".join(vp.volume.key for vp in vps[:_SHOWN])
            if len(vps) > _SHOWN:
                names += f" and {len(vps) - _SHOWN} more"
            why_not = vps[0].unplaced[0] if vps[0].unplaced else "no disk qualifies"
            msg = (f"storage class {cls} asks for {wanted} replicas but the simulation places "
                   f"only {placed} for {len(vps)} volume(s) ({names}): they would be degraded "
                   f"from birth; {why_not}")
            evidence: list[Evidence] = []
            if sc is not None:
                evidence.append(ctx.locate.ref(
                    ("storageClasses", inv.storage_classes.index(sc), "numberOfReplicas")))
            for vp in vps[:_SHOWN]:
                evidence.append(ctx.locate.ref(vp.volume.path))
                evidence.append(placement_evidence(vp))
            evidence += [Observation("why a replica was not placed", u)
                         for u in dict.fromkeys(u for vp in vps[:_SHOWN] for u in vp.unplaced)]
            yield self.finding(
                resources=[Resource(ResourceKind.STORAGE_CLASS, cls),
                           *(volume_res(vp) for vp in vps)],
                message=msg, evidence=evidence, fix=_fix(cls, placed, reasons), key=cls)


RULE = UnsatisfiableReplicas()
