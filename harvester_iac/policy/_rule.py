"""The rule base class and the registry every rule joins at import.

A rule is one module under ``policy/rules/<area>/`` holding one ``Rule`` subclass and one
module-level instance; creating the instance registers it, so adding a file adds a rule
(checkov's pattern). Rules keep no state: ``evaluate`` reads the context and yields
findings as values.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from harvester_iac.core import Evidence, Finding, Resource, ResourceKind, RuleError, Severity, Unknown

if TYPE_CHECKING:
    from harvester_iac.policy._context import RuleContext

__all__ = [
    "NEED_TEXT",
    "Category",
    "Inspected",
    "Need",
    "Rule",
    "RuleError",
    "ValueRule",
    "all_rules",
    "get_rule",
    "import_submodules",
]


class Category(StrEnum):
    PLACEMENT = "placement"
    CAPACITY = "capacity"
    HEALTH = "health"
    ADMISSION = "admission"
    ETCD = "etcd"
    EVIDENCE = "evidence"
    GOVERNANCE = "governance"


class Need(StrEnum):
    """Evidence a rule needs to judge at all; without it the rule's result is ``unknown``.

    Apart from ``observed`` (any health evidence), each is an evidence kind of the
    snapshot's coverage (``observe.EvidenceKind``) and a name ``--require`` accepts.
    """

    OBSERVED = "observed"    # any health evidence (snapshot or scanned logs)
    EVENTS = "events"        # log events of the hosts / masters concerned
    ISCSIADM = "iscsiadm"    # the iscsiadm session map
    NODES = "nodes"          # Longhorn Node objects
    VOLUMES = "volumes"      # Longhorn Volume objects
    REPLICAS = "replicas"    # Longhorn Replica objects
    METRICS = "metrics"      # Prometheus series


NEED_TEXT: dict[Need, str] = {
    Need.OBSERVED: "any health evidence (--observed SNAPSHOT.json or --logs DIR)",
    Need.EVENTS: "the logs (iscsid, kernel, etcd) of the hosts and masters it judges",
    Need.ISCSIADM: "the iscsiadm session map of the hosts it judges",
    Need.NODES: "Longhorn Node objects",
    Need.VOLUMES: "Longhorn Volume objects",
    Need.REPLICAS: "Longhorn Replica objects",
    Need.METRICS: "Prometheus series",
}
_ORDER = list(Need)


class Rule:
    """Base of every rule. Subclasses set the class attributes and override ``evaluate``.

    ``title`` states the desired outcome ("etcd quorum does not share one disk");
    ``why`` says what goes wrong otherwise; ``fix`` says what to change in the inventory.
    ``severity`` is the most a finding of this rule is (some findings are milder).
    """

    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    category: ClassVar[Category]
    applies_to: ClassVar[ResourceKind]
    why: ClassVar[str]
    fix: ClassVar[str]
    needs: ClassVar[frozenset[Need]] = frozenset()
    #: When this rule reports a subject ``unknown`` (for docs/rules.md); empty: never.
    unknown_when: ClassVar[str] = ""

    def __init__(self) -> None:
        for attr in ("id", "title", "severity", "category", "applies_to", "why", "fix"):
            if not hasattr(self, attr):
                raise RuleError(f"{type(self).__name__} has no {attr}")
        _register(self)

    # -- what subclasses provide ----------------------------------------------------------

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        """Yield the findings, and an :class:`Unknown` for each subject it cannot judge;
        yield nothing when every subject passes."""
        raise RuleError(f"{type(self).__name__} does not override evaluate()")

    def unknown_reason(self, ctx: RuleContext) -> str | None:
        """Why this rule cannot judge this run at all, or ``None`` when it can.

        A need is missing when its evidence was not observed at all; evidence observed in
        part lets the rule judge what it covers and report the rest as :class:`Unknown`.
        """
        for need in sorted(self.needs, key=_ORDER.index):
            missing = ctx.missing(need)
            if missing is not None:
                return missing
        return None

    def missing_needs(self, ctx: RuleContext) -> tuple[str, ...]:
        """The needs (as evidence kind names) this run lacks entirely."""
        return tuple(n.value for n in sorted(self.needs, key=_ORDER.index)
                     if ctx.missing(n) is not None)

    def subjects(self, ctx: RuleContext) -> tuple[Resource, ...]:
        """The resources this rule examined (one JUnit test case each)."""
        return ctx.resources(self.applies_to)

    # -- helpers ---------------------------------------------------------------------------

    def unknown(self, resource: Resource, reason: str, *, needs: Iterable[Need | str] = (),
                evidence: Iterable[Evidence] = ()) -> Unknown:
        """A subject this rule cannot judge, with the reason and the missing evidence kinds."""
        return Unknown(rule=self.id, resource=resource, reason=reason,
                       needs=tuple(str(n) for n in needs), evidence=tuple(evidence))

    def finding(
        self,
        *,
        resources: Iterable[Resource],
        message: str,
        evidence: Iterable[Evidence] = (),
        severity: Severity | None = None,
        fix: str | None = None,
        key: str = "",
    ) -> Finding:
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            title=self.title,
            message=message,
            why=self.why,
            fix=fix or self.fix,
            resources=tuple(resources),
            evidence=tuple(dict.fromkeys(evidence)),
            key=key,
        )


@dataclass(frozen=True, slots=True)
class Inspected:
    """One subject's inspected value, with the evidence of where it was read."""

    resource: Resource
    value: object
    evidence: tuple[Evidence, ...] = ()
    key: str = ""
    #: Resources a finding names after ``resource`` (the master a volume belongs to, say).
    also: tuple[Resource, ...] = ()


class ValueRule(Rule):
    """One attribute of each subject against one condition (Checkov's value checks).

    A subclass names the attribute (``inspected_key``), lists each subject's value
    (``inspect``), says when a value passes (``passes``) and what a failing one means
    (``problem``, and ``severity_of`` when some failures are milder); ``evaluate`` is
    written once, here. A subject whose value cannot be read is an :class:`Unknown`, from
    ``unjudged`` or yielded by ``inspect`` in its place.
    """

    inspected_key: ClassVar[str]

    def inspect(self, ctx: RuleContext) -> Iterable[Inspected | Unknown]:
        raise RuleError(f"{type(self).__name__} does not override inspect()")

    def passes(self, value: object, ctx: RuleContext) -> bool:
        raise RuleError(f"{type(self).__name__} does not override passes()")

    def problem(self, item: Inspected, ctx: RuleContext) -> str:
        return f"{item.resource}: {self.inspected_key} is {item.value}"

    def severity_of(self, item: Inspected, ctx: RuleContext) -> Severity | None:
        """The severity of this failing value; ``None`` (the default): the rule's."""
        return None

    def unjudged(self, ctx: RuleContext) -> Iterable[Unknown]:
        """Subjects ``inspect`` has no value for, as unknowns (default: none)."""
        return ()

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding | Unknown]:
        yield from self.unjudged(ctx)
        for item in self.inspect(ctx):
            if isinstance(item, Unknown):
                yield item
            elif not self.passes(item.value, ctx):
                yield self.finding(resources=[item.resource, *item.also],
                                   message=self.problem(item, ctx), evidence=item.evidence,
                                   severity=self.severity_of(item, ctx),
                                   key=item.key or item.resource.name)


_REGISTRY: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    known = _REGISTRY.get(rule.id)
    if known is not None and type(known) is not type(rule):
        raise RuleError(
            f"rule id {rule.id} is used by both {type(known).__qualname__} "
            f"and {type(rule).__qualname__}"
        )
    _REGISTRY[rule.id] = rule


def import_submodules(package: str, path: Iterable[str]) -> None:
    """Import every module and sub-package of ``package``: how rule files register."""
    for info in sorted(pkgutil.iter_modules(list(path)), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package}.{info.name}")


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, by id (importing the shipped rules first)."""
    importlib.import_module("harvester_iac.policy.rules")
    return tuple(_REGISTRY[k] for k in sorted(_REGISTRY))


def get_rule(rule_id: str) -> Rule | None:
    importlib.import_module("harvester_iac.policy.rules")
    return _REGISTRY.get(rule_id)


