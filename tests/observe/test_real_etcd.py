"""A real etcd (Debian's etcd-server) under injected fsync latency writes real slow-apply
warnings; the scanner must find them with the right ``took``.

etcd runs on 127.0.0.1 with free ports and a temporary data dir, under
``strace -f -e inject=fdatasync:delay_enter=400000`` (strace's unit is microseconds: every
fdatasync is delayed 0.4 s). Keys are written through etcd's v3 HTTP gateway on loopback.
The run is bounded (60 s) and the process group is always killed. Both of etcd 3.4's log
formats are read: capnslog text (its default) and zap JSON (``--logger zap``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harvester_iac.observe.logs._event import EventKind
from harvester_iac.observe.logs._scan import ScanOptions, scan_logs

DELAY_US = 400_000
BUDGET_S = 60.0
KEYS = 8

pytestmark = pytest.mark.slow


def _tools() -> tuple[str, str]:
    etcd, strace = shutil.which("etcd"), shutil.which("strace")
    if etcd is None or strace is None:
        pytest.fail("etcd and strace are needed for this test (Debian packages etcd-server and "
                    "strace): run scripts/setup --test")
    return etcd, strace


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _request(url: str, body: dict[str, str] | None = None, timeout: float = 10.0) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # loopback only
        payload: bytes = resp.read()
        return payload


@contextmanager
def _etcd(tmp: Path, logger: str, deadline: float) -> Iterator[str]:
    etcd, strace = _tools()
    client, peer = _free_ports(2)
    log = open(tmp / "etcd.log", "wb")  # closed in finally
    args = [strace, "-f", "-qq", "-o", "/dev/null", "-e", "trace=fdatasync",
            "-e", f"inject=fdatasync:delay_enter={DELAY_US}",
            etcd, "--name", "t", "--data-dir", str(tmp / "data"), "--logger", logger,
            "--listen-client-urls", f"http://127.0.0.1:{client}",
            "--advertise-client-urls", f"http://127.0.0.1:{client}",
            "--listen-peer-urls", f"http://127.0.0.1:{peer}",
            "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
            "--initial-cluster", f"t=http://127.0.0.1:{peer}"]
    if logger == "zap":
        args += ["--log-outputs", "stderr"]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "TZ": "UTC", "ETCD_UNSUPPORTED_ARCH": "amd64"})
    try:
        url = f"http://127.0.0.1:{client}"
        while True:
            if proc.poll() is not None:
                pytest.fail(f"etcd exited with {proc.returncode}: "
                            f"{(tmp / 'etcd.log').read_text(errors='replace')[-2000:]}")
            try:
                if b"true" in _request(f"{url}/health", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("etcd did not become healthy in time")
            time.sleep(0.2)
        yield url
    finally:
        _kill_group(proc)
        log.close()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM strace and etcd (their own process group, by id), then SIGKILL if needed."""
    for sig, wait_s in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.mark.parametrize("logger", ["capnslog", "zap"])
def test_real_etcd_slow_applies_under_fsync_latency(tmp_path: Path, logger: str) -> None:
    deadline = time.monotonic() + BUDGET_S
    started = datetime.now(UTC)
    with _etcd(tmp_path, logger, deadline) as url:
        for i in range(KEYS):
            key = base64.b64encode(f"/registry/test/key-{i}".encode()).decode()
            value = base64.b64encode(b"x" * 64).decode()
            _request(f"{url}/v3/kv/put", {"key": key, "value": value})
            assert time.monotonic() < deadline, "etcd too slow to write keys in the time budget"
    ended = datetime.now(UTC)
    log = tmp_path / "etcd.log"
    result = scan_logs([log], ScanOptions(tz="UTC", host="etcd-test", jobs=1))
    assert result.sources[0].state == "ok"
    slow = [e for e in result.events if e.kind == EventKind.ETCD_SLOW_APPLY]
    put_lines = [e for e in slow if "put:<key:" in e.raw]
    # Nearly every put is slow; one may share a commit already under way and stay fast.
    assert len(put_lines) >= KEYS - 2, f"{len(put_lines)} slow puts:\n{log.read_text()}"
    for e in slow:  # the took etcd wrote, read independently of the pattern table
        m = re.search(r'took too long \((\d+(?:\.\d+)?)(ms|s)\)|"took":"(\d+(?:\.\d+)?)(ms|s)"', e.raw)
        assert m is not None, e.raw
        number, unit = (m[1], m[2]) if m[1] else (m[3], m[4])
        assert e.took_ms == pytest.approx(float(number) * (1000 if unit == "s" else 1))
        assert e.took_ms is not None and e.took_ms > 100  # etcd's warn-apply-duration
    # A put waits for the delayed fdatasync: most take at least the injected delay (one can
    # share a commit that was already under way, so not every single one does).
    delay_ms = DELAY_US / 1000
    took = sorted(e.took_ms or 0.0 for e in put_lines)
    assert took[len(took) // 2] >= delay_ms, took
    assert sum(t >= delay_ms for t in took) >= KEYS // 2, took
    assert took[-1] < 20 * delay_ms, took
    window = (started - timedelta(seconds=5), ended + timedelta(seconds=5))
    assert all(e.time is not None and window[0] <= e.time <= window[1] for e in slow)
    assert {e.host for e in slow} == {"etcd-test"}
    assert {e.source for e in slow} == {"etcd"}
    if logger == "zap":
        assert all(e.expected_ms == 100.0 for e in slow)
    assert not [e for e in result.events if e.kind not in (
        EventKind.ETCD_SLOW_APPLY, EventKind.ETCD_SLOW_FDATASYNC, EventKind.ETCD_HEARTBEAT_SLOW,
        EventKind.ETCD_SLOW_REQUEST, EventKind.ETCD_READ_INDEX_SLOW)]
