"""Coverage: what the evidence observed, per source and object kind, and what it did not.

A snapshot without Replica objects says nothing about replicas; one whose iscsid log of a
host failed to read says nothing about that host's sessions. Rules must tell "observed
and fine" from "not observed", so the snapshot records, per kind and scope, one of:

- ``full``: read completely (a quiet log is full: it was read and held no event);
- ``partial``: read in part (a page failed, a file was damaged, some queries timed out),
  with the reason;
- ``none``: not read at all (not given, or failed), with the reason.

Kinds and their scope: ``events`` and ``iscsiadm`` per host (the name as the evidence
writes it; ``None`` for files whose host is unknown), the Longhorn kinds as a whole,
``metrics`` per Prometheus measurement (``MetricName``). A kind with no entry was not
observed: :func:`coverage_of` answers ``none`` for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus

if TYPE_CHECKING:
    from harvester_iac.observe._iscsiadm import SessionMap
    from harvester_iac.observe._prometheus import PrometheusMetrics
    from harvester_iac.observe.logs._event import Event
    from harvester_iac.observe.longhorn._objects import LonghornState

__all__ = [
    "LONGHORN_EVIDENCE",
    "Coverage",
    "CoverageState",
    "EvidenceKind",
    "combine",
    "coverage_line",
    "coverage_of",
    "derive_coverage",
    "hosts_by_file",
]


class EvidenceKind(StrEnum):
    """What evidence is about; ``--require KIND`` takes these names."""

    EVENTS = "events"        # log events (iscsid, kernel, etcd), per host
    ISCSIADM = "iscsiadm"    # the iscsiadm session map, per host
    NODES = "nodes"          # Longhorn Node objects (disks, conditions, storage)
    VOLUMES = "volumes"      # Longhorn Volume objects
    REPLICAS = "replicas"    # Longhorn Replica objects
    ENGINES = "engines"      # Longhorn Engine objects
    SETTINGS = "settings"    # Longhorn Setting objects
    METRICS = "metrics"      # Prometheus series, per measurement


class CoverageState(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


#: Longhorn object kind (``kind:``) → evidence kind.
LONGHORN_EVIDENCE: dict[str, EvidenceKind] = {
    "Volume": EvidenceKind.VOLUMES,
    "Replica": EvidenceKind.REPLICAS,
    "Node": EvidenceKind.NODES,
    "Setting": EvidenceKind.SETTINGS,
    "Engine": EvidenceKind.ENGINES,
}
_PLURAL = {"volumes": EvidenceKind.VOLUMES, "replicas": EvidenceKind.REPLICAS,
           "nodes": EvidenceKind.NODES, "settings": EvidenceKind.SETTINGS,
           "engines": EvidenceKind.ENGINES}


@dataclass(frozen=True, slots=True)
class Coverage:
    """How one kind of evidence (for one host or measurement: ``scope``) was observed."""

    kind: EvidenceKind
    scope: str | None
    state: CoverageState
    reason: str | None = None
    sources: tuple[str, ...] = ()

    def describe(self) -> str:
        """``events of altra: partial (1 line unreadable)``."""
        what = self.kind.value if self.scope is None else f"{self.kind.value} of {self.scope}"
        word = {"full": "observed", "partial": "partial", "none": "not observed"}[self.state.value]
        return f"{what}: {word}" + (f" ({self.reason})" if self.reason else "")


def combine(entries: Sequence[Coverage], kind: EvidenceKind, scope: str | None) -> Coverage:
    """Several entries for one kind and scope as one: all full is full, all none is none,
    anything else partial (some of it was read); reasons and sources are kept."""
    if not entries:
        return Coverage(kind, scope, CoverageState.NONE, "not observed")
    states = {e.state for e in entries}
    state = states.pop() if len(states) == 1 else CoverageState.PARTIAL
    reasons = list(dict.fromkeys(e.reason for e in entries if e.reason and e.state is not CoverageState.FULL))
    sources = tuple(dict.fromkeys(s for e in entries for s in e.sources))
    return Coverage(kind, scope, state, "; ".join(reasons) or None, sources)


def coverage_of(coverage: Iterable[Coverage], kind: EvidenceKind, scope: str | None = None) -> Coverage:
    """The coverage of ``kind`` (for ``scope``; ``None``: all scopes together)."""
    found = [c for c in coverage if c.kind is kind and (scope is None or c.scope == scope)]
    return combine(found, kind, scope)


def _state(s: SourceStatus) -> CoverageState:
    return {SourceState.OK: CoverageState.FULL, SourceState.PARTIAL: CoverageState.PARTIAL,
            SourceState.FAILED: CoverageState.NONE}[s.state]


def hosts_by_file(events: Iterable[Event]) -> dict[str, set[str]]:
    """The host names each file's events carry."""
    out: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.host:
            out[e.file].add(e.host)
    return out


def _log_coverage(sources: Sequence[SourceStatus], events: Sequence[Event],
                  hosts_of: dict[str, set[str]] | None = None) -> list[Coverage]:
    if hosts_of is None:
        hosts_of = hosts_by_file(events)
    out = []
    for s in sources:
        if s.kind is not SourceKind.LOG:
            continue
        hosts: list[str | None] = [*sorted(set(s.hosts) | hosts_of.get(s.location, set()))]
        reason = s.error if s.state is not SourceState.OK else None
        for h in hosts or [None]:
            out.append(Coverage(EvidenceKind.EVENTS, h, _state(s), reason, (s.location,)))
    return out


def _iscsiadm_coverage(sessions: Sequence[SessionMap]) -> list[Coverage]:
    out = []
    for m in sessions:
        blind = [s.sid for s in m.sessions if s.devices is None]
        state, reason = CoverageState.FULL, None
        if blind:
            state = CoverageState.PARTIAL
            reason = (f"{len(blind)} of {len(m.sessions)} session(s) listed without their "
                      "disks (not -P 3, or cut off)")
        out.append(Coverage(EvidenceKind.ISCSIADM, m.host, state, reason,
                            (m.file,) if m.file else ()))
    return out


def _counts(longhorn: LonghornState) -> dict[EvidenceKind, int]:
    return {EvidenceKind.VOLUMES: len(longhorn.volumes), EvidenceKind.REPLICAS: len(longhorn.replicas),
            EvidenceKind.NODES: len(longhorn.nodes), EvidenceKind.SETTINGS: len(longhorn.settings),
            EvidenceKind.ENGINES: len(longhorn.engines)}


def _longhorn_coverage(sources: Sequence[SourceStatus], longhorn: LonghornState | None) -> list[Coverage]:
    out: list[Coverage] = []
    live = [s for s in sources if s.kind is SourceKind.KUBERNETES]
    for s in live:
        kind = _PLURAL.get(s.location.rstrip("/").rsplit("/", 1)[-1])
        if kind is not None:
            reason = s.error
            if s.state is SourceState.PARTIAL:
                reason = f"{s.error}; {s.detail}" if s.detail else s.error
            out.append(Coverage(kind, None, _state(s), reason, (s.location,)))
    files = [s for s in sources if s.kind is SourceKind.LONGHORN_FILE]
    if files and longhorn is not None:
        names = tuple(s.location for s in files)
        for kind, n in _counts(longhorn).items():
            if n:
                out.append(Coverage(kind, None, CoverageState.FULL, None, names))
            else:
                out.append(Coverage(kind, None, CoverageState.NONE,
                                    f"no {kind.value[:-1].capitalize()} object in the Longhorn files",
                                    names))
    return out


def _metric_coverage(sources: Sequence[SourceStatus], metrics: PrometheusMetrics | None) -> list[Coverage]:
    from harvester_iac.observe._prometheus import MetricName

    out: list[Coverage] = []
    for s in sources:
        if s.kind is not SourceKind.PROMETHEUS:
            continue
        errors: dict[str, str] = {}
        for part in (s.error or "").split("; "):
            name, sep, why = part.partition(": ")
            if sep:
                errors[name] = why
        for name in MetricName:
            if s.state is SourceState.FAILED:
                out.append(Coverage(EvidenceKind.METRICS, name.value, CoverageState.NONE,
                                    s.error or "Prometheus did not answer", (s.location,)))
            elif name.value in errors:
                out.append(Coverage(EvidenceKind.METRICS, name.value, CoverageState.NONE,
                                    errors[name.value], (s.location,)))
            elif metrics is not None and not metrics.of(name):
                out.append(Coverage(EvidenceKind.METRICS, name.value, CoverageState.NONE,
                                    "Prometheus answered with no series", (s.location,)))
            else:
                out.append(Coverage(EvidenceKind.METRICS, name.value, CoverageState.FULL, None,
                                    (s.location,)))
    return out


def _held(events: Sequence[Event], longhorn: LonghornState | None,
          metrics: PrometheusMetrics | None) -> tuple[Coverage, ...]:
    """Coverage of a source-less snapshot: the hosts its events name and the Longhorn kinds
    and series it holds count as observed; nothing else does."""
    why = "no source recorded; taken as observed because the snapshot holds it"
    out = [Coverage(EvidenceKind.EVENTS, h, CoverageState.FULL, why)
           for h in sorted({e.host for e in events if e.host})]
    if longhorn is not None:
        out += [Coverage(k, None, CoverageState.FULL, why) for k, n in _counts(longhorn).items() if n]
    if metrics is not None:
        out += [Coverage(EvidenceKind.METRICS, n, CoverageState.FULL, why)
                for n in sorted({str(s.name) for s in metrics.samples})]
    return tuple(out)


def derive_coverage(
    *,
    sources: Sequence[SourceStatus],
    events: Sequence[Event] = (),
    sessions: Sequence[SessionMap] = (),
    longhorn: LonghornState | None = None,
    metrics: PrometheusMetrics | None = None,
    hosts_of: dict[str, set[str]] | None = None,
) -> tuple[Coverage, ...]:
    """The coverage of a snapshot's parts: one entry per source and scope it covered.

    ``hosts_of`` (the host names each file's events carry) stands in for ``events`` when
    the caller counted them on the way (a streamed observe).

    Snapshots written before coverage existed get theirs from this on load, so the
    answer is the same for old and new files. A snapshot assembled in code with no
    source at all (the Python API) is judged by what it holds: see :func:`_held`.
    """
    if not sources:
        return _held(events, longhorn, metrics)
    out = _log_coverage(sources, events, hosts_of)
    out += _iscsiadm_coverage(sessions)
    failed_listings = [s for s in sources if s.kind is SourceKind.ISCSIADM and s.state is not SourceState.OK]
    out += [Coverage(EvidenceKind.ISCSIADM, None, _state(s), s.error, (s.location,)) for s in failed_listings]
    out += _longhorn_coverage(sources, longhorn)
    if any(s.kind is SourceKind.KUBERNETES for s in sources):
        if not any(c.kind is EvidenceKind.ENGINES for c in out):  # older snapshots
            out.append(Coverage(EvidenceKind.ENGINES, None, CoverageState.NONE,
                                "Engine objects were not listed from the API"))
    out += _metric_coverage(sources, metrics)
    order = list(EvidenceKind)
    return tuple(sorted(out, key=lambda c: (order.index(c.kind), c.scope is None, c.scope or "")))


def coverage_line(coverage: Sequence[Coverage]) -> str:
    """One line: what was and was not seen, e.g.
    ``coverage: events altra (full); iscsiadm none; volumes full, nodes none, ...``."""
    parts: list[str] = []
    for kind in EvidenceKind:
        entries = [c for c in coverage if c.kind is kind]
        if kind in (EvidenceKind.EVENTS, EvidenceKind.ISCSIADM):
            if not entries:
                parts.append(f"{kind.value} none")
                continue
            scopes = sorted({c.scope for c in entries}, key=lambda s: (s is None, s or ""))
            shown = [f"{s or 'unknown host'} {combine([c for c in entries if c.scope == s], kind, s).state.value}"
                     for s in scopes]
            parts.append(f"{kind.value} " + ", ".join(shown))
        elif kind is EvidenceKind.METRICS:
            if not entries:
                parts.append("metrics none")
                continue
            full = sum(c.state is CoverageState.FULL for c in entries)
            parts.append(f"metrics {full} of {len(entries)} series")
        else:
            parts.append(f"{kind.value} {combine(entries, kind, None).state.value}")
    return "coverage: " + "; ".join(parts)
