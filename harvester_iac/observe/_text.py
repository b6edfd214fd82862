"""The human summary of a snapshot: sources, then hosts, disks, volumes and masters.

What an operator reads first after ``observe``: did every source work, which hosts and
volumes had trouble, and did the masters' etcd stall. Times are shown in ``tz`` (the
``--tz`` zone) when given, else UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from harvester_iac.observe._coverage import coverage_line
from harvester_iac.observe._snapshot import HealthSnapshot
from harvester_iac.observe._source import SourceState
from harvester_iac.observe._summary import EventCounts
from harvester_iac.observe.logs._event import Event

__all__ = ["format_summary"]


def _when(value: datetime | None, tz: tzinfo | None) -> str:
    if value is None:
        return "-"
    shown = value.astimezone(tz or UTC)
    return shown.strftime("%Y-%m-%d %H:%M:%S ") + (shown.tzname() or "")


def _kinds(counts: EventCounts) -> str:
    return ", ".join(f"{k.value} {n}" for k, n in counts.by_kind)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    def line(cells: Sequence[str]) -> str:
        return "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
    return [line(headers), *(line(r) for r in rows)]


def _totals(events: Sequence[Event]) -> tuple[int, datetime | None, datetime | None]:
    """Occurrences, first and last time of the listed events (a streamed snapshot's
    events count these from their arrays, without rebuilding every event)."""
    totals = getattr(events, "totals", None)
    if totals is not None:
        found: tuple[int, datetime | None, datetime | None] = totals()
        return found
    times = [e.time for e in events if e.time is not None]
    return sum(e.repeat for e in events), min(times, default=None), max(times, default=None)


def format_summary(snapshot: HealthSnapshot, *, tz: tzinfo | None = None) -> str:
    """A plain-text report of the snapshot (no colour, fixed-width columns)."""
    s = snapshot
    failed = [x for x in s.sources if x.state is not SourceState.OK]
    occurrences, first, last = _totals(s.events)
    span = f", {_when(first, tz)} .. {_when(last, tz)}" if first is not None else ""
    out = [
        f"Observed {len(s.sources)} sources ({len(s.sources) - len(failed)} ok), "
        f"{len(s.events)} events ({occurrences} occurrences){span}"
    ]
    if s.events_dropped:
        out.append(f"{s.events_dropped} more raw events counted in the summaries, not listed "
                   "(--max-events)")
    if s.window.since or s.window.until:
        out.append(f"Window: {_when(s.window.since, tz)} .. {_when(s.window.until, tz)}")
    if s.sources:
        out += ["", "Sources"]
        out += _table(
            ("STATUS", "KIND", "LOCATION", "DETAIL"),
            [
                (
                    x.state.value.upper() if x.state is not SourceState.OK else "ok",
                    x.kind.value,
                    x.location,
                    x.error if x.error else (x.detail or ""),
                )
                for x in s.sources
            ],
        )
    sm = s.summaries
    if sm.hosts:
        out += ["", "Events per host"]
        out += _table(
            ("HOST", "EVENTS", "FIRST", "LAST", "KINDS"),
            [
                (h.host or "?", str(h.counts.total), _when(h.counts.first, tz),
                 _when(h.counts.last, tz), _kinds(h.counts))
                for h in sm.hosts
            ],
        )
    if sm.disks:
        out += ["", "Events per disk"]
        out += _table(
            ("HOST", "DISK", "DEVICES", "VOLUME", "EVENTS", "KINDS"),
            [
                (d.host or "?", d.disk, ",".join(d.devices), ",".join(d.volumes) or "-",
                 str(d.counts.total), _kinds(d.counts))
                for d in sm.disks
            ],
        )
    if sm.volumes:
        out += ["", "Events per Longhorn volume"]
        out += _table(
            ("VOLUME", "VM", "PVC", "EVENTS", "FIRST", "LAST", "KINDS"),
            [
                (v.volume, v.vm_name or "-", v.pvc_name or "-", str(v.counts.total),
                 _when(v.counts.first, tz), _when(v.counts.last, tz), _kinds(v.counts))
                for v in sm.volumes
            ],
        )
    if sm.masters:
        out += ["", "etcd warnings per master"]
        out += _table(
            ("HOST", "EVENTS", "MAX TOOK", "FIRST", "LAST", "ROOT VOLUMES", "KINDS"),
            [
                (m.host or "?", str(m.counts.total),
                 f"{m.max_took_ms:.0f} ms" if m.max_took_ms is not None else "-",
                 _when(m.counts.first, tz), _when(m.counts.last, tz),
                 ",".join(m.volumes) or "-", _kinds(m.counts))
                for m in sm.masters
            ],
        )
    lh = s.longhorn
    if not lh.empty:
        robust: dict[str, int] = {}
        for v in lh.volumes:
            robust[v.robustness.value] = robust.get(v.robustness.value, 0) + 1
        disks = sum(len(n.disks) for n in lh.nodes)
        out += [
            "",
            f"Longhorn: {len(lh.volumes)} volumes ("
            + ", ".join(f"{n} {k}" for k, n in sorted(robust.items()))
            + f"), {len(lh.replicas)} replicas, {len(lh.nodes)} nodes with {disks} disks, "
            f"{len(lh.settings)} settings",
        ]
    if s.sessions:
        n = sum(len(m.sessions) for m in s.sessions)
        out.append(f"iSCSI: {n} sessions in {len(s.sessions)} listings")
    if s.metrics is not None:
        out.append(
            f"Prometheus: {len(s.metrics.samples)} series, "
            f"{len(s.metrics.volume_robustness)} volume robustness values"
        )
    if not s.events:
        out += ["", "No storage or etcd events in the logs read."]
    out += ["", coverage_line(s.coverage)]
    return "\n".join(out) + "\n"
