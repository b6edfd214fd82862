"""HIAC-ETCD-002: etcd on a master is not stalled by storage faults on its host."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from harvester_iac.core import (
    Evidence,
    Finding,
    Observation,
    Resource,
    ResourceKind,
    Severity,
)
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._observed import event_ref
from harvester_iac.policy._placement import observed_spots
from harvester_iac.policy._rule import Category, Need, Rule

if TYPE_CHECKING:
    from harvester_iac.observe import Event

#: etcd waiting on its disk: slow applies, slow fdatasync, slow ReadIndex (EventKind values).
STALL_KINDS = frozenset({"etcd_slow_apply", "etcd_slow_fdatasync", "etcd_read_index_slow"})


class EtcdStalledByStorage(Rule):
    id = "HIAC-ETCD-002"
    title = "etcd is not stalled by storage faults on its host"
    severity = Severity.ERROR
    category = Category.ETCD
    applies_to = ResourceKind.MASTER
    needs = frozenset({Need.ETCD})
    why = (
        "Slow applies or slow fdatasync on a master that coincide with iSCSI or I/O errors on "
        "the host serving its root volume mean the storage path is stalling etcd, as in the "
        "2025-12-29 incident. It blocks unless this plan changes that master's storage: "
        "when the plan spreads its root volume over more failure domains than Longhorn shows "
        "today, the stall is past evidence that the plan answers, and a warning (the gate must "
        "not block the fix's own plan). Without such storage events the stall has another "
        "cause (CPU, network, an overloaded disk) and is a warning."
    )
    fix = ("Repair the storage path of the master's host and spread its root volume's replicas "
           "(see HIAC-PLACEMENT-001); then collect fresh evidence.")

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        obs = ctx.observed
        if obs is None:
            return
        window = ctx.thresholds.coincide
        for i, m in enumerate(ctx.inventory.control_plane.masters):
            names = {m.name, m.address}
            stalls = [e for e in obs.events if e.kind in STALL_KINDS and e.host in names]
            if not stalls:
                continue
            storage = ctx.trouble.storage_events.get(m.host, ())
            pairs: list[tuple[Event, Event]] = []
            for st in stalls:
                if st.time is None:
                    continue
                near = [e for e in storage if e.time is not None and abs(e.time - st.time) <= window]
                if near:
                    pairs.append((st, min(near, key=lambda e: abs(e.time - st.time)  # type: ignore[operator]
                                          )))
            worst = max((e.took_ms for e in stalls if e.took_ms is not None), default=None)
            took = f", longest {worst:.0f} ms" if worst is not None else ""
            evidence: list[Evidence] = [ctx.locate.ref(("controlPlane", "masters", i, "host"))]
            res = [Resource(ResourceKind.MASTER, m.name), Resource(ResourceKind.HOST, m.host)]
            if pairs:
                msg = (f"etcd on {m.name} stalled {len(stalls)} time(s){took}; {len(pairs)} of "
                       f"them within {int(window.total_seconds() // 60)} min of storage events "
                       f"on its host {m.host}")
                for st, se in pairs[:3]:
                    evidence += [event_ref(st), event_ref(se)]
                now_domains, planned = self._domains(ctx, m.name)
                evidence.append(Observation("failure domains of the root volume today",
                                            ", ".join(now_domains) if now_domains is not None else "not observed"))
                evidence.append(Observation("failure domains of the planned root volume",
                                            ", ".join(planned) or "none placed"))
                if now_domains is not None and len(planned) > len(now_domains):
                    yield self.finding(
                        resources=res, evidence=evidence, key=m.name, severity=Severity.WARNING,
                        message=msg + f"; this plan spreads its root volume from {len(now_domains)} to "
                                      f"{len(planned)} failure domains ({', '.join(planned)})",
                        fix="Apply the plan, then collect fresh evidence to confirm etcd recovered.")
                else:
                    yield self.finding(resources=res, message=msg, evidence=evidence, key=m.name)
            else:
                msg = (f"etcd on {m.name} stalled {len(stalls)} time(s){took}, with no storage "
                       f"event on {m.host} within {int(window.total_seconds() // 60)} min")
                evidence += [event_ref(e) for e in stalls[:3]]
                evidence.append(Observation("storage events on " + m.host, str(len(storage))))
                yield self.finding(resources=res, message=msg, evidence=evidence, key=m.name,
                                   severity=Severity.WARNING,
                                   fix="Look for the cause on the master itself (CPU steal, "
                                       "network to peers, other I/O on the same disk).")

    @staticmethod
    def _domains(ctx: RuleContext, master: str) -> tuple[list[str] | None, list[str]]:
        """Failure domains of this master's root volume: observed today (None if unknown), planned."""
        for vp in ctx.placement.masters:
            if vp.volume.vm != master:
                continue
            planned = sorted({str(ctx.domain(spot)) for spot in vp.replicas})
            name = vp.volume.volume_name
            if ctx.observed is None or not ctx.observed.has_longhorn or name is None:
                return None, planned
            today = observed_spots(ctx.inventory, ctx.observed, name)
            return (sorted({str(ctx.domain(spot)) for spot in today}) if today else None), planned
        return None, []


RULE = EtcdStalledByStorage()
