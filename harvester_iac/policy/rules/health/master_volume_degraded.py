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
        obs = ctx.observed
        if obs is None or obs.longhorn is None:
            return
        for mp in masters(ctx):
            vol = self._volume(obs.longhorn.volumes, mp.master.name, mp.placement.volume.volume_name)
            if vol is None or vol.robustness not in ("degraded", "faulted"):
                continue
            faulted = vol.robustness == "faulted"
            live = [r for r in obs.replicas_of(vol.name) if r.node and not r.failed_at]
            msg = (f"the root volume of {mp.master.name} ({vol.name}) is {vol.robustness.value}: "
                   f"{len(live)} live replica(s) of {vol.number_of_replicas or '?'} wanted")
            evidence: list[Evidence] = [
                ctx.locate.ref(mp.pointer),
                Observation("robustness", f"{vol.robustness.value} (Longhorn Volume {vol.name} "
                            f"in {obs.source})"),
                Observation("live replicas",
                            ", ".join(f"{r.node}:{r.disk_path or r.disk_id}" for r in live)
                            or "none"),
            ]
            if vol.last_degraded_at:
                evidence.append(Observation("last degraded at", vol.last_degraded_at))
            yield self.finding(
                resources=[mp.resource, Resource(ResourceKind.MASTER, mp.master.name)],
                message=msg, evidence=evidence, key=vol.name,
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
