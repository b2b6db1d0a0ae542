"""The printed memo's pages: the running header and footer, and where pages break.

The words a page shows besides the memo's own text live in one table keyed by the memo's
language, so a Swedish or English memo needs a row here and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Document


@dataclass(frozen=True)
class Wording:
    """The words of one language: the footer's page number and an attachment's heading."""

    #: {page} and {pages} become the page's number and the number of pages.
    page_number: str
    #: The first word of an attachment's heading: "## Liite 1 <title>" (docs/memo.md).
    attachment: str


#: By the primary subtag of Document.language.
WORDING = {
    "fi": Wording("Sivu {page} / {pages}", "Liite"),
    "sv": Wording("Sida {page} / {pages}", "Bilaga"),
    "en": Wording("Page {page} of {pages}", "Appendix"),
}
#: A memo in a language without a row still gets page numbers people can read.
FALLBACK_LANGUAGE = "en"

#: An attachment's heading as render_body writes it: any language's word and its number. The
#: page breaks before these only, never before a heading in a theme's notes.
ATTACHMENT_HEADING_RE = re.compile(
    r"<h2>(?=(?:{})\s+[0-9]+\b)".format("|".join(w.attachment for w in WORDING.values())))
ATTACHMENT_CLASS = "attachment"

_COUNTER_RE = re.compile(r"\{(page|pages)\}")


def wording(document: Document) -> Wording:
    """The wording of the document's language."""
    primary = document.language.split("-", 1)[0].lower()
    return WORDING.get(primary, WORDING[FALLBACK_LANGUAGE])


def css_string(text: str) -> str:
    """Text as a quoted CSS string that cannot end the string or the <style> element."""
    return '"' + "".join(c if c.isprintable() and c not in '"\\<>' else f"\\{ord(c):06x}"
                         for c in text) + '"'


def page_number_content(template: str) -> str:
    """A page_number template as the value of a CSS `content` property."""
    parts = _COUNTER_RE.split(template)
    # split() alternates text and captured counter names, starting and ending with text
    return " ".join(f"counter({part})" if index % 2 else css_string(part)
                    for index, part in enumerate(parts) if index % 2 or part)


def page_css(document: Document) -> str:
    """The running header (the title) and footer (the page number), and the page breaks."""
    # Margin boxes inherit from the page, not from the body, so they name their own font.
    box = "font-family: sans-serif; font-size: 8.5pt; line-height: 1.3; color: #4d4d4d;"
    return (
        "@page {\n"
        f"  @top-left {{ {box} vertical-align: bottom; padding-bottom: 0.5cm;\n"
        f"    content: {css_string(document.title)}; }}\n"
        f"  @bottom-right {{ {box} vertical-align: top; padding-top: 0.5cm;\n"
        f"    content: {page_number_content(wording(document).page_number)}; }}\n"
        "}\n"
        "@media print {\n"
        f"  h2.{ATTACHMENT_CLASS} {{ break-before: page; }}\n"
        # A list breaks only where at least three items stay on each side of the break.
        "  li { break-inside: avoid; }\n"
        "  li:nth-child(-n+2) { break-after: avoid; }\n"
        "  li:nth-last-child(-n+2) { break-before: avoid; }\n"
        "}\n"
    )
