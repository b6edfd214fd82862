"""The chain ends in warnings a real etcd wrote: Debian's etcd-server under injected fsync
latency (the observe tests' harness: strace delays every fdatasync by 0.4 s, loopback only).

Its zap log sits in ``logs/kube-master-00/`` (the folder names the host); iscsid and kernel
lines of altra, written for the moment etcd stalled, flap session 9 (kube-master-00's root
volume on sdi). The chain must reach kube-master-00's real slow applies and nothing else.
"""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.incident._support import INCIDENT, MASTER_VOLUMES, rows_by_master, run_json, write
from tests.observe.test_real_etcd import BUDGET_S, KEYS, _etcd, _request

pytestmark = pytest.mark.slow


def test_storage_episode_explains_real_etcd_slow_applies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deadline = time.monotonic() + BUDGET_S
    started = datetime.now(UTC)
    with _etcd(tmp_path, "zap", deadline) as url:
        for i in range(KEYS):
            key = base64.b64encode(f"/registry/leases/kube-node-lease/k-{i}".encode()).decode()
            _request(f"{url}/v3/kv/put", {"key": key, "value": base64.b64encode(b"x" * 64).decode()})
    logs = tmp_path / "logs"
    (logs / "kube-master-00").mkdir(parents=True)
    (tmp_path / "etcd.log").rename(logs / "kube-master-00" / "etcd.log")
    at = started.replace(microsecond=0) - timedelta(seconds=30)
    volume, _, _ = MASTER_VOLUMES["kube-master-00"]

    def stamp(seconds: int) -> str:
        return (at + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S+0000")

    write(logs / "altra" / "iscsid.log", [
        f"{stamp(0)} altra iscsid[2291]: Kernel reported iSCSI connection 9:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: "
        "A NOP has timed out) state (3)",
        f"{stamp(8)} altra iscsid[2291]: Connection9:0 to [target: iqn.2019-10.io.longhorn:{volume}, portal: "
        "10.52.0.58,3260] through [iface: default] is shutdown.",
    ])
    write(logs / "altra" / "kernel.log", [
        f"{stamp(6)} altra kernel: Buffer I/O error on dev sdi, logical block 1310976, lost async page write",
    ])
    doc = run_json(["incident", str(logs), "--tz", "UTC",
                    "--iscsiadm", str(INCIDENT / "iscsiadm" / "altra-iscsiadm-session-P3.txt"),
                    "--longhorn", str(INCIDENT / "longhorn")], capsys)
    rows = rows_by_master(doc)
    assert list(rows) == ["kube-master-00"]
    row = rows["kube-master-00"]
    assert (row["device"], row["session"], row["volume"]) == ("sdi", "9", volume)
    assert "etcd_slow_apply" in row["etcd_kinds"]
    assert doc["event_counts"]["kube-master-00"]["etcd_slow_apply"] >= KEYS - 2
    first = datetime.fromisoformat(row["etcd_first_utc"].replace("Z", "+00:00"))
    assert started - timedelta(seconds=5) <= first <= datetime.now(UTC)
    assert doc["unexplained"] == []
    assert doc["evidence"]["masters_not_observed"] == ["kube-master-01", "kube-master-02"]
    link = doc["evidence"]["chain"][0]["links"][-1]
    assert link["step"] == "master → etcd" and link["cite"]["file"].endswith("kube-master-00/etcd.log")
