"""Report formats for ``harvester-iac validate``: text, JSON, SARIF, JUnit, Markdown, GitHub.

Each renderer takes a :class:`~harvester_iac.policy.ValidationReport` and returns a string;
``render(report, fmt)`` picks one by its ``--format`` name and imports only that one (the
gate runs on every commit, so it does not pay for XML or URL modules it does not use). The
JSON format is documented by ``validate-report.schema.json``, shipped in this package.
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harvester_iac.policy import ValidationReport
    from harvester_iac.report._github import render_github
    from harvester_iac.report._incident_chart import KIND_COLOURS, incident_chart
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
    "KIND_COLOURS",
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

_HOME = {
    "REPORT_SCHEMA_NAME": "_json", "render_json": "_json", "report_schema": "_json",
    "report_to_dict": "_json", "SARIF_SCHEMA_URI": "_sarif", "render_sarif": "_sarif",
    "report_to_sarif": "_sarif", "render_junit": "_junit", "render_markdown": "_markdown",
    "render_github": "_github", "render_text": "_text",
    "incident_chart": "_incident_chart", "KIND_COLOURS": "_incident_chart",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


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
