"""Run one lab scenario in a QEMU VM (TCG) and collect what it wrote.

    python -m lab.vm SCENARIO OUT_DIR       # stall-short | stall-long | target-restart | none

The guest (lab/guest/init) writes its logs to /out and, at the end, sends them as a
base64 tar over the second serial port; this module unpacks them into OUT_DIR and adds
``timeline.json``: the fault windows as the guest's clock recorded them (ground truth) and
the boot time that places dmesg's ``[seconds]`` (from the guest's ``lab-mark`` lines).
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lab.rootfs import BUILD, LabSetupError, build_initramfs, find_kernel

__all__ = ["SCENARIOS", "Scenario", "run_scenario"]


@dataclass(frozen=True)
class Scenario:
    """One fault: its name, the kernel command-line knobs the guest reads, and why."""

    name: str
    args: dict[str, str]
    why: str


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("stall-short", {"stall": "6"},
                 "tgtd stopped 6 s: NOP timeouts, recovery inside the replacement timeout, slow etcd"),
        Scenario("stall-long", {"stall": "20"},
                 "tgtd stopped 20 s, past the 8 s replacement timeout: I/O, buffer and ext4 errors"),
        Scenario("target-restart", {"stall": "4"},
                 "tgtd killed and restarted after 4 s: connection closed, refused logins, recovery"),
        Scenario("none", {"quiet": "8"}, "no fault: nothing may be detected"),
    )
}
# Shared by every scenario: NOP interval/timeout 2 s, replacement timeout 8 s, login timeout 4 s;
# 8 s between etcd up and the fault, more than incident's --lag (lab.incident.LAG), so etcd's
# bootstrap warnings on the emulated CPU are not blamed on the fault.
COMMON = {"nop": "2", "replacement": "8", "login": "4", "host": "harvester-lab", "member": "lab-master-00",
          "warmup": "8"}
BEGIN, END = b"==LAB-OUT-BEGIN==", b"==LAB-OUT-END=="


def _qemu() -> str:
    qemu = shutil.which("qemu-system-x86_64")
    if qemu is None:
        raise LabSetupError("qemu-system-x86_64 is not installed (Debian package qemu-system-x86; "
                            "scripts/setup --test installs it)")
    return qemu


def run_scenario(name: str, out: Path, *, timeout_s: float = 300.0) -> Path:
    """Boot the VM for scenario ``name``, collect its output into ``out`` (replaced)."""
    scenario = SCENARIOS[name]
    qemu = _qemu()
    kernel = find_kernel()
    initramfs = build_initramfs()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    args = {**COMMON, **scenario.args, "scenario": name}
    cmdline = " ".join(["console=ttyS0", "quiet", "panic=-1", "oops=panic", "rdinit=/init",
                        *(f"lab.{k}={v}" for k, v in sorted(args.items()))])
    console, channel = out / "console.log", BUILD / f"serial1-{name}-{os.getpid()}.b64"
    cmd = [qemu, "-accel", "tcg", "-m", os.environ.get("LAB_MEMORY", "768"), "-smp", "1",
           "-kernel", str(kernel.image), "-initrd", str(initramfs), "-append", cmdline,
           "-display", "none", "-monitor", "none", "-nic", "none", "-no-reboot", "-rtc", "base=utc",
           "-serial", f"file:{console}", "-serial", f"file:{channel}"]
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise LabSetupError(f"the lab VM ({name}) did not finish in {timeout_s:.0f} s; console: {console}") from exc
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise LabSetupError(f"QEMU could not start or failed (exit {proc.returncode}): "
                            f"{proc.stderr.decode(errors='replace').strip()[:800]}")
    raw = channel.read_bytes() if channel.exists() else b""
    channel.unlink(missing_ok=True)
    if BEGIN not in raw or END not in raw:
        raise LabSetupError(f"the lab VM ({name}) sent no output; console: {console}")
    payload = raw.split(BEGIN, 1)[1].split(END, 1)[0]
    with tarfile.open(fileobj=io.BytesIO(base64.b64decode(payload)), mode="r:") as tar:
        _extract(tar, out)
    timeline = _timeline(out, scenario=scenario, cmdline=cmdline, elapsed_s=elapsed)
    (out / "timeline.json").write_text(json.dumps(timeline, indent=2) + "\n")
    (out / "timeline.tsv").unlink()
    events = timeline["events"]
    assert isinstance(events, list)
    if any(e["event"] == "failed" for e in events):
        raise LabSetupError(f"the lab VM ({name}) failed inside: see {out}/timeline.json and {console}")
    return out


def _extract(tar: tarfile.TarFile, out: Path) -> None:
    """Unpack the guest's tar into ``out``: regular files and directories only, nothing
    outside it. Python 3.11.4+ has ``filter="data"`` for that; Debian 12's 3.11.2 does not,
    so there the same checks are made here first."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(out, filter="data")
        return
    members = tar.getmembers()
    for m in members:
        if m.name.startswith("/") or ".." in Path(m.name).parts or not (m.isfile() or m.isdir()):
            raise LabSetupError(f"the lab VM's output holds an entry it may not: {m.name!r}")
        m.mode &= 0o755
    tar.extractall(out, members=members)


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_MARK = re.compile(r"^\[\s*(\d+\.\d+)\] lab-mark (\d+\.\d+) ")


def _timeline(out: Path, *, scenario: Scenario, cmdline: str, elapsed_s: float) -> dict[str, object]:
    events: list[dict[str, str]] = []
    for line in (out / "timeline.tsv").read_text().splitlines():
        t, event, detail = [*line.split("\t"), "", ""][:3]
        events.append({"time_utc": _utc(float(t)), "epoch": t, "event": event, "detail": detail})
    offsets = [float(m[2]) - float(m[1]) for line in (out / "dmesg.log").read_text().splitlines()
               if (m := _MARK.match(line))]
    boot = statistics.median(offsets) if offsets else None
    windows = []
    starts = [e for e in events if e["event"] == "fault_start"]
    ends = [e for e in events if e["event"] == "fault_end"]
    for start, end in zip(starts, ends, strict=False):
        windows.append({"start_utc": start["time_utc"], "end_utc": end["time_utc"],
                        "what": start["detail"]})
    login = next((e["detail"] for e in events if e["event"] == "login"), "")
    fields = dict(kv.split("=", 1) for kv in login.split() if "=" in kv)
    args = dict(kv.removeprefix("lab.").split("=", 1) for kv in cmdline.split() if kv.startswith("lab."))
    iqn = fields.get("iqn", "")
    return {
        "scenario": scenario.name,
        "why": scenario.why,
        "host": args.get("host"),
        "etcd_member": args.get("member"),
        "device": fields.get("device"),
        "iqn": iqn,
        "volume": iqn.rpartition(":")[2] or None,
        "settings": args,
        "boot_utc": _utc(boot) if boot is not None else None,
        "fault_windows": windows,
        "events": events,
        "vm_seconds": round(elapsed_s, 1),
        "kernel_cmdline": cmdline,
    }


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        print(f"usage: python -m lab.vm {{{'|'.join(SCENARIOS)}}} OUT_DIR", file=sys.stderr)
        sys.exit(2)
    try:
        print(run_scenario(sys.argv[1], Path(sys.argv[2])))
    except LabSetupError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        sys.exit(1)
