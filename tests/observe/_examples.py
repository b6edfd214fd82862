"""The exact ``observe`` command lines that produce the committed example snapshots."""

from __future__ import annotations

E = "examples/observed"

INCIDENT_ARGS: tuple[str, ...] = (
    "observe", f"{E}/incident/logs",
    "--iscsiadm", f"{E}/incident/iscsiadm/altra-iscsiadm-session-P3.txt",
    "--longhorn", f"{E}/incident/longhorn",
    "--tz", "America/Los_Angeles", "--year", "2025",
)
HEALTHY_ARGS: tuple[str, ...] = (
    "observe", f"{E}/healthy/logs",
    "--iscsiadm", f"{E}/healthy/iscsiadm/hv-1-iscsiadm-session-P3.txt",
    "--iscsiadm", f"{E}/healthy/iscsiadm/hv-2-iscsiadm-session-P3.txt",
    "--iscsiadm", f"{E}/healthy/iscsiadm/hv-3-iscsiadm-session-P3.txt",
    "--longhorn", f"{E}/healthy/longhorn",
    "--tz", "UTC", "--year", "2026",
)
SNAPSHOTS = {
    f"{E}/incident.snapshot.json": INCIDENT_ARGS,
    f"{E}/healthy.snapshot.json": HEALTHY_ARGS,
}
