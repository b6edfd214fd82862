"""Benchmark: ``harvester-iac validate`` start-up and the gate on a large site.

Prints, from one run:

1. the floor (a fresh ``python -c "import yaml, jsonschema"``) and ``harvester-iac
   validate`` on the embedded default inventory, both as subprocesses, medians of
   interleaved runs, and their ratio (target: <= 2);
2. the gate (scheduler simulation + every rule; the rules alone shown apart) in-process on generated sites of
   100 hosts x 8 disks with 1,000 and with 10,000 volumes of 3 replicas, with storage
   evidence on a few hosts, and the ratio of the two (target: <= 12, near-linear);
3. (issue 10) the 10,000-volume gate against the floor (target: <= 15x), and the same
   volumes on 1,000 hosts x 8 disks against the 100-host site (target: <= 3x: placement
   cost does not grow with every disk).

Child processes run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed, warm-up
runs first), as an installed CLI does. Speed is measured here, never in unit tests.
Usage: ``.venv/bin/python bench/validate.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _sites import HOSTS, large_site

from harvester_iac.observe import Coverage, CoverageState, Event, EventKind, EvidenceKind
from harvester_iac.policy import Observed, build_context, run_rules
from harvester_iac.scheduler import _indexed

NOW = datetime(2025, 12, 28, tzinfo=UTC)


def evidence() -> Observed:
    """NOP timeouts and I/O errors on every tenth host, and etcd stalls on one master."""
    events = []
    for h in range(0, HOSTS, 10):
        for i in range(20):
            kind = EventKind.NOP_TIMEOUT if i % 2 else EventKind.BUFFER_IO_ERROR
            events.append(Event(time=NOW - timedelta(minutes=30, seconds=i), host=f"host-{h:03d}",
                                source="iscsid", kind=kind, file=f"logs/host-{h:03d}.log",
                                line=i + 1, raw="...", device="sdb"))
    events.append(Event(time=NOW - timedelta(minutes=29), host="master-0", source="k3s",
                        kind=EventKind.ETCD_SLOW_APPLY, file="logs/master-0.log", line=1,
                        raw="apply request took too long", took_ms=1500.0))
    # the logs of every host and master were read (quiet ones too): the rules judge them all
    seen = [f"host-{h:03d}" for h in range(HOSTS)] + [f"master-{i}" for i in range(3)]
    coverage = tuple(Coverage(EvidenceKind.EVENTS, name, CoverageState.FULL, None, (f"logs/{name}.log",))
                     for name in seen)
    return Observed(source="<bench>", collected_at=NOW - timedelta(hours=1),
                    events=tuple(events), coverage=coverage)


def gate_seconds(volumes: int, repeat: int, hosts: int = HOSTS) -> tuple[float, float, int]:
    """Best of ``repeat``: (simulation + rules, rules alone, findings)."""
    inv = large_site(volumes, masters=True, hosts=hosts)
    observed = evidence()
    best = rules = float("inf")
    findings = 0
    for _ in range(repeat):
        start = time.perf_counter()
        ctx = build_context(inv, observed=observed, now=NOW)
        mid = time.perf_counter()
        report = run_rules(ctx)
        end = time.perf_counter()
        best, rules = min(best, end - start), min(rules, end - mid)
        findings = len(report.outcomes)
    return best, rules, findings


def startup(repeat: int) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cli = shutil.which("harvester-iac", path=str(Path(sys.executable).parent))
    if cli is None:
        raise SystemExit("harvester-iac is not installed next to this Python (run scripts/setup)")
    floor_cmd = [sys.executable, "-c", "import yaml, jsonschema"]
    validate_cmd = [cli, "validate", "--now", "2025-12-28T00:00:00Z"]
    for cmd in (floor_cmd, validate_cmd, floor_cmd, validate_cmd):  # warm-up: write .pyc
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)
    floors: list[float] = []
    runs: list[float] = []
    for _ in range(repeat):
        for cmd, into in ((floor_cmd, floors), (validate_cmd, runs)):
            start = time.perf_counter()
            done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)
            into.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{cmd} exited {done.returncode}")
    return statistics.median(floors), statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="subprocess runs per command")
    args = parser.parse_args()
    floor, run = startup(args.repeat)
    print(f"floor  python -c 'import yaml, jsonschema'   {floor * 1000:7.1f} ms")
    print(f"validate (default inventory, subprocess)    {run * 1000:7.1f} ms")
    print(f"ratio validate / floor                      {run / floor:7.2f}  (target <= 2)")
    chooser = Path(str(_indexed.__file__)).suffix
    print(f"scheduler chooser: {'compiled (mypyc, setup.py)' if chooser == '.so' else 'Python source'}")
    small, small_rules, n_small = gate_seconds(1_000, 5)
    large, large_rules, n_large = gate_seconds(10_000, 3)
    print(f"simulate+validate  1,000 volumes x3 replicas {small * 1000:7.1f} ms "
          f"(rules alone {small_rules * 1000:.1f} ms, {n_small} findings)")
    print(f"simulate+validate 10,000 volumes x3 replicas {large * 1000:7.1f} ms "
          f"(rules alone {large_rules * 1000:.1f} ms, {n_large} findings)")
    print(f"ratio 10,000 / 1,000                        {large / small:7.2f}  (target <= 12)")
    wide, wide_rules, n_wide = gate_seconds(10_000, 3, hosts=10 * HOSTS)
    print(f"simulate+validate 10,000 volumes, {10 * HOSTS} hosts x8 {wide * 1000:7.1f} ms "
          f"(rules alone {wide_rules * 1000:.1f} ms, {n_wide} findings)")
    print(f"ratio 10,000 volumes / floor                {large / floor:7.2f}  (target <= 15)")
    print(f"ratio {10 * HOSTS} hosts / {HOSTS} hosts                    {wide / large:7.2f}  "
          "(target <= 3)")


if __name__ == "__main__":
    main()
