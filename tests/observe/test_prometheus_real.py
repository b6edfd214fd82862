"""Prometheus path against a real Prometheus scraping a real etcd (Debian packages).

etcd runs under ``strace -e inject=fdatasync:delay_enter=400000``, so its WAL fsyncs take
~0.4 s and its applies are slow for real; Prometheus scrapes it and a loopback server
that serves Longhorn's metrics in both robustness encodings (tests/fixtures/prometheus).
Missing binaries make these tests FAIL: run ``scripts/setup --test``.

``python -m tests.observe.test_prometheus_real`` re-records the API answers the fast
tests replay (tests/fixtures/prometheus/api/).
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.observe import (
    MetricName,
    Robustness,
    SourceKind,
    SourceState,
    load_snapshot,
    query_prometheus,
)
from harvester_iac.observe._prometheus import QUERIES
from tests.observe._paths import PROMETHEUS
from tests.observe._stack import Etcd, query, stack, wait_for

EXPOSITIONS = {
    "longhorn-1.8": PROMETHEUS / "longhorn-1.8.prom",
    "longhorn-1.12": PROMETHEUS / "longhorn-1.12.prom",
}
WAL = dict(QUERIES)[MetricName.ETCD_WAL_FSYNC_P99]


def _slow_writes(url: str, etcd: Etcd) -> None:
    for i in range(4):
        etcd.put(f"/registry/leases/kube-node-lease/kube-master-0{i % 3}", f"renew-{i}")
    wait_for("Longhorn metrics scraped", lambda: bool(query(url, "longhorn_volume_robustness")))
    wait_for("slow applies counted", lambda: bool(query(url, "etcd_server_slow_apply_total >= 1")))
    wait_for(
        "a WAL fsync p99 over the writes",
        lambda: any(not math.isnan(float(str(s["value"][1]))) for s in query(url, WAL)),  # type: ignore[index]
    )


@pytest.mark.slow
def test_real_prometheus_real_etcd_and_both_robustness_encodings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stack(tmp_path, fdatasync_delay_us=400_000, expositions=EXPOSITIONS) as (url, etcd):
        _slow_writes(url, etcd)
        metrics, status = query_prometheus(url)
        snap_path = tmp_path / "snap.json"
        assert main(["observe", "--prometheus", url, "-o", str(snap_path)]) == 0
    assert "took too long" in etcd.log.read_text()  # etcd itself saw the slow disk

    assert status.state is SourceState.OK, status
    assert metrics is not None
    (wal,) = metrics.of(MetricName.ETCD_WAL_FSYNC_P99)
    assert 0.25 <= wal.value <= 1.024, wal  # fdatasync delayed 400 ms: the 0.512 s bucket
    assert wal.label("job") == "etcd"
    (commit,) = metrics.of(MetricName.ETCD_BACKEND_COMMIT_P99)
    assert math.isnan(commit.value) or commit.value >= 0
    (slow,) = metrics.of(MetricName.ETCD_SLOW_APPLY_TOTAL)
    assert slow.value >= 1
    robustness = {(r.volume[-12:], r.robustness, r.encoding) for r in metrics.volume_robustness}
    assert robustness == {
        ("e0d05c29a6f0", Robustness.HEALTHY, "value"),
        ("043569536a00", Robustness.DEGRADED, "value"),
        ("cc6b25ee4b85", Robustness.FAULTED, "value"),
        ("1d2e3f4a5b6c", Robustness.UNKNOWN, "value"),
        ("0e1f2a3b4c5d", Robustness.HEALTHY, "state"),
        ("0e1f2a3b4c5d", Robustness.DEGRADED, "state"),
        ("0e1f2a3b4c5d", Robustness.FAULTED, "state"),
    }
    assert [(s.label("condition"), s.value) for s in metrics.of(MetricName.LONGHORN_DISK_STATUS)] == [
        ("ready", 1.0), ("schedulable", 0.0),
    ]
    snap = load_snapshot(snap_path)
    assert [s.kind for s in snap.sources] == [SourceKind.PROMETHEUS]
    assert snap.metrics is not None and len(snap.metrics.volume_robustness) == 7
    assert "Prometheus: " in capsys.readouterr().out


@pytest.mark.slow
def test_real_prometheus_answers_a_bad_query_as_a_partial_source(tmp_path: Path) -> None:
    with stack(tmp_path, fdatasync_delay_us=0, expositions={}) as (url, _):
        def fetch(full: str, timeout_s: float) -> tuple[int, bytes]:
            if "etcd_server_slow_apply_total" in urllib.parse.unquote_plus(full):
                full = full.replace("etcd_server_slow_apply_total", "rate%28%29")  # invalid PromQL
            try:
                with urllib.request.urlopen(full, timeout=timeout_s) as r:
                    return r.status, r.read()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read()

        metrics, status = query_prometheus(url, fetch=fetch)
    assert status.state is SourceState.PARTIAL
    assert status.error is not None and status.error.startswith("etcd_slow_apply_total: HTTP 400, bad_data")
    assert metrics is not None and metrics.of(MetricName.ETCD_SLOW_APPLY_TOTAL) == ()


def record(out: Path) -> None:
    """Save the real answers of every query (run by hand; see the module docstring)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, stack(
        Path(tmp), fdatasync_delay_us=400_000, expositions=EXPOSITIONS
    ) as (url, etcd):
        _slow_writes(url, etcd)
        for name, promql in [*QUERIES, ("bad_query", "rate(")]:
            full = f"{url}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
            try:
                with urllib.request.urlopen(full, timeout=10) as r:
                    body = r.read()
            except urllib.error.HTTPError as exc:
                body = exc.read()
            doc = json.loads(body)
            (out / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    record(Path(sys.argv[1]) if len(sys.argv) > 1 else PROMETHEUS / "api")
