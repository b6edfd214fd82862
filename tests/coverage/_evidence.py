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
