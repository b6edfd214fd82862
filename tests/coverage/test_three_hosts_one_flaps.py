"""Three hosts, one master on each, every root volume replicated on all three; hv-2 flaps.

Evidence in the formats the hosts write: journal JSON of hv-2 (NOP timeouts, I/O errors),
journal short-iso of the quiet hosts, rsyslog of the masters (FQDNs), and ``kubectl get
volumes.longhorn.io,nodes.longhorn.io,replicas.longhorn.io -o yaml``. Only the master on
hv-2 gets HIAC-ETCD-002, no quorum rule fires (no disk or host holds a quorum), and the
replicas on hv-2 are HIAC-HEALTH-001's finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.coverage._evidence import (
    SLOW_APPLY,
    Vol,
    at,
    flapping_host,
    kubectl_list,
    node_obj,
    quiet_host,
    replica_obj,
    rsyslog,
    write_lines,
)
from tests.coverage._run import by_rule, observe, rule_status, validate

HOSTS = ("hv-1", "hv-2", "hv-3")
MASTERS = ("k3s-server-1", "k3s-server-2", "k3s-server-3")
DISK = "/var/lib/harvester/extra-disks/nvme0"

INVENTORY = """\
apiVersion: harvester-iac/v1
kind: Inventory
metadata: {name: rack}
longhorn: {version: "1.11.2"}
hosts:
""" + "".join(f"""\
  - name: {h}
    address: 10.20.0.{i + 1}
    disks:
      - {{name: nvme0, path: {DISK}, device: /dev/nvme0n1, capacity: 1863Gi, managed: false}}
""" for i, h in enumerate(HOSTS)) + """\
storageClasses:
  - {name: etcd, numberOfReplicas: 3}
controlPlane:
  masters:
""" + "".join(f"""\
    - {{name: {m}, address: 10.20.1.{i + 11}, host: {h}, rootVolume: {{name: root, size: 60Gi, storageClass: etcd}}}}
""" for i, (m, h) in enumerate(zip(MASTERS, HOSTS, strict=True)))


def _evidence(tmp: Path) -> tuple[Path, Path]:
    logs = tmp / "logs"
    flapping_host(logs, "hv-2", fmt="json")
    quiet_host(logs, "hv-1")
    quiet_host(logs, "hv-3")
    for m in MASTERS:
        lines = [rsyslog(f"{m}.rack.example", at(-30), "k3s[1187]", "Running kubelet --node-ip=10.20.1.12")]
        if m == "k3s-server-2":
            for i in range(3):
                t = at(10 + i * 5)
                ts = t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                lines.append(rsyslog(f"{m}.rack.example", t, SLOW_APPLY[0],
                                     SLOW_APPLY[1].format(ts=ts, took="2.1s")))
        write_lines(logs / m / "syslog", lines)
    vols = [Vol(f"pvc-{i}000aaaa", f"{m}-root-k2j4x", vm=m, replicas=3, node=h, size=60 * 2**30)
            for i, (m, h) in enumerate(zip(MASTERS, HOSTS, strict=True))]
    objects = [v.obj() for v in vols]
    objects += [node_obj(h, {"nvme0": DISK}) for h in HOSTS]
    objects += [replica_obj(f"{v.name}-r-{h}", v.name, h, DISK) for v in vols for h in HOSTS]
    lh = tmp / "longhorn" / "all.yaml"
    write_lines(lh, [kubectl_list(*objects)])
    inv = tmp / "rack.yaml"
    inv.write_text(INVENTORY)
    return logs, lh


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    logs, lh = _evidence(tmp_path)
    snap = tmp_path / "snapshot.json"
    doc = observe(capsys, snap, logs, "--longhorn", lh)
    hosts = {s["path"].split("/")[-2]: s["hosts"] for s in doc["sources"] if s["kind"] == "log"}
    assert hosts["hv-1"] == ["hv-1"]  # a quiet file: its host from the folder convention
    assert hosts["k3s-server-2"] == ["k3s-server-2.rack.example"]
    code, report = validate(capsys, "--inventory", tmp_path / "rack.yaml", "--observed", snap)
    assert isinstance(report, dict)
    return {"code": code, **report}


def test_only_the_flapping_host_s_master_is_stalled_by_storage(run: dict[str, object]) -> None:
    found = by_rule(run)  # type: ignore[arg-type]
    (etcd,) = found["HIAC-ETCD-002"]
    assert etcd["resources"] == ["master/k3s-server-2", "host/hv-2"]
    assert etcd["severity"] == "error" and "storage events on its host hv-2" in etcd["message"]
    assert run["code"] == 1


def test_no_quorum_finding(run: dict[str, object]) -> None:
    found = by_rule(run)  # type: ignore[arg-type]
    status = rule_status(run)  # type: ignore[arg-type]
    for rule in ("HIAC-PLACEMENT-001", "HIAC-PLACEMENT-002"):
        assert rule not in found and status[rule]["status"] == "passed"
    assert "HIAC-EVIDENCE-002" not in found  # every FQDN resolved
    (health,) = found["HIAC-HEALTH-001"]
    assert health["resources"][0] == "host/hv-2" and health["severity"] == "error"
    assert status["HIAC-HEALTH-003"]["status"] == "passed"


def test_placement_comes_from_the_replica_objects(run: dict[str, object]) -> None:
    assert "3 from observed Longhorn replicas" in str(run["placement"])
