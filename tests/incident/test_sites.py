"""Quiet sites, missing logs and hosts named differently from the inventory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.incident._support import HEALTHY, INCIDENT, MASTER_VOLUMES, THREE_NODE, rows_by_master, run, run_json


def test_a_healthy_site_has_no_chain_and_every_master_unaffected(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["incident", str(HEALTHY / "logs"), "--inventory", str(THREE_NODE), "--longhorn", str(HEALTHY / "longhorn"),
            "--tz", "UTC", "--year", "2026"]
    doc = run_json(args, capsys)
    assert doc["episodes"] == [] and doc["chain"] == [] and doc["unexplained"] == []
    assert doc["unaffected_masters"] == ["k3s-server-1", "k3s-server-2", "k3s-server-3"]
    assert doc["evidence"]["masters_not_observed"] == []
    code, md, _ = run(args, capsys)
    assert code == 0 and md.startswith("# Incident report: no storage episode and no etcd symptom found\n")


def test_masters_without_any_log_are_not_called_unaffected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs = tmp_path / "logs"
    shutil.copytree(INCIDENT / "logs" / "altra", logs / "altra")
    doc = run_json(["incident", str(logs), "--tz", "America/Los_Angeles", "--year", "2025",
                    "--iscsiadm", str(INCIDENT / "iscsiadm" / "altra-iscsiadm-session-P3.txt"),
                    "--longhorn", str(INCIDENT / "longhorn")], capsys)
    assert doc["unaffected_masters"] == []
    assert doc["evidence"]["masters_not_observed"] == []  # they are in the chain: their volumes were hit
    stops = [e["stop"] for r, e in zip(doc["chain"], doc["evidence"]["chain"], strict=True) if r["master"]]
    assert len(stops) == 3
    assert all(s is not None and "its k3s journal is not among the logs" in s["missing"] for s in stops)


def test_empty_logs_claim_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "logs").mkdir()
    doc = run_json(["incident", str(tmp_path / "logs")], capsys)
    assert doc["unaffected_masters"] == []
    assert doc["evidence"]["masters_not_observed"] == list(MASTER_VOLUMES)
    code, md, _ = run(["incident", str(tmp_path / "logs")], capsys)
    assert code == 0 and "affected is **not known**" in md


def test_fqdn_and_address_hosts_resolve_to_the_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs = tmp_path / "logs"
    for f in (INCIDENT / "logs").rglob("*.log"):
        text = f.read_text().replace(" altra ", " altra.lan ")
        for i in range(3):  # the k3s journals as the masters' addresses name them: 192.168.1.150-152
            text = text.replace(f" kube-master-0{i} k3s", f" 192.168.1.15{i} k3s")
        dest = logs / f.relative_to(INCIDENT / "logs")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text)
    doc = run_json(["incident", str(logs), "--tz", "America/Los_Angeles", "--year", "2025",
                    "--iscsiadm", str(INCIDENT / "iscsiadm" / "altra-iscsiadm-session-P3.txt"),
                    "--longhorn", str(INCIDENT / "longhorn")], capsys)
    assert doc["hosts_with_storage_episode"] == ["altra"]
    rows = rows_by_master(doc)
    assert {m: r["volume"] for m, r in rows.items()} == {m: v for m, (v, _, _) in MASTER_VOLUMES.items()}
    assert all(r["etcd_kinds"] for r in rows.values())
    assert set(doc["event_counts"]) == {"altra", *MASTER_VOLUMES}
    assert any("(FQDN, alias)" in n for n in doc["evidence"]["notes"])


def test_an_inventory_of_another_site_gives_no_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The three-host site's logs with the default (homelab) inventory: no fix is invented for it.

    The chain still reaches k3s-server-2: a host that logs etcd warnings is an etcd member,
    and Longhorn names its VM as the user of the hit volume (the report says it is not in
    the inventory)."""
    from tests.incident.test_three_hosts import site

    args = [a for a in site(tmp_path) if a != str(THREE_NODE)]
    args.remove("--inventory")
    doc = run_json(args, capsys)
    assert doc["hosts_with_storage_episode"] == ["hv-2"]
    assert doc["evidence"]["fix"] is None
    assert list(rows_by_master(doc)) == ["k3s-server-2"]
    ref = next(m for m in doc["evidence"]["masters"] if m["name"] == "k3s-server-2")
    assert ref["in_inventory"] is False
    assert {u["master"] for u in doc["unexplained"]} == {"k3s-server-1"}
    code, md, _ = run(args, capsys)
    assert code == 0 and "No fix: the inventory (`<default inventory default-inventory.yaml>`) names none" in md
