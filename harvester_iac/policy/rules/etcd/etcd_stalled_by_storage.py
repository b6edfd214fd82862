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
    Unknown,
)
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._nearest import NearestEvent
from harvester_iac.policy._observed import event_ref
from harvester_iac.policy._rule import Category, Need, Rule
from harvester_iac.policy._volumes import Today, replicas_today

if TYPE_CHECKING:
    from harvester_iac.observe import Event

#: etcd waiting on its disk: slow applies, slow fdatasync, slow ReadIndex (EventKind values).
STALL_KINDS = frozenset({"etcd_slow_apply", "etcd_slow_fdatasync", "etcd_read_index_slow"})


def _seen(state: str) -> str:
    return "read only in part" if state == "partial" else "not observed"


class EtcdStalledByStorage(Rule):
    id = "HIAC-ETCD-002"
    title = "etcd is not stalled by storage faults on its host"
    severity = Severity.ERROR
    category = Category.ETCD
    applies_to = ResourceKind.MASTER
    needs = frozenset({Need.EVENTS})
    unknown_when = (
        'no log was observed at all (the whole rule); a master whose own logs were not observed o'
        'r read only in part (that master: its stalls are unknown); a master that stalled while t'
        'he logs of its host were not observed in full (whether storage caused it is unknown); a '
        'stall near storage events when the plan gives the root volume more than one failure doma'
        'in and nothing observed says how many it has today (whether the plan answers it is unkno'
        "wn). Today's failure domains come from Replica objects, else from the Engine (replicaMod"
        'eMap) or the Volume object (numberOfReplicas and robustness bound them), with the deriva'
        'tion in the evidence.'
    )
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

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        obs = ctx.observed
        if obs is None:
            return
        window = ctx.thresholds.coincide
        minutes = int(window.total_seconds() // 60)
        nearest: dict[str, NearestEvent] = {}
        for i, m in enumerate(ctx.inventory.control_plane.masters):
            res = [Resource(ResourceKind.MASTER, m.name), Resource(ResourceKind.HOST, m.host)]
            stalls = [e for e in ctx.hosts.events(m.name) if e.kind in STALL_KINDS]
            own = ctx.coverage("events", m.name)
            if not stalls:
                if own.state != "full":
                    yield self.unknown(res[0], needs=[Need.EVENTS], reason=(
                        f"the logs of {m.name} were {_seen(own.state)} ({own.reason}): whether its "
                        "etcd stalled is unknown"))
                continue
            storage = ctx.trouble.storage_events.get(m.host, ())
            host_cov = ctx.coverage("events", m.host)
            if m.host not in nearest:  # sorted once per host, bisected per stall
                nearest[m.host] = NearestEvent(storage)
            pairs: list[tuple[Event, Event]] = []
            for st in stalls:
                se = nearest[m.host].near(st.time, window) if st.time is not None else None
                if se is not None:
                    pairs.append((st, se))
            worst = max((e.took_ms for e in stalls if e.took_ms is not None), default=None)
            took = f", longest {worst:.0f} ms" if worst is not None else ""
            evidence: list[Evidence] = [ctx.locate.ref(("controlPlane", "masters", i, "host"))]
            if pairs:
                msg = (f"etcd on {m.name} stalled {len(stalls)} time(s){took}; {len(pairs)} of "
                       f"them within {minutes} min of storage events on its host {m.host}")
                for st, se in pairs[:3]:
                    evidence += [event_ref(st), event_ref(se)]
                today, derivation, planned = self._domains(ctx, m.name)
                evidence.append(Observation("failure domains of the root volume today",
                                            today if today is not None else "not observed"))
                if derivation:
                    evidence.append(Observation("derived from", derivation))
                evidence.append(Observation("failure domains of the planned root volume",
                                            ", ".join(planned) or "none placed"))
                bound = self._bound(ctx, m.name)
                if bound is None and len(planned) > 1:
                    # the stall is real, but whether this plan answers it rests on where the
                    # replicas are today, which nothing observed says
                    yield self.unknown(res[0], needs=[Need.REPLICAS, Need.VOLUMES], evidence=evidence,
                                       reason=msg + "; whether this plan spreads its root volume "
                                       f"over more failure domains than today is unknown ({derivation})")
                elif bound is not None and len(planned) > bound:
                    yield self.finding(
                        resources=res, evidence=evidence, key=m.name, severity=Severity.WARNING,
                        message=msg + f"; this plan spreads its root volume from {bound} to "
                                      f"{len(planned)} failure domains ({', '.join(planned)})",
                        fix="Apply the plan, then collect fresh evidence to confirm etcd recovered.")
                else:
                    yield self.finding(resources=res, message=msg, evidence=evidence, key=m.name)
            elif host_cov.state != "full":
                yield self.unknown(
                    res[0], needs=[Need.EVENTS], evidence=[event_ref(e) for e in stalls[:3]],
                    reason=(f"etcd on {m.name} stalled {len(stalls)} time(s){took}, but the logs of "
                            f"its host {m.host} were {_seen(host_cov.state)} ({host_cov.reason}): "
                            "whether storage stalled it is unknown"))
            else:
                msg = (f"etcd on {m.name} stalled {len(stalls)} time(s){took}, with no storage "
                       f"event on {m.host} within {minutes} min")
                evidence += [event_ref(e) for e in stalls[:3]]
                evidence.append(Observation("storage events on " + m.host, str(len(storage))))
                yield self.finding(resources=res, message=msg, evidence=evidence, key=m.name,
                                   severity=Severity.WARNING,
                                   fix="Look for the cause on the master itself (CPU steal, "
                                       "network to peers, other I/O on the same disk).")

    @staticmethod
    def _today(ctx: RuleContext, master: str) -> Today | None:
        for vp in ctx.placement.masters:
            if vp.volume.vm == master:
                link = ctx.link(vp.volume)
                name = link.volume if link is not None else vp.volume.volume_name
                return replicas_today(ctx.inventory, ctx.observed, name) if name else None
        return None

    def _bound(self, ctx: RuleContext, master: str) -> int | None:
        """At most how many failure domains the root volume spans today (``None``: unknown)."""
        today = self._today(ctx, master)
        if today is None:
            return None
        if today.spots is not None:
            return len({ctx.domain(s) for s in today.spots})
        return today.at_most

    def _domains(self, ctx: RuleContext, master: str) -> tuple[str | None, str, list[str]]:
        """Today's failure domains (as text, ``None``: unknown), their derivation, the planned ones."""
        planned: list[str] = []
        for vp in ctx.placement.masters:
            if vp.volume.vm == master:
                planned = sorted({str(ctx.domain(spot)) for spot in vp.replicas})
        today = self._today(ctx, master)
        if today is None:
            return None, "no Longhorn volume is tied to its root disk (Volume -> PVC -> VM chain)", planned
        if today.spots is not None:
            doms = sorted({str(ctx.domain(s)) for s in today.spots})
            return (", ".join(doms) or "none (no live replica)"), today.derivation, planned
        if today.at_most is not None:
            return f"at most {today.at_most} ({today.at_most} replica(s), each on one disk)", today.derivation, planned
        return None, today.derivation, planned


RULE = EtcdStalledByStorage()
