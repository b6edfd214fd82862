"""HIAC-HEALTH-001: no replica is placed on storage that misbehaved in the observed window."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import islice

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
from harvester_iac.policy._domains import usable
from harvester_iac.policy._facts import placement_evidence, trouble_evidence, volume_res
from harvester_iac.policy._observed import Trouble
from harvester_iac.policy._placement import Spot, VolumePlacement
from harvester_iac.policy._rule import Category, Need, Rule

_SHOWN = 5


class PlacementOnUnhealthyStorage(Rule):
    id = "HIAC-HEALTH-001"
    title = "No replica lands on storage that misbehaved in the observed window"
    severity = Severity.ERROR
    category = Category.HEALTH
    applies_to = ResourceKind.DISK
    needs = frozenset({Need.EVENTS})
    unknown_when = (
        'no log was observed at all (the whole rule); a host holding replicas whose logs were not'
        ' observed or read only in part and show no trouble in what was read (that host). Only ho'
        'sts whose logs were read in full count as healthy alternatives.'
    )
    why = (
        "A disk or host whose logs show NOP timeouts, connection or session errors, I/O or "
        "SCSI errors past the thresholds will stall the volumes on it again. An etcd root "
        "volume there is an error when a healthy disk elsewhere could take it; otherwise "
        "(the site has no healthy alternative, or only other volumes are affected) a warning."
    )
    fix = ("Move the replicas to healthy storage (diskSelector/nodeSelector, or evict the "
           "disk: evictionRequested with allowScheduling: false), and repair the storage path.")

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        yield from self._unjudged(ctx)
        inv = ctx.inventory
        on_host: dict[str, list[VolumePlacement]] = defaultdict(list)
        on_disk: dict[Spot, list[VolumePlacement]] = defaultdict(list)
        for vp in ctx.placement.volumes:
            for h in sorted({s.host for s in vp.replicas}):
                if ctx.trouble.host(h).bad:
                    on_host[h].append(vp)
            for s in sorted(set(vp.replicas)):
                if ctx.trouble.disk(s.host, s.disk).bad:
                    on_disk[s].append(vp)
        # a healthy alternative is one whose logs were read and show no trouble; a finding
        # shows at most _SHOWN of them, so each takes only those (not bad spots x healthy ones)
        healthy = [Spot(h.name, s.disk) for h in inv.hosts if not ctx.trouble.host(h.name).bad
                   and ctx.coverage("events", h.name).state == "full"
                   for s in usable(h) if not ctx.trouble.disk(h.name, s.disk).bad]
        for host, vps in sorted(on_host.items()):
            alt = list(islice((s for s in healthy if s.host != host), _SHOWN))
            yield self._finding(ctx, Resource(ResourceKind.HOST, host), host, vps, alt,
                                ctx.trouble.host(host))
        for spot, vps in sorted(on_disk.items()):
            if spot.host in on_host:
                continue  # the host finding already covers its disks
            alt = list(islice((s for s in healthy if s != spot), _SHOWN))
            yield self._finding(ctx, Resource(ResourceKind.DISK, str(spot)), str(spot), vps,
                                alt, ctx.trouble.disk(spot.host, spot.disk))

    def _unjudged(self, ctx: RuleContext) -> Iterable[Unknown]:
        """Hosts holding replicas whose logs were not observed (or only in part) and that show
        no trouble in what was read: their health is unknown, not good."""
        carriers = sorted({s.host for vp in ctx.placement.volumes for s in vp.replicas})
        for host in carriers:
            if ctx.trouble.host(host).bad:
                continue
            cov = ctx.coverage("events", host)
            if cov.state == "full":
                continue
            n = sum(host in {s.host for s in vp.replicas} for vp in ctx.placement.volumes)
            seen = "read only in part" if cov.state == "partial" else "not observed"
            yield self.unknown(
                Resource(ResourceKind.HOST, host), needs=[Need.EVENTS],
                reason=f"{n} volume(s) have replicas on {host}, whose logs were {seen} "
                       f"({cov.reason}): its storage health is unknown")

    def _finding(self, ctx: RuleContext, res: Resource, label: str,
                 vps: list[VolumePlacement], alt: list[Spot], trouble: Trouble) -> Finding:
        roots = [vp for vp in vps if vp.volume.is_master_root]
        sev = Severity.ERROR if roots and alt else Severity.WARNING
        names = ", ".join(vp.volume.key for vp in vps[:_SHOWN])
        if len(vps) > _SHOWN:
            names += f" and {len(vps) - _SHOWN} more"
        msg = (f"{len(vps)} volume(s) ({names}) have replicas on {label}, which shows storage "
               f"trouble in the observed window: {trouble.summary()}")
        if roots:
            msg += f"; {len(roots)} of them are etcd root volumes"
        if not alt:
            msg += "; the site has no healthy disk to move them to, so this is a warning"
        evidence: list[Evidence] = trouble_evidence(label, trouble)
        evidence += [placement_evidence(vp) for vp in (roots or vps)[:_SHOWN]]
        if alt:
            evidence.append(Observation("healthy alternatives",
                                        ", ".join(str(s) for s in alt[:_SHOWN])))
        return self.finding(resources=[res, *(volume_res(vp) for vp in vps)], message=msg,
                            evidence=evidence, severity=sev, key=label)


RULE = PlacementOnUnhealthyStorage()
