"""A single-node site where only ``kubectl get volumes.longhorn.io -o yaml`` was saved.

Before the fix (three masters, one replica each, one disk) the gate blocks on the quorum
rule; after the fix (a second disk, two replicas) it passes. In both, HIAC-HEALTH-003 is
unknown (no Node was observed: no claim about disks), and HIAC-ETCD-002 derives today's
failure domains from the Volume objects (numberOfReplicas 1, healthy) instead of blocking
the fix's plan on "not observed".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.coverage._evidence import MASTERS, flapping_host, master_log, volumes_only
from tests.coverage._run import by_rule, observe, rule_status, validate, without_volume_names


@pytest.fixture
def snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    logs = tmp_path / "logs"
    flapping_host(logs, "altra")
    for m in MASTERS:
        master_log(logs, m, stalls=2)
    lh = volumes_only(tmp_path / "longhorn" / "volumes.yaml")
    out = tmp_path / "snapshot.json"
    doc = observe(capsys, out, logs, "--longhorn", lh)
    cov = {(c["kind"], c["scope"]): c["state"] for c in doc["coverage"]}
    assert cov[("volumes", None)] == "full"
    assert cov[("nodes", None)] == cov[("replicas", None)] == "none"
    return out


def test_before_the_fix_blocks_on_the_quorum_rule(
        snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = without_volume_names("altra-before-fix.yaml", tmp_path)
    code, doc = validate(capsys, "--inventory", inv, "--observed", snapshot)
    assert code == 1
    found = by_rule(doc)
    (quorum,) = found["HIAC-PLACEMENT-001"]
    assert quorum["severity"] == "error" and quorum["blocking"]
    assert "shows storage trouble" in quorum["message"]
    status = rule_status(doc)
    assert status["HIAC-HEALTH-003"]["status"] == "unknown"
    assert "Longhorn Node objects: not observed" in status["HIAC-HEALTH-003"]["reason"]
    assert "HIAC-HEALTH-003" not in found  # no "not in Longhorn (no node named ...)" claim
    assert {f["severity"] for f in found["HIAC-ETCD-002"]} == {"error"}  # the plan keeps one disk


def test_after_the_fix_passes_the_gate(
        snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = without_volume_names("altra.yaml", tmp_path)
    code, doc = validate(capsys, "--inventory", inv, "--observed", snapshot)
    assert code == 0, [(f["rule"], f["message"]) for f in doc["findings"] if f["blocking"]]
    found = by_rule(doc)
    assert "HIAC-PLACEMENT-001" not in found
    etcd = found["HIAC-ETCD-002"]
    assert len(etcd) == 3 and {f["severity"] for f in etcd} == {"warning"}
    assert all("spreads its root volume from 1 to 2 failure domains" in f["message"] for f in etcd)
    evidence = [e["value"] for e in etcd[0]["evidence"] if e["type"] == "value"]
    assert any("spec.numberOfReplicas 1, status.robustness healthy" in v for v in evidence)
    assert rule_status(doc)["HIAC-HEALTH-003"]["status"] == "unknown"
    assert rule_status(doc)["HIAC-HEALTH-002"]["status"] == "passed"  # chain found all three


def test_after_the_fix_with_require_observed_fails_on_the_unknowns(
        snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = without_volume_names("altra.yaml", tmp_path)
    code, doc = validate(capsys, "--inventory", inv, "--observed", snapshot, "--require-observed")
    assert code == 1
    forced = [f for f in doc["findings"] if f["message"].startswith("not judged, and the evidence is required")]
    assert {f["rule"] for f in forced} >= {"HIAC-HEALTH-003", "HIAC-ETCD-001"}
    code, doc = validate(capsys, "--inventory", inv, "--observed", snapshot, "--require", "volumes")
    assert code == 0  # volumes were observed in full
    code, doc = validate(capsys, "--inventory", inv, "--observed", snapshot, "--require", "nodes,volumes")
    assert code == 1
    assert any(f["message"].startswith("--require nodes: nodes: not observed") for f in doc["findings"])


def test_text_output_ends_with_the_coverage_line(
        snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = without_volume_names("altra.yaml", tmp_path)
    code, text = validate(capsys, "--inventory", inv, "--observed", snapshot, fmt="text")
    assert code == 0
    last = text.rstrip().splitlines()[-1]
    assert last == ("coverage: events altra full, kube-master-00 full, kube-master-01 full, "
                    "kube-master-02 full; iscsiadm none; nodes none; volumes full; replicas none; "
                    "engines none; metrics none")
    assert "UNKNOWN HIAC-HEALTH-003" in text


def test_engine_objects_say_how_many_replicas_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Volumes + Engines (no Replica objects): today's replica count comes from the engines'
    replicaModeMap, and the coverage records Engine objects as observed."""
    from tests.coverage._evidence import ROOTS, engine_obj, kubectl_list, write_lines

    logs = tmp_path / "logs"
    flapping_host(logs, "altra")
    for m in MASTERS:
        master_log(logs, m, stalls=1)
    vols = volumes_only(tmp_path / "lh" / "volumes.yaml")
    engines = write_lines(tmp_path / "lh" / "engines.yaml", [kubectl_list(
        *(engine_obj(r, "altra", {f"{r}-r-0": "RW"}) for r in ROOTS))])
    assert vols.parent == engines.parent
    snap = tmp_path / "s.json"
    doc = observe(capsys, snap, logs, "--longhorn", vols.parent)
    assert {c["kind"]: c["state"] for c in doc["coverage"] if c["scope"] is None}["engines"] == "full"
    code, report = validate(capsys, "--inventory", without_volume_names("altra.yaml", tmp_path),
                            "--observed", snap)
    assert code == 0
    etcd = by_rule(report)["HIAC-ETCD-002"]
    derived = [e["value"] for f in etcd for e in f["evidence"] if e["type"] == "value"]
    assert any("Longhorn Engine of pvc-928c70bb" in v and "1 replica(s) RW" in v for v in derived)


def test_without_longhorn_objects_the_iscsiadm_map_is_what_is_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The incident's logs and iscsiadm listing, no Longhorn object: the root volumes are
    served on altra (the map says so), their replicas are unknown, and the evidence says both."""
    from tests.coverage._run import INVENTORIES, REPO

    incident = REPO / "examples" / "observed" / "incident"
    snap = tmp_path / "s.json"
    observe(capsys, snap, incident / "logs", "--iscsiadm",
            incident / "iscsiadm" / "altra-iscsiadm-session-P3.txt")
    code, doc = validate(capsys, "--inventory", INVENTORIES / "altra.yaml", "--observed", snap)
    status = rule_status(doc)
    assert {status[r]["status"] for r in ("HIAC-HEALTH-002", "HIAC-HEALTH-003")} == {"unknown"}
    # the stalls are real, but whether the plan (two disks) spreads the root volumes beyond
    # today's is unknown: neither a block nor a pass
    assert "HIAC-ETCD-002" not in by_rule(doc)
    unknown = {u["resource"]: u for u in status["HIAC-ETCD-002"]["unknowns"]}
    assert set(unknown) == {f"master/{m}" for m in MASTERS}
    reason = unknown["master/kube-master-00"]["reason"]
    assert "pvc-928c70bb-e3b9-47d5-9bde-e0d05c29a6f0 is served by iSCSI session" in reason
    assert "(iscsiadm map)" in reason and "storage events on its host altra" in reason
    assert code == 0
    code, doc = validate(capsys, "--inventory", INVENTORIES / "altra.yaml", "--observed", snap,
                         "--require", "replicas")
    assert code == 1
    # before the fix the plan keeps each root volume on one disk: the stall blocks, known or not
    code, doc = validate(capsys, "--inventory", INVENTORIES / "altra-before-fix.yaml", "--observed", snap)
    assert code == 1 and {f["severity"] for f in by_rule(doc)["HIAC-ETCD-002"]} == {"error"}
