"""HIAC-HEALTH-003: every declared disk is live in Longhorn: present, Ready and Schedulable."""

from __future__ import annotations

from collections.abc import Iterable

from harvester_iac.core import (
    Evidence,
    Finding,
    Observation,
    Resource,
    ResourceKind,
    Severity,
)
from harvester_iac.model import clean_path
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._rule import Category, Need, Rule


class DeclaredDiskNotLive(Rule):
    id = "HIAC-HEALTH-003"
    title = "Every declared disk is live in Longhorn (present, Ready, Schedulable)"
    severity = Severity.ERROR
    category = Category.HEALTH
    applies_to = ResourceKind.DISK
    needs = frozenset({Need.LONGHORN})
    why = (
        "The simulation places replicas on the disks the inventory declares. A disk that "
        "Longhorn does not have, or has but not Ready, takes no replica, so the real "
        "placement falls back to the remaining disks: the spread the plan promises does not "
        "happen. A disk this plan adds (managed) is expected to be missing before the apply."
    )
    fix = ("Correct the disk's path or host in the inventory, or repair it in Longhorn (mount, "
           "filesystem, disk UUID) until its Ready and Schedulable conditions are True.")

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        observed = ctx.observed
        if observed is None or observed.longhorn is None:
            return
        inventory = ctx.inventory
        for host_index, host in enumerate(inventory.hosts):
            node = observed.node(host.name)
            for disk_index, disk in enumerate(host.disks):
                subject = Resource(ResourceKind.DISK, f"{host.name}/{disk.name}")
                declared_at = ctx.locate.ref(("hosts", host_index, "disks", disk_index))
                live = None
                if node is not None:
                    want = clean_path(disk.path)
                    live = next((reported for reported in node.disks
                                 if reported.path and clean_path(reported.path) == want), None)
                if live is None:
                    where = (f"Longhorn node {host.name}" if node is not None
                             else f"Longhorn (no node named {host.name})")
                    if disk.managed:
                        yield self.finding(
                            resources=[subject], severity=Severity.INFO, key="pending", evidence=[declared_at],
                            message=f"disk {disk.name} ({disk.path}) is not in {where} yet; "
                                    "this plan adds it and the simulation assumes it is there",
                            fix="Nothing before the apply; afterwards check it turns Ready.")
                    else:
                        yield self.finding(
                            resources=[subject], key="missing", evidence=[
                                declared_at, Observation("disks of the node", ", ".join(
                                    f"{reported.name}:{reported.path}" for reported in node.disks)
                                    if node else "none")],
                            message=f"disk {disk.name} ({disk.path}) is declared as existing "
                                    f"(managed: false) but is not in {where}")
                    continue
                ready = live.condition("Ready")
                schedulable = live.condition("Schedulable")
                evidence: list[Evidence] = [declared_at, Observation(
                    "Longhorn disk", f"{live.name} at {live.path} on node {host.name}")]
                if node is not None and node.ready is False:
                    yield self.finding(
                        resources=[subject, Resource(ResourceKind.HOST, host.name)], key="node",
                        evidence=evidence, message=f"Longhorn node {host.name} is not Ready, so "
                                             f"disk {disk.name} takes no replica")
                elif ready is not None and not ready.true:
                    evidence.append(Observation("Ready", f"{ready.status} {ready.reason or ''} "
                                                   f"{ready.message or ''}".strip()))
                    yield self.finding(resources=[subject], key="ready", evidence=evidence,
                                       message=f"disk {disk.name} is not Ready in Longhorn")
                elif schedulable is not None and not schedulable.true:
                    evidence.append(Observation("Schedulable", f"{schedulable.status} {schedulable.reason or ''} "
                                                         f"{schedulable.message or ''}".strip()))
                    yield self.finding(
                        resources=[subject], key="schedulable", evidence=evidence,
                        severity=Severity.WARNING,
                        message=f"disk {disk.name} is Ready but not Schedulable in Longhorn "
                                "(full, or scheduling disabled): it takes no new replica")


RULE = DeclaredDiskNotLive()
