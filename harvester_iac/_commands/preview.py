"""``harvester-iac preview``: one pull-request comment with the plan, the pre-plan diff,
failure domains before -> after, the gate's findings and the evidence behind them.

Exit 0 when nothing blocks, 1 when the gate fails (a blocking finding, e.g. HIAC-PLAN-001
on a plan that replaces a master), 2 on bad input (plan JSON, git ref, inventory, flags).
The base is a folder or a git ref (checked out in a temporary worktree); a side without
``cdktf.out/`` is synthesized by running ``harvester-iac synth`` in a subprocess, so this
command never loads the CDK runtime itself.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from harvester_iac._commands.validate import _now, _scan
from harvester_iac.errors import InputError, UsageError
from harvester_iac.policy import FailOn, Observed, all_rules, load_observed, load_waivers, parse_duration
from harvester_iac.preview import (
    DEFAULT_MAX_CHARS,
    MASTER_DESTROYED,
    Tree,
    Verdict,
    build_preview,
    git_checkout,
    load_plan,
    read_tree,
    render_json,
    render_markdown,
)

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("Preview a pull request: plan summary, resource and manifest diff, failure domains "
        "before -> after and findings in one Markdown comment (exit 1 when the gate fails).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plan", metavar="PLAN.json",
                        help="`terraform show -json PLAN` or `tofu show -json PLAN` output (format 1.x)")
    parser.add_argument("--base", metavar="DIR|GIT-REF",
                        help="the base to diff against: a checkout, its cdktf.out/, or a git ref of this repository")
    parser.add_argument("--inventory", metavar="F",
                        help="inventory YAML file, relative to the repository (default: the embedded homelab)")
    evidence = parser.add_mutually_exclusive_group()
    evidence.add_argument("--observed", metavar="SNAPSHOT.json", help="health snapshot from 'harvester-iac observe -o'")
    evidence.add_argument("--logs", metavar="DIR", help="scan this folder of host logs now")
    parser.add_argument("--tz", metavar="ZONE", help="with --logs: IANA zone of log lines without a zone")
    parser.add_argument("--waivers", metavar="F", help="YAML file of accepted findings")
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown",
                        help="output format (default: markdown)")
    parser.add_argument("--max-chars", metavar="N", type=int, default=DEFAULT_MAX_CHARS,
                        help="cap the Markdown at N characters by cutting the longest diffs "
                             f"(default: {DEFAULT_MAX_CHARS})")
    parser.add_argument("--fail-on", choices=[f.value for f in FailOn], default="error",
                        help="least severity that fails the gate (default: error)")
    parser.add_argument("--max-age", metavar="DURATION", default="24h",
                        help="evidence older than this is stale (default: 24h)")
    parser.add_argument("--now", metavar="T", help="judge as of this ISO 8601 time (default: the clock)")


def synthesize(root: Path, inventory: Path | None, out: Path) -> None:
    """Run ``harvester-iac synth --no-validate`` for one side, in a subprocess."""
    cmd = [sys.executable, "-m", "harvester_iac", "synth", "--no-validate", "--out", str(out)]
    if inventory is not None:
        cmd += ["--inventory", str(inventory)]
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CHECKPOINT_DISABLE": "1"}
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise InputError(f"synthesizing this side failed: {last}", file=str(inventory or root),
                         where="--base", expected="an inventory harvester-iac synth accepts")


def _relative(path: str | None) -> str | None:
    """``--inventory`` as a path relative to the current folder, so the base can have it too."""
    if path is None:
        return None
    p = Path(path)
    if p.is_absolute():
        try:
            return str(p.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(p)
    return path


def _base(stack: ExitStack, base: str, inventory: str | None) -> Tree:
    folder = Path(base)
    if folder.is_dir():
        return read_tree(folder, label=f"`{base}`", inventory=inventory, synthesize=synthesize)
    checkout = stack.enter_context(git_checkout(base, cwd=Path.cwd()))
    try:
        return read_tree(checkout.root, label=f"`{base}` ({checkout.commit[:12]})", inventory=inventory,
                         synthesize=synthesize)
    except InputError as exc:  # name the file as git does (REF:path), not the temporary checkout
        if exc.file and Path(exc.file).is_relative_to(checkout.root):
            exc.file = f"{base}:{Path(exc.file).relative_to(checkout.root).as_posix()}"
        raise


def run(args: argparse.Namespace) -> int:
    if args.tz and not args.logs:
        raise UsageError("--tz only applies to --logs", where="--tz", expected="--tz together with --logs DIR")
    if args.max_chars < 1000:
        raise UsageError(f"{args.max_chars} is too small", where="--max-chars",
                         expected="at least 1000 characters (GitHub allows 65536)")
    now = _now(args.now)
    max_age = parse_duration(args.max_age, flag="--max-age")
    plan = load_plan(args.plan) if args.plan else None
    known = (*(r.id for r in all_rules()), MASTER_DESTROYED.id)
    waivers = load_waivers(args.waivers, known_rules=known) if args.waivers else ()
    observed: Observed | None = None
    if args.observed:
        observed = load_observed(args.observed)
    elif args.logs:
        observed = _scan(args.logs, args.tz, now)
    inventory = _relative(args.inventory)
    with ExitStack() as stack:
        base = _base(stack, args.base, inventory) if args.base else None
        head = read_tree(Path(), label="working tree", inventory=inventory,
                         synthesize=synthesize if base is not None else None)
    if base is None:  # nothing to compare: what the head lacks for a diff does not matter
        head = replace(head, notes=())
    if head.inventory is None:
        raise InputError("no such file", file=args.inventory, where="--inventory", expected="an inventory YAML file")
    report = build_preview(head=head, base=base, plan=plan, observed=observed, waivers=waivers, now=now,
                           max_age=max_age, fail_on=FailOn(args.fail_on),
                           inventory_label=args.inventory or "embedded default inventory")
    if args.format == "json":
        sys.stdout.write(render_json(report))
    else:
        sys.stdout.write(render_markdown(report, max_chars=args.max_chars))
    return 1 if report.verdict is Verdict.FAIL else 0
