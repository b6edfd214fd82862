"""HIAC-HEALTH-002: every etcd root volume is healthy now."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from harvester_iac.core import Evidence, Finding, Observation, Resource, ResourceKind, Severity, Unknown
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._facts import masters
from harvester_iac.policy._rule import Category, Need, Rule
from harvester_iac.policy._volumes import replicas_observed

if TYPE_CHECKING:
    pass


class MasterVolumeDegraded(Rule):
    id = "HIAC-HEALTH-002"
    title = "Every etcd root volume is healthy now"
    severity = Severity.ERROR
    category = Category.HEALTH
    applies_to = ResourceKind.VOLUME
    needs = frozenset({Need.VOLUMES})
    unknown_when = (
        'no Longhorn Volume object was observed (the whole rule); a master whose root disk no obs'
        'erved volume is tied to through the Volume -> PVC -> VM chain (detached volumes named af'
        'ter the VM do not count), or whose volume reports robustness unknown (that master).'
    )
    why = (
        "A degraded root volume has lost a replica: one more fault stops that etcd member, "
        "and a plan that moves storage now starts rebuilds on top of it. A faulted one has no "
        "usable replica at all: that member is down (an error)."
    )
    fix = ("Let Longhorn finish rebuilding (or fix what stops it: space, anti-affinity, a "
           "failed disk) before applying storage changes; salvage a faulted volume first.")

    def subjects(self, ctx: RuleContext) -> tuple[Resource, ...]:
        return tuple(mp.resource for mp in masters(ctx))

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        obs = ctx.observed
        if obs is None or obs.longhorn is None:
            return
        for mp in masters(ctx):
            link = ctx.link(mp.placement.volume)
            vol = obs.longhorn.volume(link.volume) if link is not None else None
            if vol is None:
                yield self.unknown(mp.resource, needs=[Need.VOLUMES], reason=(
                    f"no observed Longhorn volume is tied to the root disk of {mp.master.name} "
                    f"(Volume -> PVC -> VM chain, in namespace {mp.master.namespace}; detached "
                    "volumes named after it do not count): its health is unknown"))
                continue
            if vol.robustness not in ("degraded", "faulted", "healthy"):
                yield self.unknown(mp.resource, needs=[Need.VOLUMES], reason=(
                    f"Longhorn reports the robustness of {vol.name} (the root volume of "
                    f"{mp.master.name}) as {vol.robustness.value} (state {vol.state or 'not set'})"),
                    evidence=[Observation("volume", link.via if link else vol.name)])
                continue
            if vol.robustness == "healthy":
                continue
            faulted = vol.robustness == "faulted"
            live = [r for r in obs.replicas_of(vol.name) if r.node and not r.failed_at]
            seen = replicas_observed(obs, vol.name)
            count = f"{len(live)} live replica(s)" if seen else "live replicas not observed"
            msg = (f"the root volume of {mp.master.name} ({vol.name}) is {vol.robustness.value}: "
                   f"{count} of {vol.number_of_replicas or '?'} wanted")
            evidence: list[Evidence] = [
                ctx.locate.ref(mp.pointer),
                Observation("robustness", f"{vol.robustness.value} (Longhorn Volume {vol.name} "
                            f"in {obs.source})"),
                Observation("root volume found by", link.via if link else vol.name),
                Observation("live replicas",
                            ", ".join(f"{r.node}:{r.disk_path or r.disk_id}" for r in live)
                            or ("none" if seen else "not observed (no Replica objects)")),
            ]
            if vol.last_degraded_at:
                evidence.append(Observation("last degraded at", vol.last_degraded_at))
            yield self.finding(
                resources=[mp.resource, Resource(ResourceKind.MASTER, mp.master.name)],
                message=msg, evidence=evidence, key=vol.name,
                severity=Severity.ERROR if faulted else Severity.WARNING)

RULE = MasterVolumeDegraded()
