"""Markdown: a verdict, a findings table and a details block per finding (PR comments)."""

from __future__ import annotations

from harvester_iac.policy import Status, ValidationReport
from harvester_iac.report._common import evidence_text, status_word, verdict_line

__all__ = ["render_markdown"]

_ICON = {"error": "🛑", "warning": "⚠️", "info": "ℹ️"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: ValidationReport) -> str:
    out = [f"## harvester-iac validate: {report.site}", "",
           f"**{verdict_line(report)}**", "",
           f"- inventory: `{report.inventory_file}`",
           f"- evidence: {('`' + report.observed_file + '`') if report.observed_file else 'none (health not checked)'}"]
    if report.placement_note:
        out.append(f"- placement: {report.placement_note}")
    out.append("")
    outcomes = sorted(report.outcomes, key=lambda o: (-o.finding.severity.rank, o.finding.rule))
    if outcomes:
        out += ["| | severity | rule | resources | finding | state |",
                "|---|---|---|---|---|---|"]
        for o in outcomes:
            f = o.finding
            res = ", ".join(f"`{r.id}`" for r in f.resources[:4])
            if len(f.resources) > 4:
                res += f" +{len(f.resources) - 4}"
            out.append(f"| {_ICON[f.severity.value]} | {f.severity.value} | {f.rule} | {res} | "
                       f"{_cell(f.message)} | {status_word(o)} |")
        out.append("")
        for o in outcomes:
            f = o.finding
            out += [f"<details><summary>{f.rule}: {_cell(f.title)}</summary>", "",
                    f"{f.message}.", "", f"**Why:** {f.why}", "", f"**Fix:** {f.fix}", ""]
            if o.waiver is not None:
                out += [f"**Waived:** {o.waiver.reason} (until {o.waiver.expires or 'no date'})", ""]
            out += ["**Evidence:**", ""]
            out += [f"- `{_cell(evidence_text(e))}`" for e in f.evidence]
            out += ["", f"Fingerprint `{f.fingerprint}`", "", "</details>", ""]
    else:
        out += ["No findings.", ""]
    unknown = [r for r in report.results if r.unknowns or r.status is Status.UNKNOWN]
    if unknown:
        out += ["**Not judged (unknown, not a pass):**", ""]
        for r in unknown:
            if r.unknowns and not all(u.reason == r.reason for u in r.unknowns):
                out.append(f"- {r.rule.id} {r.rule.title}:")
                out += [f"  - `{u.resource.id}`: {_cell(u.reason)}" for u in r.unknowns]
            else:
                out.append(f"- {r.rule.id} {r.rule.title}: {r.reason}")
        out.append("")
    if report.coverage_line:
        out += [f"_{_cell(report.coverage_line)}_", ""]
    return "\n".join(out)
