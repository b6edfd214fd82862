"""The lab itself: boot the QEMU VM (TCG) for each scenario and check observe on fresh output.

Slow (about a minute per scenario on one emulated CPU); each scenario's VM runs once per
session, whichever xdist worker asks first (the others wait on its lock and reuse it). Needs Debian's qemu-system-x86,
linux-image-amd64, busybox-static, open-iscsi, tgt, etcd-server, e2fsprogs and cpio
(scripts/setup --test installs them). A machine that cannot start the VM fails these
tests with the reason; they never pass or skip silently.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from lab.check import RunCheck, check_run
from lab.incident import IncidentUnavailable, check_incident, has_incident
from lab.rootfs import LabSetupError
from lab.vm import SCENARIOS, run_scenario

pytestmark = pytest.mark.slow


def _shared_dir(factory: pytest.TempPathFactory) -> Path:
    """A folder all xdist workers of this session share (each run is made once)."""
    if os.environ.get("LAB_RUNS"):
        return Path(os.environ["LAB_RUNS"])
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


_CHECKED: dict[str, RunCheck] = {}


def _run(factory: pytest.TempPathFactory, name: str) -> RunCheck:
    """Boot the VM for ``name`` once per session (under a lock), check it once per worker."""
    if name in _CHECKED:
        return _CHECKED[name]
    shared = _shared_dir(factory)
    shared.mkdir(parents=True, exist_ok=True)
    out, error = shared / f"lab-{name}", shared / f"lab-{name}.error"
    with (shared / f"lab-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if error.exists():
            pytest.fail(error.read_text(), pytrace=False)
        if not (out / "timeline.json").is_file():
            try:
                run_scenario(name, out)
            except LabSetupError as exc:
                message = f"the lab VM could not run scenario {name}: {exc}"
                error.write_text(message)
                pytest.fail(message, pytrace=False)
    _CHECKED[name] = check_run(out)
    return _CHECKED[name]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], RunCheck]:
    return lambda name: _run(tmp_path_factory, name)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_observe_finds_exactly_what_the_vm_wrote(runs: Callable[[str], RunCheck], scenario: str) -> None:
    assert runs(scenario).problems == []


def test_short_stall_recovers_inside_the_replacement_timeout(runs: Callable[[str], RunCheck]) -> None:
    kinds = runs("stall-short").kinds
    assert kinds.get("nop_timeout", 0) >= 2 and kinds.get("session_recovered") == 1
    assert not {"session_timeout", "io_error", "buffer_io_error", "fs_error"} & kinds.keys()


def test_long_stall_fails_io_past_the_replacement_timeout(runs: Callable[[str], RunCheck]) -> None:
    kinds = runs("stall-long").kinds
    for kind in ("nop_timeout", "session_timeout", "io_error", "buffer_io_error", "fs_error", "session_recovered"):
        assert kinds.get(kind, 0) >= 1, kind
    assert any(k.startswith("etcd_") for k in kinds)


def test_target_restart_closes_the_connection_and_refuses_logins(runs: Callable[[str], RunCheck]) -> None:
    kinds = runs("target-restart").kinds
    assert kinds.get("conn_error", 0) >= 1 and kinds.get("session_recovered") == 1
    assert not {"nop_timeout", "session_timeout", "io_error"} & kinds.keys()


def test_no_fault_run_reports_nothing(runs: Callable[[str], RunCheck]) -> None:
    assert runs("none").in_window == []


@pytest.mark.xfail(not has_incident(), raises=IncidentUnavailable, strict=True,
                   reason="harvester-iac has no incident command yet (issue 12)")
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_incident_names_the_chain_the_vm_caused(runs: Callable[[str], RunCheck], scenario: str) -> None:
    assert check_incident(runs(scenario).run) == []


def test_a_missing_qemu_fails_with_the_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LabSetupError, match="qemu-system-x86_64 is not installed"):
        run_scenario("none", tmp_path / "none")
