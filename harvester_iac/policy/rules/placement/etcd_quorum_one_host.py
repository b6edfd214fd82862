"""HIAC-PLACEMENT-002: no single host holds a quorum of etcd members."""

from __future__ import annotations

from collections.abc import Iterable

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
from harvester_iac.policy._domains import breaking_count, host_groups, unplaced_masters, usable
from harvester_iac.policy._facts import masters, placement_evidence, trouble_evidence
from harvester_iac.policy._rule import Category, Need, Rule


class EtcdQuorumOneHost(Rule):
    id = "HIAC-PLACEMENT-002"
    title = "No single host holds a quorum of etcd members"
    severity = Severity.ERROR
    category = Category.PLACEMENT
    applies_to = ResourceKind.HOST
    unknown_when = (
        "a master root volume in the plan's shape whose Replica objects were not observed, on a s"
        "ite with more than one host (that master; its VM's host still counts)."
    )
    why = (
        "A master stops with its host when its VM runs there or when every replica of its "
        "root volume does. Spreading replicas over disks does not help when the host itself "
        "(its iSCSI initiator, its kernel, its power) fails. This is an error only when that "
        "host shows storage trouble and the site has another host the masters could move to; "
        "otherwise a warning: a single-node Harvester cannot do better, and an error would "
        "block every plan."
    )
    fix = "Move masters (controlPlane.masters[].host) and their replicas to other hosts."

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        for mp in unplaced_masters(ctx, by_host=True):
            yield self.unknown(Resource(ResourceKind.MASTER, mp.master.name), needs=[Need.REPLICAS],
                               reason=(f"{mp.placement.unobserved}; which hosts hold the root "
                                       f"volume of {mp.master.name} is unknown (its VM runs on "
                                       f"{mp.master.host})"),
                               evidence=[placement_evidence(mp.placement)])
        inv = ctx.inventory
        n = len(inv.control_plane.masters)
        lose = breaking_count(inv)
        for host_name, members in sorted(host_groups(ctx).items()):
            if len(members) < lose:
                continue
            trouble = ctx.trouble.host(host_name)
            others = [h.name for h in inv.hosts if h.name != host_name and usable(h)]
            names = ", ".join(mp.master.name for mp in members)
            msg = (f"{len(members)} of {n} etcd members ({names}) stop when host {host_name} "
                   f"fails (their VMs or all their root replicas are there): quorum needs "
                   f"{inv.control_plane.quorum} of {n}")
            if trouble.bad:
                msg += f"; {host_name} shows storage trouble ({trouble.summary()})"
            if not others:
                msg += ("; the site has no other host, so this stays a warning (one Harvester "
                        "host is one failure domain)")
            move = [mp for mp in members if mp.master.host == host_name]
            move = move[len(move) - (len(members) - lose + 1):] if move else []
            if others:
                fix = (f"Move {', '.join(mp.master.name for mp in move) or 'a master'} to "
                       f"another host ({', '.join(others)}): set controlPlane.masters[].host, "
                       f"and let its root volume's replicas follow (replica anti-affinity or a "
                       f"nodeSelector that includes that host).")
            else:
                fix = ("Add a second Harvester host and move a master (and its root volume's "
                       "replicas) to it; until then, accept this with a waiver that says so.")
            evidence: list[Evidence] = [Observation("hosts in the site", str(len(inv.hosts)))]
            for mp in members:
                evidence.append(ctx.locate.ref(("controlPlane", "masters", mp.index, "host")))
                evidence.append(placement_evidence(mp.placement))
            if trouble.bad:
                evidence += trouble_evidence(host_name, trouble)
            yield self.finding(
                resources=[Resource(ResourceKind.HOST, host_name),
                           *(Resource(ResourceKind.MASTER, mp.master.name) for mp in members)],
                message=msg, evidence=evidence, fix=fix, key=host_name,
                severity=Severity.ERROR if trouble.bad and others else Severity.WARNING)

    def subjects(self, ctx: RuleContext) -> tuple[Resource, ...]:
        hosts = sorted({mp.master.host for mp in masters(ctx)})
        return tuple(Resource(ResourceKind.HOST, h) for h in hosts)


RULE = EtcdQuorumOneHost()
