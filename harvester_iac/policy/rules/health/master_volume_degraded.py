"""HIAC-HEALTH-002: every etcd root volume is healthy now."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from harvester_iac.core import Evidence, Finding, Observation, Resource, ResourceKind, Severity
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._facts import masters
from harvester_iac.policy._rule import Category, Need, Rule

if TYPE_CHECKING:
    from harvester_iac.observe import LonghornVolume


class MasterVolumeDegraded(Rule):
    id = "HIAC-HEALTH-002"
    title = "Every etcd root volume is healthy now"
    severity = Severity.ERROR
    category = Category.HEALTH
    applies_to = ResourceKind.VOLUME
    needs = frozenset({Need.LONGHORN})
    why = (
        "A degraded root volume has lost a replica: one more fault stops that etcd member, "
        "and a plan that moves storage now starts rebuilds on top of it. A faulted one has no "
        "usable replica at all: that member is down (an error)."
    )
    fix = ("Let Longhorn finish rebuilding (or fix what stops it: space, anti-affinity, a "
           "failed disk) before applying storage changes; salvage a faulted volume first.")

    def subjects(self, ctx: RuleContext) -> tuple[Resource, ...]:
        return tuple(mp.resource for mp in masters(ctx))

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        observed = ctx.observed
        if observed is None or observed.longhorn is None:
            return
        for root in masters(ctx):
            volume = self._volume(observed.longhorn.volumes, root.master.name,
                                  root.placement.volume.volume_name)
            if volume is None or volume.robustness not in ("degraded", "faulted"):
                continue
            faulted = volume.robustness == "faulted"
            live = [replica for replica in observed.replicas_of(volume.name)
                    if replica.node and not replica.failed_at]
            message = (f"the root volume of {root.master.name} ({volume.name}) is {volume.robustness.value}: "
                       f"{len(live)} live replica(s) of {volume.number_of_replicas or '?'} wanted")
            evidence: list[Evidence] = [
                ctx.locate.ref(root.pointer),
                Observation("robustness", f"{volume.robustness.value} (Longhorn Volume {volume.name} "
                            f"in {observed.source})"),
                Observation("live replicas",
                            ", ".join(f"{replica.node}:{replica.disk_path or replica.disk_id}" for replica in live)
                            or "none"),
            ]
            if volume.last_degraded_at:
                evidence.append(Observation("last degraded at", volume.last_degraded_at))
            yield self.finding(
                resources=[root.resource, Resource(ResourceKind.MASTER, root.master.name)],
                message=message, evidence=evidence, key=volume.name,
                severity=Severity.ERROR if faulted else Severity.WARNING)

    @staticmethod
    def _volume(vols: Iterable[LonghornVolume], vm: str, name: str | None) -> LonghornVolume | None:
        vols = tuple(vols)
        if name:
            found = next((v for v in vols if v.name == name), None)
            if found is not None:
                return found
        return next((v for v in vols if v.vm_name == vm), None)


RULE = MasterVolumeDegraded()
