"""Every hostile input of issue 9, through the real command line in a child process:
exit 2 within seconds, one paragraph naming the file and the place, bounded memory,
nothing written, and the gate never passing because a file was malformed."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SNAPSHOT = EXAMPLES / "observed" / "incident.snapshot.json"
BEFORE_FIX = EXAMPLES / "inventories" / "altra-before-fix.yaml"
DEFAULT_INVENTORY = ROOT / "harvester_iac" / "model" / "default-inventory.yaml"
FUZZ = ROOT / "tests" / "fixtures" / "fuzz"
CASE = next((ROOT / "tests" / "fixtures" / "scheduler-cases").glob("*.json"))
LONGHORN = EXAMPLES / "observed" / "incident" / "longhorn" / "longhorn-system.yaml"
ISCSIADM = next((EXAMPLES / "observed" / "incident" / "iscsiadm").iterdir())

#: 319 bytes that PyYAML would expand to about 2 GB.
ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)
MEMORY = 1024 * 1024 * 1024  # the child's address space: a bomb must fail, not swap


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY * 2, MEMORY * 2))


def run(args: Sequence[str], *, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "harvester_iac", *args], cwd=cwd or ROOT, capture_output=True,
                         text=True, timeout=timeout, check=False, preexec_fn=_limit,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert time.monotonic() - start < timeout
    return out


def bad_input(args: Sequence[str], file: Path | str, *words: str) -> str:
    out = run(args)
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    err = out.stderr
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert str(file) in err, err
    for w in words:
        assert w in err, err
    return err


def _validate_waivers(path: Path) -> list[str]:
    return ["validate", "--inventory", str(BEFORE_FIX), "--observed", str(SNAPSHOT), "--waivers", str(path)]


@pytest.mark.parametrize(("value", "words"), [
    ("2026-02-30", "day is out of range for month"),
    ("2026-13-01", "month must be in 1..12"),
    ("2026-01-01T25:00:00", "hour must be in 0..23"),
])
def test_unbuildable_dates_in_waivers(tmp_path: Path, value: str, words: str) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(f"waivers:\n  - rule: HIAC-PLACEMENT-001\n    resource: '*'\n    reason: r\n    expires: {value}\n")
    bad_input(_validate_waivers(path), f"{path}:5:14", words)


def test_an_integer_over_4300_digits(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    text = DEFAULT_INVENTORY.read_text().replace("size: 40Gi", "size: " + "9" * 5000, 1)
    path.write_text(text)
    line = text[: text.index("size: 9")].count("\n") + 1
    bad_input(["validate", "--inventory", str(path)], f"{path}:{line}:", "an integer of 5000 digits")
    bad_input(["render", "--inventory", str(path), "--templates-dir", str(tmp_path / "t")], path)
    assert not (tmp_path / "t").exists()


@pytest.mark.parametrize("alias", ["a: &x [*x]", "a: &x {b: *x}", "a: &x [1, [2, *x]]"])
def test_self_referencing_aliases(tmp_path: Path, alias: str) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(alias + "\n")
    bad_input(["validate", "--inventory", str(path)], f"{path}:1:", "alias refers to a value that contains it")


@pytest.mark.parametrize("target", ["inventory", "waivers", "kubeconfig", "longhorn"])
def test_the_alias_bomb_is_refused_in_seconds(tmp_path: Path, target: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_bytes(ALIAS_BOMB.encode())
    assert len(ALIAS_BOMB.encode()) <= 400
    args = {
        "inventory": ["validate", "--inventory", str(path)],
        "waivers": _validate_waivers(path),
        "kubeconfig": ["observe", "--kubeconfig", str(path)],
        "longhorn": ["observe", "--longhorn", str(path)],
    }[target]
    start = time.monotonic()
    bad_input(args, f"{path}:", "alias")
    assert time.monotonic() - start < 20


def _snapshot_text(change: str) -> str:
    text = SNAPSHOT.read_text().rstrip()
    assert text.endswith("}")
    return text[:-1].rstrip() + change + "\n}\n"


@pytest.mark.parametrize(("text", "where", "words"), [
    (_snapshot_text(',\n  "events": []'), "/events", ('duplicate key "events"',)),
    (SNAPSHOT.read_text().replace('"took_ms": 1723.0', '"took_ms": NaN', 1), "/events/", ("NaN",)),
    (SNAPSHOT.read_text().replace('"took_ms": 1723.0', '"took_ms": Infinity', 1), "/events/", ("Infinity",)),
    (SNAPSHOT.read_text().replace('"took_ms": 1723.0', '"took_ms": 1e999', 1), "/events/", ("1e999",)),
    (SNAPSHOT.read_text().replace('"took_ms": 1723.0', '"took_ms": -1', 1), "/events/", ("minimum of 0",)),
    (SNAPSHOT.read_text().replace('"took_ms": 1723.0', '"took_ms": "NaN"', 1), "/events/", ("number",)),
    (SNAPSHOT.read_text().replace('"line": ', '"line": ' + "9" * 5000 + ", \"x\": ", 1), "/events/",
     ("5000 digits",)),
    ('{"a": ' * 100 + "1" + "}" * 100, "/a/a/a", ("nested more than 64",)),
    ("[" * 100_000 + "]" * 100_000, "", ("nested too deeply",)),
])
def test_malformed_snapshots_never_pass_the_gate(tmp_path: Path, text: str, where: str,
                                                 words: tuple[str, ...]) -> None:
    path = tmp_path / "snap.json"
    path.write_text(text)
    err = bad_input(["validate", "--observed", str(path)], f"{path}:{where}" if where else path, *words)
    assert "passed" not in err
    bad_input(["synth", "--observed", str(path), "--out", str(tmp_path / "out")], path)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", ['["b78da5df79637495", ' + "9" * 5000 + "]", "[" * 100_000,
                                  '{"findings": [], "findings": []}'])
def test_malformed_baselines(tmp_path: Path, text: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text)
    bad_input(["validate", "--observed", str(SNAPSHOT), "--baseline", str(path)], path)


@pytest.mark.parametrize("text", ['{"kind": "List", "items": [' + "[" * 100_000 + "]}",
                                  '{"kind": "List", "items": [], "items": []}',
                                  '{"kind": "Volume", "spec": {"size": ' + "9" * 5000 + "}}"])
def test_malformed_longhorn_json(tmp_path: Path, text: str) -> None:
    path = tmp_path / "longhorn.json"
    path.write_text(text)
    bad_input(["observe", "--longhorn", str(path), "-o", str(tmp_path / "snap.json")], path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["longhorn.json"]  # no snapshot, no temp file


@pytest.mark.parametrize("flag", ["--inventory", "--observed", "--waivers", "--baseline", "simulate",
                                  "--iscsiadm", "--longhorn", "--kubeconfig", "render-inventory"])
def test_a_fifo_as_any_non_log_input_is_exit_2_not_a_hang(tmp_path: Path, flag: str) -> None:
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    args = {
        "--inventory": ["validate", "--inventory", str(fifo)],
        "--observed": ["validate", "--observed", str(fifo)],
        "--waivers": ["validate", "--waivers", str(fifo)],
        "--baseline": ["validate", "--baseline", str(fifo)],
        "simulate": ["simulate", str(fifo)],
        "--iscsiadm": ["observe", "--iscsiadm", str(fifo)],
        "--longhorn": ["observe", "--longhorn", str(fifo)],
        "--kubeconfig": ["observe", "--kubeconfig", str(fifo)],
        "render-inventory": ["render", "--inventory", str(fifo), "--templates-dir", str(tmp_path / "t")],
    }[flag]
    bad_input(args, fifo, "FIFO")


def test_synth_observed_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "snap.fifo"
    os.mkfifo(fifo)
    bad_input(["synth", "--observed", str(fifo), "--out", str(tmp_path / "o")], fifo)
    assert not (tmp_path / "o").exists()


def test_a_good_snapshot_still_passes_through_the_shared_reader() -> None:
    out = run(["validate", "--observed", str(SNAPSHOT), "--format", "json"])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["findings"]
