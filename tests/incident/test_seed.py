"""The seed incident (docs/incident-2025-12-29.md) from its reconstructed raw logs.

Same root cause, the same three volumes → masters, and times matching the hand-written
report; JSON valid against the shipped schema; the Fix from the inventory, checked by the gate.
"""

from __future__ import annotations

import pytest

from harvester_iac.model import default_inventory
from harvester_iac.render import render_inventory
from tests.incident._support import BEFORE_FIX, MASTER_VOLUMES, ROOT, SEED_ARGS, rows_by_master, run, run_json


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_episodes_chain_and_times_match_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(SEED_ARGS, capsys)
    assert doc["timezone"] == "America/Los_Angeles"
    assert doc["hosts_with_storage_episode"] == ["altra"]
    flap, shutdown = doc["episodes"]
    # Dec 27 15:10:50 PST: mass NOP timeouts, then recovery
    assert flap["phase"] == "nop_flap_recovered"
    assert flap["start_utc"] == "2025-12-27T23:10:50.000Z"
    assert flap["sessions"] == ["3", "9", "15", "21", "30"]
    # Dec 27 16:51:55-16:52:07 PST: target shutdowns; sdo16 folded into sdo
    assert shutdown["phase"] == "target_shutdown"
    assert (shutdown["start_utc"], shutdown["end_utc"]) == ("2025-12-28T00:51:55.000Z", "2025-12-28T00:52:07.000Z")
    assert shutdown["partitions_seen"] == ["sdo16"]
    assert {"sdi", "sdo", "sdad"} <= set(shutdown["devices"])
    rows = rows_by_master(doc)
    assert set(rows) == set(MASTER_VOLUMES)
    for master, (volume, device, pvc) in MASTER_VOLUMES.items():
        row = rows[master]
        assert (row["host"], row["device"], row["volume"]) == ("altra", device, volume)
        assert row["iqn"] == f"iqn.2019-10.io.longhorn:{volume}"
        assert row["pvc"] == f"default/{pvc}" and row["vm"] == f"default/{master}"
        # Dec 27 16:46:45 PST: ReadIndex and apply too long; until 16:55:33 publish timeouts
        assert row["etcd_first_utc"].startswith("2025-12-28T00:46:45.")
        assert row["etcd_kinds"] == ["etcd_publish_timeout", "etcd_read_index_slow", "etcd_slow_apply"]
    assert rows["kube-master-02"]["etcd_last_utc"] == "2025-12-28T00:55:33.290Z"
    workers = [r for r in doc["chain"] if r["master"] is None]
    assert {r["vm"] for r in workers} == {"default/kube-worker-00", "default/kube-worker-01"}
    assert all(not r["etcd_kinds"] for r in workers)
    assert len(doc["chain"]) == 5  # one row per failed device: sdc, sdi, sdo, sdu, sdad
    assert doc["unaffected_masters"] == [] and doc["unexplained"] == []
    assert doc["event_counts"]["altra"]["target_shutdown"] == 5
    assert doc["event_counts"]["kube-master-00"] == {"etcd_slow_apply": 2, "etcd_read_index_slow": 2,
                                                      "etcd_publish_timeout": 2}


def test_every_link_cites_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(SEED_ARGS, capsys)
    for row, ev in zip(doc["chain"], doc["evidence"]["chain"], strict=True):
        assert ev["stop"] is None
        steps = {lk["step"]: lk for lk in ev["links"]}
        assert "volume → PVC" in steps and "PVC → VM" in steps
        for lk in ev["links"]:
            assert lk["cite"] is not None and lk["cite"]["line"] >= 1, (row["device"], lk)
    sdi = doc["evidence"]["chain"][[r["device"] for r in doc["chain"]].index("sdi")]
    cites = {lk["step"]: f'{lk["cite"]["file"]}:{lk["cite"]["line"]}' for lk in sdi["links"]}
    assert cites["line → device"] == "examples/observed/incident/logs/altra/kernel.log:15"
    assert cites["session → target"] == "examples/observed/incident/logs/altra/iscsid.log:13"
    assert cites["master → etcd"] == "examples/observed/incident/logs/kube-master-00/k3s.log:2"


def test_markdown_reads_like_the_hand_written_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, md, _ = run(SEED_ARGS, capsys)
    assert code == 0
    assert md.startswith("# 2025-12-27 Harvester Longhorn iSCSI Resets -> etcd Slow Apply\n")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == ["## Summary", "## Scope / Environment", "## Evidence (PST)", "## Root Cause",
                        "## Fix (GitOps)", "## Validation", "## Timeline"]
    timeline = md.split("## Timeline", 1)[1]
    assert ("| Dec 27 16:52:05 PST | 2025-12-28T00:52:05.000Z | altra | Buffer I/O errors | sdi | "
            "examples/observed/incident/logs/altra/kernel.log:16 |") in timeline
    assert timeline.count("\n| Dec ") == 54  # every matched line
    for phrase in (
        "The root cause was **iSCSI session resets on the Harvester host `altra`**",
        "**Longhorn-backed root volumes** of all three masters",
        "- Harvester host: `altra` (192.168.1.85), single-node Harvester",
        "- K3s control planes (VMs): 192.168.1.150, 192.168.1.151, 192.168.1.152",
        "- Timezone: **PST** (UTC-8",
        "**Dec 27 15:10:50 PST** — mass **NOP timeouts**",
        "followed by recovery",
        "**Dec 27 16:51:55–16:52:07 PST** — mass **Longhorn target shutdowns**",
        "including master root volumes",
        "**Dec 27 16:52:05–16:52:06 PST** — **block I/O errors** and **Buffer I/O errors** on Longhorn iSCSI "
        "devices (e.g., `sdi`, `sdo16` and `sdad`)",
        "**Dec 27 16:46:45 PST** — all three masters report **ReadIndex took too long** and **apply request took "
        "too long**",
        "**Dec 27 16:54:25–16:55:33 PST** — all three masters report **raft publish timeouts** and **apply "
        "request took too long**",
        "**Longhorn iSCSI sessions on the Harvester host `altra` were flapping**, which reset the block devices "
        "backing the master root volumes (`sdi`, `sdo` and `sdad`). Those resets caused kernel I/O errors and "
        "stalled etcd apply/ReadIndex/raft publish on all three masters.",
        "### 1) Add a second Longhorn disk on `altra` (nvme0)",
        "kubectl --kubeconfig ~/.kube/altra.yaml apply -f templates/longhorn-altra-disk.yaml",
        "without pinning any volumes to a specific disk",
        "**no new iSCSI NOP timeouts** or **buffer I/O errors**",
        "**no new slow-apply warnings** over a 30–60 minute window",
    ):
        assert phrase in md, phrase
    for _, (volume, _, pvc) in MASTER_VOLUMES.items():
        assert f"- `{volume}` -> `{pvc}`" in md
        assert (f"kubectl --kubeconfig ~/.kube/altra.yaml -n longhorn-system get volumes.longhorn.io {volume} "
                '-o yaml | rg -n "pvcName"') in md


def test_fix_is_the_inventory_change_and_its_rendered_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(SEED_ARGS, capsys)
    fix = doc["evidence"]["fix"]
    assert fix["gate_passed"] is True and fix["gate"] == []
    disk, spread = fix["changes"]
    assert disk["kind"] == "disk" and "`/usr/local/longhorn-disk` on `/dev/nvme0n1`" in disk["details"][0]
    rendered = {f.path: f.content.decode() for f in render_inventory(default_inventory())}
    assert disk["manifest"]["path"] == "longhorn-altra-disk.yaml"
    assert disk["manifest"]["content"] == rendered["longhorn-altra-disk.yaml"]
    assert (ROOT / "templates" / "longhorn-altra-disk.yaml").read_text() == disk["manifest"]["content"]
    assert spread["kind"] == "storage_class" and spread["replicas"] == 2
    assert spread["volumes"] == [v for v, _, _ in MASTER_VOLUMES.values()]
    assert "replicaDiskSoftAntiAffinity: disabled" in spread["details"][0]


def test_before_fix_inventory_is_refused_by_the_gate_with_its_fix(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json([*SEED_ARGS, "--inventory", str(BEFORE_FIX)], capsys)
    fix = doc["evidence"]["fix"]
    assert fix["gate_passed"] is False and fix["changes"] == []
    assert any(line.startswith("error HIAC-PLACEMENT-001: 3 of 3 master root volumes") for line in fix["gate"])
    assert any("Add a second Longhorn disk on altra" in p for p in fix["proposals"])
    code, md, _ = run([*SEED_ARGS, "--inventory", str(BEFORE_FIX)], capsys)
    assert code == 0 and "does **not** answer this incident yet" in md
    assert len(rows_by_master(doc)) == 3  # the chain does not depend on the plan


def test_lag_decides_what_is_blamed(capsys: pytest.CaptureFixture[str]) -> None:
    """With a 3-minute lag the 16:46:45 warnings (5 min before the shutdowns) are unexplained."""
    doc = run_json([*SEED_ARGS, "--lag", "3m"], capsys)
    rows = rows_by_master(doc)
    assert all(r["etcd_first_utc"].startswith("2025-12-28T00:54:") for r in rows.values())
    early = {(u["master"], u["kind"]) for u in doc["unexplained"]}
    assert ("kube-master-00", "etcd_read_index_slow") in early
    assert all(u["time_utc"].startswith("2025-12-28T00:46:45.") for u in doc["unexplained"])
    md = run([*SEED_ARGS, "--lag", "3m"], capsys)[1]
    assert "precede the first logged storage line" not in md  # nothing blamed comes before the episode


def test_root_cause_says_the_early_warnings_precede_the_first_storage_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The ±10 min window links the 16:46:45 warnings to the 16:51:55 shutdowns: the text says they come first."""
    md = run(SEED_ARGS, capsys)[1]
    root = md.split("## Root Cause", 1)[1].split("## Fix", 1)[0]
    assert ("The etcd warnings at **Dec 27 16:46:45 PST** precede the first logged storage line on `altra` "
            "(Dec 27 16:51:55 PST): the lag window links them, and the fault likely began before it was logged."
            ) in root


def test_the_committed_example_report_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """examples/observed/incident.report.md is this command's output (see examples/observed/README.md)."""
    code, md, _ = run(SEED_ARGS, capsys)
    assert code == 0
    assert (ROOT / "examples" / "observed" / "incident.report.md").read_text(encoding="utf-8") == md
