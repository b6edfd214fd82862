"""Bad ``--host``, ``--iscsiadm HOST=F`` and ``--require`` values are usage errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.cli import main
from tests.coverage._evidence import at, dmesg_t, write_lines


@pytest.fixture
def dmesg(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "dmesg.txt", [dmesg_t(at(0), "sd 6:0:0:1: rejecting I/O to offline device")])


@pytest.mark.parametrize(("args", "said"), [
    (["--host", "hv-1", "--host", "hv-2"], "--host H given twice"),
    (["--host", "hv-1=/nonexistent/dmesg.txt"], "--host hv-1=/nonexistent/dmesg.txt: no such file"),
    (["--iscsiadm", "hv-1=/nonexistent/sessions.txt"], "/nonexistent/sessions.txt: no such file"),
])
def test_observe_flags(dmesg: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    assert main(["observe", str(dmesg), *args]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_require_names_known_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--require", "volumes,replica"]) == 2
    err = capsys.readouterr().err
    assert "--require: unknown evidence kind 'replica'" in err and 'did you mean "replicas"?' in err
