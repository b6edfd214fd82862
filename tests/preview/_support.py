"""Real Terraform plans for the preview tests, and the Harvester-shaped variant of one.

Terraform 1.11 plans providerless configurations (``terraform_data``) offline. A plan of
``harvester_virtualmachine`` resources cannot be made here (no provider download), so
:func:`harvesterize` turns a real plan of ``terraform_data`` stand-ins into the same JSON
structure with Harvester addresses: ``vm_<name>`` becomes ``harvester_virtualmachine.<name>``
and ``vol_<name>`` ``harvester_volume.<name>``; the stand-in's ``input`` and
``triggers_replace`` objects become the resource's attributes, and a replace forced by
``triggers_replace`` keeps its ``replace_paths`` on the attribute it stood for (``disk``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
HIAC = REPO / ".venv" / "bin" / "harvester-iac"
ENV = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1",
       "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}

needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")


@dataclass(frozen=True)
class RealPlan:
    json_file: Path
    doc: dict[str, Any]
    summary: str  # Terraform's own "Plan: ..." line


def _tf(workdir: Path, *args: str) -> str:
    done = subprocess.run(["terraform", *args], cwd=workdir, env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"terraform {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


def real_plan(workdir: Path, *configs: str) -> RealPlan:
    """Apply every config but the last in turn, then plan the last; ``terraform show -json`` it."""
    workdir.mkdir(parents=True, exist_ok=True)
    main = workdir / "main.tf"
    for i, text in enumerate(configs):
        main.write_text(text)
        if i == 0:
            _tf(workdir, "init", "-input=false", "-no-color")
        if i < len(configs) - 1:
            _tf(workdir, "apply", "-auto-approve", "-input=false", "-no-color")
    human = _tf(workdir, "plan", "-input=false", "-no-color", "-out=plan.bin")
    text = _tf(workdir, "show", "-json", "plan.bin")
    out = workdir / "plan.json"
    out.write_text(text)
    found = re.search(r"^Plan: .*$", human, re.M)
    summary = found.group(0) if found else ("No changes." if "No changes." in human else human[-300:])
    return RealPlan(out, json.loads(text), summary)


def _merge(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    merged: dict[str, Any] = {}
    for key in ("input", "triggers_replace"):
        part = value.get(key)
        if isinstance(part, dict):
            merged.update(part)
        elif part is True:
            return True
    return merged


def _harvester_change(rc: dict[str, Any]) -> dict[str, Any]:
    name = rc["name"]
    kinds = {"vm_": "harvester_virtualmachine", "vol_": "harvester_volume"}
    prefix = next((p for p in kinds if name.startswith(p)), None)
    if prefix is None:
        return rc
    rtype = kinds[prefix]
    short = name[len(prefix):]
    change = dict(rc["change"])
    for key in ("before", "after", "before_sensitive", "after_sensitive", "after_unknown"):
        if key in change:
            change[key] = _merge(change[key]) if change[key] is not None else None
    if change.get("replace_paths"):
        change["replace_paths"] = [["disk"] if p == ["triggers_replace"] else p[1:] for p in change["replace_paths"]]
    index = rc["address"][len(f"terraform_data.{name}"):]
    return {**rc, "type": rtype, "name": short, "address": f"{rtype}.{short}{index}", "change": change}


def harvesterize(doc: dict[str, Any]) -> dict[str, Any]:
    out = dict(doc)
    for key in ("resource_changes", "resource_drift"):
        if key in doc:
            out[key] = [_harvester_change(rc) for rc in doc[key]]
    return out


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HIAC), *args], cwd=cwd or REPO, env=ENV, capture_output=True, text=True,
                          check=False)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=cwd,
                          env=ENV, capture_output=True, text=True, check=True)
    return done.stdout


def write_site(repo: Path, inventory: str) -> None:
    """``site.yaml`` from ``examples/inventories/<inventory>`` (one site name for both
    homelab states, so their stacks compare) and its rendered ``templates/``."""
    text = (REPO / "examples" / "inventories" / inventory).read_text()
    (repo / "site.yaml").write_text(text.replace("name: altra-homelab-before-fix", "name: altra-homelab"))
    done = run_cli("render", "--inventory", "site.yaml", "--templates-dir", "templates", cwd=repo)
    assert done.returncode == 0, done.stderr


def two_commit_repo(repo: Path) -> Path:
    """A git repository: commit 1 the homelab before the fix, commit 2 after it."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitignore").write_text("cdktf.out/\n*.sarif\n*.xml\nharvester-iac-preview.md\n")
    write_site(repo, "altra-before-fix.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "before the fix")
    write_site(repo, "altra.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "second Longhorn disk, two replicas")
    return repo
