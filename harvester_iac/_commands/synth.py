"""``harvester-iac synth``: the inventory as Terraform JSON (``cdktf.out/stacks/<stack>/cdk.tf.json``).

The same app ``cdktf synth`` runs through ``main.py``, so both write the same bytes. Every
validation finding is printed; a blocking one (Longhorn admission rules, the policy gate)
exits 1 before anything is written. ``--no-validate`` skips the validations. With
``--templates-dir`` the Kubernetes manifests are rendered there too, staged with the
Terraform JSON so that both land or neither does. The CDK runtime is
imported only when the command runs, so other commands never pay for it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

from harvester_iac._commands._worker import Worker
from harvester_iac.core import ConstructError, InputError, UsageError

if TYPE_CHECKING:
    from harvester_iac._terraform_version import VersionProbe
    from harvester_iac.core import Finding
    from harvester_iac.model import Inventory

__all__ = ["HELP", "add_arguments", "run"]

HELP = "Synthesize the inventory into Terraform JSON for cdktf/Terraform/OpenTofu (and render templates)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inventory", metavar="F",
                        help="inventory YAML file (default: the embedded homelab of the incident)")
    parser.add_argument("--out", metavar="DIR", default="cdktf.out",
                        help="output directory, as cdktf's --output (default: cdktf.out)")
    parser.add_argument("--templates-dir", metavar="DIR",
                        help="also render the Kubernetes manifests into DIR (as harvester-iac render)")
    parser.add_argument("--observed", metavar="F",
                        help="health snapshot (from harvester-iac observe) for the validations")
    parser.add_argument("--no-validate", action="store_true",
                        help="skip the validations (admission rules, policy gate)")


class _Prestart:
    """Import the stacks (and so start Node.js and the CDK runtime) on a thread.

    Starting the jsii kernel is mostly waiting for Node.js. The thread first imports the
    pure-Python part of jsii, then signals ``ready`` just before the kernel process is
    spawned: work the caller does after ``ready`` (reading the inventory) runs while
    Node.js starts instead of competing with jsii's own imports. Errors surface from
    ``module()``.
    """

    _PYTHON_ONLY = ("jsii", "typeguard")

    def __init__(self, name: str) -> None:
        self._module: ModuleType | None = None
        self._error: BaseException | None = None
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(name,), name="cdk-prestart", daemon=True)
        self._thread.start()

    def _run(self, name: str) -> None:
        try:
            for early in self._PYTHON_ONLY:
                try:
                    importlib.import_module(early)
                except ImportError:
                    pass
            self.ready.set()
            self._module = importlib.import_module(name)
        except BaseException as exc:  # re-raised in the caller's thread by module()
            self._error = exc
        finally:
            self.ready.set()

    def module(self) -> ModuleType:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._module is not None
        return self._module


def _inventory(path: str | None) -> Inventory:
    from harvester_iac.model import default_inventory, load_inventory

    return default_inventory() if path is None else load_inventory(path)


def _observed(path: str | None) -> Path | None:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        raise UsageError("no such file", file=path, where="--observed",
                         expected="a health snapshot written by harvester-iac observe")
    return p


class _PureResult(NamedTuple):
    inventory: Inventory
    #: The policy gate's open findings; ``None`` with ``--no-validate``.
    findings: tuple[Finding, ...] | None
    #: ``terraform version`` for the import-block check, when a host adopts its Longhorn Node.
    terraform: VersionProbe | None


def _pure_work(args: argparse.Namespace, observed: Path | None) -> _PureResult:
    """Load the inventory, probe ``terraform version`` and run the policy gate.

    Runs in the worker process; the inventory and the open findings (evidence included)
    come back by pickle, which needs only the model's and core's types in the parent, not
    the YAML, schema and policy machinery. The evidence is read here only, once. The
    Terraform probe (a subprocess) runs while the gate does, and is only started when a
    stack will ask for it (validations on, a managed disk, so an import block).
    """
    inventory = _inventory(args.inventory)
    if args.no_validate:
        return _PureResult(inventory, None, None)
    from harvester_iac._terraform_version import RunningProbe, terraform_binary
    from harvester_iac.policy import load_observed, open_findings, validate

    adopts = any(d.managed for h in inventory.hosts for d in h.disks)
    probe = RunningProbe(terraform_binary()) if adopts else None
    try:
        evidence = load_observed(observed) if observed else None
        findings = open_findings(validate(inventory, observed=evidence))
    except BaseException:
        if probe is not None:  # reap it: the error is what synth reports
            probe.result()
        raise
    return _PureResult(inventory, findings, probe.result() if probe is not None else None)


#: The worker's niceness: Node.js starting up is the critical path, the worker fills idle CPU.
NICE = 10

#: Pure modules the stacks import, loaded by the main thread while the ``cdk-prestart``
#: thread waits for Node.js to load cdktf (the GIL is free then). Most of the stacks'
#: own import time is building these dataclasses; done here, it is off the critical path.
PRELOAD = (
    "hashlib",  # OpenSSL, ~2 ms: core._findings and the staged writes hash
    "harvester_iac.core._findings",
    "harvester_iac._terraform_version",
    "harvester_iac._files",
    "harvester_iac.constructs._props",
    "harvester_iac.constructs._refs",
    "harvester_iac.constructs.providers._harvester_types",
    "harvester_iac.constructs.providers._kubernetes_types",
    "harvester_iac.render._longhorn",
    "harvester_iac.model._load",
)


def run(args: argparse.Namespace) -> int:
    observed = _observed(args.observed)
    work = Worker(lambda: _pure_work(args, observed), nice=NICE)  # forked before any thread exists
    prestart = _Prestart("harvester_iac.stacks")
    prestart.ready.wait()
    try:
        inventory, findings, terraform = work.result()
        for name in PRELOAD:
            importlib.import_module(name)
    finally:
        stacks = prestart.module()
    validators = (stacks.findings_validator(findings),) if findings is not None else stacks.DEFAULT_VALIDATORS
    try:
        result = stacks.synth_to(inventory, args.out, observed=observed, validators=validators,
                                 skip_validation=args.no_validate, templates_dir=args.templates_dir,
                                 terraform_probe=terraform)
    except stacks.SynthBlocked as exc:
        for f in exc.findings:
            sys.stderr.write(f"{f}\n")
        if exc.detail:
            sys.stderr.write(f"{exc.detail}\n")
        sys.stderr.write(f"harvester-iac synth: blocked for inventory {inventory.name}; nothing "
                         "was written (fix the errors above, or --no-validate to skip checks).\n")
        return 1
    except ConstructError as exc:
        raise InputError(str(exc), file=inventory.source) from None
    for f in result.findings:
        sys.stderr.write(f"{f}\n")
    for name, path in result.stacks.items():
        sys.stdout.write(f"wrote {path} (stack {name})\n")
    for rel in result.removed:
        sys.stdout.write(f"removed {result.outdir / rel} (written by an earlier synth, no longer synthesized)\n")
    if result.left_alone:
        sys.stdout.write(f"{result.outdir}: left alone (not written by synth): {', '.join(result.left_alone)}\n")
    if result.templates is not None:
        from harvester_iac._commands.render import summary_line

        sys.stdout.write(f"{summary_line(result.templates)}.\n")
    return 0
