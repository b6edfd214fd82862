"""The Fix section: what the inventory changes against what the incident's evidence shows.

The inventory given to ``incident`` (default: the embedded homelab, after its fix) is the
plan. Its fix for the incident is what it declares that the evidence shows missing: a
Longhorn disk on the flapping host that Longhorn's Node does not have yet, a storage class
that gives the affected master root volumes more replicas than they have. The manifests
are the files ``harvester-iac render`` writes for those changes; the verdict is the policy
gate on the plan with this incident's evidence. A plan the gate blocks gets the blocking
findings and their fixes instead (the before-fix homelab: HIAC-PLACEMENT-001).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from harvester_iac.incident._model import ChainRow, FixPlan, IncidentReport
from harvester_iac.model import Inventory, StorageClass
from harvester_iac.observe import (
    Event,
    HealthSnapshot,
    LonghornState,
    SessionMap,
    SourceStatus,
    TimeWindow,
    build_snapshot,
)

__all__ = ["evidence_snapshot", "plan_fix"]


def evidence_snapshot(
    *, events: Sequence[Event], sessions: Sequence[SessionMap], longhorn: LonghornState | None,
    sources: Sequence[SourceStatus], now: datetime | None = None,
) -> HealthSnapshot:
    """The incident's evidence as a health snapshot, for the gate."""
    return build_snapshot(collected_at=now or datetime.now(UTC), window=TimeWindow(), sources=tuple(sources),
                          events=tuple(events), sessions=tuple(sessions), longhorn=longhorn)


def _class_words(sc: StorageClass) -> str:
    return (f"numberOfReplicas: {sc.number_of_replicas}, replicaSoftAntiAffinity: {sc.replica_soft_anti_affinity}, "
            f"replicaDiskSoftAntiAffinity: {sc.replica_disk_soft_anti_affinity}")


def _changes(inv: Inventory, rows: Sequence[ChainRow], longhorn: LonghornState | None) -> tuple[list[str], set[str]]:
    """One-line changes, and the rendered file names that carry them."""
    changes: list[str] = []
    files: set[str] = set()
    hosts = sorted({r.host for r in rows if r.master})
    for name in hosts:
        host = inv.host(name)
        if host is None:
            continue
        node = next((n for n in (longhorn.nodes if longhorn else ()) if n.name == name), None)
        have = {d.path for d in node.disks} if node is not None else set()
        for d in host.disks:
            if d.managed and d.path not in have:
                dev = f" on {d.device}" if d.device else ""
                seen = "Longhorn's Node has no disk at that path" if node is not None else "no Longhorn Node object was given"
                changes.append(f"Add Longhorn disk `{d.name}` at `{d.path}`{dev} to host `{name}` ({seen}); "
                               "no volume is pinned to it" + (f" (tags {', '.join(d.tags)})" if d.tags else ""))
                files.add(f"longhorn-{name}-disk.yaml")
    done: set[str] = set()
    for r in rows:
        m = next((m for m in inv.control_plane.masters if m.name == r.master), None)
        if m is None or m.name in done:
            continue
        done.add(m.name)
        sc = inv.storage_class(m.root_volume.storage_class)
        lv = longhorn.volume(r.volume) if longhorn is not None and r.volume else None
        today = lv.number_of_replicas if lv is not None else None
        if sc is not None and today is not None and sc.number_of_replicas > today:
            changes.append(f"Root volume of `{m.name}` ({r.volume}): storage class `{sc.name}` ({_class_words(sc)}) "
                           f"instead of today's {today} replica(s)")
            if sc.managed:
                files.add(f"storageclass-{sc.name}.yaml")
    return changes, files


def plan_fix(rep: IncidentReport, inv: Inventory, snapshot: HealthSnapshot) -> FixPlan:
    """The inventory's answer to the incident: changes, their manifests and the gate's verdict."""
    from harvester_iac.policy import validate
    from harvester_iac.render import render_inventory

    changes, names = _changes(inv, rep.chain, snapshot.longhorn if not snapshot.longhorn.empty else None)
    manifests = tuple((f.path, f.content.decode()) for f in render_inventory(inv) if f.path in names)
    report = validate(inv, observed=snapshot)
    gate = tuple(f"{o.finding.severity.value} {o.finding.rule}: {o.finding.message}" for o in report.blocking)
    proposals = tuple(dict.fromkeys(o.finding.fix for o in report.blocking))
    return FixPlan(inventory=inv.source, changes=tuple(changes), manifests=manifests,
                   gate_passed=report.passed, gate_lines=gate, proposals=proposals)
