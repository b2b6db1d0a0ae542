"""Memo export: a memo in, bytes out. No request, no database, no files written here.

`render(Document(...), "pdf")` returns the file's bytes; the caller decides where they go.
Every format is made from the same sanitised HTML (see `html.render_body`), so raw HTML in the
Markdown never survives into any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

FORMATS = ("pdf", "docx", "md", "html")

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

# The modules are imported on first use: WeasyPrint alone takes a second to import.
_MODULES = {"pdf": "pdf", "docx": "docx", "md": "markdown", "html": "html"}


@dataclass(frozen=True)
class Document:
    """A memo to export: its title (for metadata), Markdown source and language."""

    #: e.g. "Muistio: valtakunnallinen … vertaisreflektio 29.3.2023"; the visible heading is
    #: the Markdown's own first line.
    title: str
    markdown: str
    #: BCP 47 language tag of the text
    language: str = "fi"
    #: PDF Subject / DOCX subject, e.g. the series title
    subject: str = ""
    author: str = ""


def render(document: Document, fmt: str) -> bytes:
    """The document as a file in one of FORMATS."""
    if fmt not in _MODULES:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
    module = import_module(f"{__name__}.{_MODULES[fmt]}")
    return module.render(document)
