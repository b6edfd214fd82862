"""The incident timeline chart (matplotlib, Agg): one swimlane per storage host and per master.

Storage episodes are shaded on their host's lane, every matched line is a marker coloured
by kind, etcd bursts are shaded on their master's lane, and an arrow runs from each
episode to the etcd bursts the chain blames on it (the causal links): solid to a later
burst, dashed and lighter to one that begins before the episode's first logged storage
line (the lag window links it; the fault likely began before it was logged). Unaffected masters
keep an empty, labelled lane; unexplained bursts are outlined in red. matplotlib is
imported here only, on first use.
"""

from __future__ import annotations

import io
import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from harvester_iac.incident import IncidentReport

__all__ = ["KIND_COLOURS", "incident_chart"]

#: Event kind → colour: storage trouble in reds/oranges, recoveries green, etcd in blues/purples.
KIND_COLOURS: dict[str, str] = {
    "nop_timeout": "#f28e2b", "conn_error": "#e15759", "session_timeout": "#b07aa1",
    "target_shutdown": "#d62728", "login_error": "#9c755f", "io_error": "#8c1c13",
    "buffer_io_error": "#ff5a36", "scsi_failed": "#a0522d", "scsi_offline": "#6b3a2a", "fs_error": "#bab0ac",
    "session_recovered": "#59a14f", "session_up": "#8cd17d",
    "etcd_slow_apply": "#1f5fbf", "etcd_slow_request": "#4e79a7", "etcd_read_index_slow": "#76b7f2",
    "etcd_publish_timeout": "#6a3d9a", "etcd_slow_fdatasync": "#17becf", "etcd_heartbeat_slow": "#9467bd",
}
_LABELS = {
    "nop_timeout": "NOP timeout", "conn_error": "connection error", "session_timeout": "session timeout",
    "target_shutdown": "target shutdown", "login_error": "login error", "io_error": "block I/O error",
    "buffer_io_error": "Buffer I/O error", "scsi_failed": "SCSI failed", "scsi_offline": "SCSI offline",
    "fs_error": "filesystem error", "session_recovered": "recovered", "session_up": "session up",
    "etcd_slow_apply": "etcd slow apply", "etcd_slow_request": "etcd slow request",
    "etcd_read_index_slow": "etcd ReadIndex slow", "etcd_publish_timeout": "etcd publish timeout",
    "etcd_slow_fdatasync": "etcd slow fdatasync", "etcd_heartbeat_slow": "etcd heartbeat slow",
}


@cache
def _epoch() -> datetime:
    import matplotlib.dates as mdates

    epoch: str = mdates.get_epoch()  # type: ignore[no-untyped-call]
    return datetime.fromisoformat(epoch).replace(tzinfo=UTC)


def _num(when: datetime) -> float:
    """matplotlib's date number of ``when`` (days since its epoch; date2num, without its per-call cost)."""
    return (when - _epoch()).total_seconds() / 86400.0


#: Bar style → face, edge, line width, line style, height (in lane units).
_BAR_STYLES: dict[str, tuple[str, str, float, str, float]] = {
    "episode": ("#ffd8d3", "#e8a39b", 1.4, "solid", 0.84),
    "causal": ("#ffd8d3", "#d62728", 1.4, "solid", 0.84),
    "etcd": ("#dfe9f7", "#9db7de", 1.0, "solid", 0.76),
    "unexplained": ("#dfe9f7", "#e36209", 2.0, "dashed", 0.76),
}
#: Causal link style → colour, line style, width, alpha: a link to a burst that precedes the
#: episode's first logged line is dashed and lighter, so it does not read as effect-before-cause.
_LINK_STYLES: dict[str, tuple[str, str, float, float]] = {
    "forward": ("#b3261e", "solid", 1.3, 0.8),
    "early": ("#e0837a", "dashed", 1.2, 0.75),
}
#: Above this many episodes in a panel, episodes are not labelled one by one.
_MAX_LABELS = 8
#: At most this many lag windows and causal arrows are drawn (the chain lists them all).
_MAX_DETAIL = 40
#: At most this many time panels; the shortest quiet stretches are kept instead of cut.
_MAX_PANELS = 4


def _lanes(rep: IncidentReport) -> list[tuple[str, str]]:
    """(lane name, role) top to bottom: storage hosts, then masters."""
    masters = {m.name for m in rep.masters}
    hosts = sorted({t.lane for t in rep.timeline if t.lane not in masters} | set(rep.hosts_with_episode)
                   | set(rep.site_hosts))
    return [(h, "host") for h in hosts] + [(m.name, "master") for m in rep.masters]


def _causal(rep: IncidentReport) -> set[int]:
    """Episodes the chain blames an etcd burst on."""
    return {i for r in rep.chain for i, _ in r.blamed}


def _segments(rep: IncidentReport) -> list[tuple[datetime, datetime]]:
    """Time ranges with activity; quiet stretches longer than ``max(3 × lag, 30 min)`` are cut out."""
    times = sorted(t.time for t in rep.timeline) or [rep.generated_at]
    cut = max(rep.lag * 3, timedelta(minutes=30))
    spans: list[list[datetime]] = [[times[0], times[0]]]
    for t in times[1:]:
        if t - spans[-1][1] > cut:
            spans.append([t, t])
        else:
            spans[-1][1] = t
    while len(spans) > _MAX_PANELS:
        gaps = [spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)]
        i = gaps.index(min(gaps))
        spans[i:i + 2] = [[spans[i][0], spans[i + 1][1]]]
    out = []
    for a, b in spans:
        pad = max((b - a) * 0.06, timedelta(seconds=40))
        out.append((a - pad, b + pad))
    return out


def _master_status(rep: IncidentReport, name: str) -> str:
    if name in rep.stalled_masters:
        return "etcd stalled (chain)"
    if name in rep.masters_in_chain:
        return "volume hit, etcd quiet"
    if any(u.master == name for u in rep.unexplained):
        return "unexplained warnings"
    if name in rep.unaffected:
        return "unaffected"
    return "no log read (not observed)" if name in rep.not_observed else ""


def _label_lanes(ax: Any, rep: IncidentReport, lanes: list[tuple[str, str]], y_of: dict[str, int]) -> None:
    x0, x1 = ax.get_xlim()
    for name, role in lanes:
        y = y_of[name]
        status = _master_status(rep, name) if role == "master" else (
            "storage episode" if name in rep.hosts_with_episode else "quiet")
        colour = {"etcd stalled (chain)": "#b3261e", "unaffected": "#2e7d32", "unexplained warnings": "#b26a00",
                  "storage episode": "#b3261e"}.get(status, "#57606a")
        ax.text(x0 - (x1 - x0) * 0.03, y + 0.1, name, ha="right", va="center", fontsize=10, fontweight="bold")
        ax.text(x0 - (x1 - x0) * 0.03, y - 0.18, ("Harvester host · " if role == "host" else "master · ") + status,
                ha="right", va="center", fontsize=8, color=colour)
        root = next((r for r in rep.chain if r.master == name), None)
        if root is not None:
            ax.text(x0 - (x1 - x0) * 0.03, y - 0.38, f"root volume on {root.host}:{root.device or '?'}",
                    ha="right", va="center", fontsize=7, color="#57606a")


def _draw_panel(ax: Any, rep: IncidentReport, lanes: list[tuple[str, str]], y_of: dict[str, int],
                span: tuple[datetime, datetime], offsets: dict[str, float], seen: list[str]) -> None:
    import matplotlib.dates as mdates

    zone = ZoneInfo(rep.timezone)
    t0, t1 = span
    x0, x1 = _num(t0), _num(t1)
    min_w = (x1 - x0) * 0.012
    ax.set_xlim(x0, x1)
    ax.set_ylim(-0.6, len(lanes) - 0.4)
    for name, _ in lanes:
        y = y_of[name]
        ax.axhspan(y - 0.5, y + 0.5, color="#f6f8fa" if y % 2 else "#ffffff", zorder=0)
    causal = _causal(rep)
    bars: dict[tuple[int, str], list[tuple[float, float]]] = defaultdict(list)

    def bar(a_t: datetime, b_t: datetime, y: int, style: str) -> None:
        a, b = _num(a_t), _num(b_t)
        w = max(b - a, min_w)
        bars[(y, style)].append((a - (w - (b - a)) / 2, w))

    shown = [ep for ep in rep.episodes if ep.host in y_of and ep.end >= t0 and ep.start <= t1]
    for ep in shown:
        bar(ep.start, ep.end, y_of[ep.host], "causal" if ep.index in causal else "episode")
    blamed = [ep for ep in shown if ep.index in causal]
    for ep in blamed[:_MAX_DETAIL]:
        ax.axvspan(_num(ep.start - rep.lag), _num(ep.end + rep.lag), color="#fbe3e0", alpha=0.35, zorder=0.5, lw=0)
    if len(shown) <= _MAX_LABELS:
        for ep in shown:
            local = ep.start.astimezone(zone).strftime("%H:%M:%S")
            mid = _num(ep.start + (ep.end - ep.start) / 2)
            ax.text(mid, y_of[ep.host] + 0.47, f"{ep.phase.value.replace('_', ' ')}\n{local}", fontsize=7.5,
                    color="#8c1c13", va="bottom", ha="center", zorder=5, linespacing=1.0)
    odd = {(u.master, u.time) for u in rep.unexplained}
    odd_shown: list[tuple[datetime, int]] = []
    for g in rep.symptoms:
        if g.master not in y_of or g.end < t0 or g.start > t1:
            continue
        unexplained = (g.master, g.start) in odd
        bar(g.start, g.end, y_of[g.master], "unexplained" if unexplained else "etcd")
        if unexplained:
            odd_shown.append((g.end, y_of[g.master]))
    for (y, style), xs in bars.items():
        face, edge, width, line, height = _BAR_STYLES[style]
        ax.broken_barh(xs, (y - height / 2, height), facecolors=face, edgecolors=edge, linewidths=width,
                       linestyles=line, zorder=1)
    if len(odd_shown) <= _MAX_LABELS:
        for end, y in odd_shown:
            ax.text(_num(end), y + 0.4, " unexplained", fontsize=8, color="#e36209", va="bottom", zorder=5,
                    fontweight="bold")
    points: dict[tuple[str, str], list[float]] = {}
    for t in rep.timeline:
        if t.lane not in y_of or not t0 <= t.time <= t1:
            continue
        if t.kind not in offsets:
            offsets[t.kind] = ((len(offsets) % 5) - 2) * 0.13
        if t.kind not in seen:
            seen.append(t.kind)
        points.setdefault((t.lane, t.kind), []).append(_num(t.time))
    for (lane, kind), at in points.items():  # one artist per lane and kind: fast for big logs
        ax.plot(at, [y_of[lane] + offsets[kind]] * len(at), marker="o" if kind.startswith("etcd") else "D", ms=6,
                color=KIND_COLOURS.get(kind, "#333333"), mec="white", mew=0.5, zorder=4, ls="none")
    ax.yaxis.set_visible(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    fmt = ("%H:%M:%S" if t1 - t0 < timedelta(minutes=3) else "%H:%M" if t1 - t0 < timedelta(hours=20)
           else "%b %d\n%H:%M")
    ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt, tz=zone))  # type: ignore[no-untyped-call]
    from matplotlib.ticker import MaxNLocator

    narrow = ax.get_position().width < 0.2
    if narrow:
        ax.xaxis.set_major_locator(MaxNLocator(3))
    else:
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(  # type: ignore[no-untyped-call]
            tz=zone, minticks=3, maxticks=8))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#d0d7de", lw=0.6, zorder=0)


def incident_chart(rep: IncidentReport, *, fmt: str = "png") -> bytes:
    """The chart as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    zone = ZoneInfo(rep.timezone)
    lanes = _lanes(rep)
    y_of = {name: len(lanes) - 1 - i for i, (name, _) in enumerate(lanes)}
    spans = _segments(rep)
    total = sum((b - a).total_seconds() for a, b in spans)
    ratios = [max((b - a).total_seconds() / total, 0.22) for a, b in spans]
    height = 1.9 + 0.85 * len(lanes)
    fig, axes = plt.subplots(1, len(spans), figsize=(13, height), dpi=110, sharey=True,
                             gridspec_kw={"width_ratios": ratios, "wspace": 0.06}, squeeze=False)
    fig.subplots_adjust(left=0.17, right=0.80, top=1 - 1.2 / height, bottom=0.8 / height)
    row = list(axes[0])
    offsets: dict[str, float] = {}
    seen: list[str] = []
    for ax, span in zip(row, spans, strict=True):
        _draw_panel(ax, rep, lanes, y_of, span, offsets, seen)
    _label_lanes(row[0], rep, lanes, y_of)
    for left, right in itertools.pairwise(row):
        _break_marks(left, right)
    _links(rep, fig, row, spans, y_of)
    t0 = spans[0][0]
    day = t0.astimezone(zone).strftime("%a %d %b %Y")
    cut = " (quiet stretches cut out: //)" if len(spans) > 1 else ""
    fig.text(0.485, 0.12 / height, f"{day}, time in {rep.timezone} ({t0.astimezone(zone).tzname()}){cut}",
             ha="center", fontsize=9)
    from harvester_iac.incident._document import title

    fig.suptitle(title(rep), fontsize=12.5, fontweight="bold", x=0.02, ha="left")
    fig.text(0.02, 1 - 0.5 / height, _subtitle(rep), fontsize=9, color="#3a3f44", ha="left", va="top",
             linespacing=1.5)
    from matplotlib.lines import Line2D

    handles: list[Any] = [Line2D([], [], marker="o" if k.startswith("etcd") else "D", ls="none", ms=7,
                          color=KIND_COLOURS.get(k, "#333"), label=_LABELS.get(k, k)) for k in seen]
    handles += [Rectangle((0, 0), 1, 1, facecolor="#ffd8d3", edgecolor="#d62728", label="storage episode"),
                Rectangle((0, 0), 1, 1, facecolor="#fbe3e0", edgecolor="none",
                          label=f"lag window (±{int(rep.lag.total_seconds() // 60)} min)"),
                Rectangle((0, 0), 1, 1, facecolor="#dfe9f7", edgecolor="#9db7de", label="etcd burst"),
                Line2D([], [], color=_LINK_STYLES["forward"][0], lw=1.6, label="causal link (chain)")]
    from harvester_iac.incident._phrases import early_links

    if early_links(rep):
        colour, line, _, _ = _LINK_STYLES["early"]
        handles.append(Line2D([], [], color=colour, ls=line, lw=1.6,
                              label="linked, before the first logged\nstorage line (the fault likely\nbegan earlier)"))
    if rep.unexplained:
        handles.append(Rectangle((0, 0), 1, 1, facecolor="#dfe9f7", edgecolor="#e36209", ls="--", lw=2,
                                 label="unexplained etcd burst"))
    row[-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    buf = io.BytesIO()
    meta: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buf, format=fmt, metadata=meta)
    plt.close(fig)
    return buf.getvalue()


def _break_marks(left: Any, right: Any) -> None:
    kw: dict[str, Any] = {"transform": left.transAxes, "color": "#57606a", "clip_on": False, "lw": 1}
    left.plot((1 - 0.015, 1 + 0.015), (-0.02, 0.02), **kw)
    kw["transform"] = right.transAxes
    right.plot((-0.015, 0.015), (-0.02, 0.02), **kw)
    right.spines["left"].set_visible(False)


def _subtitle(rep: IncidentReport) -> str:
    """Two lines under the title: the chain, then who else was (or was not) hit."""
    rows = [r for r in rep.chain if r.master and r.etcd]
    parts = [f"{r.host}:{r.device or '(disk?)'} → {(r.volume or '?')[:12]}… → {r.master}" for r in rows[:6]]
    if len(rows) > 6:
        parts.append(f"… {len(rows) - 6} more")
    first = ("Root cause chain: " + ",  ".join(parts)) if rows else "No storage episode reached a master's etcd."
    second: list[str] = []
    if rep.unaffected:
        second.append(f"unaffected: {', '.join(rep.unaffected)}")
    if rep.unexplained:
        second.append(f"unexplained etcd warnings: {', '.join(sorted({u.master for u in rep.unexplained}))}")
    others = sorted({r.vm.split("/")[-1] for r in rep.chain if r.master is None and r.vm})
    if others:
        second.append(f"also hit (no master): {', '.join(others)}")
    stops = [r for r in rep.chain if r.stop is not None]
    if stops:
        second.append(f"{len(stops)} chain row{'s' if len(stops) > 1 else ''} stop for missing evidence")
    return first + ("\n" + "   |   ".join(second) if second else "")


def _panel(spans: list[tuple[datetime, datetime]], t: datetime) -> int:
    return next((i for i, (a, b) in enumerate(spans) if a <= t <= b), 0 if t < spans[0][0] else len(spans) - 1)


def _links(rep: IncidentReport, fig: Any, row: list[Any], spans: list[tuple[datetime, datetime]],
           y_of: dict[str, int]) -> None:
    from matplotlib.patches import ConnectionPatch

    from harvester_iac.incident._phrases import precedes

    drawn: set[tuple[int, str, datetime]] = set()
    for r in rep.chain:
        if len(drawn) >= _MAX_DETAIL:
            break
        if r.master is None or r.master not in y_of:
            continue
        for i, n in r.blamed:
            ep, g = rep.episodes[i], r.etcd[n]
            if ep.host not in y_of or (i, g.master, g.start) in drawn or len(drawn) >= _MAX_DETAIL:
                continue
            drawn.add((i, g.master, g.start))
            ta, tb = ep.start + (ep.end - ep.start) / 2, g.start + (g.end - g.start) / 2
            kind = "early" if precedes(g, ep) else "forward"
            colour, line, width, alpha = _LINK_STYLES[kind]
            link = ConnectionPatch(
                xyA=(_num(ta), y_of[ep.host] - 0.42), coordsA="data", axesA=row[_panel(spans, ta)],
                xyB=(_num(tb), y_of[g.master] + 0.38), coordsB="data", axesB=row[_panel(spans, tb)],
                arrowstyle="-|>", mutation_scale=11, color=colour, ls=line, lw=width, alpha=alpha, zorder=3)
            link.set_gid(f"causal-link-{kind}-{len(drawn)}")  # the SVG group's id: which kind of link it is
            fig.add_artist(link)


