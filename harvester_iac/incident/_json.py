"""The JSON form of an incident report, documented by ``incident.schema.json`` (shipped here).

The top level and the row shapes are a public contract (DESIGN.md, "Incident report"):
``timezone``, ``hosts_with_storage_episode``, ``episodes``, ``chain``,
``unaffected_masters``, ``unexplained``, ``event_counts``, ``evidence``. Times are UTC
with milliseconds (``2025-12-28T00:46:45.118Z``). ``evidence`` carries every citation.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from harvester_iac.incident._model import (
    ChainRow,
    Cite,
    Episode,
    FixPlan,
    IncidentReport,
    KindCount,
    SymptomGroup,
    Unexplained,
)

__all__ = ["INCIDENT_SCHEMA_NAME", "incident_schema", "render_json", "report_to_dict", "utc_ms"]

INCIDENT_SCHEMA_NAME = "incident.schema.json"


def utc_ms(value: datetime | None) -> str | None:
    """``2025-12-28T00:46:45.118Z`` (UTC, milliseconds), or ``None``."""
    if value is None:
        return None
    v = value.astimezone(UTC)
    return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"


def _kinds(counts: tuple[KindCount, ...]) -> dict[str, int]:
    return {k.kind: k.count for k in counts}


def _cite(c: Cite | None) -> dict[str, Any] | None:
    return None if c is None else {"file": c.file, "line": c.line, "text": c.text}


def _episode(ep: Episode) -> dict[str, Any]:
    return {"host": ep.host, "phase": ep.phase.value, "start_utc": utc_ms(ep.start), "end_utc": utc_ms(ep.end),
            "devices": list(ep.devices), "sessions": list(ep.sessions), "volumes": list(ep.volumes),
            "partitions_seen": list(ep.partitions_seen)}


def _row(r: ChainRow) -> dict[str, Any]:
    return {"host": r.host, "device": r.device, "session": r.session, "iqn": r.iqn, "volume": r.volume,
            "pvc": r.pvc, "vm": r.vm, "master": r.master, "etcd_first_utc": utc_ms(r.etcd_first),
            "etcd_last_utc": utc_ms(r.etcd_last), "etcd_kinds": list(r.etcd_kinds)}


def _symptom(g: SymptomGroup) -> dict[str, Any]:
    return {"master": g.master, "start_utc": utc_ms(g.start), "end_utc": utc_ms(g.end), "kinds": _kinds(g.kinds),
            "first": _cite(g.first), "max_took_ms": g.max_took_ms}


def _unexplained(u: Unexplained) -> dict[str, Any]:
    return {"master": u.master, "time_utc": utc_ms(u.time), "kind": u.kind}


def _fix(f: FixPlan | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"inventory": f.inventory,
            "changes": [{"kind": c.kind, "title": c.title, "details": list(c.details),
                         "volumes": list(c.volumes), "replicas": c.replicas,
                         "manifest": None if c.manifest is None else {"path": c.manifest[0], "content": c.manifest[1]}}
                        for c in f.changes],
            "gate_passed": f.gate_passed, "gate": list(f.gate_lines), "proposals": list(f.proposals)}


def _evidence(rep: IncidentReport) -> dict[str, Any]:
    return {
        "site": rep.site, "inventory": rep.inventory, "lag_seconds": rep.lag.total_seconds(),
        "gap_seconds": rep.gap.total_seconds(), "generated_utc": utc_ms(rep.generated_at),
        "window": {"first_utc": utc_ms(rep.window_start), "last_utc": utc_ms(rep.window_end)},
        "sources": [{"kind": s.kind, "location": s.location, "state": s.state, "detail": s.detail}
                    for s in rep.sources],
        "masters": [{"name": m.name, "address": m.address, "host": m.host, "log_hosts": list(m.log_hosts),
                     "root_volume": m.root_volume, "in_inventory": m.in_inventory} for m in rep.masters],
        "episodes": [{"index": ep.index, "kinds": _kinds(ep.kinds), "recovered_utc": utc_ms(ep.recovered),
                      "first": _cite(ep.first), "last": _cite(ep.last)} for ep in rep.episodes],
        "chain": [{"episodes": list(r.episodes), "partitions": list(r.partitions),
                   "links": [{"step": lk.step, "value": lk.value, "how": lk.how, "cite": _cite(lk.cite)}
                             for lk in r.links],
                   "stop": None if r.stop is None else {"after": r.stop.after, "missing": r.stop.missing}}
                  for r in rep.chain],
        "symptoms": [_symptom(g) for g in rep.symptoms],
        "unexplained": [{"count": u.count, "last_utc": utc_ms(u.last), "note": u.note, "first": _cite(u.first)}
                        for u in rep.unexplained],
        "notes": list(rep.notes),
        "masters_not_observed": list(rep.not_observed),
        "fix": _fix(rep.fix),
        # every matched line; file and line only (the raw text is in the file, and in the cites above)
        "timeline": [{"time_utc": utc_ms(t.time), "lane": t.lane, "kind": t.kind, "source": t.source,
                      "device": t.device, "volume": t.volume, "file": t.cite.file, "line": t.cite.line}
                     for t in rep.timeline],
    }


def report_to_dict(rep: IncidentReport) -> dict[str, Any]:
    """The report as JSON-ready data, in the published shape."""
    return {
        "timezone": rep.timezone,
        "hosts_with_storage_episode": list(rep.hosts_with_episode),
        "episodes": [_episode(ep) for ep in rep.episodes],
        "chain": [_row(r) for r in rep.chain],
        "unaffected_masters": list(rep.unaffected),
        "unexplained": [_unexplained(u) for u in rep.unexplained],
        "event_counts": {k: _kinds(v) for k, v in rep.event_counts},
        "evidence": _evidence(rep),
    }


def render_json(rep: IncidentReport) -> str:
    """Indented JSON with a trailing newline."""
    return json.dumps(report_to_dict(rep), indent=2, ensure_ascii=False) + "\n"


@cache
def _schema_text() -> str:
    return resources.files("harvester_iac.incident").joinpath(INCIDENT_SCHEMA_NAME).read_text()


def incident_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of :func:`render_json`'s output."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema
