"""The Prometheus reader replaying recorded ``/api/v1/query`` answers from a loopback server.

The answers in tests/fixtures/prometheus/api/ were recorded from a real Prometheus scraping
a real etcd and Longhorn metrics in both robustness encodings (test_prometheus_real.py).
"""

from __future__ import annotations

import json
import math
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from harvester_iac.observe import (
    MetricName,
    MetricSample,
    Robustness,
    SourceState,
    decode_robustness,
    query_prometheus,
)
from harvester_iac.observe._prometheus import QUERIES
from tests.observe._paths import PROMETHEUS

BY_QUERY = {promql: name for name, promql in QUERIES}


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, tuple[int, bytes]]]]:
    """Answers each query with its recorded body; ``overrides`` replace answers by name."""
    overrides: dict[str, tuple[int, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            promql = parse_qs(url.query)["query"][0]
            name = str(BY_QUERY[promql])
            status, body = overrides.get(name) or (200, (PROMETHEUS / "api" / f"{name}.json").read_bytes())
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", overrides
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_recorded_answers_decode(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    url, _ = server
    metrics, status = query_prometheus(url + "/")
    assert status.state is SourceState.OK and status.location == url
    assert status.detail is not None and status.detail.startswith("8 of 8 queries answered")
    assert "no series for etcd_slow_read_indexes_total" not in status.detail  # etcd 3.4 has it
    assert metrics is not None
    (wal,) = metrics.of(MetricName.ETCD_WAL_FSYNC_P99)
    assert 0.25 < wal.value < 1.1
    assert {(r.robustness, r.encoding) for r in metrics.volume_robustness} >= {
        (Robustness.DEGRADED, "value"), (Robustness.FAULTED, "state"),
    }
    assert len(metrics.volume_robustness) == 7


def test_failed_queries_make_a_partial_source(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    url, overrides = server
    overrides["etcd_slow_apply_total"] = (400, (PROMETHEUS / "api" / "bad_query.json").read_bytes())
    overrides["longhorn_node_status"] = (502, b"<html>Bad Gateway</html>")
    metrics, status = query_prometheus(url)
    assert status.state is SourceState.PARTIAL
    assert status.error == (
        "etcd_slow_apply_total: HTTP 400, bad_data: invalid parameter \"query\": 1:6: parse error: "
        "unclosed left parenthesis; longhorn_node_status: HTTP 502, not a Prometheus API answer (not JSON)"
    )
    assert metrics is not None and metrics.of(MetricName.ETCD_WAL_FSYNC_P99)


def test_unreachable_prometheus_is_a_failed_source() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    metrics, status = query_prometheus(f"http://127.0.0.1:{port}", timeout_s=2)
    assert metrics is None
    assert status.state is SourceState.FAILED
    assert status.error is not None and "cannot reach" in status.error and "refused" in status.error


def _sample(value: float, **labels: str) -> MetricSample:
    return MetricSample(MetricName.LONGHORN_VOLUME_ROBUSTNESS, tuple(sorted(labels.items())), value)


def test_both_robustness_encodings() -> None:
    decoded = decode_robustness((
        _sample(0, volume="a", node="n"), _sample(1, volume="b", node="n"),
        _sample(2, volume="c", node="n"), _sample(3, volume="d", node="n"),
        _sample(7, volume="e", node="n"), _sample(math.nan, volume="f"),
        _sample(0, volume="g", state="healthy"), _sample(1, volume="g", state="faulted"),
        _sample(1, volume="h", state="brand-new-state"), _sample(1, node="n"),
    ))
    assert [(r.volume, r.robustness, r.encoding) for r in decoded] == [
        ("a", Robustness.UNKNOWN, "value"), ("b", Robustness.HEALTHY, "value"),
        ("c", Robustness.DEGRADED, "value"), ("d", Robustness.FAULTED, "value"),
        ("e", Robustness.UNKNOWN, "value"), ("g", Robustness.FAULTED, "state"),
        ("h", Robustness.UNKNOWN, "state"),
    ]


def test_special_float_values_survive(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    url, overrides = server
    body = {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {"instance": "a"}, "value": [1, "NaN"]},
        {"metric": {"instance": "b"}, "value": [1, "+Inf"]},
    ]}}
    overrides["etcd_backend_commit_p99_seconds"] = (200, json.dumps(body).encode())
    metrics, _ = query_prometheus(url)
    assert metrics is not None
    nan, inf = metrics.of(MetricName.ETCD_BACKEND_COMMIT_P99)
    assert math.isnan(nan.value) and inf.value == math.inf
