"""A seeded mutation run over the examples, through the real command line.

Each run takes a seed file (an inventory, snapshot, waiver file, baseline, scheduler case,
log, iscsiadm listing, Longhorn objects or kubeconfig), mutates it with a seeded
``random.Random`` (byte edits, plus the hostile values of issue 9: alias bombs and
self-aliases, impossible dates, 5000-digit integers, NaN, deep nesting, duplicate keys,
NUL bytes, invalid UTF-8, lone surrogates; or replaces it by a FIFO, a directory or a
link to ``/dev/zero``), and runs the command that reads it in a child process:

* in a fresh folder, with the network unshared (``unshare -n``) when the machine allows
  it, so a mutated kubeconfig can reach nothing;
* under a wall-clock timeout (a hang), an address-space limit, and ``wait4``'s peak RSS;
* then checks: exit 0, 1 or 2; no traceback; an exit 2 is one paragraph naming the
  mutated file; nothing in the folder changed except the output path; the shared example
  files are unchanged.

``python -m tests.fuzz.mutate --budget 150 --seed 9`` runs it by hand; ``test_mutation_run``
runs it under ``HIAC_FUZZ_BUDGET_S`` (CI: 150 s).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOT = EXAMPLES / "observed" / "incident.snapshot.json"
BEFORE_FIX = EXAMPLES / "inventories" / "altra-before-fix.yaml"

#: Per run: a hang is a run longer than this.
TIMEOUT_S = 30.0
#: Per run: the peak resident set a reader may reach (the log scanner stays under 50 MB).
MAX_RSS_BYTES = 1024 * 1024 * 1024
#: Per run: the address space; beyond it an allocation fails (a traceback, so a finding).
ADDRESS_SPACE = 4 * 1024 * 1024 * 1024

ALIAS_BOMB = (b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
              + b"".join(f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n".encode()
                         for p, n in zip("abcdefgh", "bcdefghi", strict=True)))
HOSTILE = [
    b"&x [*x]", b"&y {k: *y}", ALIAS_BOMB, b"2026-02-30", b"2026-13-01", b"2026-01-01T25:00:00",
    b"9" * 5000, b"-1", b"NaN", b"Infinity", b"-Infinity", b"1e999", b"[" * 5000, b"{" * 5000,
    b'"\\ud800"', b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"!!python/object:os.system", b"~", b"null",
    b'"": ""', b"0x" + b"f" * 200, b"\r", b"\t", b"'", b'"', b"---\n", b"...\n", b"%YAML 1.1\n",
]


@dataclass(frozen=True)
class Target:
    """A seed file and the command line that reads it (``{in}``, ``{out}`` replaced)."""

    kind: str
    seed: Path
    args: tuple[str, ...]
    suffix: str


def targets() -> list[Target]:
    """Every kind of input of issue 9, with every seed the examples hold."""
    out: list[Target] = []

    def add(kind: str, seeds: list[Path], *args: str) -> None:
        out.extend(Target(kind, s, args, s.suffix or ".txt") for s in seeds if s.is_file())

    inventories = [*sorted((EXAMPLES / "inventories").glob("*.yaml")),
                   ROOT / "harvester_iac" / "model" / "default-inventory.yaml"]
    add("inventory", inventories, "validate", "--inventory", "{in}")
    add("inventory-render", inventories, "render", "--inventory", "{in}", "--templates-dir", "{out}")
    add("snapshot", sorted((EXAMPLES / "observed").glob("*.snapshot.json")), "validate", "--observed", "{in}")
    add("waivers", [FIXTURES / "fuzz" / "waivers.yaml"], "validate", "--inventory", str(BEFORE_FIX),
        "--observed", str(SNAPSHOT), "--waivers", "{in}")
    add("baseline", [FIXTURES / "fuzz" / "baseline.json", FIXTURES / "fuzz" / "baseline.txt"],
        "validate", "--observed", str(SNAPSHOT), "--baseline", "{in}")
    add("case", sorted((FIXTURES / "scheduler-cases").glob("*.json"))[:12], "simulate", "{in}")
    logs = sorted(p for p in (EXAMPLES / "observed").rglob("*.log"))
    add("log", logs, "observe", "{in}", "--year", "2025", "-o", "{out}")
    add("iscsiadm", sorted((EXAMPLES / "observed").rglob("iscsiadm/*")), "observe", "--iscsiadm", "{in}",
        "-o", "{out}")
    add("longhorn", sorted((EXAMPLES / "observed").rglob("longhorn/*.yaml")), "observe", "--longhorn", "{in}",
        "-o", "{out}")
    add("kubeconfig", [FIXTURES / "fuzz" / "kubeconfig.yaml"], "observe", "--kubeconfig", "{in}", "-o", "{out}")
    return out


# -- mutations ------------------------------------------------------------------------

def _splice(data: bytes, rng: random.Random, piece: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    if rng.random() < 0.5 and data:  # replace a token-sized stretch, else insert
        end = min(len(data), at + rng.randrange(1, 12))
        return data[:at] + piece + data[end:]
    return data[:at] + piece + data[at:]


def _line_op(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    op = rng.randrange(3)
    if op == 0:  # duplicate a line: duplicate keys in YAML and line-per-key JSON
        lines.insert(i, lines[i])
    elif op == 1:
        del lines[i]
    else:
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return b"\n".join(lines)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four edits of ``data``."""
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        if op == 0 and data:
            i = rng.randrange(len(data))
            data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
        elif op == 1:
            data = _splice(data, rng, rng.choice(HOSTILE))
        elif op == 2 and data:
            data = _line_op(data, rng)
        elif op == 3 and data:
            data = data[: rng.randrange(len(data))]
        elif op == 4 and data:
            a = rng.randrange(len(data))
            data = data[:a] + data[a: a + rng.randrange(1, 200)] * rng.randint(2, 50) + data[a:]
        elif op == 5:
            data = _splice(data, rng, str(rng.choice([0, -1, 2**63, 10**30, 1e308, -0.0])).encode())
        else:
            data = _splice(data, rng, bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))))
    return data


SPECIAL = ("fifo", "directory", "dev-zero", "missing", "empty")


def place_input(path: Path, seed: bytes, rng: random.Random) -> str:
    """Write the mutant (or, now and then, a special file) at ``path``; what was made."""
    if rng.random() < 0.05:
        kind = rng.choice(SPECIAL)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "directory":
            path.mkdir()
            (path / "inner.yaml").write_bytes(mutate(seed, rng))
        elif kind == "dev-zero":
            path.symlink_to("/dev/zero")
        elif kind == "empty":
            path.write_bytes(b"")
        return kind
    path.write_bytes(mutate(seed, rng))
    return "mutant"


# -- one run --------------------------------------------------------------------------

def _tree(root: Path, skip: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        if p == skip or skip in p.parents:
            continue
        if p.is_symlink():
            out[str(p)] = "link:" + os.readlink(p)
        elif p.is_fifo():
            out[str(p)] = "fifo"
        elif p.is_file():
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir():
            out[str(p)] = "dir"
    return out


def _limits() -> None:
    resource_module = __import__("resource")
    resource_module.setrlimit(resource_module.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    os.setsid()


@dataclass
class Outcome:
    target: str
    made: str
    code: int | None
    seconds: float
    rss_bytes: int
    problems: list[str] = field(default_factory=list)
    kept: Path | None = None


def _network_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True, check=False).returncode == 0:
        return [unshare, "-n"]
    return []


def run_one(target: Target, rng: random.Random, work: Path, prefix: list[str]) -> Outcome:
    """Mutate, run, check; the folder ``work`` is the run's own."""
    work.mkdir(parents=True)
    inp = work / f"input{target.suffix}"
    made = place_input(inp, target.seed.read_bytes(), rng)
    out = work / ("out" if "--templates-dir" in target.args else "out.json")
    args = [a.replace("{in}", str(inp)).replace("{out}", str(out)) for a in target.args]
    before = _tree(work, out)
    stdout, stderr = work.parent / f"{work.name}.stdout", work.parent / f"{work.name}.stderr"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HARVESTER_IAC_PROMETHEUS_TOKEN": ""}
    start = time.monotonic()
    with open(stdout, "wb") as so, open(stderr, "wb") as se:
        proc = subprocess.Popen([*prefix, sys.executable, "-m", "harvester_iac", *args], cwd=work, stdout=so,
                                stderr=se, stdin=subprocess.DEVNULL, env=env, preexec_fn=_limits)
        timer = threading.Timer(TIMEOUT_S, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    err = stderr.read_bytes().decode("utf-8", "replace")
    result = Outcome(target.kind, made, proc.returncode, seconds, usage.ru_maxrss * 1024)
    if seconds >= TIMEOUT_S:
        result.problems.append(f"hang: no exit within {TIMEOUT_S:.0f} s")
    elif proc.returncode not in (0, 1, 2):
        result.problems.append(f"exit {proc.returncode}")
    if "Traceback (most recent call last)" in err:
        result.problems.append("traceback: " + err.strip().splitlines()[-1][:300])
    elif proc.returncode == 2 and err.strip().count("\n") > 0:
        result.problems.append("exit 2 with more than one paragraph: " + err[:300])
    elif proc.returncode == 2 and str(inp) not in err:
        result.problems.append("exit 2 without naming the file: " + err[:300])
    if result.rss_bytes > MAX_RSS_BYTES:
        result.problems.append(f"peak RSS {result.rss_bytes >> 20} MiB")
    if made == "fifo" and proc.returncode == 0 and target.kind != "log":  # a log FIFO is a failed source
        result.problems.append("a FIFO was accepted as input")
    after = _tree(work, out)
    if after != before:
        changed = sorted(set(before.items()) ^ set(after.items()))
        result.problems.append(f"changed outside the output path: {changed[:3]}")
    return result


# -- the whole run --------------------------------------------------------------------

@dataclass
class Report:
    runs: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    failures: list[Outcome] = field(default_factory=list)
    max_rss: int = 0
    slowest: float = 0.0

    def add(self, o: Outcome) -> None:
        self.runs += 1
        self.by_kind[o.target] = self.by_kind.get(o.target, 0) + 1
        self.by_code[str(o.code)] = self.by_code.get(str(o.code), 0) + 1
        self.max_rss = max(self.max_rss, o.rss_bytes)
        self.slowest = max(self.slowest, o.seconds)
        if o.problems:
            self.failures.append(o)

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items()))
        codes = ", ".join(f"exit {k}: {n}" for k, n in sorted(self.by_code.items()))
        return (f"{self.runs} runs ({kinds}); {codes}; peak RSS {self.max_rss >> 20} MiB; slowest "
                f"{self.slowest:.1f} s; {len(self.failures)} failures")


def _schedule(seed: int) -> Iterator[tuple[Target, random.Random]]:
    rng = random.Random(seed)
    all_targets = targets()
    by_kind: dict[str, list[Target]] = {}
    for t in all_targets:
        by_kind.setdefault(t.kind, []).append(t)
    kinds = sorted(by_kind)
    n = 0
    while True:  # round-robin over the kinds, so every kind runs even in a short budget
        kind = kinds[n % len(kinds)]
        yield rng.choice(by_kind[kind]), random.Random(rng.getrandbits(64))
        n += 1


def run(budget_s: float, seed: int, *, jobs: int = 2, keep: Path | None = None,
        log: Callable[[str], None] = lambda s: None) -> Report:
    """Mutation runs until ``budget_s`` is spent (runs in flight finish)."""
    shared = _tree(EXAMPLES, EXAMPLES / "none") | _tree(FIXTURES / "fuzz", FIXTURES / "none")
    report = Report()
    prefix = _network_prefix()
    deadline = time.monotonic() + budget_s
    lock = threading.Lock()
    schedule = _schedule(seed)
    with tempfile.TemporaryDirectory(prefix="hiac-fuzz-") as tmp:
        counter = iter(range(10**9))

        def worker() -> None:
            while time.monotonic() < deadline:
                with lock:
                    target, rng = next(schedule)
                    n = next(counter)
                work = Path(tmp) / f"run{n}"
                outcome = run_one(target, rng, work, prefix)
                if outcome.problems and keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    dest = keep / f"{target.kind}-{n}"
                    shutil.copytree(work, dest, symlinks=True, dirs_exist_ok=True,
                                    ignore=lambda d, names: [n for n in names if Path(d, n).is_fifo()])
                    (dest / "COMMAND").write_text(" ".join(target.args) + "\n" + "\n".join(outcome.problems))
                    outcome.kept = dest
                with lock:
                    report.add(outcome)
                    if outcome.problems:
                        log(f"FAIL {target.kind} ({outcome.made}, seed {target.seed.name}): {outcome.problems}")
                shutil.rmtree(work, ignore_errors=True)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for f in [pool.submit(worker) for _ in range(jobs)]:
                f.result()
    if (_tree(EXAMPLES, EXAMPLES / "none") | _tree(FIXTURES / "fuzz", FIXTURES / "none")) != shared:
        report.failures.append(Outcome("examples", "-", None, 0, 0, ["a shared example file changed"]))
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--budget", type=float, default=150.0, help="seconds (default 150)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="copy failing runs' folders here")
    args = parser.parse_args()
    report = run(args.budget, args.seed, jobs=args.jobs, keep=args.keep, log=print)
    print(report.summary())
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
