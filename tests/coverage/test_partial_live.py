"""Partial live evidence fails ``validate --require-observed``: Longhorn lists and Prometheus.

No Kubernetes API server (and no Longhorn) can run here: a loopback ``http.server`` answers
the real ``kubernetes`` client's list requests with the recorded Longhorn responses of
tests/fixtures/longhorn-api, or with what a broken path returns (a proxy's HTML login page
with HTTP 200, an HTTP 500 on page 2). Prometheus is a loopback server answering some
``/api/v1/query`` requests with recorded answers and stalling past the timeout on others.
What is tested is how those answers are recorded and judged, not a cluster's behaviour.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from harvester_iac.observe import (
    LiveOptions,
    SourceState,
    build_snapshot,
    query_prometheus,
    read_longhorn_live,
    write_snapshot,
)
from harvester_iac.observe._prometheus import QUERIES
from tests.coverage._run import by_rule, rule_status, validate
from tests.coverage.test_three_hosts_one_flaps import INVENTORY as RACK

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PREFIX = "/apis/longhorn.io/v1beta2/namespaces/longhorn-system/"
LOGIN_PAGE = b"<html><head><title>Sign in</title></head><body>Sign in to continue</body></html>"
BY_QUERY = {promql: str(name) for name, promql in QUERIES}


class Server:
    """One loopback server; ``mode`` decides the Longhorn answers, ``slow`` the Prometheus ones."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.slow: set[str] = set()
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, kind, body = server.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, raw: str) -> tuple[int, str, bytes]:
        url = urlsplit(raw)
        query = parse_qs(url.query)
        if url.path == "/api/v1/query":
            name = BY_QUERY[query["query"][0]]
            if name in self.slow:
                self.release.wait(5)
            return 200, "application/json", (FIXTURES / "prometheus" / "api" / f"{name}.json").read_bytes()
        plural = url.path.removeprefix(PREFIX)
        if self.mode == "login":
            return 200, "text/html", LOGIN_PAGE
        api = FIXTURES / "longhorn-api"
        if plural == "volumes":
            pages = [json.loads((api / f"volumes-page-{i}.json").read_text()) for i in (1, 2, 3)]
            tokens = [None, pages[0]["metadata"]["continue"], pages[1]["metadata"]["continue"]]
            index = tokens.index(query.get("continue", [None])[0])
            if self.mode == "page2-500" and index == 1:
                return 500, "application/json", json.dumps({
                    "kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 500,
                    "reason": "InternalError", "message": "etcdserver: request timed out"}).encode()
            return 200, "application/json", json.dumps(pages[index]).encode()
        return 200, "application/json", (api / f"{plural}.json").read_bytes()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    thread = threading.Thread(target=s.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield s
    finally:
        s.release.set()
        s.httpd.shutdown()
        s.httpd.server_close()
        thread.join(5)


def _kubeconfig(tmp: Path, url: str) -> Path:
    path = tmp / "kubeconfig.yaml"
    path.write_text("apiVersion: v1\nkind: Config\n"
                    f"clusters:\n- name: c\n  cluster: {{server: '{url}'}}\n"
                    "users:\n- name: u\n  user: {token: t0k3n}\n"
                    "contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n")
    return path


def _snapshot(tmp: Path, server: Server, *, prometheus: bool = False) -> Path:
    state, statuses = read_longhorn_live(LiveOptions(kubeconfig=_kubeconfig(tmp, server.url),
                                                     page_size=2, timeout_s=5.0))
    sources = list(statuses)
    metrics = None
    if prometheus:
        metrics, status = query_prometheus(server.url, timeout_s=0.5)
        sources.append(status)
    snap = tmp / "snapshot.json"
    write_snapshot(build_snapshot(collected_at=datetime.now(UTC), sources=tuple(sources),
                                  longhorn=state, metrics=metrics), snap)
    inv = tmp / "rack.yaml"
    inv.write_text(RACK)
    return snap


def test_lists_answering_an_unexpected_response_are_partial_and_fail_require_observed(
        server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.mode = "login"
    snap = _snapshot(tmp_path, server)
    doc = json.loads(snap.read_text())
    assert [s["status"] for s in doc["sources"]] == ["partial"] * 5
    assert all("unexpected response" in s["error"] for s in doc["sources"])
    cov = {c["kind"]: c for c in doc["coverage"] if c["scope"] is None}
    assert {cov[k]["state"] for k in ("volumes", "replicas", "nodes", "settings", "engines")} == {"partial"}
    assert "0 Volume objects in 1 pages" in cov["volumes"]["reason"]
    inv = tmp_path / "rack.yaml"
    code, report = validate(capsys, "--inventory", inv, "--observed", snap)
    status = rule_status(report)
    # nothing is claimed about the disks and volumes nobody read
    assert status["HIAC-HEALTH-003"]["status"] == "unknown"
    assert status["HIAC-HEALTH-002"]["status"] == "unknown"
    assert "HIAC-HEALTH-003" not in by_rule(report)
    code, report = validate(capsys, "--inventory", inv, "--observed", snap, "--require-observed")
    assert code == 1
    partial = [f for f in by_rule(report)["HIAC-EVIDENCE-001"] if "read only in part" in f["message"]]
    assert len(partial) == 5 and {f["severity"] for f in partial} == {"error"}


def test_page_two_failing_leaves_volumes_partial(
        server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.mode = "page2-500"
    snap = _snapshot(tmp_path, server)
    doc = json.loads(snap.read_text())
    volumes = next(s for s in doc["sources"] if s["url"].endswith("/volumes"))
    assert volumes["status"] == SourceState.PARTIAL and "HTTP 500" in volumes["error"]
    states = {c["kind"]: c["state"] for c in doc["coverage"] if c["scope"] is None}
    assert states["volumes"] == "partial" and states["nodes"] == "full"
    code, report = validate(capsys, "--inventory", tmp_path / "rack.yaml", "--observed", snap,
                            "--require-observed")
    assert code == 1
    assert any("HTTP 500" in f["message"] for f in by_rule(report)["HIAC-EVIDENCE-001"])
    code, report = validate(capsys, "--inventory", tmp_path / "rack.yaml", "--observed", snap,
                            "--require", "nodes")
    assert not any(f["message"].startswith("--require nodes") for f in report["findings"])


def test_prometheus_answering_some_queries_is_partial(
        server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.slow = {"etcd_wal_fsync_p99_seconds", "longhorn_volume_robustness"}
    started = time.monotonic()
    snap = _snapshot(tmp_path, server, prometheus=True)
    assert time.monotonic() - started < 30
    doc = json.loads(snap.read_text())
    prom = next(s for s in doc["sources"] if s["kind"] == "prometheus")
    assert prom["status"] == "partial" and "timed out" in prom["error"]
    metrics = {c["scope"]: c for c in doc["coverage"] if c["kind"] == "metrics"}
    assert metrics["etcd_wal_fsync_p99_seconds"]["state"] == "none"
    assert metrics["etcd_backend_commit_p99_seconds"]["state"] == "full"
    code, report = validate(capsys, "--inventory", tmp_path / "rack.yaml", "--observed", snap)
    wal = rule_status(report)["HIAC-ETCD-001"]
    assert wal["status"] == "unknown" and "etcd_wal_fsync_p99_seconds" in wal["reason"]
    code, report = validate(capsys, "--inventory", tmp_path / "rack.yaml", "--observed", snap,
                            "--require-observed")
    assert code == 1
    assert any("prometheus" in f["message"] and "read only in part" in f["message"]
               for f in by_rule(report)["HIAC-EVIDENCE-001"])
