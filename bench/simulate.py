"""Benchmark: place 1,000 and 10,000 volumes (3 replicas) on a 100-host x 8-disk site.

Prints, from one run: the floor (a fresh ``python -c "import yaml, jsonschema"``), the
time ``place_inventory`` takes for each site, and the ratio of the two (target: the
10,000-volume site within 12x the 1,000-volume one, i.e. near-linear). Speed is measured
here, never in unit tests. Usage: ``.venv/bin/python bench/simulate.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _sites import large_site

from harvester_iac.model import Inventory
from harvester_iac.scheduler import InventoryPlacement, place_inventory


def timed(inventory: Inventory, repeat: int) -> tuple[float, InventoryPlacement]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = place_inventory(inventory)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def floor(repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import yaml, jsonschema"], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args()
    base = floor(args.repeat)
    small, large = large_site(1_000), large_site(10_000)
    t_small, r_small = timed(small, args.repeat)
    t_large, r_large = timed(large, args.repeat)
    for label, r in (("1,000", r_small), ("10,000", r_large)):
        replicas = sum(len(v.replicas) for v in r.volumes)
        missing = sum(v.missing for v in r.volumes)
        print(f"{label:>6} volumes: {replicas} replicas placed, {missing} missing")
    ratio = t_large / t_small
    print(f"floor (python -c 'import yaml, jsonschema'): {base:.3f} s")
    print(f"place_inventory  1,000 volumes: {t_small:.3f} s ({t_small / base:.1f}x floor)")
    print(f"place_inventory 10,000 volumes: {t_large:.3f} s ({t_large / base:.1f}x floor)")
    print(f"ratio 10,000 / 1,000: {ratio:.2f}x (target <= 12x) -> {'OK' if ratio <= 12 else 'OVER'}")
    return 0 if ratio <= 12 else 1


if __name__ == "__main__":
    raise SystemExit(main())
