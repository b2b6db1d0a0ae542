"""The printed memo's pages: the running header and footer, and where pages break.

The footer's words come from the house style (style.PAGE_LABELS); the attachment headings'
first word, by language, is defined here and used by the memo's phrasing modules too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import style

if TYPE_CHECKING:
    from . import Document

#: The first word of an attachment's heading ("## Liite 1 <title>", docs/memo.md), by the
#: primary subtag of the memo's language.
ATTACHMENT_WORDS = {"fi": "Liite", "sv": "Bilaga", "en": "Appendix"}

#: An attachment's heading as render_body writes it: any language's word and its number. The
#: page breaks before these only, never before a heading in a theme's notes.
ATTACHMENT_HEADING_RE = re.compile(
    r"<h2>(?=(?:{})\s+[0-9]+\b)".format("|".join(ATTACHMENT_WORDS.values())))
ATTACHMENT_CLASS = "attachment"

_COUNTER_RE = re.compile(r"\{(page|pages)\}")


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
    box = (f"font-family: {style.css_family(style.BODY_FONTS)}; "
           f"font-size: {style.MARGIN_SIZE_PT:g}pt; line-height: 1.3; "
           f"color: {style.MARGIN_COLOUR};")
    return (
        "@page {\n"
        f"  @top-left {{ {box} vertical-align: bottom; padding-bottom: 0.5cm;\n"
        f"    content: {css_string(document.title)}; }}\n"
        # centred, as the DOCX's footer
        f"  @bottom-center {{ {box} vertical-align: top; padding-top: 0.5cm;\n"
        f"    content: {page_number_content(style.page_label(document.language))}; }}\n"
        "}\n"
        "@media print {\n"
        f"  h2.{ATTACHMENT_CLASS} {{ break-before: page; }}\n"
        # A list breaks only where at least three items stay on each side of the break.
        "  li { break-inside: avoid; }\n"
        "  li:nth-child(-n+2) { break-after: avoid; }\n"
        "  li:nth-last-child(-n+2) { break-before: avoid; }\n"
        "}\n"
    )
