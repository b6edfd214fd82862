"""Report formats for ``harvester-iac validate``: text, JSON, SARIF, JUnit, Markdown, GitHub.

Each renderer takes a :class:`~harvester_iac.policy.ValidationReport` and returns a string;
``render(report, fmt)`` picks one by its ``--format`` name and imports only that one (the
gate runs on every commit, so it does not pay for XML or URL modules it does not use). The
JSON format is documented by ``validate-report.schema.json``, shipped in this package.
``incident_chart`` draws the timeline of ``harvester-iac incident`` (matplotlib, on first use).
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import TYPE_CHECKING

from harvester_iac._lazy import lazy_exports

if TYPE_CHECKING:
    from harvester_iac.policy import ValidationReport
    from harvester_iac.report._github import render_github
    from harvester_iac.report._incident_chart import incident_chart
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
    "incident_chart",
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

_HOME: dict[str, str] = {
    "REPORT_SCHEMA_NAME": "harvester_iac.report._json",
    "SARIF_SCHEMA_URI": "harvester_iac.report._sarif",
    "incident_chart": "harvester_iac.report._incident_chart",
    "render_github": "harvester_iac.report._github",
    "render_json": "harvester_iac.report._json",
    "render_junit": "harvester_iac.report._junit",
    "render_markdown": "harvester_iac.report._markdown",
    "render_sarif": "harvester_iac.report._sarif",
    "render_text": "harvester_iac.report._text",
    "report_schema": "harvester_iac.report._json",
    "report_to_dict": "harvester_iac.report._json",
    "report_to_sarif": "harvester_iac.report._sarif",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOME)


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
    if f is Format.SARIF:
        from harvester_iac.report._sarif import render_sarif

        return render_sarif(report, with_baseline=with_baseline)
    module = importlib.import_module(f"{__name__}._{'text' if f is Format.TEXT else f.value}")
    out: str = getattr(module, f"render_{f.value}")(report)
    return out
