"""HIAC-PLAN-001: a plan must not destroy an etcd member's VM or its root volume.

A preview rule, not a registry rule: it judges a Terraform plan, which ``validate`` never
has, so in the registry it would be "unknown" on every validate run. It has the same shape
as a policy rule (id, title, severity, why, fix) and yields the same ``Finding``, so
waivers, fingerprints and reports treat it like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from harvester_iac.model import Inventory
from harvester_iac.policy import Evidence, Finding, Observation, Resource, ResourceKind, Severity, SourceRef
from harvester_iac.preview._plan import Action, Plan, ResourceChange

__all__ = ["MASTER_DESTROYED", "MasterDestroyed"]

VM_TYPE = "harvester_virtualmachine"
VOLUME_TYPE = "harvester_volume"
ROLE_LABEL = "harvester-iac/role"
MASTER_ROLE = "k3s-master"


def _attrs(c: ResourceChange) -> list[dict[str, object]]:
    return [v for v in (c.before, c.after) if isinstance(v, dict)]


def _names(c: ResourceChange) -> set[str]:
    out: set[str] = set()
    for v in _attrs(c):
        for key in ("name", "hostname"):
            if isinstance(v.get(key), str):
                out.add(str(v[key]))
    return out


def _is_master_vm(c: ResourceChange, masters: set[str]) -> str | None:
    if c.type != VM_TYPE:
        return None
    for v in _attrs(c):
        labels = v.get("labels")
        if isinstance(labels, dict) and labels.get(ROLE_LABEL) == MASTER_ROLE:
            name = v.get("name") or v.get("hostname")
            return str(name) if name else c.name
    found = _names(c) & masters
    return min(found) if found else None


def _root_volume_names(inv: Inventory) -> dict[str, str]:
    """Longhorn/Harvester volume names of the masters' root disks -> master name."""
    out: dict[str, str] = {}
    for v in inv.declared_volumes():
        if v.is_master_root:
            out[v.volume_name or f"{v.vm}-{v.disk}"] = v.vm
    return out


class MasterDestroyed:
    """A plan that deletes or replaces a master VM or its root volume loses an etcd member's data."""

    id = "HIAC-PLAN-001"
    title = "No plan destroys an etcd member's VM or root volume"
    severity = Severity.ERROR
    why = ("A master VM's root volume holds its etcd member's data directory. Deleting or "
           "replacing the VM (Terraform replaces a harvester_virtualmachine when its root disk "
           "changes in a way that forces a new one) or the volume throws that member's data "
           "away; replacing two at once, or one while another member is down, loses quorum "
           "and the control plane stops.")
    fix = ("Change the root disk in place (Longhorn can expand a volume) or move the change "
           "out of the master's VM; to rebuild a member on purpose, remove it from etcd first "
           "(etcdctl member remove), replace one master at a time, and waive this finding "
           "for that master with a reason and an expiry.")

    def evaluate(self, plan: Plan, inventory: Inventory) -> Iterator[Finding]:
        masters = {m.name for m in inventory.control_plane.masters}
        roots = _root_volume_names(inventory)
        for c in plan.destroyed:
            master = _is_master_vm(c, masters)
            what = "master VM"
            if master is None and c.type == VOLUME_TYPE:
                hit = sorted(n for n in _names(c) if n in roots)
                master = roots[hit[0]] if hit else None
                what = "root volume of master"
            if master is None:
                continue
            verb = "replaces" if c.action is Action.REPLACE else "deletes"
            forced = [a.path for a in c.changes if a.forces_replacement]
            cause = f" ({', '.join(forced)} forces replacement)" if forced else ""
            if c.action_reason:
                cause += f" [{c.action_reason}]"
            volume = next((v.key for v in inventory.declared_volumes()
                           if v.is_master_root and v.vm == master), f"{master}/root")
            evidence: list[Evidence] = [SourceRef(file=plan.file, pointer=c.pointer),
                                        Observation("plan", f"{c.address}: {' then '.join(c.actions)}")]
            evidence += [Observation(f"{c.address}.{a.path}", f"{a.before} -> {a.after}")
                         for a in c.changes if a.forces_replacement]
            yield Finding(
                rule=self.id, severity=self.severity, title=self.title,
                message=(f"the plan {verb} {c.address}, the {what} {master}{cause}: its etcd "
                         "member's data is destroyed"),
                why=self.why, fix=self.fix,
                resources=(Resource(ResourceKind.MASTER, master), Resource(ResourceKind.VOLUME, volume)),
                evidence=(*evidence,), key=c.address)


MASTER_DESTROYED = MasterDestroyed()
