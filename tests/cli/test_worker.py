"""The forked worker synth uses to run the pure checks while Node.js starts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harvester_iac._commands._worker import Worker, WorkerError
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


def test_input_error_comes_back_whole() -> None:
    def bad() -> None:
        raise InventoryError("unknown host", file="inv.yaml", where="3:5 (/vms/0/host)",
                             expected="a host of the inventory", hint='did you mean "altra"?', more=2)

    with pytest.raises(InventoryError) as info:
        Worker(bad).result()
    err = info.value
    assert (err.message, err.file, err.where, err.expected, err.hint, err.more) == (
        "unknown host", "inv.yaml", "3:5 (/vms/0/host)", "a host of the inventory",
        'did you mean "altra"?', 2)


def test_an_unexpected_exception_is_raised_not_retried(tmp_path: Path) -> None:
    marks = tmp_path / "runs"

    def broken() -> None:
        with marks.open("a") as f:
            f.write(f"{os.getpid()}\n")
        raise KeyError("bug")

    with pytest.raises(WorkerError, match="KeyError: 'bug'"):
        Worker(broken).result()
    runs = marks.read_text().split()
    assert len(runs) == 1 and runs[0] != str(os.getpid())  # ran once, in the child


def test_an_unpicklable_result_falls_back_to_running_here(capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[int] = []

    def unpicklable() -> object:
        calls.append(os.getpid())
        return lambda: None

    result = Worker(unpicklable).result()
    assert callable(result) and calls == [os.getpid()]  # only the parent's run is recorded here
    assert "running the checks in-process" in capsys.readouterr().err
