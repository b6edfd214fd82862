"""A three-host site (examples/inventories/three-node.yaml) where only hv-2's storage flaps.

Evidence written in real formats: iscsid in journalctl short-iso, kernel in syslog, etcd zap
JSON in the k3s journal; the iscsiadm listings and Longhorn objects of examples/observed/healthy.
Only k3s-server-2 (VM on hv-2) is in the chain; gitea's volume on hv-2 is a non-master row;
k3s-server-3 is unaffected; a slow apply on k3s-server-1 three hours later is unexplained.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.incident._support import HEALTHY, THREE_NODE, rows_by_master, run, run_json, write

SERVER2_VOLUME = "pvc-1b2c3d4e-0002-4a5b-8c9d-0e1f2a3b4c5d"
GITEA_ROOT = "pvc-6f7a8b9c-0004-4d5e-8f01-2a3b4c5d6e7f"


def _zap(host: str, ts: str, msg: str, extra: str = "") -> str:
    """A k3s journal line (syslog short format, January) carrying one etcd zap record."""
    return (f'Jan {ts[8:10]} {ts[11:19]} {host} k3s[1102]: {{"level":"warn","ts":"{ts}",'
            f'"caller":"etcdserver/util.go:170","msg":"{msg}"{extra}}}')


def site(tmp: Path) -> list[str]:
    logs = tmp / "logs"
    write(logs / "hv-2" / "iscsid.log", [
        "2026-01-15T14:20:01+0000 hv-2 iscsid[2204]: Kernel reported iSCSI connection 1:0 error "
        "(1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)",
        "2026-01-15T14:20:01+0000 hv-2 iscsid[2204]: Kernel reported iSCSI connection 2:0 error "
        "(1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)",
        "2026-01-15T14:20:04+0000 hv-2 iscsid[2204]: connection2:0 is operational after recovery (1 attempts)",
    ])
    write(logs / "hv-2" / "kernel.log", [
        "Jan 15 14:20:01 hv-2 kernel:  connection1:0: ping timeout of 5 secs expired, recv timeout 5, "
        "last rx 4295123411, last ping 4295124667, now 4295125923",
        "Jan 15 14:20:01 hv-2 kernel:  connection1:0: detected conn error (1022)",
        "Jan 15 14:22:01 hv-2 kernel:  session1: session recovery timed out after 120 secs",
        "Jan 15 14:22:01 hv-2 kernel: sd 6:0:0:1: rejecting I/O to offline device",
        "Jan 15 14:22:01 hv-2 kernel: I/O error, dev sdb, sector 4196352 op 0x1:(WRITE) flags 0x800 phys_seg 1 "
        "prio class 2",
        "Jan 15 14:22:01 hv-2 kernel: Buffer I/O error on dev sdb1, logical block 524288, lost async page write",
    ])
    for host in ("hv-1", "hv-3"):
        write(logs / host / "kernel.log", [f"Jan 15 14:21:00 {host} kernel: cni0: port 3(veth5f2a9c1e) entered "
                                          "forwarding state"])
    write(logs / "k3s-server-2" / "k3s.log", [
        _zap("k3s-server-2", "2026-01-15T14:20:40.512Z", "apply request took too long",
             ',"took":"4.812s","expected-duration":"100ms","prefix":"","request":"header:<ID:1> put:<key:\\"/x\\">",'
             '"response":"size:6"'),
        'Jan 15 14:22:30 k3s-server-2 k3s[1102]: {"level":"warn","ts":"2026-01-15T14:22:30.101Z",'
        '"caller":"wal/wal.go:805","msg":"slow fdatasync","took":"2.112s","expected-duration":"1s"}',
    ])
    write(logs / "k3s-server-1" / "k3s.log", [
        _zap("k3s-server-1", "2026-01-15T17:45:12.250Z", "apply request took too long",
             ',"took":"231.2ms","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"/r\\"",'
             '"response":"range_response_count:1 size:120"'),
    ])
    write(logs / "k3s-server-3" / "k3s.log", [
        'Jan 15 14:20:00 k3s-server-3 k3s[1102]: {"level":"info","ts":"2026-01-15T14:20:00.021Z",'
        '"caller":"mvcc/index.go:214","msg":"compact tree index","revision":5512002}',
    ])
    args = ["incident", str(logs), "--inventory", str(THREE_NODE), "--longhorn", str(HEALTHY / "longhorn"),
            "--tz", "UTC", "--year", "2026"]
    for h in ("hv-1", "hv-2", "hv-3"):
        args += ["--iscsiadm", str(HEALTHY / "iscsiadm" / f"{h}-iscsiadm-session-P3.txt")]
    return args


def test_only_the_flapping_hosts_master_is_in_the_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(site(tmp_path), capsys)
    assert doc["hosts_with_storage_episode"] == ["hv-2"]
    (ep,) = doc["episodes"]
    assert ep["host"] == "hv-2" and ep["phase"] == "connection_loss"
    assert (ep["start_utc"], ep["end_utc"]) == ("2026-01-15T14:20:01.000Z", "2026-01-15T14:22:01.000Z")
    assert ep["devices"] == ["sdb", "sdc"] and ep["partitions_seen"] == ["sdb1"]
    assert ep["sessions"] == ["1", "2"]
    rows = rows_by_master(doc)
    assert list(rows) == ["k3s-server-2"]
    row = rows["k3s-server-2"]
    assert (row["device"], row["session"], row["volume"]) == ("sdb", "1", SERVER2_VOLUME)
    assert row["pvc"] == "default/k3s-server-2-root-9xm2c" and row["vm"] == "default/k3s-server-2"
    assert (row["etcd_first_utc"], row["etcd_last_utc"]) == ("2026-01-15T14:20:40.512Z", "2026-01-15T14:22:30.101Z")
    assert row["etcd_kinds"] == ["etcd_slow_apply", "etcd_slow_fdatasync"]
    (gitea,) = [r for r in doc["chain"] if r["master"] is None]
    assert (gitea["device"], gitea["volume"], gitea["vm"]) == ("sdc", GITEA_ROOT, "default/gitea")
    assert doc["unaffected_masters"] == ["k3s-server-3"]
    assert doc["unexplained"] == [{"master": "k3s-server-1", "time_utc": "2026-01-15T17:45:12.250Z",
                                   "kind": "etcd_slow_apply"}]
    note = doc["evidence"]["unexplained"][0]["note"]
    assert note == "no storage episode within 10 min"


def test_markdown_names_unaffected_and_unexplained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, md, _ = run(site(tmp_path), capsys)
    assert code == 0
    assert "**iSCSI connection losses on the Harvester host `hv-2`**" in md
    assert "root volumes** of master `k3s-server-2`" in md
    assert "`k3s-server-3` was **unaffected**" in md
    assert "etcd warnings on `k3s-server-1` have **no storage cause** within 10 minutes" in md
    assert "`k3s-server-1` **Jan 15 17:45:12 UTC** — 1× apply request took too long" in md
    assert "— **storage episode**" in md.split("## Scope")[1].split("hv-2")[1].splitlines()[0]


def test_symptom_during_another_hosts_episode_is_not_forced_into_the_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = site(tmp_path)
    write(tmp_path / "logs" / "k3s-server-3" / "k3s.log", [
        'Jan 15 14:21:00 k3s-server-3 k3s[1102]: {"level":"warn","ts":"2026-01-15T14:21:00.001Z",'
        '"caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying",'
        '"sent-request-id":1,"retry-timeout":"500ms"}',
    ])
    doc = run_json(args, capsys)
    assert list(rows_by_master(doc)) == ["k3s-server-2"]
    assert doc["unaffected_masters"] == []
    odd = [(u, e) for u, e in zip(doc["unexplained"], doc["evidence"]["unexplained"], strict=True)
           if u["master"] == "k3s-server-3"]
    assert [u["kind"] for u, _ in odd] == ["etcd_read_index_slow"]
    assert odd[0][1]["note"] == ("storage episode on hv-2 at the same time, but it touched none of "
                                 "k3s-server-3's volumes")
