"""Evidence built in the formats the tools write, for the coverage and identity tests.

Longhorn objects are the YAML of ``kubectl get volumes.longhorn.io,nodes.longhorn.io,
replicas.longhorn.io -n longhorn-system -o yaml`` (a ``List``, Longhorn 1.9 field names);
log lines are journalctl ``short-iso`` and ``-o json``, ``dmesg -T`` and rsyslog's
traditional format, with the wordings of ``reference/log-samples``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

GIB = 2**30
LA = ZoneInfo("America/Los_Angeles")


@dataclass
class Vol:
    """One Longhorn Volume as kubectl prints it."""

    name: str
    pvc: str | None
    vm: str | None = None
    namespace: str = "default"
    replicas: int = 1
    node: str | None = "altra"
    robustness: str = "healthy"
    state: str = "attached"
    size: int = 40 * GIB
    selectors: list[str] = field(default_factory=list)

    def obj(self) -> dict[str, object]:
        workloads = []
        if self.vm and self.state == "attached":
            workloads = [{"podName": f"virt-launcher-{self.vm}-7xk2p", "podStatus": "Running",
                          "workloadName": self.vm, "workloadType": "VirtualMachineInstance"}]
        return {
            "apiVersion": "longhorn.io/v1beta2", "kind": "Volume",
            "metadata": {"name": self.name, "namespace": "longhorn-system"},
            "spec": {"numberOfReplicas": self.replicas, "size": str(self.size),
                     "dataEngine": "v1", "frontend": "blockdev", "diskSelector": self.selectors,
                     "nodeSelector": [], "dataLocality": "disabled"},
            "status": {
                "state": self.state, "robustness": self.robustness if self.state == "attached" else "unknown",
                "currentNodeID": self.node if self.state == "attached" else "",
                "kubernetesStatus": {
                    "namespace": self.namespace if self.pvc else "", "pvName": self.name,
                    "pvStatus": "Bound", "pvcName": self.pvc or "", "lastPVCRefAt": "",
                    "lastPodRefAt": "", "workloadsStatus": workloads},
            },
        }


def node_obj(name: str, disks: dict[str, str], *, ready: bool = True) -> dict[str, object]:
    """A Longhorn Node with filesystem disks ``{disk name: path}``, 500 GiB each, 400 free."""
    cond = [{"type": "Ready", "status": "True" if ready else "False", "reason": "", "message": ""},
            {"type": "Schedulable", "status": "True", "reason": "", "message": ""}]
    dcond = [{"type": "Ready", "status": "True"}, {"type": "Schedulable", "status": "True"}]
    return {
        "apiVersion": "longhorn.io/v1beta2", "kind": "Node",
        "metadata": {"name": name, "namespace": "longhorn-system"},
        "spec": {"allowScheduling": True, "evictionRequested": False, "tags": [],
                 "disks": {d: {"path": p, "allowScheduling": True, "evictionRequested": False,
                               "storageReserved": 0, "tags": [], "diskType": "filesystem"}
                           for d, p in disks.items()}},
        "status": {"conditions": cond, "zone": "", "region": "",
                   "diskStatus": {d: {"conditions": dcond, "diskUUID": f"uuid-{name}-{d}",
                                      "storageMaximum": 500 * GIB, "storageAvailable": 400 * GIB,
                                      "storageScheduled": 40 * GIB, "diskType": "filesystem",
                                      "scheduledReplica": {}} for d in disks}},
    }


def replica_obj(name: str, volume: str, node: str, disk_path: str) -> dict[str, object]:
    return {
        "apiVersion": "longhorn.io/v1beta2", "kind": "Replica",
        "metadata": {"name": name, "namespace": "longhorn-system"},
        "spec": {"volumeName": volume, "nodeID": node, "diskPath": disk_path, "diskID": "",
                 "dataDirectoryName": f"{volume}-abcdef12", "active": True, "failedAt": "",
                 "healthyAt": "2025-12-20T10:00:00Z"},
        "status": {"currentState": "running", "instanceManagerName": f"instance-manager-{node}"},
    }


def kubectl_list(*objects: dict[str, object]) -> str:
    """What ``kubectl get ... -o yaml`` prints for several objects."""
    return yaml.safe_dump({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
                           "items": list(objects)}, sort_keys=False)


# -- logs -------------------------------------------------------------------------------

NOP = ("iscsid[2291]", "Kernel reported iSCSI connection {c}:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: "
       "A NOP has timed out) state (3)")
CONN = ("kernel", " connection{c}:0: detected conn error (1022)")
BUFFER = ("kernel", "Buffer I/O error on dev {d}, logical block 1310976, lost async page write")
OFFLINE = ("kernel", "sd {h}:0:0:1: rejecting I/O to offline device")
SLOW_APPLY = ("k3s[1187]", '{{"level":"warn","ts":"{ts}","caller":"etcdserver/util.go:170",'
              '"msg":"apply request took too long","took":"{took}","expected-duration":"100ms",'
              '"prefix":"read-only range ","request":"key:\\"/registry/leases\\" ",'
              '"response":"range_response_count:1"}}')


def short_iso(host: str, at: datetime, prog: str, text: str) -> str:
    """journalctl -o short-iso: ``2025-12-27T15:10:50-0800 altra iscsid[2291]: ...``."""
    return f"{at.astimezone(LA).strftime('%Y-%m-%dT%H:%M:%S%z')} {host} {prog}: {text}"


def rsyslog(host: str, at: datetime, prog: str, text: str) -> str:
    """rsyslog traditional format, local time (America/Los_Angeles), no year."""
    local = at.astimezone(LA)
    return f"{local.strftime('%b')} {local.day:2d} {local.strftime('%H:%M:%S')} {host} {prog}: {text}"


def dmesg_t(at: datetime, text: str) -> str:
    """dmesg -T: ``[Sat Dec 27 15:10:50 2025] sd 6:0:0:1: ...`` (local time, no host)."""
    return f"[{at.astimezone(LA).strftime('%a %b %d %H:%M:%S %Y')}] {text}"


def journal_json(host: str, at: datetime, ident: str, text: str) -> str:
    """journalctl -o json: one object per line."""
    us = int(at.timestamp() * 1_000_000)
    return json.dumps({"__REALTIME_TIMESTAMP": str(us), "__MONOTONIC_TIMESTAMP": "108101422325",
                       "_HOSTNAME": host, "_TRANSPORT": "kernel" if ident == "kernel" else "syslog",
                       "SYSLOG_IDENTIFIER": ident, "PRIORITY": "3", "MESSAGE": text})


T0 = datetime(2025, 12, 27, 23, 10, 50, tzinfo=UTC)  # 15:10:50 PST
NOW = datetime(2025, 12, 28, 1, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# -- whole sites -----------------------------------------------------------------------

MASTERS = ("kube-master-00", "kube-master-01", "kube-master-02")
ROOTS = ("pvc-928c70bb-e3b9-47d5-9bde-e0d05c29a6f0", "pvc-7a5ad083-1caa-4fee-9a12-043569536a00",
         "pvc-397611d9-e598-48a3-a3d8-cc6b25ee4b85")
PVCS = ("kube-master-00-root-2qcjn", "kube-master-01-root-52gqg", "kube-master-02-root-t8xft")


def write_lines(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def flapping_host(root: Path, name: str, *, syslog_name: str | None = None, fmt: str = "short-iso",
                  offset: float = 0) -> None:
    """iscsid and kernel logs of a host whose iSCSI sessions flap (NOP timeouts, I/O errors),
    named ``syslog_name`` in its lines (default: ``name``), in folder ``root/name``."""
    who = syslog_name or name
    lines = []
    for i, c in enumerate((3, 4, 5)):
        t = at(offset + i)
        if fmt == "json":
            lines.append(journal_json(who, t, "iscsid", NOP[1].format(c=c)))
        elif fmt == "rsyslog":
            lines.append(rsyslog(who, t, NOP[0], NOP[1].format(c=c)))
        else:
            lines.append(short_iso(who, t, NOP[0], NOP[1].format(c=c)))
    lines.append(short_iso(who, at(offset + 5), "kernel", BUFFER[1].format(d="sdo16"))
                 if fmt != "json" else journal_json(who, at(offset + 5), "kernel", BUFFER[1].format(d="sdo16")))
    write_lines(root / name / ("journal.json" if fmt == "json" else "iscsid.log"), lines)


def quiet_host(root: Path, name: str) -> None:
    """A host log that was read and holds no storage event (journal short-iso)."""
    write_lines(root / name / "iscsid.log", [
        short_iso(name, at(0), "iscsid[2291]", "iscsid: iSCSI daemon with pid=2291 started!"),
        short_iso(name, at(1), "kernel", "Loading iSCSI transport class v2.0-870."),
    ])


def master_log(root: Path, name: str, *, stalls: int) -> None:
    """k3s's journal (short-iso) of a master: etcd slow applies near the storage trouble."""
    lines = [short_iso(name, at(-60), "k3s[1187]", "Running kube-apiserver --advertise-port=6443")]
    for i in range(stalls):
        t = at(10 + i * 5)
        ts = t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        lines.append(short_iso(name, t, SLOW_APPLY[0], SLOW_APPLY[1].format(ts=ts, took="1.7s")))
    write_lines(root / name / "k3s.log", lines)


def volumes_only(path: Path, *, replicas: int = 1, extra: tuple[Vol, ...] = ()) -> Path:
    """``kubectl get volumes.longhorn.io -n longhorn-system -o yaml``: the three root volumes."""
    vols = [Vol(r, p, vm=m, replicas=replicas).obj() for r, p, m in zip(ROOTS, PVCS, MASTERS, strict=True)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(kubectl_list(*vols, *(v.obj() for v in extra)), encoding="utf-8")
    return path


def iscsiadm_p3(host: str | None, sessions: list[tuple[int, str, int, str]]) -> str:
    """``iscsiadm -m session -P 3`` as pasted from ``host``'s shell (no prompt when ``None``);
    ``sessions`` are (SID, Longhorn volume, SCSI host number, disk)."""
    out = [f"{host}:~ # iscsiadm -m session -P 3"] if host else []
    out += ["iSCSI Transport Class version 2.0-870", "version 2.1.9"]
    for sid, volume, hostno, disk in sessions:
        out += [
            f"Target: iqn.2019-10.io.longhorn:{volume} (non-flash)",
            "\tCurrent Portal: 10.52.0.58:3260,1",
            "\tPersistent Portal: 10.52.0.58:3260,1",
            "\t\tIface Name: default",
            "\t\tIface Transport: tcp",
            "\t\tIface Initiatorname: iqn.1996-04.de.suse:01:3f9b7c2e8a41",
            f"\t\tSID: {sid}",
            "\t\tiSCSI Connection State: LOGGED IN",
            "\t\tiSCSI Session State: LOGGED_IN",
            "\t\tInternal iscsid Session State: NO CHANGE",
            "\t\tRecovery Timeout: 120",
            "\t\t************************",
            "\t\tAttached SCSI devices:",
            "\t\t************************",
            f"\t\tHost Number: {hostno}\tState: running",
            f"\t\tscsi{hostno} Channel 00 Id 0 Lun: 0",
            f"\t\tscsi{hostno} Channel 00 Id 0 Lun: 1",
            f"\t\t\tAttached scsi disk {disk}\t\tState: running",
        ]
    return "\n".join(out) + "\n"


def engine_obj(volume: str, node: str, modes: dict[str, str]) -> dict[str, object]:
    """A Longhorn Engine as kubectl prints it (``status.replicaModeMap``)."""
    return {
        "apiVersion": "longhorn.io/v1beta2", "kind": "Engine",
        "metadata": {"name": f"{volume}-e-0", "namespace": "longhorn-system"},
        "spec": {"volumeName": volume, "nodeID": node, "frontend": "blockdev", "active": True},
        "status": {"currentState": "running", "replicaModeMap": modes, "endpoint": f"/dev/longhorn/{volume}"},
    }
