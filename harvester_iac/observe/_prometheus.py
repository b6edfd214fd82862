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
All queries of one source share one :class:`Budget` (an overall deadline and a byte
cap); reaching it ends the source with the reason. Credentials (URL userinfo as basic
auth, or a bearer token) are sent in the ``Authorization`` header, never kept in the URL,
and redacted from every text the source reports, including server messages that echo them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from harvester_iac._json import load_json
from harvester_iac.core import InputError
from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus
from harvester_iac.observe.longhorn._objects import Robustness

if TYPE_CHECKING:
    from harvester_iac.observe._http import Redactor

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

#: ``(url, timeout_s) -> (HTTP status, body)``; the seam for tests and custom transports
#: (``timeout_s`` is what is left of the source's deadline; credentials are the seam's job).
Fetch = Callable[[str, float], tuple[int, bytes]]

#: One Prometheus source may take this long in all, and read this many bytes in all.
DEADLINE_S = 30.0
MAX_BYTES = 16 * 1024 * 1024

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


def _parse_float(text: object) -> float:
    if not isinstance(text, str):
        raise ValueError(f"sample value {text!r} is not a string")
    return float(text)  # Prometheus writes "NaN", "+Inf", "-Inf" as float() reads them


def _decode(name: MetricName, status: int, body: bytes) -> tuple[MetricSample, ...]:
    if 300 <= status < 400:
        raise ValueError(f"HTTP {status}, a redirect (not followed: credentials stay with the URL given)")
    try:
        doc = load_json(body, file="answer", what="a Prometheus API answer")
    except InputError as exc:
        reason = "not JSON" if exc.message.startswith("invalid JSON") else exc.message
        raise ValueError(f"HTTP {status}, not a Prometheus API answer ({reason})") from None
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


def _redact_labels(samples: tuple[MetricSample, ...], redact: Redactor) -> tuple[MetricSample, ...]:
    """A server that puts a credential into a label does not get it into the snapshot."""
    return tuple(MetricSample(name=s.name, labels=tuple((k, redact(v)) for k, v in s.labels), value=s.value)
                 for s in samples)


def query_prometheus(
    url: str,
    *,
    at: datetime | None = None,
    timeout_s: float = 10.0,
    deadline_s: float = DEADLINE_S,
    max_bytes: int = MAX_BYTES,
    token: str | None = None,
    fetch: Fetch | None = None,
) -> tuple[PrometheusMetrics | None, SourceStatus]:
    """Run every query of :data:`QUERIES` at ``at`` (default: the server's now).

    ``timeout_s`` bounds each query's waits (a slow query times out, the next may answer);
    ``deadline_s`` and ``max_bytes`` bound the whole source (all queries together).
    ``url`` may carry ``user:pass@`` (sent as basic auth); ``token`` is sent as a bearer
    token. Returns the metrics (``None`` when nothing could be read) and the source
    status; neither holds a credential.
    """
    import urllib.parse  # here, not at import: observe without --prometheus starts faster

    from harvester_iac.observe._http import (
        Budget,
        BudgetExceeded,
        Credentials,
        Redactor,
        bounded_get,
        split_userinfo,
    )

    base_url, creds = split_userinfo(url.rstrip("/"))
    if token:
        creds = Credentials(username=creds.username, password=creds.password, token=token)
    redact = Redactor([*creds.secrets(), *split_userinfo(url)[1].secrets()])
    header = creds.header()
    budget = Budget(deadline_s, max_bytes)

    def default_get(full: str, timeout: float) -> tuple[int, bytes]:
        return bounded_get(full, budget=budget, timeout=timeout,
                           headers={"Authorization": header} if header else None)

    get = fetch or default_get
    base = base_url
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
            status, body = get(full, min(timeout_s, budget.remaining()))
            if fetch is not None:
                budget.spend(len(body))
            got = _decode(name, status, body)
        except BudgetExceeded as exc:
            errors.append(f"{name}: stopped: {exc}")
            break
        except OSError as exc:
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
        samples += _redact_labels(got, redact) if redact else got
    if answered == 0:
        return None, SourceStatus(
            kind=SourceKind.PROMETHEUS,
            location=base,
            state=SourceState.FAILED,
            error=redact("; ".join(errors) or "no answer"),
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
        error=redact("; ".join(errors)) or None,
        detail=redact(detail),
    )
