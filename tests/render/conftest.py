"""Shared inventories for the render tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "inventories").glob("*.yaml"))

HEAD = "apiVersion: harvester-iac/v1\nkind: Inventory\nmetadata: {name: lab}\n"


def inventory_text(hosts: str, *, longhorn: str = '"1.9.2"', extra: str = "") -> str:
    """A small inventory document: ``hosts`` is the YAML list under ``hosts:``."""
    return f"{HEAD}longhorn: {{version: {longhorn}}}\nhosts:\n{hosts}{extra}"
