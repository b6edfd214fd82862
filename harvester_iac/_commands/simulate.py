"""``harvester-iac simulate CASE.json``: place one volume's replicas as Longhorn would."""

from __future__ import annotations

import argparse
import json
import sys

from harvester_iac.scheduler import SchedulingCase, SimulationResult, load_case, simulate

__all__ = ["HELP", "add_arguments", "run"]

HELP = "Predict where Longhorn's replica scheduler puts a volume's replicas (one case file)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", metavar="CASE.json", help="a scheduler case (FORMAT.md)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text",
        help="text for people (default), json for tools (schema: "
        "harvester_iac/scheduler/simulate-output.schema.json)",
    )


def _text(case: SchedulingCase, result: SimulationResult) -> str:
    lines = []
    title = case.name or case.source
    lines.append(f"{title}: Longhorn {case.version}, final choice by {result.disk_selection}")
    for outcome in result.outcomes:
        where = str(outcome.placement) if outcome.placement else "not placed"
        lines.append(f"  replica {outcome.index + 1}: {where}")
    not_tried = case.schedule - len(result.outcomes)
    if not_tried > 0:
        lines.append(f"  ({not_tried} more not tried after the first unplaced replica)")
    lines.extend(f"error: {e}" for e in result.errors)
    lines.extend(result.explanations)
    if result.reusable_failed_replica:
        lines.append(f"note: Longhorn would reuse failed replica {result.reusable_failed_replica} "
                     "before creating a new one")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    result = simulate(case)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(_text(case, result))
    return 0
