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

from harvester_iac.incident._model import ChainRow, FixChange, FixPlan, IncidentReport
from harvester_iac.incident._words import plural
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


def _disk_changes(inv: Inventory, hosts: Sequence[str], longhorn: LonghornState | None,
                  files: dict[str, str]) -> list[FixChange]:
    out: list[FixChange] = []
    for name in hosts:
        host = inv.host(name)
        if host is None:
            continue
        node = next((n for n in (longhorn.nodes if longhorn else ()) if n.name == name), None)
        have = {d.path for d in node.disks if d.path} if node is not None else set()
        new = [d for d in host.disks if d.managed and d.path not in have]
        if not new:
            continue
        seen = (f"Longhorn's Node `{name}` has {', '.join(f'`{p}`' for p in sorted(have)) or 'no disk'}"
                if node is not None else "no Longhorn Node object was given")
        details = tuple(f"Longhorn disk `{d.name}` at `{d.path}`" + (f" on `{d.device}`" if d.device else "")
                        + (f", tags {', '.join(d.tags)}" if d.tags else ", no tags: no volume is pinned to it")
                        + f" ({seen})" for d in new)
        path = f"longhorn-{name}-disk.yaml"
        word = "a second" if len(host.disks) == 2 else "another"
        names = ", ".join(d.name for d in new)
        out.append(FixChange(kind="disk", title=f"Add {word} Longhorn disk on `{name}` ({names})",
                             details=details, manifest=(path, files[path]) if path in files else None))
    return out


def _class_changes(inv: Inventory, rows: Sequence[ChainRow], longhorn: LonghornState | None,
                   files: dict[str, str]) -> list[FixChange]:
    by_class: dict[str, list[str]] = {}
    today: dict[str, int] = {}
    volumes: dict[str, list[str]] = {}
    for r in rows:
        m = next((m for m in inv.control_plane.masters if m.name == r.master), None)
        lv = longhorn.volume(r.volume) if longhorn is not None and r.volume else None
        sc = inv.storage_class(m.root_volume.storage_class) if m is not None else None
        if m is None or sc is None or lv is None or lv.number_of_replicas is None:
            continue
        if sc.number_of_replicas > lv.number_of_replicas and m.name not in by_class.get(sc.name, []):
            by_class.setdefault(sc.name, []).append(m.name)
            today[m.name] = lv.number_of_replicas
            volumes.setdefault(sc.name, []).append(lv.name)
    out: list[FixChange] = []
    for name, masters in by_class.items():
        sc = inv.storage_class(name)
        assert sc is not None
        details = (f"Storage class `{sc.name}`: {_class_words(sc)}",
                   *(f"Root volume of `{m}` uses it (Longhorn shows {plural(today[m], 'replica')} today)"
                     for m in masters))
        path = f"storageclass-{sc.name}.yaml"
        out.append(FixChange(kind="storage_class",
                             title=f"Let the master root volumes spread (`{sc.name}`)", details=details,
                             manifest=(path, files[path]) if sc.managed and path in files else None,
                             volumes=tuple(volumes[name]), replicas=sc.number_of_replicas))
    return out


def plan_fix(rep: IncidentReport, inv: Inventory, snapshot: HealthSnapshot) -> FixPlan:
    """The inventory's answer to the incident: changes, their manifests and the gate's verdict."""
    from harvester_iac.policy import validate
    from harvester_iac.render import render_inventory

    longhorn = snapshot.longhorn if not snapshot.longhorn.empty else None
    files = {f.path: f.content.decode() for f in render_inventory(inv)}
    hosts = sorted({r.host for r in rep.chain if r.master})
    changes = (*_disk_changes(inv, hosts, longhorn, files), *_class_changes(inv, rep.chain, longhorn, files))
    report = validate(inv, observed=snapshot)
    gate = tuple(f"{o.finding.severity.value} {o.finding.rule}: {o.finding.message}" for o in report.blocking)
    proposals = tuple(dict.fromkeys(o.finding.fix for o in report.blocking))
    return FixPlan(inventory=inv.source, changes=changes, gate_passed=report.passed, gate_lines=gate,
                   proposals=proposals)
