"""The replica chooser compiled by mypyc (setup.py) against the same modules as Python.

The install compiles ``scheduler/_pool.py``, ``_choose.py`` and ``_indexed.py``; their
sources stay the reference and ``HARVESTER_IAC_PURE=1`` installs them uncompiled. Here a
child process loads those modules from their ``.py`` files (a finder placed ahead of the
extension modules) and must produce the same placements, errors and explanations as this
process on generated sites, tie-heavy sites and every reference scheduler case. A second
test keeps a stale build from passing unnoticed: an extension older than its source means
the tests would check code nobody reads.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harvester_iac.scheduler import LonghornVersion, SchedulingSettings, VolumeSpec, load_case, simulate
from tests.scheduler._cases import REFERENCE_CASES
from tests.scheduler._generated import GIB, Site, generated_site
from tests.scheduler.test_scheduler_indexed import _run, _uniform_site

ROOT = Path(__file__).resolve().parents[2]


def _compiled_modules() -> list[str]:
    """The module names setup.py hands to mypyc (read from its ``COMPILED`` tuple)."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in targets):
                assert node.value is not None
                paths = ast.literal_eval(node.value)
                return [p.removesuffix(".py").replace("/", ".") for p in paths]
    raise AssertionError("setup.py defines no COMPILED tuple")


COMPILED = _compiled_modules()


def workload() -> str:
    """Every placement of a varied set of sites, as one deterministic text."""
    out: list[str] = []
    for seed in range(60):
        site = generated_site(seed)
        out.append(repr(_run(site, indexed=True)))
        out.append(repr(_run(site, indexed=False)))
    for zones in (0, 3, 40):
        vols = tuple((VolumeSpec(name=f"v{i}", size_bytes=(1 + i % 3) * GIB), ()) for i in range(120))
        for version in LonghornVersion:
            site = Site(cluster=_uniform_site(40, zones), settings=SchedulingSettings(),
                        version=version, volumes=vols)
            out.append(repr(_run(site, indexed=True)))
    for path in REFERENCE_CASES:
        out.append(repr(simulate(load_case(path))))
    return "\n".join(out)


_CHILD = """
import importlib.util, sys
from pathlib import Path
root, names = Path(sys.argv[1]), set(sys.argv[2:])

class FromSource:
    '''Loads the compiled modules from their .py files instead.'''
    def find_spec(self, name, path=None, target=None):
        if name in names:
            return importlib.util.spec_from_file_location(name, root / (name.replace(".", "/") + ".py"))
        return None

sys.meta_path.insert(0, FromSource())
sys.path.insert(0, str(root))
from tests.scheduler.test_scheduler_compiled import workload
for name in names:
    assert sys.modules[name].__file__.endswith(".py"), sys.modules[name].__file__
sys.stdout.write(workload())
"""


def test_compiled_and_source_modules_place_the_same() -> None:
    child = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), *COMPILED], capture_output=True,
                           text=True, cwd=ROOT, timeout=600, check=False)
    assert child.returncode == 0, child.stderr[-3000:]
    mine, theirs = workload().splitlines(), child.stdout.splitlines()
    assert len(mine) == len(theirs), f"{len(mine)} results compiled, {len(theirs)} from source"
    for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        assert a == b, f"result {i} differs:\ncompiled: {a[:600]}\nsource:   {b[:600]}"


@pytest.mark.parametrize("name", COMPILED)
def test_the_compiled_module_is_current(name: str) -> None:
    module = importlib.import_module(name)
    loaded = Path(str(module.__file__))
    source = ROOT / (name.replace(".", "/") + ".py")
    if not loaded.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        if os.environ.get("CI") == "true" and os.environ.get("HARVESTER_IAC_PURE") != "1":
            pytest.fail(f"{name} runs from {loaded.name}: CI installs it compiled (setup.py), "
                        "so the benchmarks' numbers hold")
        pytest.skip(f"{name} is not compiled here (HARVESTER_IAC_PURE=1 or no build)")
    assert loaded.stat().st_mtime >= source.stat().st_mtime, (
        f"{loaded} is older than {source.name}: the tests would run the old build; run scripts/setup")
