"""Paths of the fixtures and examples the observe tests read (vendored, never shared/)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ISCSIADM = FIXTURES / "iscsiadm"
LONGHORN_CRDS = FIXTURES / "longhorn-crds"
LONGHORN_API = FIXTURES / "longhorn-api"
PROMETHEUS = FIXTURES / "prometheus"
EXAMPLES = ROOT / "examples" / "observed"
INCIDENT = EXAMPLES / "incident"
INCIDENT_LISTING = INCIDENT / "iscsiadm" / "altra-iscsiadm-session-P3.txt"
INCIDENT_LONGHORN = INCIDENT / "longhorn"
HEALTHY = EXAMPLES / "healthy"

MASTER_VOLUMES = {
    "kube-master-00": "pvc-928c70bb-e3b9-47d5-9bde-e0d05c29a6f0",
    "kube-master-01": "pvc-7a5ad083-1caa-4fee-9a12-043569536a00",
    "kube-master-02": "pvc-397611d9-e598-48a3-a3d8-cc6b25ee4b85",
}
