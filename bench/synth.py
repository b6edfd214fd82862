"""Benchmark ``harvester-iac synth`` against the floor of the CDK runtime, in one run.

Every measurement is a fresh subprocess with this same Python (what a user pays per run):

* floor: an empty ``TerraformStack`` synthesized through ``harvester_iac.cdk`` (Python
  start, jsii/Node.js start, the CDK runtime's import, one synth);
* ``harvester-iac synth`` for the default inventory, and for generated inventories with
  50 and 500 extra VMs (written as YAML, so loading and validation are measured too).

Prints the median of ``--repeat`` runs, the ratio to the floor, and the marginal cost per
VM between sizes (flat = linear growth). Targets (issue 2): default <= 1.3x floor,
500 VMs <= 4x floor. Not a test: nothing here asserts.

    .venv/bin/python bench/synth.py [--repeat 5] [--runtime cdktf|cdktn]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INVENTORY = ROOT / "harvester_iac" / "model" / "default-inventory.yaml"

FLOOR = """
import sys
from harvester_iac.cdk import App, TerraformStack
app = App(outdir=sys.argv[1])
TerraformStack(app, "empty")
app.synth()
"""


def generated_inventory(n_vms: int, directory: Path) -> Path:
    """The default homelab plus ``n_vms`` VMs (two disks each), pinned to ``altra``.

    altra's disks grow with the VM count (150 GiB per VM each), so the policy gate, which
    synth runs, passes: the benchmark measures a synth that writes, not one that blocks.
    """
    doc = yaml.safe_load(DEFAULT_INVENTORY.read_text())
    doc["metadata"]["name"] = f"bench-{n_vms}"
    for disk in doc["hosts"][0]["disks"]:
        disk["capacity"] = f"{max(1024, 150 * n_vms)}Gi"
    doc["vms"] = [
        {"name": f"vm-{i:04d}", "host": "altra", "cpu": 2, "memory": "4Gi", "network": "homelab",
         "disks": [
             {"name": "root", "size": "20Gi", "storageClass": "harvester-longhorn",
              "image": "ubuntu-24-04", "bootOrder": 1},
             {"name": "data", "size": "50Gi", "storageClass": "longhorn-master-root"},
         ]}
        for i in range(n_vms)
    ]
    path = directory / f"bench-{n_vms}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _time(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runtime", choices=("cdktf", "cdktn"), default=None)
    args = parser.parse_args(argv)
    # Bytecode caching on, as for an installed CLI: with PYTHONDONTWRITEBYTECODE set (some
    # shells and CI images set it) every run would recompile harvester-iac's own modules,
    # a cost the floor, which imports only cdk.py, hardly pays. The warm-up run writes them.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20", CHECKPOINT_DISABLE="1")
    if args.runtime:
        env["HARVESTER_IAC_CDK"] = args.runtime
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        work = Path(tmp)
        cases: list[tuple[str, int, list[str]]] = [
            ("floor (empty stack)", 0, [py, "-c", FLOOR, str(work / "floor")]),
            ("synth default", 0, [py, "-m", "harvester_iac", "synth", "--out", str(work / "d")]),
        ]
        for n in (50, 500):
            inv = generated_inventory(n, work)
            cases.append((f"synth +{n} VMs", n, [py, "-m", "harvester_iac", "synth",
                                                  "--inventory", str(inv), "--out", str(work / f"v{n}")]))
        for _, _, cmd in cases:  # warm the file cache and Python's bytecode
            _time(cmd, env, work)
        runs: list[list[float]] = [[] for _ in cases]
        for _ in range(args.repeat):  # round-robin, so load from other processes hits all alike
            for i, (_, _, cmd) in enumerate(cases):
                runs[i].append(_time(cmd, env, work))
        medians = [statistics.median(r) for r in runs]
        for (label, _, _), r, m in zip(cases, runs, medians, strict=True):
            print(f"{label:22s} median {m:6.3f} s  (min {min(r):.3f}, max {max(r):.3f}, n={args.repeat})")
    floor = medians[0]
    print()
    for (label, _, _), t in zip(cases, medians, strict=True):
        print(f"{label:22s} {t / floor:5.2f}x floor")
    base = medians[1]
    per50 = (medians[2] - base) / 50
    per450 = (medians[3] - medians[2]) / 450
    print(f"\nmarginal cost per VM: {per50 * 1000:.2f} ms (0->50), {per450 * 1000:.2f} ms (50->500); "
          f"ratio {per450 / per50 if per50 > 0 else float('nan'):.2f} (1.00 = linear, < 1: fixed costs "
          "amortized, > 1: super-linear)")
    print("targets: default <= 1.30x floor, 500 VMs <= 4.00x floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
