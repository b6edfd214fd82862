"""The pull-request comment: verdict first, then collapsible sections, under a size cap.

Order: hidden marker, verdict header with counts, the destroy banner, the findings (never
collapsed, never cut), then ``<details>`` sections: plan by action, failure domains,
pre-plan resource diff, manifest diffs, evidence. Diff bodies are the only text
:func:`~harvester_iac.preview._cap.fit` may cut. A preview with nothing to say renders
the short "no changes" form.
"""

from __future__ import annotations

from datetime import timedelta

from harvester_iac.policy import Outcome, SourceRef
from harvester_iac.preview._cap import Block, fit
from harvester_iac.preview._diff import DiffKind
from harvester_iac.preview._domains import QuorumVerdict, Spread
from harvester_iac.preview._plan import Action, Plan, ResourceChange
from harvester_iac.preview._report import PreviewReport, Verdict

__all__ = ["DEFAULT_MAX_CHARS", "render_markdown"]

#: GitHub refuses issue comments longer than 65,536 characters.
DEFAULT_MAX_CHARS = 65_536
_BANNER_LIMIT = 30
_ICON = {Verdict.PASS: "✅", Verdict.WARN: "⚠️", Verdict.FAIL: "🛑"}
_SEV_ICON = {"error": "🛑", "warning": "⚠️", "info": "ℹ️"}
_SIGN = {Action.CREATE: "+", Action.UPDATE: "~", Action.REPLACE: "-/+", Action.DELETE: "-",
         Action.FORGET: "#", Action.READ: "<=", Action.NO_OP: " "}
_ORDER = (Action.DELETE, Action.REPLACE, Action.CREATE, Action.UPDATE, Action.FORGET)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def plan_counts(plan: Plan) -> dict[str, int]:
    """Counts per kind, as Terraform's summary names them (import and move counted apart)."""
    out = {a.value: len(plan.of(a)) for a in Action if a is not Action.READ}
    out["import"] = len(plan.imports)
    out["move"] = len(plan.moves)
    out["drift"] = len(plan.drift)
    return out


def _plan_line(plan: Plan) -> str:
    c = plan_counts(plan)
    parts = [f"{c['create'] + c['replace']} to add", f"{c['update']} to change",
             f"{c['delete'] + c['replace']} to destroy"]
    for key, word in (("replace", "replaced"), ("import", "to import"), ("move", "moved"),
                      ("forget", "to forget"), ("drift", "drifted")):
        if c[key]:
            parts.append(f"{c[key]} {word}")
    return "plan: " + ", ".join(parts)


def _header(r: PreviewReport) -> str:
    v = r.verdict
    c = r.counts()
    line = (f"**{v.value.upper()}**: {c['blocking']} blocking, {c['error']} error(s), "
            f"{c['warning']} warning(s), {c['info']} info, {c['waived']} waived")
    if r.plan is not None:
        line += " · " + _plan_line(r.plan)
    where = f"head: {r.head}" + (f" · base: {r.base}" if r.base else "")
    where += f" · inventory {_code(r.inventory)}"
    if r.plan is not None:
        where += f" · plan {_code(r.plan.file)} (Terraform {r.plan.terraform_version})"
        if r.plan.errored or not r.plan.complete:
            state = "errored" if r.plan.errored else "incomplete"
            where += (f"\n\n⚠️ **The plan is {state}**: Terraform could not plan everything, so more may "
                      "change than this comment shows.")
    return (f"{r.marker}\n## {_ICON[v]} harvester-iac preview: {v.value} · {r.site}\n\n"
            f"{line}\n\n{_quorum_line(r)}{where}\n\n")


def _quorum_line(r: PreviewReport) -> str:
    """The failure-domain verdict in one line, before -> after: what no other tool shows."""
    b, a = r.domains.before, r.domains.after
    if a is None:
        return ""

    def pair(before: bool | None, after: bool) -> str:
        return f"{_yes(before)} → {_yes(after)}" if r.base else _yes(after)

    return (f"etcd quorum survives losing any one disk: {pair(b.survives_disk if b else None, a.survives_disk)}"
            f" · any one host: {pair(b.survives_host if b else None, a.survives_host)}\n\n")


def _banner(r: PreviewReport) -> str:
    if r.plan is None or not r.plan.destroyed:
        return ""
    gone = r.plan.destroyed
    masters = {o.finding.key for o in r.plan_outcomes}
    lines = [f"> 🛑 **This plan destroys {len(gone)} resource{'s' if len(gone) != 1 else ''}**"
             + (f", {len(masters)} of them an etcd member's VM or root volume" if masters else "") + ":"]
    for c in gone[:_BANNER_LIMIT]:
        mark = " — **etcd member data**" if c.address in masters else ""
        lines.append(f"> - {_code(c.address)} ({c.action.value}){mark}")
    if len(gone) > _BANNER_LIMIT:
        lines.append(f"> - … and {len(gone) - _BANNER_LIMIT} more (plan by action lists them all)")
    return "\n".join(lines) + "\n\n"


def _evidence_line(e: object) -> str:
    if isinstance(e, SourceRef) and e.text:
        return f"{e}  {e.text[:200]}"
    return str(e)


def _finding(o: Outcome) -> str:
    f = o.finding
    state = ("waived: " + o.waiver.reason) if o.waiver else "baselined" if o.baselined else (
        "blocking" if o.blocking else "open")
    out = [f"<details><summary>{_SEV_ICON[f.severity.value]} <b>{f.rule}</b> ({state}): "
           f"{_cell(f.title)}</summary>\n", f"{f.message}.\n", f"**Why:** {f.why}\n", f"**Fix:** {f.fix}\n"]
    if f.evidence:
        out.append("**Evidence:**\n")
        out += [f"- {_code(_evidence_line(e))}" for e in f.evidence]
        out.append("")
    out.append("</details>\n")
    return "\n".join(out)


def _findings(r: PreviewReport) -> str:
    outcomes = r.outcomes
    if not outcomes:
        return "### Findings\n\nNo findings.\n\n"
    rows = ["### Findings\n", "| | rule | finding | state |", "|---|---|---|---|"]
    for o in outcomes:
        f = o.finding
        state = "waived" if o.waived else "baselined" if o.baselined else "**blocking**" if o.blocking else "open"
        rows.append(f"| {_SEV_ICON[f.severity.value]} | {f.rule} | {_cell(f.message)} | {state} |")
    return "\n".join(rows) + "\n\n" + "\n".join(_finding(o) for o in outcomes) + "\n"


def _change_lines(c: ResourceChange) -> str:
    extra = []
    if c.moved:
        extra.append(f"moved from {c.previous_address}")
    if c.imported:
        extra.append(f"imported from id {c.import_id}")
    if c.action_reason:
        extra.append(c.action_reason)
    if c.create_before_destroy:
        extra.append("create before destroy")
    head = f"{_SIGN[c.action]} {c.address}" + (f"  ({'; '.join(extra)})" if extra else "")
    lines = [head]
    for a in c.changes:
        mark = "  # forces replacement" if a.forces_replacement else ""
        lines.append(f"      {a.path}: {a.before if a.before is not None else '(none)'} -> "
                     f"{a.after if a.after is not None else '(none)'}{mark}")
    return "\n".join(lines) + "\n"


def _plan_blocks(plan: Plan) -> list[Block]:
    groups: list[tuple[str, tuple[ResourceChange, ...]]] = [(a.value, plan.of(a)) for a in _ORDER]
    groups.append(("import", plan.imports))
    groups.append(("move", tuple(c for c in plan.moves if c.action is Action.NO_OP)))
    groups.append(("drift (changed outside Terraform)", plan.drift))
    unchanged = tuple(c for c in plan.of(Action.NO_OP) if not c.moved and not c.imported)
    shown = [(name, items) for name, items in groups if items]
    total = sum(len(items) for _, items in shown)
    if unchanged:
        shown.append(("no-op", unchanged))
    blocks = [Block(f"<details><summary><b>Plan by action</b> ({total} changing, {len(unchanged)} unchanged)"
                    "</summary>\n\n")]
    if not shown:
        blocks.append(Block("No resource changes.\n\n"))
    for name, items in shown:
        blocks.append(Block(f"**{name}** ({len(items)})\n\n```diff\n"))
        blocks += [Block("", _change_lines(c)) for c in items]  # each resource is cut on its own
        blocks.append(Block("```\n\n"))
    blocks.append(Block("</details>\n\n"))
    return blocks


def _spread(s: Spread | None) -> str:
    if s is None:
        return "—"
    if not s.replicas:
        return "no replica placed"
    short = f" ({len(s.replicas)} of {s.wanted})" if len(s.replicas) < s.wanted else ""
    return ", ".join(s.replicas) + f"<br>domains: {', '.join(s.domains)}{short}"


def _yes(b: bool | None) -> str:
    return "—" if b is None else "✅ yes" if b else "❌ no"


def _quorum(label: str, q: QuorumVerdict | None) -> str:
    if q is None:
        return f"| {label} | — | — |"
    return (f"| {label} | {_yes(q.survives_disk)} ({q.worst_disk}) | {_yes(q.survives_host)} "
            f"({q.worst_host}) |")


def _domains(r: PreviewReport) -> str:
    d = r.domains
    changed = " (changed)" if d.changed and r.base else ""
    out = [f"<details><summary><b>Failure domains before → after</b>{changed}</summary>\n",
           "| etcd quorum survives losing… | any one disk | any one host |", "|---|---|---|",
           _quorum("before (base)", d.before), _quorum("after (head)", d.after), "",
           "| volume | before | after | one disk lost | one host lost |", "|---|---|---|---|---|"]
    for v in d.volumes:
        name = _code(v.volume) + (" (etcd)" if v.master else "")
        b, a = v.before, v.after
        disk = f"{_yes(b.survives_disk if b else None)} → {_yes(a.survives_disk if a else None)}"
        host = f"{_yes(b.survives_host if b else None)} → {_yes(a.survives_host if a else None)}"
        out.append(f"| {name} | {_spread(v.before)} | {_spread(v.after)} | {disk} | {host} |")
    if r.base is None:
        out.append("\nNo `--base`: the before column is not known.")
    out.append("\n</details>\n\n")
    return "\n".join(out)


def _resource_blocks(r: PreviewReport) -> list[Block]:
    if r.resources is None:
        return []
    sign = {DiffKind.ADDED: "+", DiffKind.REMOVED: "-", DiffKind.CHANGED: "~"}
    head = (f"<details><summary><b>Synthesized resources</b> (pre-plan: {len(r.resources)} differ)</summary>\n\n")
    if not r.resources:
        return [Block(head + "No synthesized resource differs.\n\n</details>\n\n")]
    blocks = [Block(head + "```diff\n")]
    for d in r.resources:
        lines = [f"{sign[d.kind]} {d.address}  (stack {d.stack})\n"]
        lines += [f"      {a.path}: {a.before or '(none)'} -> {a.after or '(none)'}\n" for a in d.changes]
        blocks.append(Block("", "".join(lines)))
    return [*blocks, Block("```\n\n</details>\n\n")]


def _manifest_blocks(r: PreviewReport) -> list[Block]:
    if r.manifests is None:
        return []
    blocks = [Block(f"<details><summary><b>Manifest diffs</b> ({len(r.manifests)} file(s) under "
                    "<code>templates/</code>)</summary>\n\n")]
    if not r.manifests:
        blocks.append(Block("No rendered manifest differs.\n\n"))
    for m in r.manifests:
        plus, minus = m.counts
        blocks.append(Block(f"**{_code('templates/' + m.name)}** ({m.kind.value}, +{plus} −{minus})\n\n```diff\n",
                            m.diff, "```\n\n"))
    blocks.append(Block("</details>\n\n"))
    return blocks


def _duration(td: timedelta) -> str:
    hours = td.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def _evidence(r: PreviewReport) -> str:
    e = r.evidence
    out = ["<details><summary><b>Evidence</b></summary>\n", f"- coverage: {e.coverage}"]
    out += [f"  - unknown, not a pass: {u}" for u in e.unknown]
    if e.snapshot is None:
        out.append("- health evidence: none given (`--observed` or `--logs`)")
    else:
        age = "age unknown" if e.age is None else f"{_duration(e.age)} old"
        stale = f" — **stale** (older than --max-age {_duration(e.max_age)})" if e.stale else ""
        out.append(f"- health evidence: {_code(e.snapshot)}, collected "
                   f"{e.collected_at.isoformat() if e.collected_at else '?'} ({age}){stale}")
    out += [f"- source failed: {s}" for s in e.failed_sources]
    for w in e.waivers:
        left = "no expiry" if w.days_left is None else (
            f"expired {-w.days_left} day(s) ago" if w.days_left < 0 else f"{w.days_left} day(s) left")
        used = "used" if w.used else "unused"
        out.append(f"- waiver {w.rule} {_code(w.resource)}: {w.reason} ({left}, {used}; {w.file}:{w.line})")
    out += [f"- note: {n}" for n in r.notes]
    out.append("\n</details>\n")
    return "\n".join(out)


def render_markdown(r: PreviewReport, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The comment body; at most ``max_chars`` unless verdict, banner and findings alone are longer."""
    if not r.has_changes and r.verdict is Verdict.PASS:
        return (f"{r.marker}\n### ✅ harvester-iac preview: no changes · {r.site}\n\n"
                f"No resource, manifest or placement change; the gate passes "
                f"({r.evidence.coverage}).\n")
    blocks = [Block(_header(r) + _banner(r) + _findings(r))]
    if r.plan is not None:
        blocks += _plan_blocks(r.plan)
    blocks.append(Block(_domains(r)))
    blocks += _resource_blocks(r)
    blocks += _manifest_blocks(r)
    blocks.append(Block(_evidence(r)))
    return fit(blocks, max_chars)
