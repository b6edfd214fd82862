"""``harvester-iac synth`` writes exactly the bytes it wrote before: a golden comparison.

The snapshot tests (``assert_snapshot``) compare normalized, key-sorted JSON; this one
compares the files as written (key order, layout, the rendered templates, every line on
stdout and stderr), so a change made for speed that reorders or reformats anything fails
here. Only what depends on the run is replaced: the temporary directory, the folder of the
local backend's state file (Node.js's working directory) and the CDK runtime's version. The
goldens are per runtime (cdktn writes empty lists as ``[]``, cdktf over two lines).
Rewrite them with ``HARVESTER_IAC_UPDATE_SNAPSHOTS=1`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from harvester_iac.cdk import RUNTIME, RUNTIME_VERSION
from harvester_iac.cli import main
from tests.cdk.conftest import ROOT, SNAPSHOTS, UPDATE_ENV

pytestmark = pytest.mark.cdk

GOLDEN = SNAPSHOTS / f"golden-{RUNTIME}"
CASES = {
    "default": [],
    "three-node": ["--inventory", str(ROOT / "examples" / "inventories" / "three-node.yaml")],
}

#: ``"path": "/some/dir/terraform.<stack>.tfstate"`` of the local backend
_STATE = re.compile(r'("path": )"[^"]*/(terraform\.[^"/]+\.tfstate")')


def _fake_terraform(tmp_path: Path) -> Path:
    """A ``terraform`` that reads import blocks: no finding that depends on this machine."""
    path = tmp_path / "bin" / "terraform"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\necho 'Terraform v1.11.4'\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_synth_output_is_byte_identical_to_the_golden(case: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TERRAFORM_BINARY_NAME", str(_fake_terraform(tmp_path)))
    assert main(["synth", *CASES[case], "--out", "out", "--templates-dir", "templates"]) == 0
    captured = capsys.readouterr()
    files = {"stdout": captured.out, "stderr": captured.err}
    for root in (tmp_path / "out", tmp_path / "templates"):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name != ".harvester-iac-synth.json":  # holds sha256s of the above
                files[path.relative_to(tmp_path).as_posix()] = path.read_text()
    tmp = os.path.realpath(tmp_path)
    version = f'"version": "{RUNTIME_VERSION}"'
    got = {name: _STATE.sub(r'\1"<cwd>/\2', text.replace(tmp, "<tmp>").replace(str(tmp_path), "<tmp>")
                            .replace(version, '"version": "<runtime>"'))
           for name, text in files.items()}
    golden = GOLDEN / case
    if os.environ.get(UPDATE_ENV) == "1":
        for name, text in got.items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_text(text)
    assert golden.is_dir(), f"no golden {golden.name}; run with {UPDATE_ENV}=1 once and review it"
    want = {p.relative_to(golden).as_posix(): p.read_text() for p in sorted(golden.rglob("*")) if p.is_file()}
    assert sorted(got) == sorted(want)
    for name, text in want.items():
        assert got[name] == text, f"{name} differs from snapshots/{GOLDEN.name}/{case}/{name}"
