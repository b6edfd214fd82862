"""A tiny document model shared by the Markdown and HTML renderers.

The report's text is written once (``_document.py``) as blocks; inline text uses Markdown's
``**bold**`` and ``code`` marks, which the HTML renderer translates.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Block", "Bullets", "Code", "Heading", "Image", "Para", "Table"]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Code:
    lang: str
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Image:
    """The chart's place: Markdown links the file (when written), HTML embeds it."""

    alt: str
    path: str | None


Block = Heading | Para | Bullets | Code | Table | Image
