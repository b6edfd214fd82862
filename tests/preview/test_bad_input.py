"""Bad input to ``preview`` is exit 2 with one paragraph naming the file, the place and
what was expected: no traceback, nothing on stdout."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.preview._support import run_cli


def _plan(tmp: Path, doc: object | str) -> Path:
    p = tmp / "plan.json"
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


def _check(done: object, *needles: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)  # type: ignore[attr-defined]
    err: str = done.stderr  # type: ignore[attr-defined]
    assert done.stdout == ""  # type: ignore[attr-defined]
    assert "Traceback" not in err and err.count("\n") == 1, err
    for n in needles:
        assert n in err, (n, err)


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    p = _plan(tmp_path, '{"format_version": "1.2",\n "resource_changes": [\n  {"address": }\n]}')
    _check(run_cli("preview", "--plan", str(p)), f"{p}:3:15: not JSON", "expected the JSON of `terraform show -json")


def test_wrong_plan_format_version(tmp_path: Path) -> None:
    p = _plan(tmp_path, {"format_version": "2.0", "resource_changes": []})
    _check(run_cli("preview", "--plan", str(p)), f"{p}:/format_version: unsupported plan format version",
           'plan format "1.x"', 'found "2.0"')


def test_state_instead_of_plan(tmp_path: Path) -> None:
    p = _plan(tmp_path, {"format_version": "1.0", "terraform_version": "1.11.4", "values": {}})
    _check(run_cli("preview", "--plan", str(p)), "this is not a plan", "not of the state")


def test_unknown_action_list_names_the_pointer(tmp_path: Path) -> None:
    p = _plan(tmp_path, {"format_version": "1.2", "resource_changes": [
        {"address": "a.b", "type": "a", "name": "b", "change": {"actions": ["explode"]}}]})
    _check(run_cli("preview", "--plan", str(p)), f"{p}:/resource_changes/0/change/actions: unknown action list",
           '["delete", "create"]')


def test_binary_plan_file(tmp_path: Path) -> None:
    p = tmp_path / "plan.bin"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("tfplan", b"\x00\x01binary")
    _check(run_cli("preview", "--plan", str(p)), str(p), "binary plan file", "terraform show -json")


def test_missing_plan_file(tmp_path: Path) -> None:
    _check(run_cli("preview", "--plan", str(tmp_path / "nope.json")), "nope.json:--plan: no such file")


@pytest.mark.parametrize("flag", [["--max-chars", "10"], ["--tz", "UTC"]])
def test_usage_errors(flag: list[str]) -> None:
    _check(run_cli("preview", *flag), flag[0])


def test_preview_never_imports_the_cdk_runtime(tmp_path: Path) -> None:
    """Without --base nothing is synthesized, and the command itself never loads CDKTF."""
    import subprocess
    import sys

    from tests.preview._support import REPO

    p = _plan(tmp_path, {"format_version": "1.2", "resource_changes": []})
    code = (
        "import sys\n"
        "from harvester_iac.cli import main\n"
        f"rc = main(['preview', '--plan', {str(p)!r}, '--format', 'json'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('cdktf', 'cdktn', 'jsii', 'constructs', 'kubernetes', 'matplotlib') or m == 'harvester_iac.cdk')\n"
        "sys.stderr.write(repr(heavy))\n"
        "raise SystemExit(rc)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("[]"), proc.stderr
