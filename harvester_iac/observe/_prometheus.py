"""Instant queries against Prometheus: etcd disk latency and Longhorn health.

Logs show the moments etcd complained; Prometheus shows how close to the edge it runs all
the time (WAL fsync and backend commit p99) and what Longhorn reports now. Each query is
one HTTP GET to ``/api/v1/query`` through ``urllib`` (no client library needed).

``longhorn_volume_robustness`` has two encodings: up to Longhorn 1.8 one series per
volume with value 0-3 (unknown, healthy, degraded, faulted); from 1.12 one series per
state with a ``state`` label and value 1 for the current state. Both decode to
:class:`Robustness`.

A refused connection, an HTTP error or an ``"status": "error"`` answer is recorded in the
source status (``failed`` when nothing was read, ``partial`` when some queries failed).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus
from harvester_iac.observe.longhorn._objects import Robustness

__all__ = [
    "QUERIES",
    "Fetch",
    "MetricName",
    "MetricSample",
    "PrometheusMetrics",
    "VolumeRobustnessSample",
    "decode_robustness",
    "query_prometheus",
]


class MetricName(StrEnum):
    """What each query measures; the snapshot's ``metrics.samples[].name``."""

    ETCD_WAL_FSYNC_P99 = "etcd_wal_fsync_p99_seconds"
    ETCD_BACKEND_COMMIT_P99 = "etcd_backend_commit_p99_seconds"
    ETCD_SLOW_APPLY_TOTAL = "etcd_slow_apply_total"
    ETCD_SLOW_READ_INDEXES_TOTAL = "etcd_slow_read_indexes_total"
    ETCD_HEARTBEAT_SEND_FAILURES_TOTAL = "etcd_heartbeat_send_failures_total"
    LONGHORN_NODE_STATUS = "longhorn_node_status"
    LONGHORN_DISK_STATUS = "longhorn_disk_status"
    LONGHORN_VOLUME_ROBUSTNESS = "longhorn_volume_robustness"


#: The PromQL of each measurement.
QUERIES: tuple[tuple[MetricName, str], ...] = (
    (
        MetricName.ETCD_WAL_FSYNC_P99,
        "histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket[5m]))",
    ),
    (
        MetricName.ETCD_BACKEND_COMMIT_P99,
        "histogram_quantile(0.99, rate(etcd_disk_backend_commit_duration_seconds_bucket[5m]))",
    ),
    (MetricName.ETCD_SLOW_APPLY_TOTAL, "etcd_server_slow_apply_total"),
    (MetricName.ETCD_SLOW_READ_INDEXES_TOTAL, "etcd_server_slow_read_indexes_total"),
    (MetricName.ETCD_HEARTBEAT_SEND_FAILURES_TOTAL, "etcd_server_heartbeat_send_failures_total"),
    (MetricName.LONGHORN_NODE_STATUS, "longhorn_node_status"),
    (MetricName.LONGHORN_DISK_STATUS, "longhorn_disk_status"),
    (MetricName.LONGHORN_VOLUME_ROBUSTNESS, "longhorn_volume_robustness"),
)

#: ``(url, timeout_s) -> (HTTP status, body)``; the seam for tests and custom transports.
Fetch = Callable[[str, float], tuple[int, bytes]]

_BY_VALUE = {
    0: Robustness.UNKNOWN,
    1: Robustness.HEALTHY,
    2: Robustness.DEGRADED,
    3: Robustness.FAULTED,
}


@dataclass(frozen=True, slots=True)
class MetricSample:
    """One series of one query at the evaluation time.

    ``value`` may be ``nan`` (no data in the rate window) or ``inf`` (a quantile in the
    ``+Inf`` bucket: slower than the largest bucket).
    """

    name: MetricName
    labels: tuple[tuple[str, str], ...]
    value: float

    def label(self, key: str) -> str | None:
        return next((v for k, v in self.labels if k == key), None)


@dataclass(frozen=True, slots=True)
class VolumeRobustnessSample:
    """A volume's robustness as Longhorn's metrics report it; ``encoding`` is ``value`` or ``state``."""

    volume: str
    node: str | None
    pvc: str | None
    robustness: Robustness
    encoding: str


@dataclass(frozen=True, slots=True)
class PrometheusMetrics:
    """Everything read from one Prometheus at one time."""

    url: str
    queried_at: datetime
    samples: tuple[MetricSample, ...] = ()
    volume_robustness: tuple[VolumeRobustnessSample, ...] = ()

    def of(self, name: MetricName) -> tuple[MetricSample, ...]:
        return tuple(s for s in self.samples if s.name is name)


def decode_robustness(samples: tuple[MetricSample, ...]) -> tuple[VolumeRobustnessSample, ...]:
    """Decode ``longhorn_volume_robustness`` series in either encoding."""
    out: dict[tuple[str, str | None], VolumeRobustnessSample] = {}
    for s in samples:
        volume = s.label("volume")
        if volume is None:
            continue
        state = s.label("state")
        if state is not None:
            if s.value != 1:
                continue
            try:
                robustness = Robustness(state)
            except ValueError:
                robustness = Robustness.UNKNOWN
            encoding = "state"
        else:
            if math.isnan(s.value) or math.isinf(s.value):
                continue
            robustness = _BY_VALUE.get(int(s.value), Robustness.UNKNOWN)
            encoding = "value"
        node = s.label("node")
        out[(volume, node)] = VolumeRobustnessSample(
            volume=volume, node=node, pvc=s.label("pvc"), robustness=robustness, encoding=encoding
        )
    return tuple(out[k] for k in sorted(out, key=lambda k: (k[0], k[1] or "")))


def _urllib_fetch(url: str, timeout_s: float) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), bytes(exc.read())


def _parse_float(text: object) -> float:
    if not isinstance(text, str):
        raise ValueError(f"sample value {text!r} is not a string")
    return float(text)  # Prometheus writes "NaN", "+Inf", "-Inf" as float() reads them


def _decode(name: MetricName, status: int, body: bytes) -> tuple[MetricSample, ...]:
    try:
        doc = json.loads(body)
    except ValueError:
        raise ValueError(f"HTTP {status}, not a Prometheus API answer (not JSON)") from None
    if not isinstance(doc, dict):
        raise ValueError(f"HTTP {status}, not a Prometheus API answer")
    if doc.get("status") != "success":
        raise ValueError(
            f"HTTP {status}, {doc.get('errorType', 'error')}: {doc.get('error', 'no detail')}"
        )
    data = doc.get("data")
    if not isinstance(data, dict) or data.get("resultType") != "vector":
        raise ValueError("expected an instant vector in data.result")
    result = data.get("result")
    if not isinstance(result, list):
        raise ValueError("expected a list in data.result")
    out = []
    for series in result:
        if not isinstance(series, dict):
            raise ValueError("expected objects in data.result")
        metric = series.get("metric") or {}
        value = series.get("value")
        if not isinstance(metric, dict) or not isinstance(value, list) or len(value) != 2:
            raise ValueError("expected {metric, value: [time, text]} in data.result")
        labels = tuple(sorted((str(k), str(v)) for k, v in metric.items()))
        out.append(MetricSample(name=name, labels=labels, value=_parse_float(value[1])))
    return tuple(sorted(out, key=lambda s: s.labels))


def query_prometheus(
    url: str,
    *,
    at: datetime | None = None,
    timeout_s: float = 10.0,
    fetch: Fetch | None = None,
) -> tuple[PrometheusMetrics | None, SourceStatus]:
    """Run every query of :data:`QUERIES` at ``at`` (default: the server's now).

    Returns the metrics (``None`` when nothing could be read) and the source status.
    """
    import urllib.error  # here, not at import: observe without --prometheus starts faster
    import urllib.parse

    get = fetch or _urllib_fetch
    base = url.rstrip("/")
    samples: list[MetricSample] = []
    errors: list[str] = []
    empty: list[str] = []
    answered = 0
    queried_at = at or datetime.now(UTC)
    for name, promql in QUERIES:
        params = {"query": promql}
        if at is not None:
            params["time"] = f"{at.timestamp():.3f}"
        full = f"{base}/api/v1/query?{urllib.parse.urlencode(params)}"
        try:
            status, body = get(full, timeout_s)
            got = _decode(name, status, body)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                # a slow query: the next ones may answer, unless nothing has answered twice
                errors.append(f"{name}: timed out after {timeout_s:g} s")
                if answered == 0 and len(errors) >= 2:
                    break
                continue
            errors.append(f"{name}: cannot reach {base}: {reason}")
            if answered == 0:
                break  # the server is not there; the other queries would say the same
            continue
        except ValueError as exc:
            errors.append(f"{name}: {exc}")
            continue
        answered += 1
        if not got:
            empty.append(str(name))
        samples += got
    if answered == 0:
        return None, SourceStatus(
            kind=SourceKind.PROMETHEUS,
            location=base,
            state=SourceState.FAILED,
            error="; ".join(errors) or "no answer",
        )
    detail = f"{answered} of {len(QUERIES)} queries answered, {len(samples)} series"
    if empty:
        detail += "; no series for " + ", ".join(empty)
    metrics = PrometheusMetrics(
        url=base,
        queried_at=queried_at,
        samples=tuple(samples),
        volume_robustness=decode_robustness(
            tuple(s for s in samples if s.name is MetricName.LONGHORN_VOLUME_ROBUSTNESS)
        ),
    )
    return metrics, SourceStatus(
        kind=SourceKind.PROMETHEUS,
        location=base,
        state=SourceState.PARTIAL if errors else SourceState.OK,
        error="; ".join(errors) or None,
        detail=detail,
    )
