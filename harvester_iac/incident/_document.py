"""The report's text, written once as blocks, in the voice of the hand-written incident report.

Sections: Summary, Scope / Environment, Evidence (in ``--tz``, per source), Root Cause
(the chain, every link cited), Fix (GitOps), Validation (the commands for the next hour).
"""

from __future__ import annotations

from harvester_iac.incident._actions_text import (
    fix_blocks,
    validation_blocks,
)
from harvester_iac.incident._blocks import Block, Bullets, Heading, Image, Para
from harvester_iac.incident._evidence_text import (
    chain_blocks,
    etcd_evidence,
    storage_evidence,
    timeline_blocks,
    volume_evidence,
)
from harvester_iac.incident._model import IncidentReport, Phase
from harvester_iac.incident._phrases import (
    CAUSE,
    STALL,
    TITLE_CAUSE,
    causal_episodes,
    causal_rows,
    cause_of,
    early_links,
    lag_words,
    masters_phrase,
    zone_of,
)
from harvester_iac.incident._words import (
    KIND_WORDS,
    join_names,
    local,
    offset_label,
    plural,
    zone_label,
)
from harvester_iac.model import Inventory

__all__ = ["document", "title"]


def title(rep: IncidentReport) -> str:
    zone = zone_of(rep)
    eps = causal_episodes(rep) or list(rep.episodes)
    when = eps[0].start if eps else (rep.symptoms[0].start if rep.symptoms else rep.window_start)
    if when is None:
        return "Incident report: no storage episode and no etcd symptom found"
    day = when.astimezone(zone).strftime("%Y-%m-%d")
    if causal_rows(rep):
        return f"{day} Harvester Longhorn {TITLE_CAUSE[eps[-1].phase]} -> etcd Slow Apply"
    if rep.episodes:
        return f"{day} Harvester Longhorn storage episodes, no etcd impact"
    if rep.symptoms:
        return f"{day} etcd slow apply without a storage cause"
    return f"{day} No storage episode and no etcd symptom found"


def _summary(rep: IncidentReport) -> list[Block]:
    found = cause_of(rep)
    rows = found.rows if found else []
    out: list[Block] = []
    if found is not None:
        hosts, stalled = found.hosts, found.stalled
        cause = CAUSE[found.episodes[-1].phase]
        text = (f"The K3s control plane reported repeated etcd slow-apply warnings. The root cause was "
                f"**{cause} on the Harvester host{'s' if len(hosts) > 1 else ''} {join_names(hosts)}**, which dropped "
                f"the **Longhorn-backed root volumes** of {masters_phrase(rep, stalled)}. That caused transient "
                f"block device errors and etcd stalls on {'those masters' if len(stalled) > 1 else 'that master'}.")
        out.append(Para(text))
    elif rep.episodes:
        out.append(Para(f"Storage on {join_names(list(rep.hosts_with_episode))} misbehaved, but no master's etcd "
                        f"warned within {lag_words(rep)} of it: no control-plane impact was found."))
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
        extra.append(f"etcd warnings on {join_names(ms)} have **no storage cause** within {lag_words(rep)} "
                     "and are listed as unexplained, not blamed on the storage.")
    others = [r for r in rep.chain if r.master is None and r.vm]
    if others and rows:
        extra.append(f"The same episode also hit {plural(len(others), 'non-master volume')} "
                     f"({join_names([r.vm.split('/', 1)[1] for r in others if r.vm])}).")
    stops = [r for r in rep.chain if r.stop is not None]
    if stops:
        extra.append(f"{plural(len(stops), 'chain row')} stop short for missing evidence (see Root Cause).")
    if extra:
        out.append(Para(" ".join(extra)))
    return out


def _scope(rep: IncidentReport, inv: Inventory) -> list[Block]:
    zone = zone_of(rep)
    at = rep.episodes[0].start if rep.episodes else rep.window_start
    items: list[str] = []
    for h in inv.hosts:
        kind = "single-node Harvester" if len(inv.hosts) == 1 else f"one of {len(inv.hosts)} Harvester nodes"
        mark = " — **storage episode**" if h.name in rep.hosts_with_episode else ""
        items.append(f"Harvester host: `{h.name}` ({h.address}), {kind}{mark}")
    for name in rep.hosts_with_episode:
        if inv.host(name) is None:
            items.append(f"Host `{name}`: in the logs, not in the inventory")
    masters = list(rep.masters)
    addr = ", ".join(m.address or m.name for m in masters if m.in_inventory)
    strangers = [m.name for m in masters if not m.in_inventory]
    if addr:
        items.append(f"K3s control planes (VMs): {addr}")
    if strangers:
        items.append(f"etcd members in the logs, not in the inventory: {join_names(strangers)}")
    if not masters:
        items.append("K3s control planes: none known")
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


def _root_cause(rep: IncidentReport) -> list[Block]:
    found = cause_of(rep)
    out: list[Block] = []
    if found is not None:
        rows, eps, hosts, stalled = found.rows, found.episodes, found.hosts, found.stalled
        words = "flapping" if len(eps) > 1 or eps[0].phase is Phase.TARGET_SHUTDOWN else "failing"
        seen_kinds = {k for r in rows for k in r.etcd_kinds}
        stalls = "/".join(word for kind, word in STALL.items() if kind in seen_kinds)
        devices = join_names([r.device for r in rows if r.device]) or "not named: see the chain below"
        out.append(Para(f"**Longhorn iSCSI sessions on the Harvester host{'s' if len(hosts) > 1 else ''} "
                        f"{join_names(hosts)} were {words}**, which reset the block devices backing the master root "
                        f"volumes ({devices}). Those resets caused kernel I/O errors and stalled etcd "
                        f"{stalls or 'requests'} on {masters_phrase(rep, stalled)}."))
    elif rep.episodes:
        out.append(Para("No storage episode reached a master's etcd: the episodes below hit no master root volume, "
                        f"or its etcd logged nothing within {lag_words(rep)}."))
    else:
        out.append(Para("No storage episode was found, so nothing here explains the etcd warnings."))
    out.append(Para(f"Chain (storage episode → device → session → volume → PVC → VM → master → etcd within "
                    f"{lag_words(rep)}):"))
    out += chain_blocks(rep) if rep.chain else [Para("No chain: no storage line names a device, session or target.")]
    out += _early_blocks(rep)
    if rep.unaffected:
        out.append(Para(f"Unaffected masters: {join_names(list(rep.unaffected))} (root volume not on a failing "
                        "device, no etcd warning)."))
    if rep.not_observed:
        out.append(Para(f"Not observed: {join_names(list(rep.not_observed))} (no log of theirs was read; nothing "
                        "is claimed about them)."))
    if rep.unexplained:
        zone = zone_of(rep)
        out.append(Para("Unexplained etcd symptoms (not forced into the chain):"))
        out.append(Bullets(tuple(f"`{u.master}` **{local(u.time, zone)}** — {u.count}× {KIND_WORDS.get(u.kind, u.kind)}"
                                 f" (`{u.first}`): {u.note}." for u in rep.unexplained)))
    if rep.notes:
        out += [Para("Notes on the evidence:"), Bullets(rep.notes)]
    return out


def _early_blocks(rep: IncidentReport) -> list[Block]:
    """One sentence per episode whose linked etcd warnings come before its first logged storage line."""
    zone = zone_of(rep)
    out: list[Block] = []
    for i, groups in early_links(rep).items():
        ep = rep.episodes[i]
        times = join_names(list(dict.fromkeys(f"**{local(g.start, zone)}**" for g in groups)), code=False)
        out.append(Para(f"The etcd warnings at {times} precede the first logged storage line on `{ep.host}` "
                        f"({local(ep.start, zone)}): the lag window links them, and the fault likely began "
                        "before it was logged."))
    return out


def document(rep: IncidentReport, inv: Inventory, *, chart: str | None = None) -> list[Block]:
    """The whole report as blocks; ``chart`` is the chart's file (Markdown links it)."""
    zone = zone_of(rep)
    at = rep.episodes[0].start if rep.episodes else rep.window_start
    blocks: list[Block] = [Heading(1, title(rep)), Heading(2, "Summary"), *_summary(rep),
                           Image("Timeline: storage episodes per host, etcd warnings per master, causal links", chart),
                           Heading(2, "Scope / Environment"), *_scope(rep, inv),
                           Heading(2, f"Evidence ({zone_label(zone, at)})"), *storage_evidence(rep),
                           *etcd_evidence(rep), *volume_evidence(rep, inv),
                           Heading(2, "Root Cause"), *_root_cause(rep),
                           Heading(2, "Fix (GitOps)"), *fix_blocks(rep, inv),
                           Heading(2, "Validation"), *validation_blocks(rep, inv)]
    if rep.timeline:
        blocks += [Heading(2, "Timeline"), *timeline_blocks(rep)]
    return blocks
