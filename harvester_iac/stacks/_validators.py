"""The validation hook of ``HarvesterStack``: functions of the inventory that return findings.

A validator takes a ``ValidationContext`` and returns ``Finding``s (``harvester_iac.core``,
the policy's own type, evidence included) or plain ``(severity, message)`` pairs.
``admission_validator`` (Longhorn's admission rules, from the model) is
available on its own; ``policy_validator`` (the whole policy gate of
``harvester-iac validate``, admission rules included) is wired by default, so
``cdktf synth`` and ``harvester-iac synth`` fail on exactly what the CI gate fails on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harvester_iac.core import ConstructError, Finding, ResourceKind, Severity
from harvester_iac.model import Inventory, admission_problems

if TYPE_CHECKING:
    from harvester_iac.policy import ValidationReport

__all__ = [
    "DEFAULT_VALIDATORS",
    "ValidationContext",
    "Validator",
    "admission_validator",
    "findings_validator",
    "policy_validator",
    "report_validator",
    "run_validators",
]


@dataclass(frozen=True, kw_only=True)
class ValidationContext:
    """What a validator may look at."""

    inventory: Inventory
    #: The stack being validated and the hosts it deploys (a subset for multi-cluster sites).
    stack_name: str
    hosts: tuple[str, ...]
    #: ``--observed`` health snapshot (``HARVESTER_IAC_OBSERVED`` for ``cdktf synth``), if any.
    observed: Path | None = None


Validator = Callable[[ValidationContext], Iterable[Finding | tuple[str, str]]]


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join(f"/{p}" for p in path)


def admission_validator(ctx: ValidationContext) -> Iterator[Finding]:
    """Longhorn admission-webhook rules the rendered manifests would break (errors)."""
    inv = ctx.inventory
    for p in admission_problems(inv):
        if p.path[:1] == ("hosts",) and len(p.path) > 1 and isinstance(p.path[1], int):
            if inv.hosts[p.path[1]].name not in ctx.hosts:
                continue
        text = f"{inv.source} ({_pointer(p.path)}): {p.message}"
        if p.expected and "expected" not in p.message:
            text += f"; expected {p.expected}"
        if p.hint:
            text += f" ({p.hint})"
        yield Finding(severity=Severity.ERROR, message=text, rule="admission")


def policy_validator(ctx: ValidationContext) -> Iterator[Finding]:
    """The policy gate's findings for this stack's hosts (errors block synth)."""
    from harvester_iac.policy import load_observed, validate

    observed = load_observed(ctx.observed) if ctx.observed is not None else None
    yield from report_validator(validate(ctx.inventory, observed=observed))(ctx)


def report_validator(report: ValidationReport) -> Callable[[ValidationContext], Iterator[Finding]]:
    """A validator that reports an already computed policy report."""
    from harvester_iac.policy import open_findings

    return findings_validator(open_findings(report))


def findings_validator(findings: Iterable[Finding]) -> Callable[[ValidationContext], Iterator[Finding]]:
    """A validator for policy findings computed elsewhere (``harvester-iac synth`` runs the
    gate in a worker process while Node.js starts and hands the findings in, evidence kept).

    The rules judge the whole site (a quorum spans hosts); in a site split into several
    stacks, a stack reports the findings that name one of its hosts, or no host at all.
    """
    kept = tuple(findings)

    def reported(ctx: ValidationContext) -> Iterator[Finding]:
        single = len(ctx.inventory.hosts) == len(ctx.hosts)
        for finding in kept:
            hosts = {r.name for r in finding.resources if r.kind is ResourceKind.HOST}
            if not single and hosts and not hosts & set(ctx.hosts):
                continue
            yield finding

    reported.__name__ = "policy_validator"
    return reported


DEFAULT_VALIDATORS: tuple[Validator, ...] = (policy_validator,)


def run_validators(validators: Iterable[Validator], ctx: ValidationContext) -> Iterator[Finding]:
    """Every validator's findings, pairs turned into ``Finding`` (source: the validator's name)."""
    for validator in validators:
        name = getattr(validator, "__name__", type(validator).__name__)
        for item in validator(ctx):
            if isinstance(item, Finding):
                yield item
                continue
            severity, message = item
            try:
                level = Severity(str(severity).lower())
            except ValueError:
                raise ConstructError(
                    f"validator {name} returned severity {severity!r}; expected one of "
                    "info, warning, error") from None
            yield Finding(severity=level, message=str(message), rule=name)
