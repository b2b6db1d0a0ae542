"""The memo's Markdown source as a downloadable file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Document


def normalise_markdown(text: str) -> str:
    """Text with Unix line endings and exactly one newline at the end."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"


def render(document: Document) -> bytes:
    """The Markdown as UTF-8 bytes."""
    return normalise_markdown(document.markdown).encode("utf-8")
