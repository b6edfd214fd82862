"""Fixtures for the scheduler tests: the CLI run in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import harvester_iac.cli as cli


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
            ) -> Callable[..., tuple[int, str, str]]:
    """Run ``harvester-iac`` in-process with only the simulate command registered.

    Other commands are built by other people at the same time; registering only this one
    keeps these tests independent of their import state. ``test_cli_registers_simulate``
    checks the real registration.
    """
    monkeypatch.setattr(cli, "COMMANDS", ("simulate",))

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run

