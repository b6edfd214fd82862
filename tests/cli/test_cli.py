"""The command line as a whole: usage errors, help, and the import budget of each command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harvester_iac.cli import COMMANDS, main


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage error" in err and "Traceback" not in err


def test_unknown_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["render", "--no-such-flag"])
    assert info.value.code == 2
    assert "--no-such-flag" in capsys.readouterr().err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "synth"])
def test_pure_commands_never_load_the_cdk_runtime(command: str) -> None:
    """Everything but synth must start without jsii/Node.js (validate runs in a fraction of a second)."""
    code = (
        "import sys; from harvester_iac.cli import build_parser; build_parser();"
        f"import harvester_iac._commands.{command};"
        "bad = sorted(m for m in ('cdktf', 'cdktn', 'jsii', 'constructs') if m in sys.modules);"
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
