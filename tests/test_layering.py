"""The dependency rule: pure-core packages never import the CDK runtime; core is stdlib only.

Two checks that fail on different mistakes: every module of ``core``, ``model``,
``observe``, ``scheduler``, ``policy``, ``preview``, ``report`` and ``render`` is imported in a fresh
interpreter, after which no CDK module may be loaded; and no import statement in them,
even one inside a function, names the CDK runtime or the CDK-side packages.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "harvester_iac"
PURE = ("core", "model", "observe", "scheduler", "policy", "preview", "report", "render", "incident")
CDK_RUNTIME = ("cdktf", "cdktn", "jsii", "constructs")
CDK_SIDE = ("harvester_iac.cdk", "harvester_iac.constructs", "harvester_iac.stacks", *CDK_RUNTIME)


def _modules(package: str) -> list[str]:
    root = PACKAGE / package
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_importing_every_pure_module_loads_no_cdk_runtime() -> None:
    modules = [m for p in PURE for m in _modules(p)]
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"bad = sorted(m for m in {CDK_RUNTIME!r} if m in sys.modules)\n"
            "print(bad); raise SystemExit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("package", PURE)
def test_no_pure_module_names_the_cdk_side(package: str) -> None:
    for path in sorted((PACKAGE / package).rglob("*.py")):
        bad = {m for m in _imports(path) if m.split(".")[0] in CDK_RUNTIME
               or any(m == s or m.startswith(s + ".") for s in CDK_SIDE)}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_core_uses_the_standard_library_only() -> None:
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top == "__future__" or name.startswith("harvester_iac.core"), (
                f"{path.relative_to(PACKAGE)} imports {name}")


def test_what_synth_preloads_needs_no_cdk_runtime() -> None:
    """``harvester-iac synth`` imports these on its main thread while another thread starts
    Node.js: one that imported the CDK runtime would wait for that thread instead."""
    from harvester_iac._commands.synth import PRELOAD

    code = (f"import importlib, sys\nfor m in {PRELOAD!r}: importlib.import_module(m)\n"
            f"bad = sorted(m for m in {CDK_RUNTIME!r} if m in sys.modules)\n"
            "print(bad); raise SystemExit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
