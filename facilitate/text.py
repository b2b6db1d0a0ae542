"""Markdown to safe HTML: Python-Markdown renders, nh3 removes anything that could run."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
})
#: A memo is a whole document: its first line is the one h1 (`# Muistio: …`).
MEMO_ALLOWED_TAGS = ALLOWED_TAGS | {"h1"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ("sane_lists", "tables")
#: Memos may hold fenced blocks (```chart …```); a block the exporter cannot draw stays <pre>.
MEMO_MARKDOWN_EXTENSIONS = (*MARKDOWN_EXTENSIONS, "fenced_code")


def sanitize_html(html: str, tags: frozenset[str] = ALLOWED_TAGS) -> str:
    """Keep only the allow-listed tags, attributes and link schemes."""
    return nh3.clean(html, tags=set(tags), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


def render_markdown(text: str | None, *, memo: bool = False) -> Markup:
    """User-written Markdown as HTML that is safe to put on any page.

    memo=True renders a whole memo: an h1 and fenced code blocks are allowed too.
    """
    if not text:
        return Markup("")
    extensions = MEMO_MARKDOWN_EXTENSIONS if memo else MARKDOWN_EXTENSIONS
    html = markdown_lib.markdown(text, extensions=list(extensions), output_format="html")
    return Markup(sanitize_html(html, MEMO_ALLOWED_TAGS if memo else ALLOWED_TAGS))
