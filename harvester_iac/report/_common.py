"""Helpers every format shares: evidence as text, the verdict line, file URIs."""

from __future__ import annotations

from harvester_iac.policy import Evidence, Outcome, SourceRef, ValidationReport

__all__ = ["evidence_text", "is_real_file", "status_word", "verdict_line"]


def is_real_file(file: str) -> bool:
    """``<default inventory ...>`` and ``<python>`` name no file a CI can annotate."""
    return bool(file) and not file.startswith("<")


def evidence_text(e: Evidence) -> str:
    if isinstance(e, SourceRef):
        text = str(e)
        if e.text:
            raw = e.text if len(e.text) <= 200 else e.text[:197] + "..."
            text += f"  {raw}"
        return text
    return str(e)


def status_word(o: Outcome) -> str:
    if o.waived:
        return "waived"
    if o.baselined:
        return "baselined"
    return "blocking" if o.blocking else "open"


def verdict_line(report: ValidationReport) -> str:
    s = report.summary()
    head = "PASSED" if report.passed else "FAILED"
    gate = ("fail-on never" if report.fail_on == "never"
            else f"fail-on {report.fail_on.value}")
    return (f"{head}: {s['blocking']} blocking ({gate}); {s['error']} error(s), "
            f"{s['warning']} warning(s), {s['info']} info; {s['waived']} waived, "
            f"{s['baselined']} baselined; {s['unknown']} rule(s) unknown"
            + (f", {s['unknownSubjects']} subject(s) not judged" if s["unknownSubjects"] else ""))
