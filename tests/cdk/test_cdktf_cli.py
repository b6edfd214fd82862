"""The real tools: ``cdktf synth`` (cdktf-cli 0.21.0 from npm) and Terraform 1.11 itself.

``cdktf synth`` runs ``main.py`` through ``cdktf.json``; its output must equal
``harvester-iac synth``'s byte for byte. Both run in the project root with the same
environment, because the one run-dependent value in ``cdk.tf.json`` is the local
backend's state path (cdktf puts it in the working directory). The CLI must not phone
home: telemetry, version checks, crash reports and the plugin cache are switched off,
and ``HOME`` is an empty directory that must stay empty.

Terraform cannot download providers here, so ``terraform validate`` cannot run;
``terraform providers`` still parses the whole configuration (meta-arguments, import
blocks, references) and lists the provider requirements without any provider binary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harvester_iac.stacks._output import RECORD_NAME
from tests.cdk.conftest import ROOT

pytestmark = [pytest.mark.cdk, pytest.mark.slow]

CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
QUIET = {
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "CHECKPOINT_DISABLE": "1",  # no HashiCorp checkpoint (telemetry, Terraform upgrade check)
    "DISABLE_VERSION_CHECK": "true",  # no `npm view cdktf-cli` for a newer release
    "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "true",  # no ~/.terraform.d/plugin-cache
    "CI": "1",  # never prompt (crash-report consent); cdktf.json also says sendCrashReports false
    "FORCE_COLOR": "0",
}
INVENTORIES = ["default", "examples/inventories/three-node.yaml"]


def _env(home: Path, inventory: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CDKTF_", "HARVESTER_IAC_INVENTORY"))}
    # jsii's own package cache (the Python runtime unpacking its assemblies) goes elsewhere
    env.update(QUIET, HOME=str(home), JSII_RUNTIME_PACKAGE_CACHE_ROOT=str(home.parent / "jsii-cache"))
    if inventory != "default":
        env["HARVESTER_IAC_INVENTORY"] = str(ROOT / inventory)
    return env


def _top(root: Path) -> list[str]:
    """The checkout's top-level names, less build/: other tests (run in parallel) keep artifacts there."""
    return sorted(p.name for p in root.iterdir() if p.name != "build")


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("inventory", INVENTORIES, ids=lambda s: Path(s).stem)
def test_cdktf_synth_equals_harvester_iac_synth(inventory: str, tmp_path: Path) -> None:
    assert CDKTF.exists(), "node_modules/.bin/cdktf is missing: run scripts/setup --test (npm ci)"
    home = tmp_path / "home"
    home.mkdir()
    config_before = (ROOT / "cdktf.json").read_bytes()
    top_before = _top(ROOT)
    env = _env(home, inventory)

    cli = subprocess.run([str(CDKTF), "synth", "--output", str(tmp_path / "cdktf")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=600, check=False)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    ours = subprocess.run([sys.executable, "-m", "harvester_iac", "synth", "--out", str(tmp_path / "ours"),
                           *([] if inventory == "default" else ["--inventory", str(ROOT / inventory)])],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert ours.returncode == 0, ours.stderr

    theirs, mine = _tree(tmp_path / "cdktf"), _tree(tmp_path / "ours")
    assert mine.pop(RECORD_NAME)  # harvester-iac synth's record of what it wrote (cdktf keeps none)
    assert sorted(theirs) == sorted(mine) and any(k.endswith("cdk.tf.json") for k in mine)
    for name in mine:
        assert theirs[name] == mine[name], f"{name} differs between cdktf synth and harvester-iac synth"
    assert list(home.iterdir()) == [], "the cdktf CLI wrote into HOME (telemetry id, caches)"
    assert (ROOT / "cdktf.json").read_bytes() == config_before
    assert _top(ROOT) == top_before


def test_terraform_parses_the_configuration(tmp_path: Path) -> None:
    terraform = shutil.which("terraform")
    assert terraform, "terraform is not on PATH (it is preinstalled on these machines)"
    home = tmp_path / "home"
    home.mkdir()
    env = _env(home, "default") | {"TF_CLI_CONFIG_FILE": os.devnull, "TF_IN_AUTOMATION": "1"}
    ours = subprocess.run([sys.executable, "-m", "harvester_iac", "synth", "--out", str(tmp_path / "o")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert ours.returncode == 0, ours.stderr
    doc = json.loads((tmp_path / "o" / "stacks" / "altra-homelab" / "cdk.tf.json").read_text())
    # The local backend would need `terraform init`; everything else is parsed as written.
    assert doc["terraform"].pop("backend") == {"local": {"path": str(tmp_path / "terraform.altra-homelab.tfstate")}}
    work = tmp_path / "tf"
    work.mkdir()
    (work / "main.tf.json").write_text(json.dumps(doc))
    proc = subprocess.run([terraform, "providers", "-no-color"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "provider[registry.terraform.io/harvester/harvester] ~> 1.8.1" in proc.stdout
    assert "provider[registry.terraform.io/hashicorp/kubernetes] >= 2.38.0, < 4.0.0" in proc.stdout

    doc["resource"]["harvester_virtualmachine"]["broken"] = {"depends_on": "not-a-list"}
    (work / "main.tf.json").write_text(json.dumps(doc))
    broken = subprocess.run([terraform, "providers", "-no-color"], cwd=work, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert broken.returncode != 0 and "depends_on" in broken.stderr + broken.stdout


def test_cdktf_synth_fails_on_blocking_findings(tmp_path: Path) -> None:
    """``cdktf synth`` runs the same validations: a blocking finding fails it, with its message."""
    source = (ROOT / "harvester_iac" / "model" / "default-inventory.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace("evictionRequested: false", "evictionRequested: true", 1))
    home = tmp_path / "home"
    home.mkdir()
    cli = subprocess.run([str(CDKTF), "synth", "--output", str(tmp_path / "out")], cwd=ROOT,
                         env=_env(home, str(bad)), capture_output=True, text=True, timeout=600, check=False)
    assert cli.returncode != 0
    assert "requests eviction while it still allows scheduling" in cli.stdout + cli.stderr
    assert not list((tmp_path / "out").rglob("cdk.tf.json"))
