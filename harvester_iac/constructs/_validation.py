"""Findings that constructs register as cdktf validations, so ``cdktf synth`` fails on them too.

A construct hands ``add_findings_validation`` a function that returns ``Finding``s. cdktf
calls the validation during synth (``Node.add_validation``) and fails on the messages of
blocking findings; ``harvester-iac synth`` asks the same registered validations first,
through ``findings_of``, to print every finding and exit 1 before writing anything.
Each function runs at most once per stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from harvester_iac.cdk import Construct, implements_validation
from harvester_iac.constructs.providers._base import child_path

__all__ = [
    "Finding",
    "FindingsValidation",
    "Severity",
    "add_findings_validation",
    "findings_of",
]


class Severity(StrEnum):
    """How much a finding matters; ``blocks`` compares against a ``fail_on`` threshold."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return (Severity.INFO, Severity.WARNING, Severity.ERROR).index(self)

    def blocks(self, fail_on: Severity | None) -> bool:
        """Whether a finding of this severity fails synth; ``None`` never fails."""
        return fail_on is not None and self.rank >= fail_on.rank


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One validation result: what is wrong (or notable), where, and how much it matters."""

    severity: Severity
    message: str
    #: Who said so: a construct path, ``admission`` or a policy rule id.
    source: str = ""

    def __str__(self) -> str:
        where = f"[{self.source}] " if self.source else ""
        return f"{self.severity}: {where}{self.message}"


@implements_validation
class FindingsValidation:
    """A ``constructs.IValidation`` whose errors are the blocking findings of ``produce``."""

    def __init__(self, produce: Callable[[], Iterable[Finding]], *,
                 fail_on: Severity | None = Severity.ERROR) -> None:
        self._produce = produce
        self._fail_on = fail_on
        self._findings: tuple[Finding, ...] | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        if self._findings is None:
            self._findings = tuple(self._produce())
        return self._findings

    def validate(self) -> list[str]:
        """Called by cdktf during synth: the messages of blocking findings."""
        return [str(f) for f in self.findings if f.severity.blocks(self._fail_on)]


def add_findings_validation(
    scope: Construct,
    produce: Callable[[], Iterable[Finding]],
    *,
    fail_on: Severity | None = Severity.ERROR,
) -> FindingsValidation:
    """Register ``produce`` on ``scope`` as a cdktf validation; returns it for ``findings_of``."""
    validation = FindingsValidation(produce, fail_on=fail_on)
    scope.node.add_validation(validation)
    registry, _ = child_path(scope, "validation")
    registry.validations.append(validation)
    return validation


def findings_of(scope: Construct) -> tuple[Finding, ...]:
    """Every finding of the validations registered in ``scope``'s stack, in registration order."""
    registry, _ = child_path(scope, "validation")
    return tuple(f for v in registry.validations for f in v.findings)
