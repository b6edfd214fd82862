"""``harvester-iac observe``: read host logs, iscsiadm, Longhorn and Prometheus into a snapshot.

Bad input (a missing file, an unknown zone, a time that does not parse, ``--longhorn``
with ``--kubeconfig``) is exit 2 with one paragraph. A live source that fails (HTTP 403,
timeout) is not bad input: it is recorded in the snapshot's sources as failed or partial,
and the summary shows it first.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from harvester_iac._commands._times import cli_time
from harvester_iac.core import UsageError
from harvester_iac.observe import (
    LonghornState,
    PrometheusMetrics,
    SessionMap,
    SourceKind,
    SourceState,
    SourceStatus,
    TimeWindow,
    format_summary,
    query_prometheus,
    read_iscsiadm,
    write_snapshot,
)

if TYPE_CHECKING:
    from harvester_iac.observe.logs._streamed import StreamedScan

__all__ = ["HELP", "add_arguments", "run"]

#: The environment variable holding a Prometheus bearer token.
ENV_PROMETHEUS_TOKEN = "HARVESTER_IAC_PROMETHEUS_TOKEN"

HELP = "Read host logs, iscsiadm listings, Longhorn objects and Prometheus into a health snapshot."

_TIME_HELP = (
    "ISO 8601 time, e.g. 2025-12-27T16:40:00-08:00 or '2025-12-27 16:40' "
    "(a time without zone is read in --tz, else UTC)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="LOG_FILE|DIR",
        help="log files or directories (syslog, journalctl, dmesg, etcd, Longhorn; .gz too)",
    )
    parser.add_argument(
        "--iscsiadm", action="append", default=[], metavar="[HOST=]F",
        help="saved 'iscsiadm -m session -P 3' output of the host the logs come from "
        "(repeat for several hosts; HOST= names the host when the listing shows no prompt)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--longhorn", type=Path, metavar="DIR",
        help="file or directory of 'kubectl get volumes.longhorn.io,replicas.longhorn.io,"
        "nodes.longhorn.io,settings.longhorn.io,engines.longhorn.io -n longhorn-system -o yaml' "
        "output (the snapshot records which kinds it held)",
    )
    source.add_argument(
        "--kubeconfig", type=Path, metavar="F",
        help="read Longhorn objects live from the cluster of this kubeconfig",
    )
    parser.add_argument("--context", metavar="C", help="kubeconfig context (with --kubeconfig)")
    parser.add_argument("--prometheus", metavar="URL",
                        help="Prometheus base URL for metrics; http://user:pass@host sends basic auth")
    parser.add_argument("--prometheus-token", metavar="TOKEN",
                        help=f"bearer token for Prometheus (or set {ENV_PROMETHEUS_TOKEN}, which "
                        "keeps it out of the process list)")
    parser.add_argument("--since", metavar="T", help="drop events before T; " + _TIME_HELP)
    parser.add_argument("--until", metavar="T", help="drop events after T; " + _TIME_HELP)
    parser.add_argument(
        "--tz", metavar="ZONE",
        help="IANA zone of log lines without a zone, e.g. America/Los_Angeles",
    )
    parser.add_argument(
        "--host", action="append", default=[], metavar="H|H=PATH",
        help="host of log lines that name none: H for every file, H=PATH for one file or folder "
        "(repeatable). Without it a file in a folder given here takes the name of the first folder "
        "below it (logs/altra/dmesg.txt: altra), or the host of the iscsiadm listing its lines match",
    )
    parser.add_argument(
        "--inventory", type=Path, metavar="F",
        help="inventory whose host and master names (and aliases) name log files without a host: "
        "altra-dmesg.txt, .../altra/kern.log",
    )
    parser.add_argument("--year", type=int, metavar="Y", help="year for syslog lines (no year)")
    parser.add_argument(
        "--boot-time", metavar="T", help="boot time for dmesg '[secs]' stamps; " + _TIME_HELP
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="SNAPSHOT.json",
        help="write the snapshot here (atomically)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text",
        help="stdout: a summary table (text) or the snapshot itself (json)",
    )
    parser.add_argument(
        "--jobs", type=int, default=2, metavar="N", help="log files scanned in parallel"
    )
    parser.add_argument(
        "--max-events", metavar="N|all", default=str(DEFAULT_MAX_EVENTS),
        help="list at most N raw events in the snapshot (each host and kind keeps its "
        "share, first and last included); the summaries still count every event and the "
        f"snapshot says how many were left out (default: {DEFAULT_MAX_EVENTS:,}, which keeps "
        "the snapshot within what validate reads; 'all' lists every event)",
    )


def _zone(name: str | None) -> tzinfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown time zone {name!r}",
            where="--tz",
            expected="an IANA zone name such as America/Los_Angeles or UTC",
        ) from None


def _time(text: str | None, flag: str, zone: tzinfo | None) -> datetime | None:
    return None if text is None else cli_time(text, flag=flag, zone=zone)


def _check_url(url: str) -> None:
    from harvester_iac.observe._http import split_userinfo, without_userinfo  # only with --prometheus

    shown = without_userinfo(url)
    try:
        host = split_userinfo(url)[0].partition("//")[2].split("/")[0]
    except ValueError:  # its text may quote part of a password
        raise UsageError(f"cannot read the URL {shown!r} (its host, port or brackets)", where="--prometheus",
                         expected="a URL such as http://prometheus.example:9090") from None
    if not url.startswith(("http://", "https://")) or not host:
        raise UsageError(f"not an HTTP URL: {shown!r}", where="--prometheus",
                         expected="a URL such as http://prometheus.example:9090")


def _pair(text: str, flag: str) -> tuple[str | None, str]:
    """``HOST=PATH`` → (HOST, PATH); ``PATH`` → (None, PATH). A path may itself hold '='
    only when it exists as written."""
    host, sep, path = text.partition("=")
    if not sep or os.path.exists(text) or "/" in host:
        return None, text
    if not host or not path:
        raise UsageError(f"cannot read {text!r}", where=flag, expected="HOST=PATH or PATH")
    return host, path


def _hosts(args: argparse.Namespace) -> tuple[str | None, list[tuple[str, str]]]:
    default: str | None = None
    by_path: list[tuple[str, str]] = []
    for text in args.host:
        if "=" not in text:
            if default is not None and default != text:
                raise UsageError("--host H given twice", where="--host",
                                 expected="one --host H, and H=PATH for the other files",
                                 found=f"{default} and {text}")
            default = text
            continue
        host, path = _pair(text, "--host")
        if host is None:
            raise UsageError(f"cannot read {text!r}", where="--host", expected="H or H=PATH")
        if not os.path.exists(path):
            raise UsageError("no such file or directory", where=f"--host {text}",
                             expected="an existing file or directory after HOST=")
        by_path.append((host, path))
    return default, by_path


def _check_args(args: argparse.Namespace) -> None:
    if args.context and args.kubeconfig is None:
        raise UsageError("--context needs --kubeconfig", where="--context",
                         expected="--kubeconfig F --context C")
    if not (args.paths or args.iscsiadm or args.longhorn or args.kubeconfig or args.prometheus):
        raise UsageError(
            "nothing to observe",
            where="arguments",
            expected="log files or directories, --iscsiadm, --longhorn, --kubeconfig or "
            "--prometheus",
        )
    listings = [Path(_pair(t, "--iscsiadm")[1]) for t in args.iscsiadm]
    for p in [*args.paths, *listings, *([args.longhorn] if args.longhorn else [])]:
        if not p.exists():
            raise UsageError("no such file or directory", where=str(p),
                             expected="an existing file or directory")
    if args.prometheus:
        _check_url(args.prometheus)
    if args.prometheus_token and not args.prometheus:
        raise UsageError("--prometheus-token needs --prometheus", where="--prometheus-token",
                         expected="--prometheus URL --prometheus-token TOKEN")
    if not 1 <= args.jobs <= MAX_JOBS:
        raise UsageError(f"--jobs {args.jobs} is out of range", where="--jobs",
                         expected=f"1 to {MAX_JOBS} parallel scanners")
    _check_output(args)
    args.max_events = _max_events(str(args.max_events))
    if args.year is not None and not 1970 <= args.year <= 9999:
        raise UsageError(f"year {args.year} out of range", where="--year",
                         expected="a year such as 2025")


#: Raw events a snapshot lists unless ``--max-events`` says otherwise. Dense logs hold
#: hundreds of thousands: listing them all makes a snapshot larger than ``validate``
#: reads (256 MiB) and slow to read; the summaries count every event either way.
DEFAULT_MAX_EVENTS = 100_000


def _max_events(text: str) -> int | None:
    if text == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"cannot read --max-events {text!r}", where="--max-events",
                         expected="a count (0 or more) or 'all'") from None
    if value < 0:
        raise UsageError("--max-events must not be negative", where="--max-events",
                         expected="0 or more")
    return value


#: More scanner processes than this only costs memory.
MAX_JOBS = 64


def _inputs(args: argparse.Namespace) -> list[Path]:
    listings = [Path(_pair(t, "--iscsiadm")[1]) for t in args.iscsiadm]
    others = (args.longhorn, args.kubeconfig, getattr(args, "inventory", None))
    return [*args.paths, *listings, *(Path(p) for p in others if p is not None)]


def _check_output(args: argparse.Namespace) -> None:
    """``-o`` must not be one of the inputs, nor land inside an input directory."""
    if args.output is None:
        return
    out = Path(os.path.abspath(args.output))
    for given in _inputs(args):
        p = Path(os.path.abspath(given.expanduser()))
        same = out == p or (out.exists() and p.exists() and os.path.samefile(out, p))
        if same:
            raise UsageError(f"the snapshot would overwrite the input {given}", where="-o/--output",
                             expected="an output path that is not one of the files read")
        if p.is_dir() and (p in out.parents or p.resolve() in out.resolve().parents):
            raise UsageError(f"the snapshot would be written into the input directory {given}, and be read "
                             "as input the next time", where="-o/--output",
                             expected="an output path outside the directories read")


def run(args: argparse.Namespace) -> int:
    _check_args(args)
    zone = _zone(args.tz)
    since = _time(args.since, "--since", zone)
    until = _time(args.until, "--until", zone)
    boot = _time(args.boot_time, "--boot-time", zone)
    if since and until and since > until:
        raise UsageError("--since is after --until", where="--since",
                         expected="a window whose start is before its end")
    collected_at = datetime.now(UTC)
    import tempfile  # the scan's spill files live here, removed on every way out

    from harvester_iac.observe.logs._spill import SpillError

    try:
        with tempfile.TemporaryDirectory(prefix="harvester-iac-observe-") as tmp:
            scan = _scan(args, tmp, since, until, boot)
            try:
                return _observe(args, scan, collected_at, zone, since, until)
            finally:
                scan.close()
    except SpillError as exc:
        raise UsageError(f"cannot write the scan's temporary files: {exc.reason}",
                         where=os.path.dirname(exc.path) or exc.path,
                         expected="a writable temporary directory with free space (TMPDIR)") from None
    except OSError as exc:  # the temporary directory itself
        if exc.filename is None or not str(exc.filename).startswith(tempfile.gettempdir()):
            raise
        raise UsageError(f"cannot use the temporary directory: {exc.strerror or exc}",
                         where=str(exc.filename),
                         expected="a writable temporary directory with free space (TMPDIR)") from None


def _scan(args: argparse.Namespace, tmp: str, since: datetime | None, until: datetime | None,
          boot: datetime | None) -> StreamedScan:
    from harvester_iac.observe import ScanOptions
    from harvester_iac.observe.logs._streamed import scan_streamed

    options = ScanOptions(
        tz=args.tz, host=None, year=args.year, boot_time=boot, since=since,
        until=until, jobs=args.jobs, progress=sys.stderr.isatty(),
    )
    return scan_streamed(list(args.paths), options, tmp)


def _observe(args: argparse.Namespace, scan: StreamedScan, collected_at: datetime,
             zone: tzinfo | None, since: datetime | None, until: datetime | None) -> int:
    from harvester_iac.observe._snapshot import build_streamed_snapshot, iter_snapshot_text

    all_sources = list(scan.sources)

    maps: list[SessionMap] = []
    for text in args.iscsiadm:
        named, where = _pair(text, "--iscsiadm")
        path = Path(where)
        m = read_iscsiadm(path)
        if named is not None:
            m = dataclasses.replace(m, host=named)
        maps.append(m)
        disks = sum(len(s.devices or ()) for s in m.sessions)
        all_sources.append(SourceStatus(
            kind=SourceKind.ISCSIADM, location=str(path), state=SourceState.OK,
            detail=f"{len(m.sessions)} sessions, {disks} disks"
            + (f", host {m.host}" if m.host else ", host not shown"),
        ))
    default, by_path = _hosts(args)
    matcher = None
    if args.inventory is not None:
        from harvester_iac.model import HostMatcher, load_inventory

        matcher = HostMatcher(load_inventory(args.inventory))
    log_sources = scan.attribute(
        tuple(all_sources), by_path=by_path, default=default,
        roots=[str(p) for p in args.paths if p.is_dir()], maps=maps, matcher=matcher)
    all_sources = list(log_sources)
    scan.join(maps)

    longhorn = LonghornState()
    if args.longhorn is not None:
        from harvester_iac.observe import read_longhorn_files

        longhorn, statuses = read_longhorn_files(args.longhorn)
        all_sources += statuses
    elif args.kubeconfig is not None:
        from harvester_iac.observe import LiveOptions, read_longhorn_live

        longhorn, statuses = read_longhorn_live(
            LiveOptions(kubeconfig=args.kubeconfig.expanduser(), context=args.context)
        )
        all_sources += statuses

    metrics: PrometheusMetrics | None = None
    if args.prometheus:
        token = args.prometheus_token or os.environ.get(ENV_PROMETHEUS_TOKEN) or None
        metrics, status = query_prometheus(args.prometheus, token=token)
        all_sources.append(status)

    snapshot = build_streamed_snapshot(
        scan,
        collected_at=collected_at,
        window=TimeWindow(since=since, until=until),
        sources=tuple(all_sources),
        sessions=tuple(maps),
        longhorn=longhorn,
        metrics=metrics,
        max_events=args.max_events,
    )
    if args.output is not None:
        write_snapshot(snapshot, args.output)
    if args.format == "json":
        sys.stdout.writelines(iter_snapshot_text(snapshot))
    else:
        sys.stdout.write(format_summary(snapshot, tz=zone))
        if args.output is not None:
            sys.stdout.write(f"\nSnapshot written to {args.output}\n")
    return 0
