"""``harvester-iac validate`` end to end: the incident story, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harvester_iac.cli import main
from harvester_iac.model import default_inventory, load_inventory
from harvester_iac.policy import Severity, gate_messages, load_observed
from tests.report._support import snapshot_now

REPO = Path(__file__).resolve().parents[2]
BEFORE = str(REPO / "examples/inventories/altra-before-fix.yaml")
THREE = str(REPO / "examples/inventories/three-node.yaml")
INCIDENT = REPO / "examples/observed/incident.snapshot.json"
HEALTHY = REPO / "examples/observed/healthy.snapshot.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, *args, "--format", "json")
    return code, json.loads(out)


def at(snapshot: Path) -> list[str]:
    return ["--observed", str(snapshot), "--now", snapshot_now(snapshot).isoformat()]


# -- the incident as the acceptance story -------------------------------------------------

def test_before_the_fix_the_incident_evidence_fails_the_gate_on_the_quorum(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = as_json(capsys, "--inventory", BEFORE, *at(INCIDENT))
    assert code == 1
    (quorum,) = [f for f in doc["findings"] if f["rule"] == "HIAC-PLACEMENT-001"]
    assert quorum["severity"] == "error" and quorum["blocking"]
    assert {"host/altra", "disk/altra/default-disk", "volume/kube-master-00/root",
            "volume/kube-master-01/root", "volume/kube-master-02/root"} <= set(quorum["resources"])
    assert quorum["fix"].startswith("Add a second Longhorn disk on altra")
    values = {e["name"]: e["value"] for e in quorum["evidence"] if e["type"] == "value"}
    placement = values["placement of kube-master-00/root (pvc-928c70bb-e3b9-47d5-9bde-e0d05c29a6f0)"]
    assert placement.startswith("observed Longhorn replicas: altra/default-disk")
    lines = [e for e in quorum["evidence"] if e["type"] == "source" and e["text"]]
    assert any("ISCSI_ERR_NOP_TIMEDOUT" in (e["text"] or "") for e in lines)


def test_after_the_fix_no_quorum_error_and_the_single_host_stays_a_warning(
        capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = as_json(capsys, *at(INCIDENT))  # the default inventory is the fixed homelab
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for f in doc["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    assert "HIAC-PLACEMENT-001" not in by_rule
    (host,) = by_rule["HIAC-PLACEMENT-002"]
    assert host["severity"] == "warning" and "no other host" in host["message"]
    # the plan raises the root volumes to 2 replicas: the existing one stays, one is simulated
    placement = [e["value"] for e in host["evidence"] if e["type"] == "value"
                 and e["name"].startswith("placement of kube-master-00/root")]
    assert placement[0].startswith("simulated: altra/default-disk, altra/nvme0")


def test_three_node_site_with_healthy_evidence_passes_clean(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = as_json(capsys, "--inventory", THREE, *at(HEALTHY), "--fail-on", "warning")
    assert code == 0
    assert doc["findings"] == []
    # the example holds no Prometheus series: the WAL fsync rule cannot judge (unknown, not a pass)
    unknown = {r["id"]: r["reason"] for r in doc["rules"] if r["status"] == "unknown"}
    assert list(unknown) == ["HIAC-ETCD-001"] and "Prometheus" in unknown["HIAC-ETCD-001"]
    assert doc["summary"]["passed"] == doc["summary"]["rules"] - 1


def test_logs_folder_is_scanned_on_the_fly(capsys: pytest.CaptureFixture[str]) -> None:
    logs = REPO / "examples/observed/incident/logs"
    code, doc = as_json(capsys, "--inventory", BEFORE, "--logs", str(logs),
                        "--tz", "America/Los_Angeles", "--now", "2025-12-28T02:00:00Z")
    assert code == 1
    assert doc["observed"] == str(logs)
    rules = {f["rule"]: f["severity"] for f in doc["findings"]}
    assert rules["HIAC-PLACEMENT-001"] == "error"  # host trouble seen in the scanned logs
    assert rules["HIAC-ETCD-002"] == "error"


# -- the gate ------------------------------------------------------------------------------

@pytest.mark.parametrize(("fail_on", "code"), [("error", 0), ("warning", 1), ("never", 0)])
def test_fail_on(capsys: pytest.CaptureFixture[str], fail_on: str, code: int) -> None:
    # the default inventory without evidence: one warning (single host), one info
    got, _, _ = run(capsys, "--fail-on", fail_on, "--now", "2025-12-28T00:00:00Z")
    assert got == code


def test_require_observed_turns_missing_evidence_into_an_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--require-observed", "--now", "2025-12-28T00:00:00Z")
    assert code == 1 and "health was not checked" in out


def test_max_age_makes_old_evidence_stale(capsys: pytest.CaptureFixture[str]) -> None:
    late = (snapshot_now(HEALTHY)).isoformat()
    code, doc = as_json(capsys, "--inventory", THREE, "--observed", str(HEALTHY),
                        "--now", late, "--max-age", "30m")
    assert code == 0
    (stale,) = doc["findings"]
    assert stale["rule"] == "HIAC-EVIDENCE-001" and stale["severity"] == "warning"
    assert "1h old, older than --max-age 30m" in stale["message"]


def test_threshold_override_changes_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--inventory", BEFORE, *at(INCIDENT)]
    _, strict = as_json(capsys, *args)
    _, lax = as_json(capsys, *args, "--threshold", "nop_timeouts=100",
                     "--threshold", "io_errors=100", "--threshold", "target_shutdowns=100")
    sev = {f["rule"]: f["severity"] for f in lax["findings"]}
    assert {f["rule"]: f["severity"] for f in strict["findings"]}["HIAC-PLACEMENT-001"] == "error"
    assert sev["HIAC-PLACEMENT-001"] == "warning"


@pytest.mark.parametrize(("args", "words"), [
    (["--inventory", "/nonexistent.yaml"], "/nonexistent.yaml: file not found"),
    (["--observed", "/nonexistent.json"], "/nonexistent.json: no such snapshot file"),
    (["--now", "yesterday"], "--now: cannot read the time 'yesterday'"),
    (["--max-age", "a while"], '--max-age: "a while" is not a duration'),
    (["--threshold", "nop=3"], '--threshold: unknown threshold "nop=3"'),
    (["--threshold", "nop_timeouts=many"], '"many" is not a number'),
    (["--tz", "UTC"], "--tz only applies to --logs"),
    (["--logs", "/nonexistent"], "--logs: not a folder"),
    (["--baseline", "/nonexistent"], "/nonexistent: file not found"),
])
def test_bad_input_is_exit_2_with_one_paragraph(capsys: pytest.CaptureFixture[str],
                                                args: list[str], words: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert words in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_bad_snapshot_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "s.json"
    bad.write_text('{"apiVersion": "harvester-iac/v1", "kind": "HealthSnapshot"')
    code, _, err = run(capsys, "--observed", str(bad))
    assert code == 2 and str(bad) in err


def test_observed_and_logs_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["validate", "--observed", "a.json", "--logs", "d"])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# -- library entry points ------------------------------------------------------------------

def test_gate_messages_for_the_stack_hook() -> None:
    observed = load_observed(INCIDENT)
    now = snapshot_now(INCIDENT)
    before = gate_messages(load_inventory(BEFORE), snapshot=observed, now=now)
    assert any(m.startswith("HIAC-PLACEMENT-001 error: 3 of 3 master root volumes") for m in before)
    assert all("\n" not in m for m in before)
    assert gate_messages(load_inventory(THREE), snapshot=load_observed(HEALTHY),
                         now=snapshot_now(HEALTHY)) == []
    warn = gate_messages(default_inventory(), fail_on=Severity.WARNING, now=now)
    assert any(m.startswith("HIAC-PLACEMENT-002 warning:") for m in warn)


def test_validate_never_imports_the_cdk_runtime() -> None:
    code = (
        "import sys\n"
        "from harvester_iac.cli import main\n"
        f"rc = main(['validate', '--inventory', {BEFORE!r}, '--format', 'sarif', "
        "'--now', '2025-12-28T00:00:00Z'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('cdktf', 'cdktn', 'jsii', 'constructs', 'kubernetes', 'matplotlib') "
        "or m == 'harvester_iac.cdk')\n"
        "sys.stderr.write(repr(heavy))\n"
        "raise SystemExit(rc)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("[]"), proc.stderr
    json.loads(proc.stdout)  # SARIF on stdout
