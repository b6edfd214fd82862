"""The Fix (GitOps) and Validation sections: the inventory's change, its manifests, the gate, the commands."""

from __future__ import annotations

import json

from harvester_iac.incident._blocks import Block, Bullets, Code, Heading, Para
from harvester_iac.incident._model import FixPlan, IncidentReport
from harvester_iac.incident._phrases import (
    kubeconfig_flag,
)
from harvester_iac.incident._words import (
    join_names,
)
from harvester_iac.model import Inventory

__all__ = ["fix_blocks", "validation_blocks"]


def fix_blocks(rep: IncidentReport, inv: Inventory) -> list[Block]:
    fix: FixPlan | None = rep.fix
    if fix is None:
        hosts = [h for h in rep.hosts_with_episode if inv.host(h) is None]
        if hosts:
            return [Para(f"No fix: the inventory (`{rep.inventory}`) names none of the hosts with a storage episode "
                         f"({join_names(hosts)}). Give this site's inventory with `--inventory`; the fix is what it "
                         "declares over this evidence, checked by the gate.")]
        return [Para("No fix was computed.")]
    out: list[Block] = []
    if fix.changes:
        out.append(Para(f"The inventory (`{fix.inventory}`) declares what this incident's evidence shows missing; "
                        "`harvester-iac render` writes the manifests for the GitOps repo."))
    for i, change in enumerate(fix.changes, start=1):
        out += [Heading(3, f"{i}) {change.title}"), Bullets(change.details)]
        if change.manifest is not None:
            path, content = change.manifest
            body = "\n".join(line for line in content.splitlines() if not line.startswith("#")).strip()
            host = next((h for h in inv.hosts if path == f"longhorn-{h.name}-disk.yaml"), None)
            host = host or (inv.host(rep.hosts_with_episode[0]) if rep.hosts_with_episode else None)
            kc = kubeconfig_flag(host)
            out += [Para(f"Manifest added to the templates directory: `templates/{path}`"), Code("yaml", body),
                    Para("Apply:"), Code("bash", f"kubectl {kc}apply -f templates/{path}")]
        if change.volumes and change.replicas:
            patch = json.dumps({"spec": {"numberOfReplicas": change.replicas}}, separators=(",", ":"))
            ns = inv.longhorn.namespace
            host = inv.host(rep.hosts_with_episode[0]) if rep.hosts_with_episode else None
            kc = kubeconfig_flag(host)
            out += [Para("A storage class applies to new volumes; raise the existing root volumes' replicas on "
                         "their Longhorn Volumes (Longhorn rebuilds the new replica on the other disk):"),
                    Code("bash", "\n".join(f"kubectl {kc}-n {ns} patch volumes.longhorn.io {v} --type merge "
                                           f"-p '{patch}'" for v in change.volumes))]
        if change.kind == "disk":
            out.append(Para("This registers the disk as an additional Longhorn disk without pinning any volumes "
                            "to a specific disk."))
    if not fix.changes and fix.gate_passed:
        out.append(Para(f"The inventory (`{fix.inventory}`) declares nothing the evidence shows missing for the hit "
                        "master root volumes."))
    if fix.gate_passed:
        out.append(Para(f"Gate: `harvester-iac validate` on `{fix.inventory}` with this incident's evidence "
                        "**passes** (no blocking finding)."))
    else:
        out.append(Para(f"Gate: the inventory `{fix.inventory}` does **not** answer this incident yet; with this "
                        "evidence the gate blocks:"))
        out.append(Bullets(fix.gate_lines))
        if fix.proposals:
            out += [Para("Change the inventory as follows, run `harvester-iac render` and this report again:"),
                    Bullets(fix.proposals)]
    return out


def validation_blocks(rep: IncidentReport, inv: Inventory) -> list[Block]:
    hosts = list(rep.hosts_with_episode) or [h.name for h in inv.hosts]
    masters = [m for m in rep.masters]
    out: list[Block] = [Para("After migration, for the next 30–60 minutes:")]
    out.append(Bullets((
        f"`journalctl -k` on {join_names(hosts)} shows **no new iSCSI NOP timeouts** or **buffer I/O errors**.",
        "`journalctl -u k3s` on masters shows **no new slow-apply warnings** over a 30–60 minute window.",
        "The master root volumes are `healthy`, their replicas on more than one disk (Longhorn Volumes and Replicas).",
    )))
    cmds: list[str] = []
    for h in hosts:
        cmds.append(f"ssh {h} 'journalctl -k --since -60min --no-pager' | rg -n "
                    "\"ping timeout|detected conn error|Buffer I/O error|I/O error, dev|rejecting I/O\"")
        cmds.append(f"ssh {h} 'journalctl -u iscsid --since -60min --no-pager' | rg -n "
                    "\"error \\(10[0-9]{2}|is shutdown|timed out\"")
    for m in masters:
        cmds.append(f"ssh {m.address or m.name} 'journalctl -u k3s --since -60min --no-pager' | rg -n "
                    "\"took too long|failed to publish|slow fdatasync|heartbeat on time\"")
    vols = " ".join(r.volume for r in rep.chain if r.master and r.volume)
    h0 = inv.host(hosts[0]) if hosts else None
    kc = kubeconfig_flag(h0)
    ns = inv.longhorn.namespace
    if vols:
        cmds.append(f"kubectl {kc}-n {ns} get volumes.longhorn.io {vols} "
                    "-o custom-columns=NAME:.metadata.name,STATE:.status.state,ROBUSTNESS:.status.robustness,"
                    "REPLICAS:.spec.numberOfReplicas")
        cmds.append(f"kubectl {kc}-n {ns} get replicas.longhorn.io "
                    "-o custom-columns=VOLUME:.spec.volumeName,NODE:.spec.nodeID,DISK:.spec.diskID,"
                    "STATE:.status.currentState")
    out.append(Para("Commands (each should print nothing new, or only healthy rows):"))
    out.append(Code("bash", "\n".join(cmds)))
    out.append(Para("Then collect the same evidence again and re-run this report and the gate; expect no new "
                    "episode and a passing gate:"))
    inv_flag = "" if inv.source.startswith("<") else f" --inventory {inv.source}"
    out.append(Code("bash", f"harvester-iac incident NEW_LOGS/{inv_flag} --tz {rep.timezone}\n"
                            f"harvester-iac validate{inv_flag} --logs NEW_LOGS/"))
    return out
