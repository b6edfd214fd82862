"""Check ``harvester-iac observe`` against one collected lab run (or a committed fixture).

    python -m lab.check RUN_DIR [RUN_DIR ...]     # exit 1 and a list of problems on failure

A run directory holds what the VM wrote (``syslog.log`` with iscsid and the kernel through
klogd, ``dmesg.log``, ``etcd.log``, ``iscsiadm-P3.txt``) and ``timeline.json``. The check
runs the CLI (``observe ... -o snapshot.json``) and compares its events with the lab's
labels (``<file>.labels.json`` when committed, else lab.labels), line by line; then that
every storage event is joined to the run's volume, and that every event after etcd is up
lies inside the recorded fault window (the no-fault run: no such event) — except etcd slow
applies under a second on a starved emulated CPU, which are listed as ``noise``.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from lab.labels import label_file

__all__ = ["INPUTS", "RunCheck", "check_run", "is_starved_cpu", "observe_run"]

# The observe inputs of a run; the kernel lines come through syslog (klogd), so dmesg.log is
# read separately (with the lab's boot time) to cross-check the dmesg envelope.
INPUTS = ("syslog.log", "etcd.log")
ISCSIADM = "iscsiadm-P3.txt"
ETCD_PREFIX = "etcd_"
# syslog times have whole seconds: an event may read up to 1 s before the instant it happened.
SLACK = timedelta(seconds=1)
STARVED_CPU_KINDS = frozenset({"etcd_slow_apply", "etcd_slow_fdatasync"})
STARVED_CPU_MAX_MS = 1000.0


@dataclass
class RunCheck:
    """What one run showed: the events observe found, and every disagreement."""

    run: Path
    scenario: str
    events: list[dict[str, object]] = field(default_factory=list)
    watched: list[dict[str, object]] = field(default_factory=list)
    noise: list[dict[str, object]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def in_window(self) -> list[dict[str, object]]:
        """The events after etcd was up, without the starved-CPU noise."""
        return [e for e in self.watched if e not in self.noise]

    @property
    def kinds(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.in_window:
            out[str(e["kind"])] = out.get(str(e["kind"]), 0) + 1
        return dict(sorted(out.items()))


def is_starved_cpu(event: dict[str, object]) -> bool:
    """An etcd slow apply/fdatasync under a second: the emulated CPU was starved, not the disk.

    On a loaded machine QEMU's one vCPU thread can wait long enough for etcd 3.4's fixed
    100 ms apply warning with no fault at all. Such a warning outside every fault window is
    real and correctly detected, but no evidence about storage; the lab's faults make etcd
    wait 5 s and more. Storage events, read-index waits and longer stalls never count here.
    """
    took = event.get("took_ms")
    return (event["kind"] in STARVED_CPU_KINDS and isinstance(took, int | float)
            and took < STARVED_CPU_MAX_MS)


def _time(text: object) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def observe_run(run: Path, files: tuple[str, ...] = INPUTS, *extra: str) -> list[dict[str, object]]:
    """The events of ``harvester-iac observe ... -o SNAPSHOT`` on a run's files.

    The CLI's own entry point, in this process (no interpreter start per call); ``file``
    of each event is the name inside the run folder.
    """
    from harvester_iac.cli import main as cli_main

    timeline = json.loads((run / "timeline.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / "snapshot.json"
        argv = ["observe", *(str(run / f) for f in files), "--iscsiadm", str(run / ISCSIADM),
                "--host", str(timeline["host"]), "--year", str(timeline["boot_utc"])[:4], *extra,
                "-o", str(snapshot)]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(argv)
        if code != 0:
            raise RuntimeError(f"observe failed (exit {code}) in {run}: {err.getvalue().strip()}")
        events: list[dict[str, object]] = json.loads(snapshot.read_text())["events"]
    for e in events:
        e["file"] = Path(str(e["file"])).name
    return events


def _labels(run: Path, name: str) -> list[dict[str, object]]:
    sidecar = run / f"{name}.labels.json"
    if sidecar.is_file():
        labels: list[dict[str, object]] = json.loads(sidecar.read_text())
        return labels
    return label_file(run / name)


def _compare(run: Path, files: tuple[str, ...], events: list[dict[str, object]], problems: list[str]) -> None:
    found = {(str(e["file"]), int(str(e["line"]))): str(e["kind"]) for e in events}
    for name in files:
        raw = (run / name).read_text(errors="replace").split("\n")
        for label in _labels(run, name):
            line, want = int(str(label["line"])), str(label["kind"])
            got = found.pop((name, line), "none")
            if got != want:
                problems.append(f"{name}:{line}: expected {want}, observe gave {got}: {raw[line - 1][:160]}")
    for (name, line), kind in sorted(found.items()):
        problems.append(f"{name}:{line}: observe gave {kind} for a line outside the inputs")


def check_run(run: Path) -> RunCheck:
    """Every check of one run; ``problems`` is empty when observe saw exactly what happened."""
    timeline = json.loads((run / "timeline.json").read_text())
    result = RunCheck(run, str(timeline["scenario"]))
    events = observe_run(run)
    result.events = events
    _compare(run, INPUTS, events, result.problems)

    # the kernel lines read from dmesg (raw [seconds], the lab's boot time) give the same events
    dmesg = observe_run(run, ("dmesg.log",), "--boot-time", str(timeline["boot_utc"]))
    _compare(run, ("dmesg.log",), dmesg, result.problems)
    kernel_syslog = sorted(str(e["kind"]) for e in events if e["source"] == "kernel")
    kernel_dmesg = sorted(str(e["kind"]) for e in dmesg)
    if kernel_syslog != kernel_dmesg:
        result.problems.append(f"kernel events differ between syslog.log {kernel_syslog} and dmesg.log {kernel_dmesg}")

    volume, host = timeline["volume"], timeline["host"]
    for e in events + dmesg:
        where = f"{e['file']}:{e['line']} {e['kind']}"
        if e["host"] != host:
            result.problems.append(f"{where}: host {e['host']!r}, expected {host!r}")
        if not str(e["kind"]).startswith(ETCD_PREFIX) and e["volume"] != volume:
            result.problems.append(f"{where}: joined to volume {e['volume']!r}, expected {volume!r}")

    # the observation window starts when etcd is up (boot, login, mkfs and etcd's bootstrap
    # on an emulated CPU are set-up): inside it, every event belongs to the injected fault
    since = next(e["time_utc"] for e in timeline["events"] if e["event"] == "etcd_ready")
    watched = observe_run(run, INPUTS, "--since", str(since))
    result.watched = watched
    windows = [(_time(w["start_utc"]), _time(w["end_utc"])) for w in timeline["fault_windows"]]
    end = max(_time(e["time_utc"]) for e in timeline["events"])
    for e in watched:
        when = _time(e["time"])
        # a fault's events start with it and end by the run's end (recovery, late etcd warnings)
        if any(start - SLACK <= when <= end for start, _ in windows):
            continue
        if is_starved_cpu(e):
            result.noise.append(e)
            continue
        result.problems.append(f"{e['file']}:{e['line']} {e['kind']}: at {e['time']}, outside the "
                               f"fault window(s) {timeline['fault_windows'] or '(none injected)'}")
    if windows and not watched:
        result.problems.append("a fault was injected but observe found no event after etcd was up")
    return result


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m lab.check RUN_DIR [RUN_DIR ...]", file=sys.stderr)
        return 2
    failed = 0
    for arg in argv:
        result = check_run(Path(arg))
        status = "ok" if not result.problems else "FAILED"
        print(f"{result.scenario}: {status}: observe found {len(result.events)} events; after etcd was up: "
              f"{result.kinds or 'nothing'}")
        for problem in result.problems:
            print(f"  - {problem}")
        for e in result.noise:
            print(f"  note: {e['file']}:{e['line']} {e['kind']} ({e['took_ms']} ms) outside the fault window: "
                  "etcd on a starved emulated CPU, not storage")
        failed += bool(result.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
