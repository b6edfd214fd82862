"""HIAC-PLACEMENT-001: no single disk holds a quorum of etcd root volumes."""

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
from harvester_iac.model import StorageClass
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._domains import breaking_count, disk_groups, spread_fix, unplaced_masters
from harvester_iac.policy._facts import masters, placement_evidence, trouble_evidence
from harvester_iac.policy._observed import Trouble
from harvester_iac.policy._rule import Category, Need, Rule


class EtcdQuorumOneDisk(Rule):
    id = "HIAC-PLACEMENT-001"
    title = "No single disk holds a quorum of etcd root volumes"
    severity = Severity.ERROR
    category = Category.PLACEMENT
    applies_to = ResourceKind.VOLUME
    unknown_when = (
        "a master root volume that exists in Longhorn in the plan's shape while its Replica objec"
        'ts were not observed, on a site with more than one disk (that volume: the plan does not '
        'move its replicas and where they are is unknown).'
    )
    why = (
        "When every replica of enough master root volumes sits on one disk (two Longhorn "
        "disks on one physical device count as one), a single storage fault there stalls "
        "or stops that many etcd members at once and the control plane loses quorum. This is "
        "the 2025-12-29 incident: one flapping iSCSI path on altra stalled all three masters. "
        "It is an error when that disk or its host shows iSCSI or I/O trouble in the "
        "observed window, a warning otherwise."
    )
    fix = (
        "Add a second Longhorn disk on the host and let replicas spread (a storage class with "
        "numberOfReplicas >= 2 and replicaDiskSoftAntiAffinity: disabled), or move masters to "
        "other hosts."
    )

    def subjects(self, ctx: RuleContext) -> tuple[Resource, ...]:
        return tuple(mp.resource for mp in masters(ctx))

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        for mp in unplaced_masters(ctx):
            yield self.unknown(mp.resource, needs=[Need.REPLICAS], reason=(
                f"{mp.placement.unobserved}; which disk holds the root volume of "
                f"{mp.master.name} is unknown"), evidence=[placement_evidence(mp.placement)])
        inv = ctx.inventory
        n = len(inv.control_plane.masters)
        lose = breaking_count(inv)
        for dom, members in sorted(disk_groups(ctx).items()):
            if len(members) < lose:
                continue
            disks = sorted({s.disk for mp in members for s in mp.placement.replicas})
            host = inv.host(dom.host)
            trouble = Trouble()
            label = ""
            if host is not None:
                for d in host.disks:
                    if d.name in disks and ctx.trouble.disk(host.name, d.name).bad:
                        trouble, label = ctx.trouble.disk(host.name, d.name), f"{host.name}/{d.name}"
                        break
                else:
                    trouble, label = ctx.trouble.host(host.name), host.name
            where = ", ".join(f"{dom.host}/{d}" for d in disks)
            devs = sorted({d.device for d in (host.disks if host else ()) if d.name in disks
                           and d.device})
            device = ", ".join(devs) or "device unknown"
            names = ", ".join(mp.master.name for mp in members)
            msg = (f"{len(members)} of {n} master root volumes ({names}) keep every replica on "
                   f"one failure domain, {where} ({device}): one fault there stops "
                   f"{len(members)} etcd members and loses quorum ({inv.control_plane.quorum} "
                   f"of {n} needed)")
            logs = ctx.coverage("events", dom.host)
            if trouble.bad:
                msg += f"; {label} shows storage trouble in the observed window ({trouble.summary()})"
            elif ctx.observed is not None and logs.state == "full":
                msg += "; no storage trouble was observed there yet"
            elif ctx.observed is not None:
                msg += (f"; the logs of {dom.host} were "
                        f"{'read only in part' if logs.state == 'partial' else 'not observed'}, so "
                        "its storage health is unknown")
            resources = [Resource(ResourceKind.HOST, dom.host),
                         *(Resource(ResourceKind.DISK, f"{dom.host}/{d}") for d in disks),
                         *(mp.resource for mp in members)]
            evidence: list[Evidence] = [Observation("failure domain", f"{dom.host} {device}: "
                                                     + ", ".join(disks))]
            classes: list[StorageClass] = []
            for mp in members:
                evidence.append(ctx.locate.ref(mp.pointer + "/storageClass"))
                evidence.append(placement_evidence(mp.placement))
                sc = inv.storage_class(mp.placement.volume.storage_class)
                if sc is not None and sc not in classes:
                    classes.append(sc)
            if host is not None:
                hi = inv.hosts.index(host)
                evidence.append(ctx.locate.ref(("hosts", hi, "disks")))
            if trouble.bad:
                evidence += trouble_evidence(label, trouble)
            yield self.finding(
                resources=resources, message=msg, evidence=evidence,
                severity=Severity.ERROR if trouble.bad else Severity.WARNING,
                fix=spread_fix(ctx, dom.host, classes), key=str(dom))


RULE = EtcdQuorumOneDisk()
