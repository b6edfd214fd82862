"""The top-level API surface: pinned, every name resolves, and importing it stays light."""

from __future__ import annotations

import subprocess
import sys

import harvester_iac


def test_all_is_pinned_and_resolves() -> None:
    assert harvester_iac.__all__ == sorted(harvester_iac.__all__)
    for name in harvester_iac.__all__:
        assert getattr(harvester_iac, name) is not None, name
    assert harvester_iac.default_inventory().name == "altra-homelab"


def test_importing_the_package_loads_nothing_heavy() -> None:
    code = ("import sys, harvester_iac; heavy = [m for m in ('cdktf', 'jsii', 'jsonschema', 'yaml', "
            "'kubernetes', 'hyperscan', 'matplotlib') if m in sys.modules]; print(heavy); "
            "raise SystemExit(1 if heavy else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
