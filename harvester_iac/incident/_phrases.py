"""Wording shared by the report's sections: causes, zones, lags, who was hit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo

from harvester_iac.incident._model import ChainRow, Episode, IncidentReport, Phase, SymptomGroup
from harvester_iac.incident._words import (
    KIND_WORDS,
    count_word,
    join_names,
)
from harvester_iac.model import Host

__all__ = [
    "CAUSE",
    "STALL",
    "TITLE_CAUSE",
    "Cause",
    "causal_episodes",
    "causal_rows",
    "cause_of",
    "early_links",
    "kinds_words",
    "kubeconfig_flag",
    "lag_words",
    "masters_phrase",
    "precedes",
    "zone_of",
]


CAUSE = {
    Phase.TARGET_SHUTDOWN: "iSCSI session resets",
    Phase.NOP_FLAP_RECOVERED: "iSCSI NOP timeouts",
    Phase.CONNECTION_LOSS: "iSCSI connection losses",
    Phase.IO_ERRORS: "block I/O errors",
    Phase.LOGIN_FAILURES: "iSCSI login failures",
}


TITLE_CAUSE = {
    Phase.TARGET_SHUTDOWN: "iSCSI Resets",
    Phase.NOP_FLAP_RECOVERED: "iSCSI NOP Timeouts",
    Phase.CONNECTION_LOSS: "iSCSI Connection Loss",
    Phase.IO_ERRORS: "Block I/O Errors",
    Phase.LOGIN_FAILURES: "iSCSI Login Failures",
}


#: etcd kind → what stalled, for the root-cause sentence ("stalled etcd apply/ReadIndex").


STALL = {
    "etcd_slow_apply": "apply", "etcd_read_index_slow": "ReadIndex", "etcd_slow_request": "reads",
    "etcd_slow_fdatasync": "fdatasync", "etcd_heartbeat_slow": "heartbeats", "etcd_publish_timeout": "raft publish",
}


def zone_of(rep: IncidentReport) -> tzinfo:
    return ZoneInfo(rep.timezone)


def kinds_words(kinds: Sequence[str]) -> str:
    words = [f"**{KIND_WORDS.get(k, k)}**" for k in kinds]
    return join_names(words, code=False)


def causal_rows(rep: IncidentReport) -> list[ChainRow]:
    return [r for r in rep.chain if r.master is not None and r.etcd]


def precedes(group: SymptomGroup, ep: Episode) -> bool:
    """The burst begins before the episode's first logged storage line: the fault likely began earlier."""
    return group.start < ep.start


def early_links(rep: IncidentReport) -> dict[int, list[SymptomGroup]]:
    """Episode index → the blamed etcd bursts that precede its first logged line, earliest first."""
    out: dict[int, list[SymptomGroup]] = {}
    for r in rep.chain:
        for i, n in r.blamed:
            if precedes(r.etcd[n], rep.episodes[i]):
                out.setdefault(i, []).append(r.etcd[n])
    return {i: sorted(gs, key=lambda g: g.start) for i, gs in sorted(out.items())}


def causal_episodes(rep: IncidentReport) -> list[Episode]:
    idx = {i for r in causal_rows(rep) for i, _ in r.blamed}
    return [ep for ep in rep.episodes if ep.index in idx]


def kubeconfig_flag(host: Host | None) -> str:
    """``--kubeconfig F `` for kubectl on the Harvester host (empty when the inventory names none)."""
    return f"--kubeconfig {host.kubeconfig} " if host is not None and host.kubeconfig else ""


@dataclass(frozen=True, slots=True)


class Cause:
    """The chain rows that reached etcd, their episodes, hosts and stalled masters."""

    rows: list[ChainRow]
    episodes: list[Episode]
    hosts: list[str]
    stalled: list[str]


def cause_of(rep: IncidentReport) -> Cause | None:
    rows = causal_rows(rep)
    if not rows:
        return None
    eps = causal_episodes(rep)
    return Cause(rows=rows, episodes=eps, hosts=sorted({ep.host for ep in eps}),
                  stalled=sorted({r.master for r in rows if r.master}))


def masters_phrase(rep: IncidentReport, names: Sequence[str]) -> str:
    total = len([m for m in rep.masters if m.in_inventory]) or len(rep.masters)
    if len(names) == total and total > 1:
        return f"all {count_word(total)} masters"
    return ("master " if len(names) == 1 else "masters ") + join_names(names)


def lag_words(rep: IncidentReport) -> str:
    secs = int(rep.lag.total_seconds())
    return f"{secs // 60} minutes" if secs % 60 == 0 else f"{secs} seconds"
