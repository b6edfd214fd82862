"""Copy collected lab runs into examples/lab/<scenario>/ as committed fixtures.

    python -m lab.fixtures RUNS_DIR examples/lab

Each log the checks read gets a ``<file>.labels.json`` sidecar (one label per physical line,
the shape of reference/log-samples), made by lab.labels; read them before committing.
``README.md`` there notes the kernel and package versions of the runs.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from lab.check import INPUTS
from lab.labels import label_file

__all__ = ["FILES", "copy_fixtures"]

FILES = ("syslog.log", "dmesg.log", "etcd.log", "iscsiadm-P3.txt", "iscsiadm-P3-after.txt",
         "writer.log", "reader.log", "tgtd.log", "console.log", "timeline.json", "versions.json")
ORDER = ("stall-short", "stall-long", "target-restart", "none")
LABELLED = (*INPUTS, "dmesg.log")


def _labels_json(labels: list[dict[str, object]]) -> str:
    return "[\n" + ",\n".join(json.dumps(label) for label in labels) + "\n]\n"


def copy_fixtures(runs: Path, dest: Path) -> list[Path]:
    """Copy every scenario run under ``runs`` to ``dest``; returns the scenario folders."""
    done: list[Path] = []
    for run in sorted(p for p in runs.iterdir() if (p / "timeline.json").is_file()):
        target = dest / run.name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in FILES:
            if (run / name).is_file():
                shutil.copy2(run / name, target / name)
        for name in LABELLED:
            (target / f"{name}.labels.json").write_text(_labels_json(label_file(run / name)))
        done.append(target)
    (dest / "README.md").write_text(readme(dest))
    return done


def readme(dest: Path) -> str:
    """examples/lab/README.md: what the runs are, their versions, windows and files."""
    runs = [dest / name for name in ORDER if (dest / name / "timeline.json").is_file()]
    v = json.loads((runs[0] / "versions.json").read_text())
    rows = []
    for run in runs:
        t = json.loads((run / "timeline.json").read_text())
        w = t["fault_windows"]
        window = f"{w[0]['start_utc']} – {w[0]['end_utc']}" if w else "—"
        rows.append(f"| `{t['scenario']}` | {t['why']} | {window} | `{t['volume']}` | {t['vm_seconds']} s |")
    kernel = v["kernel"]
    return f"""# Lab runs: real kernel, iscsid, tgtd and etcd output (fixtures)

One run of each scenario of the real-kernel fault lab ([lab/README.md](../../lab/README.md)),
as the VM wrote it, byte for byte: nothing here was typed or edited. Made with
`make lab && make lab-fixtures` (times are the VM's clock, UTC). The fast tests
(`tests/lab/test_fixtures.py`, `test_lab_patterns.py`, `test_incident_lab.py`) read them.

Versions (Debian 12 packages, also in each `versions.json`):

| component | version |
|---|---|
| kernel | `linux-image-{kernel}` {v.get("linux-image-" + kernel, "?")} |
| open-iscsi (iscsid, iscsiadm) | {v.get("open-iscsi", "?")} |
| tgt (tgtd, tgtadm) | {v.get("tgt", "?")} |
| etcd-server / etcd-client | {v.get("etcd-server", "?")} / {v.get("etcd-client", "?")} |
| busybox-static (sh, syslogd, klogd) | {v.get("busybox-static", "?")} |
| e2fsprogs (mke2fs) | {v.get("e2fsprogs", "?")} |
| qemu-system-x86 (TCG, one CPU) | {v.get("qemu-system-x86", "?")} |

| scenario | fault | fault window (stop/kill → continue/restart) | volume | VM run |
|---|---|---|---|---|
""" + "\n".join(rows) + """

""" + (Path(__file__).parent / "fixtures-files.md").read_text()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: python -m lab.fixtures RUNS_DIR DEST_DIR", file=sys.stderr)
        sys.exit(2)
    for folder in copy_fixtures(Path(sys.argv[1]), Path(sys.argv[2])):
        print(folder)
