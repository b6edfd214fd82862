"""The CDKTF app of an inventory, shared by ``main.py`` (``cdktf synth``) and ``harvester-iac synth``.

Both build the same ``App`` with the same stacks, so both write the same bytes. The
order is always: compose (bad props: ``ConstructError``), evaluate the registered
validations in Python (so every finding is printed and a blocking one stops synth before
anything is written), then let cdktf synthesize (it asks the same validations again and
gets the cached answers).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harvester_iac._terraform_version import VersionProbe
from harvester_iac.cdk import App, JSIIError
from harvester_iac.constructs import Finding, Severity
from harvester_iac.core import ConstructError, InputError, SynthBlocked
from harvester_iac.model import Inventory, default_inventory, load_inventory
from harvester_iac.stacks._output import Staging
from harvester_iac.stacks._stack import HarvesterStack, HarvesterStackProps, cluster_stacks
from harvester_iac.stacks._validators import DEFAULT_VALIDATORS, Validator

if TYPE_CHECKING:
    from harvester_iac.render import WriteReport

__all__ = [
    "ENV_INVENTORY",
    "ENV_OBSERVED",
    "ENV_TEMPLATES_DIR",
    "SynthBlocked",
    "SynthResult",
    "app_main",
    "build_app",
    "synth_to",
]

#: Environment of ``main.py`` (``cdktf synth`` passes no arguments to the app).
ENV_INVENTORY = "HARVESTER_IAC_INVENTORY"
ENV_OBSERVED = "HARVESTER_IAC_OBSERVED"
ENV_TEMPLATES_DIR = "HARVESTER_IAC_TEMPLATES_DIR"


@dataclass(frozen=True, kw_only=True)
class SynthResult:
    """What a synth wrote: the output directory, per stack its ``cdk.tf.json``, all findings,
    what it cleaned up and the templates report (with ``templates_dir``)."""

    outdir: Path
    stacks: Mapping[str, Path]
    findings: tuple[Finding, ...]
    #: Files of an earlier synth removed, and files in their folders left alone (relative to ``outdir``).
    removed: tuple[str, ...] = ()
    left_alone: tuple[str, ...] = ()
    templates: WriteReport | None = None


def build_app(
    inventory: Inventory,
    *,
    outdir: str | None = None,
    validators: tuple[Validator, ...] = DEFAULT_VALIDATORS,
    observed: Path | None = None,
    fail_on: Severity | None = Severity.ERROR,
    skip_validation: bool = False,
    terraform_probe: VersionProbe | None = None,
) -> tuple[App, tuple[HarvesterStack, ...]]:
    """An ``App`` with one ``HarvesterStack`` per cluster of ``inventory``.

    ``outdir`` defaults to cdktf's own choice (``CDKTF_OUTDIR``, else ``cdktf.out``).
    ``terraform_probe`` is a finished ``terraform version`` for the import-block check
    (``HarvesterStackProps.terraform_probe``).
    """
    groups = cluster_stacks(inventory)
    if len(groups) > 1:
        unpinned = [v.name for v in inventory.vms if v.host is None]
        if unpinned:
            raise ConstructError(
                f"inventory {inventory.name} spans {len(groups)} clusters, so VM "
                f"{unpinned[0]!r} must name its host (which cluster would run it?)")
    app = App(outdir=outdir, skip_validation=skip_validation) if outdir else App(
        skip_validation=skip_validation)
    stacks = tuple(
        HarvesterStack(app, name, props=HarvesterStackProps(
            inventory=inventory, hosts=hosts, include_unpinned_vms=len(groups) == 1,
            validators=validators, observed=observed, fail_on=fail_on, validate=not skip_validation,
            terraform_probe=terraform_probe))
        for name, hosts in groups)
    return app, stacks


def _blocking(findings: Iterable[Finding], fail_on: Severity | None) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity.blocks(fail_on))


def _synth(app: App) -> None:
    """``app.synth()``; a cdktf validation failure (JavaScript error) becomes ``SynthBlocked``.

    Our own findings were checked before; what can still fail here are validations cdktf
    registers itself, such as ``import`` blocks needing Terraform >= 1.5 on the PATH.
    """
    try:
        app.synth()
    except (JSIIError, RuntimeError) as exc:
        text = str(exc)
        if "Validation failed" in text:
            raise SynthBlocked((), detail=text.strip().removeprefix("Error: ")) from None
        raise


def synth_to(
    inventory: Inventory,
    out: str | os.PathLike[str],
    *,
    validators: tuple[Validator, ...] = DEFAULT_VALIDATORS,
    observed: Path | None = None,
    fail_on: Severity | None = Severity.ERROR,
    skip_validation: bool = False,
    templates_dir: str | os.PathLike[str] | None = None,
    terraform_probe: VersionProbe | None = None,
) -> SynthResult:
    """Synthesize ``inventory`` into ``out`` (``stacks/<stack>/cdk.tf.json`` + ``manifest.json``),
    and with ``templates_dir`` render its manifests there, all outputs of the run together.

    Raises ``SynthBlocked`` (nothing written) when a finding blocks, ``ConstructError`` for
    props that cannot be deployed, ``InputError`` when a file in ``templates_dir`` is in
    the way (nothing written either). Both outputs are staged first (Terraform JSON in a
    folder beside ``out``, templates as temporary files beside theirs); only when both are
    complete are they moved into place, file by file with ``os.replace``. Other files under
    ``out`` (``.terraform/``, state) are left alone; files an earlier synth wrote and this
    one does not (stacks of a previous inventory) are removed while unchanged (see
    ``_output``).
    """
    staging = Staging(out)
    plan = None
    try:
        app, stacks = build_app(inventory, outdir=str(staging.path), validators=validators,
                                observed=observed, fail_on=fail_on, skip_validation=skip_validation,
                                terraform_probe=terraform_probe)
        findings = tuple(f for s in stacks for f in s.findings)
        blocking = _blocking(findings, fail_on)
        if blocking:
            raise SynthBlocked(findings)
        if templates_dir is not None:
            from harvester_iac.render import plan_templates, render_inventory

            plan = plan_templates(render_inventory(inventory), templates_dir)
        _synth(app)
        staging.prepare()
        landed = staging.commit()
        report = plan.commit() if plan is not None else None
    finally:
        if plan is not None:
            plan.discard()
        staging.close()
    target = staging.target
    return SynthResult(
        outdir=target,
        stacks={s.stack_id: target / "stacks" / s.stack_id / "cdk.tf.json" for s in stacks},
        findings=findings, removed=landed.removed, left_alone=landed.left_alone, templates=report)


def _print_findings(findings: Iterable[Finding], fail_on: Severity | None) -> None:
    for f in findings:
        mark = " (blocks synth)" if f.severity.blocks(fail_on) else ""
        sys.stderr.write(f"{f}{mark}\n")


def app_main(environ: Mapping[str, str] | None = None) -> int:
    """``main.py``: what ``cdktf synth`` runs. Inventory from ``HARVESTER_IAC_INVENTORY``.

    ``HARVESTER_IAC_OBSERVED`` passes a health snapshot to the validators and
    ``HARVESTER_IAC_TEMPLATES_DIR`` also renders the manifests there. Exit 1 when a
    finding blocks synth, 2 for bad input, like ``harvester-iac synth``.
    """
    env = os.environ if environ is None else environ
    try:
        if env.get("SYNTH_HCL_OUTPUT", "").lower() == "true":
            raise InputError("HCL output is not supported by harvester-iac stacks",
                             file="SYNTH_HCL_OUTPUT", expected="JSON output (cdktf synth without --hcl)")
        path = env.get(ENV_INVENTORY)
        inventory = load_inventory(path) if path else default_inventory()
        observed = Path(env[ENV_OBSERVED]) if env.get(ENV_OBSERVED) else None
        if observed is not None and not observed.is_file():
            raise InputError("no such file", file=str(observed), where=ENV_OBSERVED,
                             expected="a health snapshot written by harvester-iac observe")
        app, stacks = build_app(inventory, observed=observed)
        findings = tuple(f for s in stacks for f in s.findings)
        _print_findings(findings, Severity.ERROR)
        if _blocking(findings, Severity.ERROR):
            sys.stderr.write("harvester-iac: synth blocked by the findings above.\n")
            return 1
        templates = env.get(ENV_TEMPLATES_DIR)
        plan = None
        if templates:  # staged before synth: a file in the way stops the run before cdktf writes
            from harvester_iac.render import plan_templates, render_inventory

            plan = plan_templates(render_inventory(inventory), templates)
        try:
            _synth(app)
            if plan is not None:
                plan.commit()
        finally:
            if plan is not None:
                plan.discard()
    except SynthBlocked as exc:
        sys.stderr.write(f"harvester-iac: synth blocked: {exc.detail}\n")
        return 1
    except InputError as exc:
        sys.stderr.write(f"harvester-iac: {exc}\n")
        return 2
    except ConstructError as exc:
        sys.stderr.write(f"harvester-iac: {exc}\n")
        return 2
    return 0
