"""HIAC-HEALTH-003: every declared disk is live in Longhorn: present, Ready and Schedulable."""

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
from harvester_iac.model import Host, clean_path
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._observed import longhorn_node
from harvester_iac.policy._rule import Category, Need, Rule

if TYPE_CHECKING:
    from harvester_iac.observe import LonghornNode


class DeclaredDiskNotLive(Rule):
    id = "HIAC-HEALTH-003"
    title = "Every declared disk is live in Longhorn (present, Ready, Schedulable)"
    severity = Severity.ERROR
    category = Category.HEALTH
    applies_to = ResourceKind.DISK
    needs = frozenset({Need.NODES})
    unknown_when = (
        'no Longhorn Node object was observed (the whole rule: a Volume-only dump says nothing ab'
        'out disks); a host with no Node among those read when the Node list was read only in par'
        't (that host).'
    )

    @staticmethod
    def _node(ctx: RuleContext, host: Host) -> LonghornNode | None:
        """The Longhorn Node of ``host``: by its name, else by an alias (host identity)."""
        obs = ctx.observed
        return longhorn_node(ctx.inventory, obs, host.name) if obs is not None else None

    why = (
        "The simulation places replicas on the disks the inventory declares. A disk that "
        "Longhorn does not have, or has but not Ready, takes no replica, so the real "
        "placement falls back to the remaining disks: the spread the plan promises does not "
        "happen. A disk this plan adds (managed) is expected to be missing before the apply."
    )
    fix = ("Correct the disk's path or host in the inventory, or repair it in Longhorn (mount, "
           "filesystem, disk UUID) until its Ready and Schedulable conditions are True.")

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        obs = ctx.observed
        if obs is None or obs.longhorn is None:
            return
        inv = ctx.inventory
        nodes = ctx.coverage("nodes")
        for hi, host in enumerate(inv.hosts):
            node = self._node(ctx, host)
            if node is None and nodes.state != "full":
                yield self.unknown(Resource(ResourceKind.HOST, host.name), needs=[Need.NODES], reason=(
                    f"no Longhorn Node for {host.name} among those read, and the Node list was "
                    f"read only in part ({nodes.reason}): whether its disks are live is unknown"))
                continue
            for di, disk in enumerate(host.disks):
                res = Resource(ResourceKind.DISK, f"{host.name}/{disk.name}")
                ref = ctx.locate.ref(("hosts", hi, "disks", di))
                live = None
                if node is not None:
                    want = clean_path(disk.path)
                    live = next((d for d in node.disks if d.path and clean_path(d.path) == want),
                                None)
                if live is None:
                    where = (f"Longhorn node {host.name}" if node is not None
                             else f"Longhorn (no node named {host.name})")
                    if disk.managed:
                        yield self.finding(
                            resources=[res], severity=Severity.INFO, key="pending", evidence=[ref],
                            message=f"disk {disk.name} ({disk.path}) is not in {where} yet; "
                                    "this plan adds it and the simulation assumes it is there",
                            fix="Nothing before the apply; afterwards check it turns Ready.")
                    else:
                        yield self.finding(
                            resources=[res], key="missing", evidence=[
                                ref, Observation("disks of the node", ", ".join(
                                    f"{d.name}:{d.path}" for d in node.disks) if node else "none")],
                            message=f"disk {disk.name} ({disk.path}) is declared as existing "
                                    f"(managed: false) but is not in {where}")
                    continue
                ready = live.condition("Ready")
                sched = live.condition("Schedulable")
                ev: list[Evidence] = [ref, Observation(
                    "Longhorn disk", f"{live.name} at {live.path} on node {host.name}")]
                if node is not None and node.ready is False:
                    yield self.finding(
                        resources=[res, Resource(ResourceKind.HOST, host.name)], key="node",
                        evidence=ev, message=f"Longhorn node {host.name} is not Ready, so "
                                             f"disk {disk.name} takes no replica")
                elif ready is not None and not ready.true:
                    ev.append(Observation("Ready", f"{ready.status} {ready.reason or ''} "
                                                   f"{ready.message or ''}".strip()))
                    yield self.finding(resources=[res], key="ready", evidence=ev,
                                       message=f"disk {disk.name} is not Ready in Longhorn")
                elif sched is not None and not sched.true:
                    ev.append(Observation("Schedulable", f"{sched.status} {sched.reason or ''} "
                                                         f"{sched.message or ''}".strip()))
                    yield self.finding(
                        resources=[res], key="schedulable", evidence=ev,
                        severity=Severity.WARNING,
                        message=f"disk {disk.name} is Ready but not Schedulable in Longhorn "
                                "(full, or scheduling disabled): it takes no new replica")


RULE = DeclaredDiskNotLive()
