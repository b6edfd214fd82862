"""The Evidence section (per source, in --tz), the chain table with its citations, the timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from harvester_iac.incident._blocks import Block, Bullets, Code, Heading, Para, Table
from harvester_iac.incident._model import Episode, IncidentReport, Phase, SymptomGroup
from harvester_iac.incident._phrases import (
    kinds_words,
    kubeconfig_flag,
    lag_words,
    masters_phrase,
    zone_of,
)
from harvester_iac.incident._words import (
    KIND_WORDS,
    join_names,
    local,
    local_range,
    plural,
    zone_label,
)
from harvester_iac.model import Inventory

__all__ = [
    "EVIDENCE_EPISODES",
    "TIMELINE_ROWS",
    "chain_blocks",
    "etcd_evidence",
    "storage_evidence",
    "timeline_blocks",
    "volume_evidence",
    "waves",
]


#: Episodes per host the Evidence section words one by one; the rest are counted.


EVIDENCE_EPISODES = 12


def storage_evidence(rep: IncidentReport) -> list[Block]:
    zone = zone_of(rep)
    out: list[Block] = []
    by_host: dict[str, list[Episode]] = defaultdict(list)
    for ep in rep.episodes:
        by_host[ep.host].append(ep)
    for host, all_eps in sorted(by_host.items()):
        iscsid: list[str] = []
        kernel: list[str] = []
        eps = all_eps[:EVIDENCE_EPISODES]
        for ep in eps:
            for b in ep.bursts:
                kinds = [k.kind for k in b.kinds]
                n = sum(k.count for k in b.kinds)
                when = local_range(b.start, b.end, zone)
                if b.source == "kernel":
                    devs = f" (e.g., {join_names(list(b.devices[:4]))})" if b.devices else ""
                    conns = f" on {b.connections} connections" if b.connections and not b.devices else ""
                    kernel.append(f"**{when}** — {kinds_words(kinds)}{conns} on Longhorn iSCSI devices{devs}"
                                  f" ({n} lines; `{b.first}`)." if b.devices else
                                  f"**{when}** — {kinds_words(kinds)}{conns} ({n} lines; `{b.first}`).")
                else:
                    tail = ""
                    if ep.phase is Phase.NOP_FLAP_RECOVERED and ep.recovered is not None:
                        tail = f", followed by recovery ({local(ep.recovered, zone)})"
                    vols = [r for r in rep.chain if ep.index in r.episodes and r.master]
                    if "target_shutdown" in kinds and vols:
                        tail += ", including master root volumes"
                    mass = "mass " if b.connections >= 3 else ""
                    links = plural(b.connections or n, "iSCSI connection")
                    iscsid.append(f"**{when}** — {mass}{kinds_words(kinds)} across {links}{tail} (`{b.first}`).")
        if len(all_eps) > len(eps):
            more = (f"… and {len(all_eps) - len(eps)} more episodes on `{host}` until "
                    f"{local(all_eps[-1].end, zone)} (all in the Timeline and in `--format json`).")
            (iscsid if iscsid else kernel).append(more)
        if iscsid:
            out += [Heading(3, f"iSCSI session trouble on `{host}`"), Para(f"From `iscsid` logs on `{host}`:"),
                    Bullets(tuple(iscsid))]
        if kernel:
            out += [Heading(3, f"Kernel errors on `{host}`"), Para(f"From kernel logs (`journalctl -k`) on `{host}`:"),
                    Bullets(tuple(kernel))]
    return out


def waves(groups: Sequence[SymptomGroup], rep: IncidentReport) -> list[list[SymptomGroup]]:
    """Symptom groups of several masters that overlap in time are one wave."""
    from harvester_iac.incident._symptoms import SYMPTOM_GAP

    waves: list[list[SymptomGroup]] = []
    for g in sorted(groups, key=lambda g: g.start):
        if waves and g.start - max(x.end for x in waves[-1]) <= SYMPTOM_GAP:
            waves[-1].append(g)
        else:
            waves.append([g])
    return waves


def etcd_evidence(rep: IncidentReport) -> list[Block]:
    if not rep.symptoms:
        return []
    zone = zone_of(rep)
    items: list[str] = []
    unexplained = {(u.master, u.time) for u in rep.unexplained}
    for wave in waves(rep.symptoms, rep):
        names = sorted({g.master for g in wave})
        kinds = [k.kind for k in sorted({k.kind: k for g in wave for k in g.kinds}.values(), key=lambda k: k.kind)]
        when = local_range(min(g.start for g in wave), max(g.end for g in wave), zone)
        who = masters_phrase(rep, names)
        verb = "reports" if len(names) == 1 else "report"
        took = [g.max_took_ms for g in wave if g.max_took_ms is not None]
        longest = f", longest {max(took):.0f} ms" if took else ""
        odd = any((g.master, g.start) in unexplained for g in wave)
        flag = " — **unexplained** (no storage cause nearby)" if odd else ""
        items.append(f"**{when}** — {who} {verb} {kinds_words(kinds)}{longest} (`{wave[0].first}`){flag}.")
    title_names = sorted({g.master for g in rep.symptoms})
    head = "etcd slow-apply across all masters" if len(title_names) > 1 and len(title_names) == len(
        [m for m in rep.masters if m.in_inventory]) else f"etcd warnings on {join_names(title_names)}"
    return [Heading(3, head), Para("From `journalctl -u k3s` on the control planes:"), Bullets(tuple(items))]


def volume_evidence(rep: IncidentReport, inv: Inventory) -> list[Block]:
    rows = [r for r in rep.chain if r.master is not None and r.volume]
    if not rows:
        return []
    hosts = sorted({r.host for r in rows})
    items = [f"`{r.volume}` -> `{r.pvc.split('/', 1)[1] if r.pvc else '?'}`" + ("" if r.pvc else " (PVC not known)")
             for r in rows]
    out: list[Block] = [Heading(3, "Master root volumes affected"),
                        Para(f"Longhorn volume mapping on {join_names(hosts)}:"), Bullets(tuple(items))]
    cmds = []
    for r in rows:
        h = inv.host(r.host)
        kc = kubeconfig_flag(h)
        cmds.append(f"kubectl {kc}-n {inv.longhorn.namespace} get volumes.longhorn.io {r.volume} -o yaml "
                    '| rg -n "pvcName"')
    out += [Para("Command to verify:"), Code("bash", "\n".join(cmds))]
    return out


def chain_blocks(rep: IncidentReport) -> list[Block]:
    zone = zone_of(rep)
    rows = []
    for r in rep.chain:
        etcd = "—"
        if r.etcd_first and r.etcd_last:
            kinds = ", ".join(word for kind, word in KIND_WORDS.items() if kind in r.etcd_kinds)
            etcd = f"{local_range(r.etcd_first, r.etcd_last, zone)}: {kinds}"
        elif r.master:
            etcd = f"none within {lag_words(rep)}"
        dev = r.device or "?"
        if r.partitions:
            dev += f" ({', '.join(r.partitions)})"
        rows.append((r.host, dev, r.session or "?", r.volume or "?", r.pvc or "?", r.vm or "?",
                     r.master or ("not a master" if r.vm else "?"), etcd))
    out: list[Block] = [Table(("host", "device", "session", "volume", "PVC", "VM", "master", "etcd"), tuple(rows))]
    cites: list[str] = []
    for r in rep.chain:
        links = "; ".join(f"{lk.step} `{lk.value}`" + (f" ({lk.cite})" if lk.cite else "") for lk in r.links[1:])
        head = f"`{r.device or r.volume or r.session}` on `{r.host}`"
        line = f"{head}: {links}."
        if r.stop is not None:
            line += f" **Stops after {r.stop.after}**: missing {r.stop.missing}."
        cites.append(line)
    out += [Para("Evidence for each link:"), Bullets(tuple(cites))]
    return out


#: Rows of the timeline appendix; the JSON form has every event.


TIMELINE_ROWS = 300


def timeline_blocks(rep: IncidentReport) -> list[Block]:
    if not rep.timeline:
        return []
    from harvester_iac.incident._json import utc_ms

    zone = zone_of(rep)
    rows = tuple((local(t.time, zone), utc_ms(t.time) or "", t.lane, KIND_WORDS.get(t.kind, t.kind),
                  t.device or t.volume or "", str(t.cite)) for t in rep.timeline[:TIMELINE_ROWS])
    out: list[Block] = [Para(f"Every matched line, in {zone_label(zone, rep.timeline[0].time)} and UTC:"),
                        Table(("local", "UTC", "host / master", "event", "device / volume", "line"), rows)]
    if len(rep.timeline) > TIMELINE_ROWS:
        out.append(Para(f"{len(rep.timeline) - TIMELINE_ROWS} more events in `--format json` "
                        "(`evidence.timeline`)."))
    return out
