"""The incident report as one self-contained HTML page with the chart embedded (inline SVG)."""

from __future__ import annotations

import html
import re

from harvester_iac.incident._blocks import Block, Bullets, Code, Heading, Image, Para, Table
from harvester_iac.incident._document import document, title
from harvester_iac.incident._model import IncidentReport
from harvester_iac.model import Inventory

__all__ = ["render_html"]

_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1180px;margin:2em auto;
padding:0 1.2em;color:#1d232a}
h1{font-size:1.7em;border-bottom:2px solid #d0d7de;padding-bottom:.3em}
h2{margin-top:1.6em;border-bottom:1px solid #e4e8ec;padding-bottom:.2em}
code{background:#f2f4f6;padding:.1em .3em;border-radius:3px;font-size:.92em}
pre{background:#f6f8fa;border:1px solid #e4e8ec;padding:.8em;overflow-x:auto;border-radius:4px}
pre code{background:none;padding:0}
table{border-collapse:collapse;font-size:.9em;margin:.6em 0}
th,td{border:1px solid #d0d7de;padding:.3em .55em;text-align:left;vertical-align:top}
th{background:#f2f4f6}
figure{margin:1em 0}figure svg{width:100%;height:auto}
figcaption{color:#57606a;font-size:.9em}
"""

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    """Markdown's ``code`` and **bold** marks to HTML; everything else escaped."""
    codes: list[str] = []

    def keep(m: re.Match[str]) -> str:
        codes.append(f"<code>{html.escape(m.group(1))}</code>")
        return f"\x00{len(codes) - 1}\x00"

    marked = _BOLD.sub(r"<strong>\1</strong>", html.escape(_CODE.sub(keep, text)))
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], marked)


def _strip_svg_head(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _blocks(blocks: list[Block], svg: str | None) -> str:
    parts: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            parts.append(f"<h{b.level}>{_inline(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            parts.append(f"<p>{_inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            parts.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Code):
            parts.append(f'<pre><code class="language-{b.lang}">{html.escape(b.text)}</code></pre>')
        elif isinstance(b, Table):
            head = "".join(f"<th>{_inline(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in b.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Image) and svg:
            caption = f"<figcaption>{_inline(b.alt)}</figcaption>"
            parts.append(f'<figure id="timeline">{_strip_svg_head(svg)}{caption}</figure>')
    return "\n".join(parts)


def render_html(rep: IncidentReport, inv: Inventory, *, chart_svg: str | None = None) -> str:
    """A standalone page; ``chart_svg`` (the chart as SVG text) is embedded under the summary."""
    body = _blocks(document(rep, inv, chart="timeline"), chart_svg)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title(rep))}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")
