"""Start a real etcd (under strace fault injection) and a real Prometheus on loopback.

Both are Debian packages installed by ``scripts/setup --test``. Every process runs in a
temp dir on free loopback ports, is bounded in time, and is always stopped (by its own
handle) when the context exits.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DEADLINE_S = 120.0


def require(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not installed: run 'scripts/setup --test' "
            "(Debian packages etcd-server, prometheus, strace)"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, check: Callable[[], bool], timeout_s: float = DEADLINE_S) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError, ValueError):
            pass
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout_s:.0f}s waiting for {what}")


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


@contextmanager
def _process(args: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        # The process leads its own group (strace + etcd): stop the whole group.
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(10)
        # strace detaches on SIGTERM; make sure its tracee is gone too.
        time.sleep(0.2)
        _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


@dataclass(frozen=True)
class Etcd:
    url: str
    log: Path

    def put(self, key: str, value: str) -> None:
        body = json.dumps(
            {"key": base64.b64encode(key.encode()).decode(), "value": base64.b64encode(value.encode()).decode()}
        ).encode()
        req = urllib.request.Request(f"{self.url}/v3/kv/put", data=body, method="POST")
        with urllib.request.urlopen(req, timeout=20) as r:
            r.read()


@contextmanager
def etcd(tmp: Path, *, fdatasync_delay_us: int = 0) -> Iterator[Etcd]:
    require("etcd", "strace")
    client, peer = free_port(), free_port()
    args = [
        "etcd", "--name", "t", "--data-dir", str(tmp / "etcd-data"),
        "--listen-client-urls", f"http://127.0.0.1:{client}",
        "--advertise-client-urls", f"http://127.0.0.1:{client}",
        "--listen-peer-urls", f"http://127.0.0.1:{peer}",
        "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
        "--initial-cluster", f"t=http://127.0.0.1:{peer}",
    ]
    if fdatasync_delay_us:
        args = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=fdatasync",
                "-e", f"inject=fdatasync:delay_enter={fdatasync_delay_us}", *args]
    log = tmp / "etcd.log"
    with _process(args, log):
        url = f"http://127.0.0.1:{client}"
        wait_for("etcd /health", lambda: get_json(f"{url}/health") == {"health": "true"})
        yield Etcd(url=url, log=log)


@contextmanager
def exposition_server(files: dict[str, Path]) -> Iterator[int]:
    """Serve text exposition files at ``/<name>/metrics`` on loopback."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = self.path.strip("/").split("/")[0]
            if name not in files:
                self.send_error(404)
                return
            body = files[name].read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def prometheus(tmp: Path, targets: dict[str, tuple[str, str]]) -> Iterator[str]:
    """A Prometheus scraping ``job -> (host:port, metrics path)`` every second."""
    require("prometheus")
    port = free_port()
    jobs = "".join(
        f"  - job_name: {job}\n    metrics_path: {path}\n"
        f"    static_configs: [{{targets: ['{target}']}}]\n"
        for job, (target, path) in targets.items()
    )
    config = tmp / "prometheus.yml"
    config.write_text(f"global: {{scrape_interval: 1s, evaluation_interval: 1s}}\nscrape_configs:\n{jobs}")
    args = [
        "prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
    ]
    with _process(args, tmp / "prometheus.log"):
        url = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as r:
                return int(r.status) == 200

        wait_for("prometheus /-/ready", ready)
        yield url


def query(url: str, promql: str) -> list[dict[str, object]]:
    doc = get_json(f"{url}/api/v1/query?{urllib.parse.urlencode({'query': promql})}")
    assert isinstance(doc, dict) and doc["status"] == "success", doc
    result = doc["data"]["result"]
    assert isinstance(result, list)
    return result


@contextmanager
def stack(tmp: Path, *, fdatasync_delay_us: int, expositions: dict[str, Path]) -> Iterator[tuple[str, Etcd]]:
    """etcd + exposition server + Prometheus scraping both; yields (prometheus URL, etcd)."""
    with ExitStack() as stack_:
        e = stack_.enter_context(etcd(tmp, fdatasync_delay_us=fdatasync_delay_us))
        port = stack_.enter_context(exposition_server(expositions))
        targets = {"etcd": (e.url.removeprefix("http://"), "/metrics")}
        targets |= {name: (f"127.0.0.1:{port}", f"/{name}/metrics") for name in expositions}
        url = stack_.enter_context(prometheus(tmp, targets))
        wait_for("every scrape target up", lambda: len(query(url, "up == 1")) == len(targets))
        yield url, e
