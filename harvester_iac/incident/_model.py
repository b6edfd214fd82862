"""The incident report as plain typed data: episodes, the chain, what stays outside it.

Everything the renderers (Markdown, JSON, HTML, the chart) print comes from these frozen
dataclasses; nothing downstream re-reads logs. Times are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = [
    "ChainRow",
    "ChainStop",
    "Cite",
    "Episode",
    "FixChange",
    "FixPlan",
    "IncidentReport",
    "KindCount",
    "Link",
    "MasterRef",
    "Phase",
    "SourceBurst",
    "SourceLine",
    "SymptomGroup",
    "TimelineEvent",
    "Unexplained",
]


class Phase(StrEnum):
    """What a storage episode was, from the kinds of its events (wire strings)."""

    TARGET_SHUTDOWN = "target_shutdown"
    NOP_FLAP_RECOVERED = "nop_flap_recovered"
    CONNECTION_LOSS = "connection_loss"
    IO_ERRORS = "io_errors"
    LOGIN_FAILURES = "login_failures"


@dataclass(frozen=True, slots=True)
class Cite:
    """One line of evidence: ``file:line`` and the text there (raw log line or object)."""

    file: str
    line: int | None
    text: str = ""

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class KindCount:
    """Occurrences of one event kind (rsyslog repeats counted)."""

    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class SourceBurst:
    """The lines of one program (``iscsid``, ``kernel``) within an episode."""

    source: str
    start: datetime
    end: datetime
    kinds: tuple[KindCount, ...]
    devices: tuple[str, ...]
    connections: int
    first: Cite


@dataclass(frozen=True, slots=True)
class Episode:
    """A burst of storage trouble on one host: trouble events no further apart than the gap.

    ``devices`` are whole disks (partitions folded); ``partitions_seen`` the partition
    names the lines used (``sdo16``). ``recovered_utc`` is the last recovery line
    (``operational after recovery``, ``operational now``) within the gap after the end.
    """

    index: int
    host: str
    phase: Phase
    start: datetime
    end: datetime
    devices: tuple[str, ...]
    sessions: tuple[str, ...]
    volumes: tuple[str, ...]
    partitions_seen: tuple[str, ...]
    kinds: tuple[KindCount, ...]
    recovered: datetime | None
    first: Cite
    last: Cite
    bursts: tuple[SourceBurst, ...] = ()


@dataclass(frozen=True, slots=True)
class MasterRef:
    """A control-plane member: its inventory name, address and the log hosts that are it."""

    name: str
    address: str | None
    host: str | None
    log_hosts: tuple[str, ...]
    root_volume: str | None
    in_inventory: bool


@dataclass(frozen=True, slots=True)
class Link:
    """One step of a chain row (``device → session``) and the line that shows it."""

    step: str
    value: str
    cite: Cite | None
    how: str = ""


@dataclass(frozen=True, slots=True)
class ChainStop:
    """Where a chain row stops, and what evidence would let it go on."""

    after: str
    missing: str


@dataclass(frozen=True, slots=True)
class SymptomGroup:
    """etcd warnings of one master in one burst (warnings no further apart than a minute)."""

    master: str
    start: datetime
    end: datetime
    kinds: tuple[KindCount, ...]
    first: Cite
    max_took_ms: float | None


@dataclass(frozen=True, slots=True)
class ChainRow:
    """Storage episode on ``host`` → device → session/IQN → volume → PVC → VM → master → etcd.

    One row per failed device (or per volume the logs name without a device). ``pvc`` and
    ``vm`` are ``namespace/name``; ``master`` is ``None`` for a VM that is no master.
    ``episodes`` are the indexes of the episodes that touched it; ``etcd`` the symptom
    groups on the master within the lag window of one of them; ``blamed`` the causal links,
    ``(episode index, index in etcd)``: which episode's window caught which burst.
    """

    host: str
    device: str | None
    partitions: tuple[str, ...]
    session: str | None
    iqn: str | None
    volume: str | None
    pvc: str | None
    vm: str | None
    master: str | None
    episodes: tuple[int, ...]
    etcd: tuple[SymptomGroup, ...]
    links: tuple[Link, ...]
    stop: ChainStop | None
    blamed: tuple[tuple[int, int], ...] = ()

    @property
    def etcd_first(self) -> datetime | None:
        return min((g.start for g in self.etcd), default=None)

    @property
    def etcd_last(self) -> datetime | None:
        return max((g.end for g in self.etcd), default=None)

    @property
    def etcd_kinds(self) -> tuple[str, ...]:
        return tuple(sorted({k.kind for g in self.etcd for k in g.kinds}))


@dataclass(frozen=True, slots=True)
class Unexplained:
    """etcd warnings of one kind in one burst on a master with no storage cause in the lag."""

    master: str
    time: datetime
    kind: str
    count: int
    last: datetime
    first: Cite
    note: str


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One matched line on the timeline: its lane (storage host or master), kind and source."""

    time: datetime
    lane: str
    kind: str
    source: str
    device: str | None
    volume: str | None
    cite: Cite


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One input as read: a log file, an iscsiadm listing, Longhorn objects, the inventory."""

    kind: str
    location: str
    state: str
    detail: str


@dataclass(frozen=True, slots=True)
class FixChange:
    """One step of the fix: what the inventory declares that the evidence shows missing.

    ``kind`` is ``disk`` (a Longhorn disk the Node does not have yet) or ``storage_class``
    (a class giving the hit root volumes more replicas than they have); ``title`` heads the
    step, ``details`` say what changes, ``manifest`` is the rendered file carrying it
    (path in the templates directory, YAML) when ``render`` writes one. A class applies to
    new volumes only: ``volumes`` are the existing ones whose replica count must be raised to
    ``replicas`` on the Longhorn Volume.
    """

    kind: str
    title: str
    details: tuple[str, ...]
    manifest: tuple[str, str] | None
    volumes: tuple[str, ...] = ()
    replicas: int | None = None


@dataclass(frozen=True, slots=True)
class FixPlan:
    """The inventory's answer to the incident and what the gate says about it.

    ``gate_passed``/``gate_lines``: the policy gate on that inventory with this incident's
    evidence; ``proposals``: the blocking findings' fixes when it does not pass.
    """

    inventory: str
    changes: tuple[FixChange, ...]
    gate_passed: bool
    gate_lines: tuple[str, ...]
    proposals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IncidentReport:
    """Everything ``harvester-iac incident`` found, ready to render.

    ``unaffected`` masters had logs read and neither a hit volume nor an etcd warning;
    ``not_observed`` masters had neither, and no log of theirs was read: nothing is claimed.
    """

    site: str
    inventory: str
    timezone: str
    lag: timedelta
    gap: timedelta
    generated_at: datetime
    window_start: datetime | None
    window_end: datetime | None
    storage_hosts: tuple[str, ...]
    masters: tuple[MasterRef, ...]
    episodes: tuple[Episode, ...]
    chain: tuple[ChainRow, ...]
    symptoms: tuple[SymptomGroup, ...]
    unaffected: tuple[str, ...]
    unexplained: tuple[Unexplained, ...]
    event_counts: tuple[tuple[str, tuple[KindCount, ...]], ...]
    sources: tuple[SourceLine, ...]
    notes: tuple[str, ...]
    fix: FixPlan | None
    timeline: tuple[TimelineEvent, ...] = ()
    site_hosts: tuple[str, ...] = ()
    not_observed: tuple[str, ...] = ()

    @property
    def hosts_with_episode(self) -> tuple[str, ...]:
        return tuple(sorted({e.host for e in self.episodes}))

    @property
    def masters_in_chain(self) -> tuple[str, ...]:
        return tuple(sorted({r.master for r in self.chain if r.master is not None}))

    @property
    def stalled_masters(self) -> tuple[str, ...]:
        return tuple(sorted({r.master for r in self.chain if r.master is not None and r.etcd}))
