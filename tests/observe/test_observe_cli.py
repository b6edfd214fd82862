"""``harvester-iac observe`` in-process: output forms, atomic -o, and exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.observe import EventKind, SourceState, load_snapshot
from tests.observe._examples import INCIDENT_ARGS
from tests.observe._paths import INCIDENT, INCIDENT_LISTING, INCIDENT_LONGHORN, MASTER_VOLUMES, ROOT


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_incident_summary_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(list(INCIDENT_ARGS)) == 0
    out = capsys.readouterr().out
    assert out.startswith("Observed 7 sources (7 ok), 54 events")
    assert "2025-12-27 15:10:50 PST .. 2025-12-27 16:55:33 PST" in out
    for vm, volume in MASTER_VOLUMES.items():
        assert any(line.lstrip().startswith(volume) and vm in line for line in out.splitlines())
        assert any(line.lstrip().startswith(vm) and volume in line for line in out.splitlines())
    assert "altra  sdo   sdo16" in out
    assert "Snapshot written" not in out


def test_json_format_prints_the_snapshot_and_o_writes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap.json"
    assert main([*INCIDENT_ARGS, "--format", "json", "-o", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    written = json.loads(out.read_text())
    assert printed == written
    snap = load_snapshot(out)
    buffer_errors = [e for e in snap.events if e.kind is EventKind.BUFFER_IO_ERROR]
    assert {e.device: e.volume for e in buffer_errors} == {
        "sdi": MASTER_VOLUMES["kube-master-00"],
        "sdo16": MASTER_VOLUMES["kube-master-01"],
        "sdad": MASTER_VOLUMES["kube-master-02"],
    }
    assert all(e.time is not None and e.time.tzinfo is not None for e in snap.events)
    assert [m.host for m in snap.summaries.masters] == list(MASTER_VOLUMES)


def test_window_drops_events_outside_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    code = main([*INCIDENT_ARGS, "--since", "2025-12-27 16:50", "--until", "2025-12-27T16:53:00-08:00",
                 "-o", str(out)])
    assert code == 0
    snap = load_snapshot(out)
    assert snap.window.since is not None and snap.window.since.isoformat() == "2025-12-28T00:50:00+00:00"
    kinds = {e.kind for e in snap.events}
    assert EventKind.TARGET_SHUTDOWN in kinds and EventKind.NOP_TIMEOUT not in kinds
    assert "Window: 2025-12-27 16:50:00 PST .. 2025-12-27 16:53:00 PST" in capsys.readouterr().out


def test_iscsiadm_and_longhorn_without_logs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["observe", "--iscsiadm", str(INCIDENT_LISTING), "--longhorn", str(INCIDENT_LONGHORN),
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["events"] == [] and len(doc["sessions"]) == 5 and len(doc["longhorn"]["volumes"]) == 5
    assert {s["kind"] for s in doc["sources"]} == {"iscsiadm", "longhorn-file"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tz", "Mars/Olympus_Mons"], "--tz: unknown time zone 'Mars/Olympus_Mons'"),
        (["--since", "last tuesday"], "--since: cannot read the time 'last tuesday'"),
        (["--since", "2025-12-28", "--until", "2025-12-27"], "--since is after --until"),
        (["--boot-time", "2025-13-01"], "--boot-time: cannot read the time"),
        (["--iscsiadm", "no/such/listing.txt"], "no/such/listing.txt: no such file"),
        (["--longhorn", "examples", "--kubeconfig", "x.yaml"], "not allowed with argument"),
        (["--context", "altra"], "--context needs --kubeconfig"),
        (["--prometheus", "prometheus:9090"], "--prometheus: not an HTTP URL"),
        (["--iscsiadm", "README.md"], "README.md:line 1: no iSCSI session listing found"),
        (["--longhorn", "examples/inventories"], "no Longhorn Volume, Replica, Node or Setting object"),
        (["--kubeconfig", "no/such/kubeconfig"], "no such kubeconfig file"),
    ],
)
def test_bad_input_is_exit_2_with_one_paragraph(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "snap.json"
    try:
        code = main(["observe", str(INCIDENT / "logs"), *args, "-o", str(out)])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert not out.exists()  # no partial output


def test_nothing_to_observe_and_missing_log_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["observe"]) == 2
    assert "nothing to observe" in capsys.readouterr().err
    assert main(["observe", "no/such/dir"]) == 2
    assert "no/such/dir: no such file or directory" in capsys.readouterr().err


def test_unreadable_log_is_a_failed_source_not_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "kernel.log").write_text(
        "Dec 27 16:52:05 altra kernel: Buffer I/O error on dev sdi, logical block 1310976, lost async page write\n"
    )
    (logs / "core.bin").write_bytes(bytes(range(256)) * 64)
    out = tmp_path / "snap.json"
    assert main(["observe", str(logs), "--iscsiadm", str(INCIDENT_LISTING), "--tz", "UTC",
                 "--year", "2025", "-o", str(out)]) == 0
    snap = load_snapshot(out)
    states = {Path(s.location).name: s.state for s in snap.sources}
    assert states["kernel.log"] is SourceState.OK
    assert states["core.bin"] is not SourceState.OK
    assert "FAILED" in capsys.readouterr().out or states["core.bin"] is SourceState.PARTIAL
    (event,) = snap.events
    assert event.volume == MASTER_VOLUMES["kube-master-00"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01kube", "binary data"),
        (b"clusters: [\n", ":2:1: invalid YAML"),
        (b"- a\n- b\n", ":1:1: not a kubeconfig"),
        (b"clusters: 5\nusers: x\ncontexts: 7\ncurrent-context: y\n", "cannot use the kubeconfig"),
    ],
    ids=["binary", "malformed", "not-a-mapping", "wrong-types"],
)
def test_a_bad_kubeconfig_is_exit_2_naming_it(
    content: bytes, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kubeconfig = tmp_path / "kubeconfig.yaml"
    kubeconfig.write_bytes(content)
    assert main(["observe", "--kubeconfig", str(kubeconfig)]) == 2
    err = capsys.readouterr().err
    assert str(kubeconfig) in err and expected in err and "Traceback" not in err
