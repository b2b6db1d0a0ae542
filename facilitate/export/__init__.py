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

#: What a logo may be: the image types every format embeds (Word, WeasyPrint, browsers).
LOGO_MEDIA_TYPES = ("image/png", "image/jpeg")

# The modules are imported on first use: WeasyPrint alone takes a second to import.
_MODULES = {"pdf": "pdf", "docx": "docx", "md": "markdown", "html": "html"}


@dataclass(frozen=True)
class Logo:
    """A funder's logo at the foot of the memo: the image and what it says, in the memo's
    language."""

    data: bytes
    #: "image/png" or "image/jpeg"
    media_type: str
    alt: str
    #: in pixels
    width: int
    height: int
    #: its public absolute address, for the Markdown (the other formats embed `data`)
    url: str

    def __post_init__(self) -> None:
        # PDF/UA wants every figure described, and a type Word cannot show would be a hole.
        if self.media_type not in LOGO_MEDIA_TYPES:
            raise ValueError(f"a logo is one of {LOGO_MEDIA_TYPES}, not {self.media_type!r}")
        if not self.alt.strip():
            raise ValueError("a logo needs its alternative text")


@dataclass(frozen=True)
class Document:
    """A memo to export: its title (for metadata), Markdown source, language and the logos of
    its footer."""

    #: e.g. "Muistio: valtakunnallinen … vertaisreflektio 29.3.2023"; the visible heading is
    #: the Markdown's own first line.
    title: str
    markdown: str
    #: BCP 47 language tag of the text
    language: str = "fi"
    #: PDF Subject / DOCX subject, e.g. the series title
    subject: str = ""
    author: str = ""
    #: shown in order after the text (attachments included), as the memo's footer
    logos: tuple[Logo, ...] = ()


def render(document: Document, fmt: str) -> bytes:
    """The document as a file in one of FORMATS."""
    if fmt not in _MODULES:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
    module = import_module(f"{__name__}.{_MODULES[fmt]}")
    return module.render(document)
