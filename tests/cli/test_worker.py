"""The forked worker synth uses to run the pure checks while Node.js starts."""

from __future__ import annotations

import os

import pytest

from harvester_iac._commands._worker import Worker
from harvester_iac.errors import InputError, InventoryError


def test_result_comes_from_another_process() -> None:
    parent = os.getpid()
    assert Worker(os.getpid).result() != parent


def test_input_error_is_raised_in_the_parent_with_the_same_text() -> None:
    def bad() -> None:
        raise InventoryError("unknown host", file="inv.yaml", where="3:5 (/vms/0/host)")

    with pytest.raises(InputError) as info:
        Worker(bad).result()
    assert str(info.value) == "inv.yaml:3:5 (/vms/0/host): unknown host."


def test_an_unpicklable_result_falls_back_to_running_here(capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[int] = []

    def unpicklable() -> object:
        calls.append(os.getpid())
        return lambda: None

    result = Worker(unpicklable).result()
    assert callable(result) and calls == [os.getpid()]  # only the parent's run is recorded here
    assert "running the checks in-process" in capsys.readouterr().err
