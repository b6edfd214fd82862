"""``harvester-iac incident``: from raw logs to the root-cause chain, a timeline chart and the fix.

Reads the logs with observe's scanner, joins them to volumes through the iscsiadm
listings, reads Longhorn's objects, and prints the incident report (Markdown, JSON or
HTML). ``--chart`` writes the timeline as PNG or SVG (atomically). Bad input is exit 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harvester_iac._commands.observe import _hosts, _pair, _time, _zone
from harvester_iac.errors import UsageError
from harvester_iac.model import Inventory, default_inventory, load_inventory

if TYPE_CHECKING:
    from harvester_iac.incident import IncidentReport

__all__ = ["HELP", "add_arguments", "run"]

HELP = "Explain an incident: storage episodes, the root-cause chain to etcd, a timeline chart and the fix."

_CHART_SUFFIXES = (".png", ".svg")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="LOG_FILE|DIR",
                        help="log files or directories (iscsid, kernel, k3s/etcd; syslog, journal, dmesg; .gz too)")
    parser.add_argument("--inventory", metavar="F",
                        help="inventory YAML file (default: the embedded homelab of the incident)")
    parser.add_argument("--longhorn", type=Path, metavar="DIR|F",
                        help="file or directory of 'kubectl get volumes.longhorn.io,replicas.longhorn.io,"
                             "nodes.longhorn.io -n longhorn-system -o yaml' output")
    parser.add_argument("--iscsiadm", action="append", default=[], metavar="[HOST=]F",
                        help="saved 'iscsiadm -m session -P 3' output of a host (repeat for several hosts; HOST= "
                             "names the host when the listing shows no prompt)")
    parser.add_argument("--tz", metavar="ZONE", default=None,
                        help="IANA zone: read zone-less lines in it and show times in it (default UTC)")
    parser.add_argument("--lag", metavar="DURATION", default="10m",
                        help="how long before an episode starts and after it ends etcd warnings are blamed on it "
                             "(default 10m)")
    parser.add_argument("--format", choices=("markdown", "json", "html"), default="markdown",
                        help="stdout: the report in Markdown (default), JSON (harvester_iac/incident/"
                             "incident.schema.json) or one HTML page with the chart embedded")
    parser.add_argument("--chart", type=Path, metavar="FILE.png|.svg", help="write the timeline chart here")
    parser.add_argument("--year", type=int, metavar="Y", help="year of syslog lines without one (default: from "
                                                              "the file's date)")
    parser.add_argument("--boot-time", metavar="T",
                        help="boot time of the host whose raw dmesg '[secs]' lines are given (ISO 8601; a time "
                             "without zone is read in --tz)")
    parser.add_argument("--host", action="append", default=[], metavar="H|H=PATH",
                        help="host of log lines that carry none (dmesg): H for every such file, H=PATH for the "
                             "files under PATH (default: the folder below a given directory, the file name, or "
                             "the iscsiadm listing the lines match)")


def _inventory(path: str | None) -> Inventory:
    return default_inventory() if path is None else load_inventory(path)


def _check(args: argparse.Namespace) -> None:
    for p in [*args.paths, *([args.longhorn] if args.longhorn else [])]:
        if not p.exists():
            raise UsageError("no such file or directory", where=str(p), expected="an existing file or directory")
    if args.chart is not None and args.chart.suffix.lower() not in _CHART_SUFFIXES:
        raise UsageError(f"cannot tell the chart format from {args.chart.name!r}", where="--chart",
                         expected="a file name ending in .png or .svg")
    if args.chart is not None and not args.chart.resolve().parent.is_dir():
        raise UsageError("the chart's directory does not exist", where="--chart",
                         expected="a path in an existing directory", found=str(args.chart.parent))
    if args.year is not None and not 1970 <= args.year <= 9999:
        raise UsageError(f"year {args.year} out of range", where="--year", expected="a year such as 2025")


def run(args: argparse.Namespace) -> int:
    from harvester_iac.incident import IncidentInput, analyze
    from harvester_iac.observe import (
        ScanOptions,
        SessionMap,
        SourceKind,
        SourceState,
        SourceStatus,
        attribute_hosts,
        read_iscsiadm,
        read_longhorn_files,
        scan_logs,
    )
    from harvester_iac.policy import parse_duration

    _check(args)
    lag = parse_duration(args.lag, flag="--lag")
    inv = _inventory(args.inventory)
    zone = args.tz or "UTC"
    boot = _time(args.boot_time, "--boot-time", _zone(zone))
    scan = scan_logs(list(args.paths), ScanOptions(tz=zone, year=args.year, boot_time=boot,
                                                   progress=sys.stderr.isatty()))
    sources: list[SourceStatus] = []
    maps: list[SessionMap] = []
    for text in args.iscsiadm:
        named, where = _pair(text, "--iscsiadm")
        path = Path(where)
        if not path.exists():
            raise UsageError("no such file or directory", where=where, expected="an existing file or directory")
        m = read_iscsiadm(path)
        if named is not None:
            m = dataclasses.replace(m, host=named)
        maps.append(m)
        sources.append(SourceStatus(kind=SourceKind.ISCSIADM, location=str(path), state=SourceState.OK,
                                    detail=f"{len(m.sessions)} sessions" + (f", host {m.host}" if m.host else "")))
    # host-less lines (dmesg): --host, the folder they sit in, or the listing they match
    default, by_path = _hosts(args)
    events, log_sources = attribute_hosts(scan.events, scan.sources, default=default, by_path=by_path,
                                          roots=[str(p) for p in args.paths if p.is_dir()], maps=maps)
    sources = [*log_sources, *sources]
    longhorn = None
    longhorn_files: tuple[str, ...] = ()
    if args.longhorn is not None:
        longhorn, statuses = read_longhorn_files(args.longhorn)
        sources += statuses
        longhorn_files = tuple(s.location for s in statuses)
    inp = IncidentInput(events=tuple(events), inventory=inv, sessions=tuple(maps), longhorn=longhorn,
                        longhorn_files=longhorn_files, sources=tuple(sources), timezone=zone, lag=lag)
    _write(args, analyze(inp, fix=True), inv)
    return 0


def _write(args: argparse.Namespace, report: IncidentReport, inv: Inventory) -> None:
    from harvester_iac.report import incident_chart

    if args.chart is not None:
        fmt = args.chart.suffix.lower().lstrip(".")
        _atomic_write(args.chart, incident_chart(report, fmt=fmt))
    if args.format == "json":
        from harvester_iac.incident import render_json

        sys.stdout.write(render_json(report))
    elif args.format == "html":
        from harvester_iac.incident import render_html

        svg = incident_chart(report, fmt="svg").decode()
        sys.stdout.write(render_html(report, inv, chart_svg=svg))
    else:
        from harvester_iac.incident import render_markdown

        sys.stdout.write(render_markdown(report, inv, chart=str(args.chart) if args.chart else None))


def _atomic_write(path: Path, data: bytes) -> None:
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.resolve().parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
