"""Markdown to safe HTML: Python-Markdown renders, nh3 removes anything that could run."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and link schemes."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


def render_markdown(text: str | None) -> Markup:
    """User-written Markdown as HTML that is safe to put on any page."""
    if not text:
        return Markup("")
    html = markdown_lib.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    return Markup(sanitize_html(html))
