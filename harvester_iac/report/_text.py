"""The human format: findings by severity, each with fix and evidence; a rule's "why" is
printed with its first finding only (three masters on one disk need not say it three times)."""

from __future__ import annotations

from harvester_iac.policy import Status, ValidationReport
from harvester_iac.report._common import evidence_text, status_word, verdict_line

__all__ = ["render_text"]


def render_text(report: ValidationReport) -> str:
    out: list[str] = []
    evidence = report.observed_file or "none (health not checked)"
    out.append(f"harvester-iac validate: site {report.site} ({report.inventory_file})")
    out.append(f"evidence: {evidence}"
               + (f", collected {report.collected_at.isoformat()}" if report.collected_at else ""))
    if report.placement_note:
        out.append(f"placement: {report.placement_note}")
    out.append("")
    outcomes = sorted(report.outcomes, key=lambda o: (-o.finding.severity.rank, o.finding.rule))
    explained: set[tuple[str, str]] = set()
    for o in outcomes:
        f = o.finding
        tag = f.severity.value.upper()
        mark = "" if status_word(o) in ("open", "blocking") else f" [{status_word(o)}]"
        out.append(f"{tag:<8}{f.rule}  {f.title}{mark}")
        out.append(f"        {f.message}")
        out.append(f"        resources: {', '.join(r.id for r in f.resources)}")
        if (f.rule, f.why) not in explained:
            explained.add((f.rule, f.why))
            out.append(f"        why: {f.why}")
        out.append(f"        fix: {f.fix}")
        if o.waiver is not None:
            out.append(f"        waived: {o.waiver.reason} (until {o.waiver.expires or 'no date'})")
        if f.evidence:
            out.append("        evidence:")
            out += [f"          {evidence_text(e)}" for e in f.evidence]
        out.append(f"        fingerprint: {f.fingerprint}")
        out.append("")
    unknown = [r for r in report.results if r.unknowns or r.status is Status.UNKNOWN]
    for r in unknown:
        if r.reason is not None and r.unknowns and all(u.reason == r.reason for u in r.unknowns):
            out.append(f"UNKNOWN {r.rule.id}  {r.rule.title}: {r.reason}")
            continue
        out.append(f"UNKNOWN {r.rule.id}  {r.rule.title}")
        out += [f"        {u.resource.id}: {u.reason}" for u in r.unknowns]
    if unknown:
        out.append("")
    out.append(verdict_line(report))
    if report.coverage_line:
        out.append(report.coverage_line)
    return "\n".join(out) + "\n"
