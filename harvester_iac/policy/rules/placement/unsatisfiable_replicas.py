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
        inventory = ctx.inventory
        groups: dict[str, list[VolumePlacement]] = defaultdict(list)
        for placement in ctx.placement.volumes:
            if placement.source is PlacementSource.SIMULATED and placement.missing:
                groups[placement.volume.storage_class].append(placement)
        for class_name, volumes in sorted(groups.items()):
            storage_class = inventory.storage_class(class_name)
            wanted = volumes[0].wanted
            placed = min(len(placement.replicas) for placement in volumes)
            reasons = frozenset().union(*(placement.reasons for placement in volumes))
            names = ", ".join(placement.volume.key for placement in volumes[:_SHOWN])
            if len(volumes) > _SHOWN:
                names += f" and {len(volumes) - _SHOWN} more"
            why_not = volumes[0].unplaced[0] if volumes[0].unplaced else "no disk qualifies"
            message = (f"storage class {class_name} asks for {wanted} replicas but the simulation places "
                       f"only {placed} for {len(volumes)} volume(s) ({names}): they would be degraded "
                       f"from birth; {why_not}")
            evidence: list[Evidence] = []
            if storage_class is not None:
                evidence.append(ctx.locate.ref(
                    ("storageClasses", inventory.storage_classes.index(storage_class), "numberOfReplicas")))
            for placement in volumes[:_SHOWN]:
                evidence.append(ctx.locate.ref(placement.volume.path))
                evidence.append(placement_evidence(placement))
            reasons_shown = dict.fromkeys(r for shown in volumes[:_SHOWN] for r in shown.unplaced)
            evidence += [Observation("why a replica was not placed", reason) for reason in reasons_shown]
            yield self.finding(
                resources=[Resource(ResourceKind.STORAGE_CLASS, class_name),
                           *(volume_res(placement) for placement in volumes)],
                message=message, evidence=evidence, fix=_fix(class_name, placed, reasons), key=class_name)


RULE = UnsatisfiableReplicas()
