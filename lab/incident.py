"""Check ``harvester-iac incident`` against one lab run: the chain the lab really caused.

    python -m lab.incident RUN_DIR [RUN_DIR ...]

The lab's site, as an inventory (written per run, because the volume name is the run's):
one host ``harvester-lab`` (the iSCSI initiator), one master ``lab-master-00`` (the etcd
member) whose root volume is the run's Longhorn-named target. The VM is both: its syslog is
the host's log, its etcd log the master's. There are no Longhorn objects (no Kubernetes in
the lab), so the chain goes volume -> master through the inventory's
``rootVolume.volumeName`` and its PVC and VM stay empty.

Expected for a fault run: one storage episode on harvester-lab inside the fault window; one
chain row: the stalled target's device -> session -> IQN -> volume -> lab-master-00, with
etcd's warnings inside the window; nothing unexplained after etcd was up. For the no-fault
run: no episode, no chain row, nothing unexplained after etcd was up. ``--lag 5s``: the
lab's faults last seconds, not the minutes of the default.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from lab.check import is_starved_cpu, observe_run

__all__ = ["LAG", "IncidentUnavailable", "check_incident", "has_incident", "incident_run", "lab_inventory"]

LAG = "5s"
SLACK = timedelta(seconds=1)  # syslog times have whole seconds


class IncidentUnavailable(RuntimeError):
    """This harvester-iac has no ``incident`` command."""


def lab_inventory(timeline: dict[str, object]) -> str:
    """The lab's site as an inventory YAML (host, the master, its root volume's name)."""
    return f"""apiVersion: harvester-iac/v1
kind: Inventory
metadata:
  name: lab-{timeline['scenario']}
  description: the real-kernel fault lab's VM (lab/README.md)
hosts:
  - name: {timeline['host']}
    address: 127.0.0.1
    disks:
      - {{name: lun, path: /run/lun.img, managed: false}}
storageClasses:
  - {{name: lab-iscsi, numberOfReplicas: 1, managed: false}}
images:
  - {{name: none, url: https://example.invalid/none.img}}
networks:
  - {{name: loopback, managed: false}}
controlPlane:
  masters:
    - name: {timeline['etcd_member']}
      address: 127.0.0.2
      host: {timeline['host']}
      network: loopback
      rootVolume: {{name: root, size: 256Mi, storageClass: lab-iscsi, image: none, volumeName: {timeline['volume']}}}
"""


def has_incident() -> bool:
    """Whether this harvester-iac has the ``incident`` command (issue 12)."""
    from harvester_iac.cli import COMMANDS

    return "incident" in COMMANDS


def incident_run(run: Path) -> dict[str, object]:
    """``harvester-iac incident ... --format json`` on a run (the CLI's entry point, in-process)."""
    from harvester_iac.cli import main as cli_main

    if not has_incident():
        raise IncidentUnavailable("this harvester-iac has no 'incident' command (issue 12, branch incident)")
    timeline = json.loads((run / "timeline.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        inventory = Path(tmp) / "inventory.yaml"
        inventory.write_text(lab_inventory(timeline))
        host, member = timeline["host"], timeline["etcd_member"]
        argv = ["incident", str(run / "syslog.log"), str(run / "etcd.log"), "--inventory", str(inventory),
                "--iscsiadm", f"{host}={run / 'iscsiadm-P3.txt'}", "--host", f"{host}={run / 'syslog.log'}",
                "--host", f"{member}={run / 'etcd.log'}", "--year", str(timeline["boot_utc"])[:4],
                "--lag", LAG, "--format", "json"]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(argv)
    if code != 0:
        raise RuntimeError(f"incident failed (exit {code}) in {run}: {err.getvalue().strip()}")
    report: dict[str, object] = json.loads(out.getvalue())
    return report


def _time(text: object) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def check_incident(run: Path, report: dict[str, object] | None = None) -> list[str]:
    """Every disagreement between the incident report and what the lab recorded."""
    timeline = json.loads((run / "timeline.json").read_text())
    report = incident_run(run) if report is None else report
    problems: list[str] = []
    host, member, volume = timeline["host"], timeline["etcd_member"], timeline["volume"]
    starts = [_time(w["start_utc"]) for w in timeline["fault_windows"]]
    end = max(_time(e["time_utc"]) for e in timeline["events"])
    watched_from = _time(next(e["time_utc"] for e in timeline["events"] if e["event"] == "etcd_ready"))

    def inside(value: object) -> bool:
        return value is not None and any(s - SLACK <= _time(value) <= end for s in starts)

    episodes = report["episodes"]
    chain = report["chain"]
    assert isinstance(episodes, list) and isinstance(chain, list)
    starved = {_time(e["time"]) for e in observe_run(run, ("etcd.log",)) if is_starved_cpu(e)}
    unexplained = [u for u in report["unexplained"]  # type: ignore[attr-defined]
                   if _time(u["time_utc"]) >= watched_from and _time(u["time_utc"]) not in starved]
    if unexplained:
        problems.append(f"etcd symptoms left unexplained after etcd was up: {unexplained}")
    if not starts:
        for key in ("hosts_with_storage_episode", "episodes", "chain"):
            if report[key]:
                problems.append(f"no fault was injected, but {key} is {report[key]}")
        return problems
    if report["hosts_with_storage_episode"] != [host]:
        problems.append(f"hosts_with_storage_episode {report['hosts_with_storage_episode']}, expected [{host!r}]")
    if not episodes:
        problems.append("no storage episode")
    for ep in episodes:
        if not (inside(ep["start_utc"]) and inside(ep["end_utc"])):
            problems.append(f"episode {ep['start_utc']}..{ep['end_utc']} outside the fault window")
        if ep["volumes"] != [volume] or ep["devices"] != [timeline["device"]]:
            problems.append(f"episode names {ep['devices']} / {ep['volumes']}, "
                            f"expected {timeline['device']} / {volume}")
    if len(chain) != 1:
        problems.append(f"{len(chain)} chain rows, expected one (the stalled target's device): {chain}")
    for row in chain:
        want = {"host": host, "device": timeline["device"], "iqn": timeline["iqn"], "volume": volume,
                "master": member}
        got = {k: row[k] for k in want}
        if got != want:
            problems.append(f"chain row {got}, expected {want}")
        if not row["etcd_kinds"]:
            problems.append(f"chain row names no etcd warning on {member}")
        # incident blames what lies within --lag; a starved-CPU slow apply just before the
        # fault may be the first of the row, and that is no error of the chain
        elif not ((inside(row["etcd_first_utc"]) or _time(row["etcd_first_utc"]) in starved)
                  and inside(row["etcd_last_utc"])):
            problems.append(f"etcd warnings {row['etcd_first_utc']}..{row['etcd_last_utc']} outside the fault window")
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m lab.incident RUN_DIR [RUN_DIR ...]", file=sys.stderr)
        return 2
    if not has_incident():
        print("lab.incident: FAILED: this harvester-iac has no 'incident' command (issue 12, branch "
              "incident): the lab's incident check cannot run", file=sys.stderr)
        return 1
    failed = 0
    for arg in argv:
        run = Path(arg)
        report = incident_run(run)
        problems = check_incident(run, report)
        rows = [f"{r['host']} {r['device']} -> session {r['session']} -> {r['volume']} -> {r['master']} "
                f"({', '.join(r['etcd_kinds'])})" for r in report["chain"]]  # type: ignore[attr-defined]
        print(f"{run.name}: {'ok' if not problems else 'FAILED'}: chain {rows or 'empty'}")
        for problem in problems:
            print(f"  - {problem}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
