"""HIAC-HEALTH-002: every etcd root volume is healthy now."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from harvester_iac.core import Evidence, Observation, Resource, ResourceKind, Severity, Unknown
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._facts import masters
from harvester_iac.policy._rule import Category, Inspected, Need, ValueRule
from harvester_iac.policy._volumes import replicas_observed

if TYPE_CHECKING:
    from harvester_iac.observe import LonghornReplica, LonghornVolume
    from harvester_iac.policy._observed import Observed

#: The robustness values this rule judges; any other (``unknown``) leaves the master unknown.
_JUDGED = ("degraded", "faulted", "healthy")


def live_replicas(observed: Observed, volume: str) -> tuple[LonghornReplica, ...]:
    """The replicas of ``volume`` on a node and not failed."""
    return tuple(r for r in observed.replicas_of(volume) if r.node and not r.failed_at)


class MasterVolumeDegraded(ValueRule):
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

    inspected_key = "robustness"

    def subjects(self, ctx: RuleContext) -> tuple[Resource, ...]:
        return tuple(root.resource for root in masters(ctx))

    def inspect(self, ctx: RuleContext) -> Iterable[Inspected | Unknown]:
        """Each master's root volume, found through the Volume -> PVC -> VM chain."""
        observed = ctx.observed
        if observed is None or observed.longhorn is None:
            return
        for root in masters(ctx):
            link = ctx.link(root.placement.volume)
            volume = observed.longhorn.volume(link.volume) if link is not None else None
            if link is None or volume is None:
                yield self.unknown(root.resource, needs=[Need.VOLUMES], reason=(
                    f"no observed Longhorn volume is tied to the root disk of {root.master.name} "
                    f"(Volume -> PVC -> VM chain, in namespace {root.master.namespace}; detached "
                    "volumes named after it do not count): its health is unknown"))
                continue
            if volume.robustness not in _JUDGED:
                yield self.unknown(root.resource, needs=[Need.VOLUMES], reason=(
                    f"Longhorn reports the robustness of {volume.name} (the root volume of "
                    f"{root.master.name}) as {volume.robustness.value} (state {volume.state or 'not set'})"),
                    evidence=[Observation("volume", link.via)])
                continue
            live = live_replicas(observed, volume.name)
            seen = replicas_observed(observed, volume.name)
            evidence: list[Evidence] = [
                ctx.locate.ref(root.pointer),
                Observation("robustness", f"{volume.robustness.value} (Longhorn Volume {volume.name} "
                            f"in {observed.source})"),
                Observation("root volume found by", link.via),
                Observation("live replicas",
                            ", ".join(f"{r.node}:{r.disk_path or r.disk_id}" for r in live)
                            or ("none" if seen else "not observed (no Replica objects)")),
            ]
            if volume.last_degraded_at:
                evidence.append(Observation("last degraded at", volume.last_degraded_at))
            yield Inspected(
                resource=root.resource, key=volume.name, evidence=tuple(evidence),
                also=(Resource(ResourceKind.MASTER, root.master.name),),
                value=volume)

    def passes(self, value: object, ctx: RuleContext) -> bool:
        return cast("LonghornVolume", value).robustness == "healthy"

    def severity_of(self, item: Inspected, ctx: RuleContext) -> Severity | None:
        """Faulted (no usable replica) is an error; degraded (one replica lost) a warning."""
        faulted = cast("LonghornVolume", item.value).robustness == "faulted"
        return Severity.ERROR if faulted else Severity.WARNING

    def problem(self, item: Inspected, ctx: RuleContext) -> str:
        volume = cast("LonghornVolume", item.value)
        observed = ctx.observed
        assert observed is not None  # inspect found the volume there
        count = (f"{len(live_replicas(observed, volume.name))} live replica(s)"
                 if replicas_observed(observed, volume.name) else "live replicas not observed")
        return (f"the root volume of {item.also[0].name} ({volume.name}) is "
                f"{volume.robustness.value}: {count} of {volume.number_of_replicas or '?'} wanted")


RULE = MasterVolumeDegraded()
