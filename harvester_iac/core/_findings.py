"""Findings: what a rule or a construct says about named resources, with the evidence.

One vocabulary for the policy rules, the reports, the constructs' validations and the
stacks: ``cdktf synth`` prints the same findings, evidence included, that ``validate``
reports. A finding is a value (frozen), never a mutation of the rule that made it, so
rules stay stateless and a report can be rendered in any format from the same findings.
Its ``fingerprint`` names the problem, not its wording: rule id, severity, the resources
and a rule-chosen ``key``. Numbers in the message may change between runs without
breaking a baseline; a finding that escalates from warning to error is a new finding.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Evidence",
    "Finding",
    "Observation",
    "Resource",
    "ResourceKind",
    "Severity",
    "SourceRef",
    "Status",
    "Unknown",
]


class Severity(StrEnum):
    """How much a finding matters; ``--fail-on`` compares against :attr:`rank`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank

    def blocks(self, fail_on: Severity | None) -> bool:
        """Whether a finding of this severity fails synth; ``None`` never fails."""
        return fail_on is not None and self.at_least(fail_on)


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Status(StrEnum):
    """A rule's verdict on a run: ``unknown`` means it could not judge, not that all is well."""

    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"


class ResourceKind(StrEnum):
    """What a finding can name."""

    SITE = "site"
    HOST = "host"
    DISK = "disk"
    STORAGE_CLASS = "storageclass"
    MASTER = "master"
    VOLUME = "volume"
    SNAPSHOT = "snapshot"
    WAIVER = "waiver"


@dataclass(frozen=True, order=True, slots=True)
class Resource:
    """A named thing: ``disk/altra/default-disk``, ``volume/kube-master-00/root``."""

    kind: ResourceKind
    name: str

    @property
    def id(self) -> str:
        return f"{self.kind.value}/{self.name}"

    def __str__(self) -> str:
        return self.id

    @staticmethod
    def parse(text: str) -> Resource:
        """Read ``kind/name``; raise ``ValueError`` for an unknown kind."""
        kind, _, name = text.partition("/")
        return Resource(ResourceKind(kind), name)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A place in a file: an inventory value (with its JSON pointer) or a log line."""

    file: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    text: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.pointer:
            where += f" ({self.pointer})"
        return where


@dataclass(frozen=True, slots=True)
class Observation:
    """An observed or computed value the verdict rests on (``placement`` → ``simulated``)."""

    name: str
    value: str

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


Evidence = SourceRef | Observation


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One problem a rule found, with why it matters, how to fix it and the evidence.

    ``rule`` says who found it: a policy rule id, ``admission``, or the path of the
    construct that validated its props (whose findings carry no title, why or resources).
    """

    rule: str
    severity: Severity
    message: str
    title: str = ""
    why: str = ""
    fix: str = ""
    resources: tuple[Resource, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    key: str = ""
    fingerprint: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", fingerprint_of(self))

    @property
    def location(self) -> SourceRef | None:
        """The first evidence that points into a file with a line: where to annotate."""
        refs = [e for e in self.evidence if isinstance(e, SourceRef)]
        with_line = [r for r in refs if r.line is not None]
        best = with_line or refs
        return best[0] if best else None

    def __str__(self) -> str:
        """One line: ``error: [HIAC-PLACEMENT-001] message (file:line). Fix: fix``."""
        who = f"[{self.rule}] " if self.rule else ""
        where = f" ({self.location})" if self.location is not None else ""
        fix = f". Fix: {self.fix}" if self.fix else ""
        return f"{self.severity}: {who}{self.message}{where}{fix}"


def fingerprint_of(f: Finding) -> str:
    parts = [f.rule, f.severity.value, *sorted(r.id for r in f.resources), f.key]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True, kw_only=True)
class Unknown:
    """A subject a rule could not judge, and why: the evidence it needs was not observed
    (or only in part). Never a pass; with ``--require-observed`` (or ``--require`` naming
    one of ``needs``) it becomes an error finding.

    ``needs`` holds the evidence kinds missing (``EvidenceKind`` values: ``events``,
    ``replicas``, ...); ``evidence`` what was seen instead, if anything.
    """

    rule: str
    resource: Resource
    reason: str
    needs: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
