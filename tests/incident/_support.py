"""Shared helpers of the incident tests: run the CLI in-process, validate JSON, write evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harvester_iac.cli import main
from harvester_iac.incident import incident_schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "observed"
INCIDENT = EXAMPLES / "incident"
HEALTHY = EXAMPLES / "healthy"
BEFORE_FIX = ROOT / "examples" / "inventories" / "altra-before-fix.yaml"
THREE_NODE = ROOT / "examples" / "inventories" / "three-node.yaml"
ARTIFACTS = ROOT / "build" / "artifacts"

#: Relative to the repository root (tests chdir there), so citations read like the report's.
SEED_ARGS: tuple[str, ...] = (
    "incident", "examples/observed/incident/logs",
    "--iscsiadm", "examples/observed/incident/iscsiadm/altra-iscsiadm-session-P3.txt",
    "--longhorn", "examples/observed/incident/longhorn",
    "--tz", "America/Los_Angeles", "--year", "2025",
)

MASTER_VOLUMES = {
    "kube-master-00": ("pvc-928c70bb-e3b9-47d5-9bde-e0d05c29a6f0", "sdi", "kube-master-00-root-2qcjn"),
    "kube-master-01": ("pvc-7a5ad083-1caa-4fee-9a12-043569536a00", "sdo", "kube-master-01-root-52gqg"),
    "kube-master-02": ("pvc-397611d9-e598-48a3-a3d8-cc6b25ee4b85", "sdad", "kube-master-02-root-t8xft"),
}


def run(args: list[str] | tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(args: list[str] | tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run([*args, "--format", "json"], capsys)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator(incident_schema()).validate(doc)
    return doc


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def rows_by_master(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["master"]: r for r in doc["chain"] if r["master"] is not None}
