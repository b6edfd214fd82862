"""GitHub Actions workflow commands: ``::error file=F,line=L,title=T::message``.

Waived and baselined findings become notices, so they stay visible without failing.
"""

from __future__ import annotations

from harvester_iac.policy import Severity, ValidationReport
from harvester_iac.report._common import is_real_file, verdict_line

__all__ = ["render_github"]

_CMD = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: ValidationReport) -> str:
    lines = []
    for o in report.outcomes:
        f = o.finding
        cmd = "notice" if (o.waived or o.baselined) else _CMD[f.severity]
        props = []
        loc = f.location
        if loc is not None and is_real_file(loc.file):
            props.append(f"file={_prop(loc.file)}")
            if loc.line is not None:
                props.append(f"line={loc.line}")
                if loc.column is not None:
                    props.append(f"col={loc.column}")
        state = " (waived)" if o.waived else " (baselined)" if o.baselined else ""
        props.append(f"title={_prop(f'{f.rule} {f.title}{state}')}")
        msg = f"{f.message}. Fix: {f.fix} [{', '.join(r.id for r in f.resources)}]"
        lines.append(f"::{cmd} {','.join(props)}::{_data(msg)}")
    for r in report.results:
        for u in r.unknowns:
            title = _prop(f"{r.rule.id} {r.rule.title} (unknown)")
            lines.append(f"::notice title={title}::{_data(f'not judged: {u.reason} [{u.resource.id}]')}")
    if report.coverage_line:
        lines.append(report.coverage_line)
    lines.append(verdict_line(report))
    return "\n".join(lines) + "\n"
