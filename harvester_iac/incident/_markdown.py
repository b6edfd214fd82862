"""The incident report as Markdown (GitHub flavoured: tables, fenced code)."""

from __future__ import annotations

from harvester_iac.incident._blocks import Block, Bullets, Code, Heading, Image, Para, Table
from harvester_iac.incident._document import document
from harvester_iac.incident._model import IncidentReport
from harvester_iac.model import Inventory

__all__ = ["blocks_to_markdown", "render_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def blocks_to_markdown(blocks: list[Block]) -> str:
    parts: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            parts.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, Para):
            parts.append(b.text)
        elif isinstance(b, Bullets):
            parts.append("\n".join(f"- {item}" for item in b.items))
        elif isinstance(b, Code):
            parts.append(f"```{b.lang}\n{b.text}\n```")
        elif isinstance(b, Table):
            lines = ["| " + " | ".join(b.header) + " |", "|" + "---|" * len(b.header)]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in b.rows]
            parts.append("\n".join(lines))
        elif isinstance(b, Image) and b.path:
            parts.append(f"![{b.alt}]({b.path})")
    return "\n\n".join(parts) + "\n"


def render_markdown(rep: IncidentReport, inv: Inventory, *, chart: str | None = None) -> str:
    """The report in Markdown; ``chart`` (a file path) is linked under the summary."""
    return blocks_to_markdown(document(rep, inv, chart=chart))
