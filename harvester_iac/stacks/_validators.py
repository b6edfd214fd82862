"""The validation hook of ``HarvesterStack``: functions of the inventory that return findings.

A validator takes a ``ValidationContext`` and returns ``Finding``s or plain
``(severity, message)`` pairs, so a policy engine can plug in without importing
construct types. ``admission_validator`` (Longhorn's admission rules, from the model) is
available on its own; ``policy_validator`` (the whole policy gate of
``harvester-iac validate``, admission rules included) is wired by default, so
``cdktf synth`` and ``harvester-iac synth`` fail on exactly what the CI gate fails on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harvester_iac.constructs import Finding, Severity
from harvester_iac.errors import ConstructError
from harvester_iac.model import Inventory, admission_problems

if TYPE_CHECKING:
    from harvester_iac.policy import ValidationReport

#: (severity, rule id, text, hosts): ``harvester_iac.policy.GateLine``, restated here so the
#: stack needs no policy import to read lines computed in another process.
GateLine = tuple[str, str, str, tuple[str, ...]]

__all__ = [
    "DEFAULT_VALIDATORS",
    "ValidationContext",
    "Validator",
    "admission_validator",
    "lines_validator",
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
        yield Finding(severity=Severity.ERROR, message=text, source="admission")


def policy_validator(ctx: ValidationContext) -> Iterator[Finding]:
    """The policy gate's findings for this stack's hosts (errors block synth)."""
    from harvester_iac.policy import load_observed, validate

    observed = load_observed(ctx.observed) if ctx.observed is not None else None
    yield from report_validator(validate(ctx.inventory, observed=observed))(ctx)


def report_validator(report: ValidationReport) -> Callable[[ValidationContext], Iterator[Finding]]:
    """A validator that reports an already computed policy report."""
    from harvester_iac.policy import gate_lines

    return lines_validator(gate_lines(report))


def lines_validator(lines: Iterable[GateLine]) -> Callable[[ValidationContext], Iterator[Finding]]:
    """A validator for policy findings computed elsewhere (``harvester-iac synth`` runs the
    gate in a worker process while Node.js starts and hands the lines in).

    The rules judge the whole site (a quorum spans hosts); in a site split into several
    stacks, a stack reports the findings that name one of its hosts, or no host at all.
    """
    kept = tuple(lines)

    def reported(ctx: ValidationContext) -> Iterator[Finding]:
        single = len(ctx.inventory.hosts) == len(ctx.hosts)
        for severity, rule, text, hosts in kept:
            if not single and hosts and not set(hosts) & set(ctx.hosts):
                continue
            yield Finding(severity=Severity(severity), source=rule, message=text)

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
                    f"{', '.join(s.value for s in Severity)}") from None
            yield Finding(severity=level, message=str(message), source=name)
