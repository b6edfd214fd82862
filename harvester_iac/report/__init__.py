"""Report formats for ``harvester-iac validate``: text, JSON, SARIF, JUnit, Markdown, GitHub.

Each renderer takes a :class:`~harvester_iac.policy.ValidationReport` and returns a string;
``render(report, fmt)`` picks one by its ``--format`` name. The JSON format is documented
by ``validate-report.schema.json``, shipped in this package (:func:`report_schema`).
"""

from enum import StrEnum

from harvester_iac.policy import ValidationReport
from harvester_iac.report._github import render_github
from harvester_iac.report._json import (
    REPORT_SCHEMA_NAME,
    render_json,
    report_schema,
    report_to_dict,
)
from harvester_iac.report._junit import render_junit
from harvester_iac.report._markdown import render_markdown
from harvester_iac.report._sarif import SARIF_SCHEMA_URI, render_sarif, report_to_sarif
from harvester_iac.report._text import render_text

__all__ = [
    "REPORT_SCHEMA_NAME",
    "SARIF_SCHEMA_URI",
    "Format",
    "render",
    "render_github",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "render_text",
    "report_schema",
    "report_to_dict",
    "report_to_sarif",
]


class Format(StrEnum):
    """``--format`` of ``validate``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    MARKDOWN = "markdown"
    GITHUB = "github"


def render(report: ValidationReport, fmt: Format | str, *, with_baseline: bool = False) -> str:
    """The report in one format (``with_baseline``: SARIF marks new vs unchanged results)."""
    f = Format(fmt)
    if f is Format.JSON:
        return render_json(report)
    if f is Format.SARIF:
        return render_sarif(report, with_baseline=with_baseline)
    if f is Format.JUNIT:
        return render_junit(report)
    if f is Format.MARKDOWN:
        return render_markdown(report)
    if f is Format.GITHUB:
        return render_github(report)
    return render_text(report)
