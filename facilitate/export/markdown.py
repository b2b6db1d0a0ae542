"""The memo's Markdown source as a downloadable file."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Document

# What would end an image's alternative text early or start an escape of its own.
_ALT_SPECIAL = re.compile(r"[\\\[\]]")


def normalise_markdown(text: str) -> str:
    """Text with Unix line endings and exactly one newline at the end."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"


def funders_line(document: Document) -> str:
    """The memo's logos as one line of images at their public addresses ("" without any)."""
    return " ".join(f"![{_ALT_SPECIAL.sub(_escaped, logo.alt)}]({logo.url})"
                    for logo in document.logos)


def _escaped(match: re.Match[str]) -> str:
    return "\\" + match[0]


def render(document: Document) -> bytes:
    """The Markdown as UTF-8 bytes, the logos' line last."""
    text = normalise_markdown(document.markdown)
    if document.logos:
        text += f"\n{funders_line(document)}\n"
    return text.encode("utf-8")
