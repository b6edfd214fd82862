"""Facts several rules share: masters with their placements, evidence builders.

Kept out of the rule modules so each rule file holds one rule and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from harvester_iac.core import Evidence, Observation, Resource, ResourceKind
from harvester_iac.model import MasterVm
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._observed import Trouble, event_ref
from harvester_iac.policy._placement import VolumePlacement

__all__ = ["MasterPlacement", "masters", "placement_evidence", "trouble_evidence", "volume_res"]


@dataclass(frozen=True)
class MasterPlacement:
    index: int
    master: MasterVm
    placement: VolumePlacement

    @property
    def resource(self) -> Resource:
        return volume_res(self.placement)

    @property
    def pointer(self) -> str:
        return self.placement.volume.path


def volume_res(p: VolumePlacement) -> Resource:
    return Resource(ResourceKind.VOLUME, p.volume.key)


def masters(ctx: RuleContext) -> Iterator[MasterPlacement]:
    """Every master with its root volume's placement (in inventory order)."""
    for i, m in enumerate(ctx.inventory.control_plane.masters):
        p = ctx.placement.of(next(v for v in ctx.inventory.declared_volumes()
                                  if v.is_master_root and v.vm == m.name))
        if p is not None:
            yield MasterPlacement(i, m, p)


def placement_evidence(p: VolumePlacement) -> Observation:
    """``placement of kube-master-00/root: observed (Longhorn replicas): altra/default-disk``."""
    spots = ", ".join(str(s) for s in p.replicas) or "no replica placed"
    name = f" ({p.volume.volume_name})" if p.volume.volume_name else ""
    how = "observed Longhorn replicas" if p.source == "observed" else "simulated"
    text = f"{how}: {spots}"
    if p.note:
        text += f" ({p.note})"
    return Observation(f"placement of {p.volume.key}{name}", text)


def trouble_evidence(label: str, trouble: Trouble, limit: int = 3) -> list[Evidence]:
    out: list[Evidence] = [Observation(f"storage events on {label}", trouble.summary())]
    out += [event_ref(e) for e in trouble.examples(limit)]
    return out
