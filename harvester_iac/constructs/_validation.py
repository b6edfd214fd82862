"""Findings that constructs register as cdktf validations, so ``cdktf synth`` fails on them too.

A construct hands ``add_findings_validation`` a function that returns ``Finding``s (the
one type of ``harvester_iac.core``, the policy's own). cdktf
calls the validation during synth (``Node.add_validation``) and fails on the messages of
blocking findings; ``harvester-iac synth`` asks the same registered validations first,
through ``findings_of``, to print every finding and exit 1 before writing anything.
Each function runs at most once per stack.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator

from harvester_iac._terraform_version import VersionProbe, probe_version, terraform_binary
from harvester_iac.cdk import Construct, implements_validation
from harvester_iac.constructs.providers._base import child_path
from harvester_iac.core import Finding, Severity

__all__ = [
    "FindingsValidation",
    "TerraformVersionCheck",
    "add_findings_validation",
    "findings_of",
    "require_terraform_for_imports",
    "skip_terraform_check",
    "start_terraform_check",
]


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
    """Register ``produce`` on ``scope`` as a cdktf validation; returns it for ``findings_of``.

    With ``fail_on=None`` the validation can never fail, so cdktf is not handed it (that
    would cost four Node.js round trips and a callback for an empty answer); its findings
    are still reported through ``findings_of``.
    """
    validation = FindingsValidation(produce, fail_on=fail_on)
    if fail_on is not None:
        scope.node.add_validation(validation)
    registry, _ = child_path(scope, "validation")
    registry.validations.append(validation)
    return validation


def findings_of(scope: Construct) -> tuple[Finding, ...]:
    """Every finding of the validations registered in ``scope``'s stack, in registration order."""
    registry, _ = child_path(scope, "validation")
    return tuple(f for v in registry.validations for f in v.findings)


_TERRAFORM_CHECK = "terraform-version"


class TerraformVersionCheck:
    """Whether the Terraform (or OpenTofu) on this machine reads ``import`` blocks (>= 1.5).

    ``<binary> version`` starts when the first import block is declared, so it runs while
    the rest of the stack is composed; ``findings`` waits for it. ``harvester-iac synth``
    runs the probe earlier, in its worker, and hands the finished ``probe`` in (used when
    it asked the same binary). The binary is ``TERRAFORM_BINARY_NAME`` (``tofu`` for
    OpenTofu), as for cdktf. A machine without it (a synth-only CI job) gets an
    informational finding, not a failed synth: Terraform itself refuses import blocks it
    cannot read when it plans.
    """

    MINIMUM = (1, 5)

    def __init__(self, probe: VersionProbe | None = None) -> None:
        self.binary = terraform_binary()
        self._probe = probe if probe is not None and probe.binary == self.binary else None
        self._thread: threading.Thread | None = None
        if self._probe is None:
            self._thread = threading.Thread(target=self._run, name="terraform-version", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        self._probe = probe_version(self.binary)

    def _result(self) -> VersionProbe:
        if self._thread is not None:
            self._thread.join()
        assert self._probe is not None
        return self._probe

    def findings(self) -> Iterator[Finding]:
        probe = self._result()
        source = "terraform-version"
        if probe.output is None:
            reason = probe.error or f"{self.binary} is not on PATH"
            yield Finding(severity=Severity.INFO, rule=source, message=(
                f"import blocks need Terraform or OpenTofu >= 1.5; not checked here ({reason})"))
            return
        m = re.search(r"(\d+)\.(\d+)\.(\d+)", probe.output)
        if m is None:
            yield Finding(severity=Severity.WARNING, rule=source, message=(
                f"could not read the version of {self.binary} from `{self.binary} version`"))
        elif (int(m.group(1)), int(m.group(2))) < self.MINIMUM:
            yield Finding(severity=Severity.ERROR, rule=source, message=(
                f"{self.binary} {m.group(0)} cannot read import blocks (adopting the existing "
                "Longhorn Node); use Terraform or OpenTofu >= 1.5"))


def start_terraform_check(scope: Construct, probe: VersionProbe | None = None) -> TerraformVersionCheck | None:
    """Start the ``TerraformVersionCheck`` of ``scope``'s stack, once (with ``probe``, an
    already finished one); ``None`` when it was already started (or switched off). The
    caller reports its findings."""
    registry, _ = child_path(scope, "validation")
    if _TERRAFORM_CHECK in registry.singletons:
        return None
    check = TerraformVersionCheck(probe)
    registry.singletons[_TERRAFORM_CHECK] = check
    return check


def require_terraform_for_imports(scope: Construct) -> None:
    """Register (once per stack) the ``TerraformVersionCheck`` that import blocks need."""
    check = start_terraform_check(scope)
    if check is None:
        return
    registry, _ = child_path(scope, "validation")
    stack = registry.stack
    add_findings_validation(stack if stack is not None else scope, check.findings)


def skip_terraform_check(scope: Construct) -> None:
    """Never run ``TerraformVersionCheck`` in ``scope``'s stack (validation switched off)."""
    registry, _ = child_path(scope, "validation")
    registry.singletons.setdefault(_TERRAFORM_CHECK, None)
