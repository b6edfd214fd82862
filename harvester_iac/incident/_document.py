"""The report's text, written once as blocks, in the voice of the hand-written incident report.

Sections: Summary, Scope / Environment, Evidence (in ``--tz``, per source), Root Cause
(the chain, every link cited), Fix (GitOps), Validation (the commands for the next hour).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo

from harvester_iac.incident._blocks import Block, Bullets, Code, Heading, Image, Para, Table
from harvester_iac.incident._model import ChainRow, Episode, FixPlan, IncidentReport, Phase, SymptomGroup
from harvester_iac.incident._words import (
    KIND_WORDS,
    count_word,
    join_names,
    local,
    local_range,
    offset_label,
    zone_label,
)
from harvester_iac.model import Host, Inventory

__all__ = ["document", "title"]

_CAUSE = {
    Phase.TARGET_SHUTDOWN: "iSCSI session resets",
    Phase.NOP_FLAP_RECOVERED: "iSCSI NOP timeouts",
    Phase.CONNECTION_LOSS: "iSCSI connection losses",
    Phase.IO_ERRORS: "block I/O errors",
    Phase.LOGIN_FAILURES: "iSCSI login failures",
}


_TITLE_CAUSE = {
    Phase.TARGET_SHUTDOWN: "iSCSI Resets",
    Phase.NOP_FLAP_RECOVERED: "iSCSI NOP Timeouts",
    Phase.CONNECTION_LOSS: "iSCSI Connection Loss",
    Phase.IO_ERRORS: "Block I/O Errors",
    Phase.LOGIN_FAILURES: "iSCSI Login Failures",
}


#: etcd kind → what stalled, for the root-cause sentence ("stalled etcd apply/ReadIndex").
_STALL = {
    "etcd_slow_apply": "apply", "etcd_read_index_slow": "ReadIndex", "etcd_slow_request": "reads",
    "etcd_slow_fdatasync": "fdatasync", "etcd_heartbeat_slow": "heartbeats", "etcd_publish_timeout": "raft publish",
}


def _zone(rep: IncidentReport) -> tzinfo:
    return ZoneInfo(rep.timezone)


def _kinds_words(kinds: Sequence[str]) -> str:
    words = [f"**{KIND_WORDS.get(k, k)}**" for k in kinds]
    return join_names(words, code=False)


def _causal_rows(rep: IncidentReport) -> list[ChainRow]:
    return [r for r in rep.chain if r.master is not None and r.etcd]


def _causal_episodes(rep: IncidentReport) -> list[Episode]:
    idx = {i for r in _causal_rows(rep) for i, _ in r.blamed}
    return [ep for ep in rep.episodes if ep.index in idx]


def title(rep: IncidentReport) -> str:
    zone = _zone(rep)
    eps = _causal_episodes(rep) or list(rep.episodes)
    when = eps[0].start if eps else (rep.symptoms[0].start if rep.symptoms else rep.window_start)
    if when is None:
        return "Incident report: no storage episode and no etcd symptom found"
    day = when.astimezone(zone).strftime("%Y-%m-%d")
    if _causal_rows(rep):
        return f"{day} Harvester Longhorn {_TITLE_CAUSE[eps[-1].phase]} -> etcd Slow Apply"
    if rep.episodes:
        return f"{day} Harvester Longhorn storage episodes, no etcd impact"
    if rep.symptoms:
        return f"{day} etcd slow apply without a storage cause"
    return f"{day} No storage episode and no etcd symptom found"


def _kubeconfig(host: Host | None) -> str:
    """``--kubeconfig F `` for kubectl on the Harvester host (empty when the inventory names none)."""
    return f"--kubeconfig {host.kubeconfig} " if host is not None and host.kubeconfig else ""


@dataclass(frozen=True, slots=True)
class _Cause:
    """The chain rows that reached etcd, their episodes, hosts and stalled masters."""

    rows: list[ChainRow]
    episodes: list[Episode]
    hosts: list[str]
    stalled: list[str]


def _cause(rep: IncidentReport) -> _Cause | None:
    rows = _causal_rows(rep)
    if not rows:
        return None
    eps = _causal_episodes(rep)
    return _Cause(rows=rows, episodes=eps, hosts=sorted({ep.host for ep in eps}),
                  stalled=sorted({r.master for r in rows if r.master}))


def _masters_phrase(rep: IncidentReport, names: Sequence[str]) -> str:
    total = len([m for m in rep.masters if m.in_inventory]) or len(rep.masters)
    if len(names) == total and total > 1:
        return f"all {count_word(total)} masters"
    return ("master " if len(names) == 1 else "masters ") + join_names(names)


def _summary(rep: IncidentReport) -> list[Block]:
    found = _cause(rep)
    rows = found.rows if found else []
    out: list[Block] = []
    if found is not None:
        hosts, stalled = found.hosts, found.stalled
        cause = _CAUSE[found.episodes[-1].phase]
        text = (f"The K3s control plane reported repeated etcd slow-apply warnings. The root cause was "
                f"**{cause} on the Harvester host{'s' if len(hosts) > 1 else ''} {join_names(hosts)}**, which dropped "
                f"the **Longhorn-backed root volumes** of {_masters_phrase(rep, stalled)}. That caused transient "
                f"block device errors and etcd stalls on {'those masters' if len(stalled) > 1 else 'that master'}.")
        out.append(Para(text))
    elif rep.episodes:
        out.append(Para(f"Storage on {join_names(list(rep.hosts_with_episode))} misbehaved, but no master's etcd "
                        f"warned within {_lag(rep)} of it: no control-plane impact was found."))
    else:
        out.append(Para("No storage episode was found in the logs given."))
    extra: list[str] = []
    if rep.unaffected:
        why = ("no root volume on the failing storage and no etcd warning" if rep.episodes
               else "their etcd logged no warning")
        extra.append(f"{join_names(list(rep.unaffected))} {'was' if len(rep.unaffected) == 1 else 'were'} "
                     f"**unaffected**: {why}.")
    if rep.not_observed:
        extra.append(f"No log of {join_names(list(rep.not_observed))} was read: whether "
                     f"{'it was' if len(rep.not_observed) == 1 else 'they were'} affected is **not known**.")
    if rep.unexplained:
        ms = sorted({u.master for u in rep.unexplained})
        extra.append(f"etcd warnings on {join_names(ms)} have **no storage cause** within {_lag(rep)} "
                     "and are listed as unexplained, not blamed on the storage.")
    others = [r for r in rep.chain if r.master is None and r.vm]
    if others and rows:
        extra.append(f"The same episode also hit {len(others)} non-master volume(s) "
                     f"({join_names([r.vm.split('/', 1)[1] for r in others if r.vm])}).")
    stops = [r for r in rep.chain if r.stop is not None]
    if stops:
        extra.append(f"{len(stops)} chain row(s) stop short for missing evidence (see Root Cause).")
    if extra:
        out.append(Para(" ".join(extra)))
    return out


def _lag(rep: IncidentReport) -> str:
    secs = int(rep.lag.total_seconds())
    return f"{secs // 60} minutes" if secs % 60 == 0 else f"{secs} seconds"


def _scope(rep: IncidentReport, inv: Inventory) -> list[Block]:
    zone = _zone(rep)
    at = rep.episodes[0].start if rep.episodes else rep.window_start
    items: list[str] = []
    for h in inv.hosts:
        kind = "single-node Harvester" if len(inv.hosts) == 1 else f"one of {len(inv.hosts)} Harvester nodes"
        mark = " — **storage episode**" if h.name in rep.hosts_with_episode else ""
        items.append(f"Harvester host: `{h.name}` ({h.address}), {kind}{mark}")
    for name in rep.hosts_with_episode:
        if inv.host(name) is None:
            items.append(f"Host `{name}`: in the logs, not in the inventory")
    masters = [m for m in rep.masters]
    addr = ", ".join(m.address or m.name for m in masters)
    items.append(f"K3s control planes (VMs): {addr}" if masters else "K3s control planes: none known")
    storage_hosts = sorted({m.host for m in masters if m.host}) or [h.name for h in inv.hosts]
    items.append(f"Storage: Longhorn {inv.longhorn.version} on {join_names(storage_hosts)} using iSCSI")
    items.append(f"Timezone: **{zone_label(zone, at)}** ({offset_label(zone, at)}; `{rep.timezone}`)")
    if rep.window_start and rep.window_end:
        items.append(f"Evidence window: {local(rep.window_start, zone)} to {local(rep.window_end, zone)}")
    out: list[Block] = [Bullets(tuple(items))]
    src = [f"`{s.location}` ({s.kind}, {s.state}{'; ' + s.detail if s.detail else ''})" for s in rep.sources]
    src.append(f"`{rep.inventory}` (inventory)")
    out.append(Para("Inputs read:"))
    out.append(Bullets(tuple(src)))
    return out


#: Episodes per host the Evidence section words one by one; the rest are counted.
EVIDENCE_EPISODES = 12


def _storage_evidence(rep: IncidentReport) -> list[Block]:
    zone = _zone(rep)
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
                    kernel.append(f"**{when}** — {_kinds_words(kinds)}{conns} on Longhorn iSCSI devices{devs}"
                                  f" ({n} lines; `{b.first}`)." if b.devices else
                                  f"**{when}** — {_kinds_words(kinds)}{conns} ({n} lines; `{b.first}`).")
                else:
                    tail = ""
                    if ep.phase is Phase.NOP_FLAP_RECOVERED and ep.recovered is not None:
                        tail = f", followed by recovery ({local(ep.recovered, zone)})"
                    vols = [r for r in rep.chain if ep.index in r.episodes and r.master]
                    if "target_shutdown" in kinds and vols:
                        tail += ", including master root volumes"
                    mass = "mass " if b.connections >= 3 else ""
                    iscsid.append(f"**{when}** — {mass}{_kinds_words(kinds)} across {b.connections or n} iSCSI "
                                  f"connection(s){tail} (`{b.first}`).")
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


def _waves(groups: Sequence[SymptomGroup], rep: IncidentReport) -> list[list[SymptomGroup]]:
    """Symptom groups of several masters that overlap in time are one wave."""
    from harvester_iac.incident._symptoms import SYMPTOM_GAP

    waves: list[list[SymptomGroup]] = []
    for g in sorted(groups, key=lambda g: g.start):
        if waves and g.start - max(x.end for x in waves[-1]) <= SYMPTOM_GAP:
            waves[-1].append(g)
        else:
            waves.append([g])
    return waves


def _etcd_evidence(rep: IncidentReport) -> list[Block]:
    if not rep.symptoms:
        return []
    zone = _zone(rep)
    items: list[str] = []
    unexplained = {(u.master, u.time) for u in rep.unexplained}
    for wave in _waves(rep.symptoms, rep):
        names = sorted({g.master for g in wave})
        kinds = [k.kind for k in sorted({k.kind: k for g in wave for k in g.kinds}.values(), key=lambda k: k.kind)]
        when = local_range(min(g.start for g in wave), max(g.end for g in wave), zone)
        who = _masters_phrase(rep, names)
        verb = "reports" if len(names) == 1 else "report"
        took = [g.max_took_ms for g in wave if g.max_took_ms is not None]
        longest = f", longest {max(took):.0f} ms" if took else ""
        odd = any((g.master, g.start) in unexplained for g in wave)
        flag = " — **unexplained** (no storage cause nearby)" if odd else ""
        items.append(f"**{when}** — {who} {verb} {_kinds_words(kinds)}{longest} (`{wave[0].first}`){flag}.")
    title_names = sorted({g.master for g in rep.symptoms})
    head = "etcd slow-apply across all masters" if len(title_names) > 1 and len(title_names) == len(
        [m for m in rep.masters if m.in_inventory]) else f"etcd warnings on {join_names(title_names)}"
    return [Heading(3, head), Para("From `journalctl -u k3s` on the control planes:"), Bullets(tuple(items))]


def _volume_evidence(rep: IncidentReport, inv: Inventory) -> list[Block]:
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
        kc = _kubeconfig(h)
        cmds.append(f"kubectl {kc}-n {inv.longhorn.namespace} get volumes.longhorn.io {r.volume} -o yaml "
                    '| rg -n "pvcName"')
    out += [Para("Command to verify:"), Code("bash", "\n".join(cmds))]
    return out


def _chain_blocks(rep: IncidentReport) -> list[Block]:
    zone = _zone(rep)
    rows = []
    for r in rep.chain:
        etcd = "—"
        if r.etcd_first and r.etcd_last:
            kinds = ", ".join(KIND_WORDS.get(k, k) for k in r.etcd_kinds)
            etcd = f"{local_range(r.etcd_first, r.etcd_last, zone)}: {kinds}"
        elif r.master:
            etcd = f"none within {_lag(rep)}"
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


def _root_cause(rep: IncidentReport) -> list[Block]:
    found = _cause(rep)
    out: list[Block] = []
    if found is not None:
        rows, eps, hosts, stalled = found.rows, found.episodes, found.hosts, found.stalled
        words = "flapping" if len(eps) > 1 or eps[0].phase is Phase.TARGET_SHUTDOWN else "failing"
        seen_kinds = {k for r in rows for k in r.etcd_kinds}
        stalls = "/".join(word for kind, word in _STALL.items() if kind in seen_kinds)
        devices = join_names([r.device for r in rows if r.device]) or "not named: see the chain below"
        out.append(Para(f"**Longhorn iSCSI sessions on the Harvester host{'s' if len(hosts) > 1 else ''} "
                        f"{join_names(hosts)} were {words}**, which reset the block devices backing the master root "
                        f"volumes ({devices}). Those resets caused kernel I/O errors and stalled etcd "
                        f"{stalls or 'requests'} on {_masters_phrase(rep, stalled)}."))
    elif rep.episodes:
        out.append(Para("No storage episode reached a master's etcd: the episodes below hit no master root volume, "
                        f"or its etcd logged nothing within {_lag(rep)}."))
    else:
        out.append(Para("No storage episode was found, so nothing here explains the etcd warnings."))
    out.append(Para(f"Chain (storage episode → device → session → volume → PVC → VM → master → etcd within "
                    f"{_lag(rep)}):"))
    out += _chain_blocks(rep) if rep.chain else [Para("No chain: no storage line names a device, session or target.")]
    if rep.unaffected:
        out.append(Para(f"Unaffected masters: {join_names(list(rep.unaffected))} (root volume not on a failing "
                        "device, no etcd warning)."))
    if rep.not_observed:
        out.append(Para(f"Not observed: {join_names(list(rep.not_observed))} (no log of theirs was read; nothing "
                        "is claimed about them)."))
    if rep.unexplained:
        zone = _zone(rep)
        out.append(Para("Unexplained etcd symptoms (not forced into the chain):"))
        out.append(Bullets(tuple(f"`{u.master}` **{local(u.time, zone)}** — {u.count}× {KIND_WORDS.get(u.kind, u.kind)}"
                                 f" (`{u.first}`): {u.note}." for u in rep.unexplained)))
    if rep.notes:
        out += [Para("Notes on the evidence:"), Bullets(rep.notes)]
    return out


def _fix(rep: IncidentReport, inv: Inventory) -> list[Block]:
    fix: FixPlan | None = rep.fix
    if fix is None:
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
            kc = _kubeconfig(host)
            out += [Para(f"Manifest added to the templates directory: `templates/{path}`"), Code("yaml", body),
                    Para("Apply:"), Code("bash", f"kubectl {kc}apply -f templates/{path}")]
        if change.volumes and change.replicas:
            patch = json.dumps({"spec": {"numberOfReplicas": change.replicas}}, separators=(",", ":"))
            ns = inv.longhorn.namespace
            host = inv.host(rep.hosts_with_episode[0]) if rep.hosts_with_episode else None
            kc = _kubeconfig(host)
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


def _validation(rep: IncidentReport, inv: Inventory) -> list[Block]:
    hosts = list(rep.hosts_with_episode) or [h.name for h in inv.hosts]
    masters = [m for m in rep.masters]
    out: list[Block] = [Para("After migration, for the next 30–60 minutes:")]
    out.append(Bullets((
        f"`journalctl -k` on {join_names(hosts)} shows **no new iSCSI NOP timeouts** or **buffer I/O errors**.",
        "`journalctl -u k3s` on masters shows **no new slow-apply warnings** over a 30–60 minute window.",
        "The master root volumes are healthy with their replicas on two disks.",
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
    kc = _kubeconfig(h0)
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


#: Rows of the timeline appendix; the JSON form has every event.
TIMELINE_ROWS = 300


def _timeline(rep: IncidentReport) -> list[Block]:
    if not rep.timeline:
        return []
    from harvester_iac.incident._json import utc_ms

    zone = _zone(rep)
    rows = tuple((local(t.time, zone), utc_ms(t.time) or "", t.lane, KIND_WORDS.get(t.kind, t.kind),
                  t.device or t.volume or "", str(t.cite)) for t in rep.timeline[:TIMELINE_ROWS])
    out: list[Block] = [Para(f"Every matched line, in {zone_label(zone, rep.timeline[0].time)} and UTC:"),
                        Table(("local", "UTC", "host / master", "event", "device / volume", "line"), rows)]
    if len(rep.timeline) > TIMELINE_ROWS:
        out.append(Para(f"{len(rep.timeline) - TIMELINE_ROWS} more events in `--format json` "
                        "(`evidence.timeline`)."))
    return out


def document(rep: IncidentReport, inv: Inventory, *, chart: str | None = None) -> list[Block]:
    """The whole report as blocks; ``chart`` is the chart's file (Markdown links it)."""
    zone = _zone(rep)
    at = rep.episodes[0].start if rep.episodes else rep.window_start
    blocks: list[Block] = [Heading(1, title(rep)), Heading(2, "Summary"), *_summary(rep),
                           Image("Timeline: storage episodes per host, etcd warnings per master, causal links", chart),
                           Heading(2, "Scope / Environment"), *_scope(rep, inv),
                           Heading(2, f"Evidence ({zone_label(zone, at)})"), *_storage_evidence(rep),
                           *_etcd_evidence(rep), *_volume_evidence(rep, inv),
                           Heading(2, "Root Cause"), *_root_cause(rep),
                           Heading(2, "Fix (GitOps)"), *_fix(rep, inv),
                           Heading(2, "Validation"), *_validation(rep, inv)]
    if rep.timeline:
        blocks += [Heading(2, "Timeline"), *_timeline(rep)]
    return blocks
