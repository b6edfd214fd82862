"""The public surface of ``harvester_iac.render`` and its import cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import harvester_iac.render as render
from tests.render.conftest import ROOT


def test_public_api_is_pinned() -> None:
    # isort style, as ruff keeps it: CONSTANTS, then Classes, then functions
    assert render.__all__ == sorted(render.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert set(render.__all__) == {
        "GENERATED_PREFIX", "VENDORED_LONGHORN_VERSIONS", "DiffStatus", "Manifest", "Ownership",
        "RenderedFile", "SchemaProblem", "TemplateDiff", "TemplatePlan", "WriteReport",
        "block_device_manifests", "block_device_name",
        "check_templates", "inventory_manifests", "is_generated", "node_disk_manifest",
        "ownership", "plan_templates", "sealed_file",
        "render_inventory", "render_problems", "schema_versions", "storage_class_manifest",
        "validate_manifest", "write_templates",
    }
    for name in render.__all__:
        assert hasattr(render, name), name


_PROBE = """
import contextlib, io, json, sys
{call}
heavy = sorted(m for m in sys.modules
               if m.split(".")[0] in {{"cdktf", "cdktn", "jsii", "constructs"}} or m == "harvester_iac.cdk")
print(json.dumps({{"code": code, "heavy": heavy}}))
"""


def _probe(call: str) -> dict[str, object]:
    code = _PROBE.format(call=call)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_the_render_command_never_imports_the_cdk_runtime(tmp_path: Path) -> None:
    """``harvester-iac render`` as a user runs it, in a fresh interpreter."""
    call = (
        "from harvester_iac.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['render', '--templates-dir', {str(tmp_path)!r}])\n"
    )
    assert _probe(call) == {"code": 0, "heavy": []}
    assert (tmp_path / "longhorn-altra-disk.yaml").is_file()


def test_the_render_library_never_imports_the_cdk_runtime() -> None:
    call = (
        "from harvester_iac.model import load_inventory\n"
        "from harvester_iac.render import render_inventory\n"
        "code = len(render_inventory(load_inventory('examples/inventories/three-node.yaml')))\n"
    )
    assert _probe(call) == {"code": 4, "heavy": []}
