"""Benchmark: ``observe`` on dense event logs, and ``validate`` on the snapshot it writes.

    .venv/bin/python bench/observe.py                  # 6.8k, 68k and 646k event lines
    .venv/bin/python bench/observe.py --events 68000   # one size
    .venv/bin/python bench/observe.py --max-events 100000   # snapshots list 100k events

Generates journal-style logs of three hosts into bench/.data/ (gitignored, reused) where
most lines are storage events: iSCSI sessions that log in ("operational now") and out,
NOP time-outs, connection errors, SCSI I/O errors on their disks, etcd slow applies. Then,
for each size, in child processes: ``harvester-iac observe FILES -o SNAPSHOT``, then
``harvester-iac validate --observed SNAPSHOT`` (exit 0 or 1 both count), printing wall time,
peak RSS (``wait4``), µs per event line, the snapshot size, and the growth from the
previous size against the growth in events (linear: the two match). Targets (issue 10):
646k event lines observed in <= 30 s and <= 300 MB RSS, validate on that snapshot <= 10 s.
Nothing is asserted: speed is measured here, never in unit tests.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
SIZES = (6_800, 68_000, 646_000)
HOSTS = ("altra", "harv-02", "harv-03")
_IQN = "iqn.2019-10.io.longhorn:pvc-{vol:04d}"

_LINES = (
    "iscsid[{pid}]: iscsid: Kernel reported iSCSI connection {sid}:0 error (1022 - "
    "ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)",
    "kernel:  connection{sid}:0: ping timeout of 5 secs expired, recv timeout 5, last rx "
    "4295{n}, last ping 4295{n}, now 4295{n}",
    "kernel:  connection{sid}:0: detected conn error (1020)",
    "iscsid[{pid}]: iscsid: connection{sid}:0 is operational after recovery (1 attempts)",
    "kernel: Buffer I/O error on dev {dev}, logical block {n}, lost async page write",
    "kernel: I/O error, dev {dev}, sector {n} op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2",
    "kernel:  session{sid}: session recovery timed out after 120 secs",
)
_ETCD = (
    'k3s[{pid}]: {{"level":"warn","ts":"{iso}","caller":"etcdserver/util.go:170","msg":"apply '
    'request took too long","took":"{ms}.5ms","expected-duration":"100ms","prefix":"read-only '
    'range ","request":"key:\\"/registry/leases/kube-system/k3s\\" ","response":"range_response'
    '_count:1 size:{n}"}}'
)
_BENIGN = "systemd[1]: Started Session {n} of User root."


def generate(path: Path, events: int, seed: int = 11) -> None:
    """About ``events`` event lines (9 in 10 lines), spread over three hosts' journals."""
    rnd = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    second = 0
    sessions: dict[tuple[str, int], int] = {}
    written = 0
    with open(tmp, "w", encoding="utf-8") as out:
        while written < events:
            block = []
            for _ in range(1000):
                second += rnd.random() < 0.3
                day, rest = divmod(second, 86400)
                stamp = f"Dec {1 + day % 28:2d} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
                host = rnd.choice(HOSTS)
                sid = rnd.randrange(1, 40)
                key = (host, sid)
                pid, n = rnd.randrange(1000, 9999), rnd.randrange(10**6, 10**7)
                roll = rnd.random()
                if roll < 0.1:
                    body = _BENIGN.format(n=n)
                elif key not in sessions or roll < 0.13:
                    vol = rnd.randrange(200)
                    sessions[key] = vol
                    body = (f"iscsid[{pid}]: iscsid: Connection{sid}:0 to [target: "
                            f"{_IQN.format(vol=vol)}, portal: 10.52.0.{sid},3260] through "
                            "[iface: default] is operational now")
                    written += 1
                elif roll < 0.15:
                    vol = sessions.pop(key)
                    body = (f"iscsid[{pid}]: iscsid: Connection{sid}:0 to [target: "
                            f"{_IQN.format(vol=vol)}, portal: 10.52.0.{sid},3260] through "
                            "[iface: default] is shutdown.")
                    written += 1
                elif roll < 0.2:
                    iso = f"2025-12-{1 + day % 28:02d}T{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}.000Z"
                    body = _ETCD.format(pid=pid, iso=iso, ms=100 + n % 900, n=n)
                    written += 1
                else:
                    dev = f"sd{chr(97 + sid % 26)}"
                    body = rnd.choice(_LINES).format(pid=pid, sid=sid, n=n, dev=dev)
                    written += 1
                block.append(f"{stamp} {host} {body}\n")
            out.write("".join(block))
    os.replace(tmp, path)


def _data(events: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"dense-{events}.log"
    if not path.exists():
        t = time.perf_counter()
        generate(path, events)
        print(f"generated {path.name} ({path.stat().st_size >> 20} MiB, "
              f"{time.perf_counter() - t:.1f} s)", file=sys.stderr)
    return path


def _child(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit code of one child process."""
    t = time.perf_counter()
    # bytecode caching on, as for an installed CLI (see bench/synth.py)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:2]} exited {proc.returncode}: {err}")
    return took, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, action="append", help="event lines (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the snapshots")
    parser.add_argument("--max-events", type=int, help="pass --max-events N to observe")
    args = parser.parse_args()
    cli = shutil.which("harvester-iac", path=str(Path(sys.executable).parent))
    if cli is None:
        raise SystemExit("harvester-iac is not installed next to this Python (run scripts/setup)")
    previous: tuple[int, float] | None = None
    print(f"{'event lines':>12} {'observe':>9} {'RSS':>8} {'us/event':>9} {'snapshot':>9} "
          f"{'validate':>9} {'RSS':>8}  growth")
    for events in args.events or SIZES:
        log = _data(events)
        snap = DATA / f"dense-{events}.snapshot.json"
        cap = ["--max-events", str(args.max_events)] if args.max_events is not None else []
        took, rss, _ = _child([cli, "observe", str(log), "--year", "2025", "--tz", "UTC",
                               "-o", str(snap), *cap])
        v_took, v_rss, _ = _child([cli, "validate", "--observed", str(snap),
                                   "--now", "2025-12-29T00:00:00Z", "--format", "json"])
        growth = ""
        if previous is not None:
            growth = (f"time x{took / previous[1]:.1f} for events x{events / previous[0]:.1f}")
        print(f"{events:>12,} {took:>8.2f}s {rss:>6.0f}MB {took / events * 1e6:>9.1f} "
              f"{snap.stat().st_size / 2**20:>7.1f}MB {v_took:>8.2f}s {v_rss:>6.0f}MB  {growth}")
        previous = (events, took)
        if not args.keep:
            snap.unlink()


if __name__ == "__main__":
    main()
