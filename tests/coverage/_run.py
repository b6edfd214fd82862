"""Run the real CLI (observe, then validate) on evidence a test wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from harvester_iac.cli import main

REPO = Path(__file__).resolve().parents[2]
INVENTORIES = REPO / "examples" / "inventories"


def without_volume_names(name: str, tmp: Path) -> Path:
    """An example inventory with its ``volumeName``s removed: the Volume -> PVC -> VM chain
    alone must tie the root volumes to the masters."""
    text = (INVENTORIES / name).read_text()
    out = tmp / name
    out.write_text(re.sub(r"[,\n]\s*volumeName: pvc-[0-9a-f-]+", "", text))
    return out


def observe(capsys: pytest.CaptureFixture[str], out: Path, *args: str | Path) -> dict[str, Any]:
    code = main(["observe", *map(str, args), "--tz", "America/Los_Angeles", "--year", "2025",
                 "-o", str(out)])
    capsys.readouterr()
    assert code == 0
    doc: dict[str, Any] = json.loads(out.read_text())
    return doc


def validate(capsys: pytest.CaptureFixture[str], *args: str | Path,
             fmt: str = "json") -> tuple[int, Any]:
    code = main(["validate", *map(str, args), "--format", fmt])  # now: the snapshot is fresh
    text = capsys.readouterr().out
    return code, (json.loads(text) if fmt == "json" else text)


def by_rule(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for f in doc["findings"]:
        out.setdefault(f["rule"], []).append(f)
    return out


def rule_status(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in doc["rules"]}
