"""``harvester-iac validate``: the pre-plan gate on placement, redundancy and health.

Exit 0 when no finding blocks, 1 when the gate fails (an open finding at or above
``--fail-on``), 2 on bad input (inventory, snapshot, waivers, baseline, flags). Imports
only the pure core: never the CDK runtime, so it starts fast in CI.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from harvester_iac._commands._times import cli_time
from harvester_iac.core import UsageError
from harvester_iac.model import Inventory, default_inventory, load_inventory
from harvester_iac.policy import (
    FailOn,
    Observed,
    Thresholds,
    all_rules,
    load_baseline,
    load_observed,
    load_waivers,
    observed_from_snapshot,
    parse_duration,
    validate,
)
from harvester_iac.report import Format, render

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("Check placement, redundancy and observed storage health before a plan "
        "(exit 1 when a finding blocks).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inventory", metavar="F",
                        help="inventory YAML file (default: the embedded homelab of the incident)")
    evidence = parser.add_mutually_exclusive_group()
    evidence.add_argument("--observed", metavar="SNAPSHOT.json",
                          help="health snapshot written by 'harvester-iac observe -o'")
    evidence.add_argument("--logs", metavar="DIR",
                          help="scan this folder of host logs now instead of reading a snapshot")
    parser.add_argument("--tz", metavar="ZONE",
                        help="with --logs: IANA zone of log lines without a zone")
    parser.add_argument("--format", choices=[f.value for f in Format], default="text",
                        help="output format (default: text)")
    parser.add_argument("--waivers", metavar="F", help="YAML file of accepted findings")
    parser.add_argument("--baseline", metavar="F",
                        help="previous JSON report or list of fingerprints: only new findings fail")
    parser.add_argument("--fail-on", choices=[f.value for f in FailOn], default="error",
                        help="least severity that fails the gate (default: error)")
    parser.add_argument("--max-age", metavar="DURATION", default="24h",
                        help="evidence older than this is stale, e.g. 90m, 24h, 7d (default: 24h)")
    parser.add_argument("--require-observed", action="store_true",
                        help="missing, partial or stale evidence is an error, and so is every "
                             "unknown result (a subject a rule could not judge)")
    parser.add_argument("--require", metavar="KIND,...", action="append", default=[],
                        help="evidence kinds that must be observed in full: events, iscsiadm, "
                             "nodes, volumes, replicas, engines, settings, metrics; unknowns "
                             "missing one of them are errors (repeatable)")
    parser.add_argument("--now", metavar="T",
                        help="judge as of this ISO 8601 time (default: the clock); for reproducible runs")
    parser.add_argument("--threshold", action="append", default=[], metavar="NAME=VALUE",
                        help="override a threshold, e.g. nop_timeouts=3, coincide=5m, "
                             "wal_fsync_p99_ms=20 (repeatable; see docs/rules.md)")


def _known_rules() -> tuple[str, ...]:
    """Rule ids a waiver may name: the registry's and preview's HIAC-PLAN-001, so one
    waivers file serves both commands."""
    from harvester_iac.preview import MASTER_DESTROYED

    return (*(r.id for r in all_rules()), MASTER_DESTROYED.id)


def _inventory(path: str | None) -> Inventory:
    return default_inventory() if path is None else load_inventory(path)


def _now(text: str | None) -> datetime:
    return datetime.now(UTC) if text is None else cli_time(text, flag="--now")


def _scan(folder: str, tz: str | None, now: datetime) -> Observed:
    """Scan now: the evidence is as fresh as the scan; its window is what the logs hold."""
    from harvester_iac.observe import ScanOptions, attribute_hosts, build_snapshot, scan_logs

    root = Path(folder)
    if not root.is_dir():
        raise UsageError("not a folder", where="--logs", found=folder,
                         expected="a folder of log files")
    result = scan_logs([root], ScanOptions(tz=tz))
    events, sources = attribute_hosts(result.events, result.sources, roots=[folder])
    snap = build_snapshot(collected_at=now, sources=sources, events=events)
    return observed_from_snapshot(snap, source=folder)


def _kinds(values: list[str]) -> frozenset[str]:
    from harvester_iac.errors import did_you_mean
    from harvester_iac.observe import EvidenceKind

    known = [k.value for k in EvidenceKind]
    out: set[str] = set()
    for text in values:
        for kind in (k.strip() for k in text.split(",")):
            if kind not in known:
                raise UsageError(f"unknown evidence kind {kind!r}", where="--require",
                                 expected="a comma-separated list of " + ", ".join(known),
                                 hint=did_you_mean(kind, known))
            out.add(kind)
    return frozenset(out)


def run(args: argparse.Namespace) -> int:
    if args.tz and not args.logs:
        raise UsageError("--tz only applies to --logs", where="--tz",
                         expected="--tz together with --logs DIR")
    now = _now(args.now)
    require = _kinds(args.require)
    max_age = parse_duration(args.max_age, flag="--max-age")
    thresholds = Thresholds().with_overrides(args.threshold)
    inv = _inventory(args.inventory)
    waivers = load_waivers(args.waivers, known_rules=_known_rules()) if args.waivers else ()
    baseline = load_baseline(args.baseline) if args.baseline else frozenset()
    observed: Observed | None = None
    if args.observed:
        observed = load_observed(args.observed)
    elif args.logs:
        observed = _scan(args.logs, args.tz, now)
    report = validate(inv, observed=observed, now=now, thresholds=thresholds, max_age=max_age,
                      require_observed=args.require_observed, require=require, waivers=waivers,
                      baseline=baseline, fail_on=FailOn(args.fail_on))
    sys.stdout.write(render(report, args.format, with_baseline=bool(args.baseline)))
    return 0 if report.passed else 1
