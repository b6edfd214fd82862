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
         "writer.log", "tgtd.log", "console.log", "timeline.json", "versions.json")
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
    return done


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: python -m lab.fixtures RUNS_DIR DEST_DIR", file=sys.stderr)
        sys.exit(2)
    for folder in copy_fixtures(Path(sys.argv[1]), Path(sys.argv[2])):
        print(folder)
