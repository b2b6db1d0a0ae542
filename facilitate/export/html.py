"""The memo as HTML: the sanitised body every format is made from, and a standalone page.

The page has no external resources (no fonts, images, scripts or stylesheets to fetch), so it
reads the same offline, in an archive, and when WeasyPrint turns it into the PDF.
"""

from __future__ import annotations

import base64
import re
import secrets
from string import Template
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from ..text import render_markdown
from . import style
from .charts import CHART_BLOCK_RE, chart_html, parse_chart
from .markdown import normalise_markdown
from .pages import ATTACHMENT_CLASS, ATTACHMENT_HEADING_RE, page_css

if TYPE_CHECKING:
    from . import Document

#: The Content-Security-Policy a standalone page is served with: its own inline styles and
#: embedded images, nothing that runs or loads.
PAGE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_LANGUAGE_RE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")

STYLESHEET = Template("""
html { color: $text; background: #fff; }
body {
  font-family: $body_fonts;
  font-size: 1rem; line-height: $line_height; max-width: 46em; margin: 2rem auto; padding: 0 1rem;
}
h1 { $h1 }
h2 { $h2 }
h3 { $h3 }
h4 { $h4 }
p, ul, ol { margin: 0 0 ${paragraph_space}em; }
li { margin-bottom: ${item_space}em; }
a { color: $link; text-decoration: underline; }
blockquote { margin: 0 0 0.9em; padding-left: 1em; border-left: 3px solid #8a8a8a; }
pre {
  font-family: $mono_fonts; font-size: ${mono_size}em;
  white-space: pre-wrap; background: #f3f3f3; padding: 0.6em;
}
code { font-family: $mono_fonts; }
hr { border: 0; border-top: 1px solid #8a8a8a; margin: 1.5em 0; }
table { border-collapse: collapse; margin: 0 0 1em; }
th, td { border: 1px solid #8a8a8a; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
thead th { background: #eef1f5; }
figure.chart { margin: 1.5em 0; }
figure.chart figcaption { font-weight: bold; margin-bottom: 0.5em; }
figure.chart ul.chart-data { list-style: none; padding: 0; }
figure.chart ul.chart-data li { margin: 0 0 0.2em; }
figure.chart .count { font-weight: bold; }
figure.chart svg, figure.chart .bar { display: block; margin-top: 0.1em; }
footer.funders { margin-top: 2.5em; }
footer.funders img {
  display: inline-block; vertical-align: middle; width: auto; height: auto;
  max-width: 100%; max-height: 4rem; margin: 0 1.5em 0.75em 0;
}
@page { size: A4; margin: $margins; }
@media print {
  body { font-size: ${body_size}pt; max-width: none; margin: 0; padding: 0; }
  a { color: $link; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
  figure, tr, footer.funders { break-inside: avoid; page-break-inside: avoid; }
  footer.funders img { max-height: ${logo_height}cm; }
}
""").substitute(
    text=style.TEXT_COLOUR, link=style.LINK_COLOUR, body_fonts=style.css_family(style.BODY_FONTS),
    mono_fonts=style.css_family(style.MONO_FONTS), mono_size=f"{style.MONO_SIZE:g}",
    line_height=f"{style.LINE_HEIGHT:g}",
    body_size=f"{style.BODY_SIZE_PT:g}", paragraph_space=f"{style.PARAGRAPH_SPACE:g}",
    item_space=f"{style.ITEM_SPACE:g}", margins=style.MARGINS_CM.css(),
    logo_height=f"{style.LOGO_HEIGHT_CM:g}",
    **{f"h{level}": heading.css() for level, heading in style.HEADINGS.items()})


def render_body(markdown: str, *, svg_bars: bool = True) -> Markup:
    """A memo's Markdown as sanitised HTML, its ```chart blocks drawn as figures (see charts)."""
    text = normalise_markdown(markdown)
    # Each chart is swapped for a token nobody can guess, the rest is rendered and sanitised,
    # then the token's paragraph is replaced by chart markup built here from escaped text.
    token = f"MEMOCHART{secrets.token_hex(8)}X"
    charts = []

    def lift(match: re.Match[str]) -> str:
        chart = parse_chart(match["body"])
        if chart is None:  # malformed: left for the Markdown as a preformatted block
            return match[0]
        charts.append(chart)
        return f"\n\n{token}{len(charts)}\n\n"

    html = str(render_markdown(CHART_BLOCK_RE.sub(lift, text), memo=True))
    if charts:
        html = re.sub(rf"<p>{token}(\d+)</p>|{token}(\d+)",
                      lambda m: chart_html(charts[int(m[1] or m[2]) - 1], int(m[1] or m[2]),
                                           svg_bars=svg_bars),
                      html)
    # Added after sanitising, which drops every attribute of a heading written in the memo.
    html = ATTACHMENT_HEADING_RE.sub(f'<h2 class="{ATTACHMENT_CLASS}">', html)
    return Markup(html)


def language_tag(document: Document) -> str:
    """The document's language as a BCP 47 tag; refuses anything else."""
    if not _LANGUAGE_RE.fullmatch(document.language):
        raise ValueError(f"not a language tag: {document.language!r}")
    return document.language


def funders_html(document: Document) -> str:
    """The memo's footer: its logos in order, embedded as data: addresses (nothing to fetch)."""
    if not document.logos:
        return ""
    # No white space between them: it would be text of its own in the PDF's structure tree.
    images = "".join(
        f'<img src="data:{logo.media_type};base64,{base64.b64encode(logo.data).decode()}" '
        f'alt="{escape(logo.alt)}" width="{logo.width:d}" height="{logo.height:d}">'
        for logo in document.logos)
    return f'<footer class="funders">\n{images}\n</footer>\n'


def page_html(document: Document, *, svg_bars: bool = True) -> str:
    """The memo as a complete, standalone HTML page; the PDF's has no SVG (see charts)."""
    meta = [f'<meta name="{name}" content="{escape(value)}">'
            for name, value in (("author", document.author), ("description", document.subject))
            if value]
    head = "\n".join([
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(document.title)}</title>",
        *meta,
        '<meta name="generator" content="facilitate">',
        f"<style>{STYLESHEET}{page_css(document)}</style>",
    ])
    return (f'<!doctype html>\n<html lang="{language_tag(document)}">\n<head>\n{head}\n</head>\n'
            f"<body>\n<main>\n{render_body(document.markdown, svg_bars=svg_bars)}\n</main>\n"
            f"{funders_html(document)}</body>\n</html>\n")


def render(document: Document) -> bytes:
    """The standalone HTML page as UTF-8 bytes."""
    return page_html(document).encode("utf-8")
