"""The memo's house style, defined once: the HTML/PDF stylesheet and the DOCX styles read it.

Sizes are the printed ones (PDF and DOCX); headings and spacing are multiples of the body
size, as CSS em are, so the two formats keep the same proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

#: In order of preference; the last is a CSS generic family, which Word does not know.
BODY_FONTS = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif")
MONO_FONTS = ("DejaVu Sans Mono", "Liberation Mono", "monospace")

BODY_SIZE_PT = 10.5
#: code blocks, in body sizes
MONO_SIZE = 0.9
LINE_HEIGHT = 1.55
#: header and footer text (the title and the page number), smaller than the body
MARGIN_SIZE_PT = 8.5
#: space after a paragraph or list, in body sizes
PARAGRAPH_SPACE = 0.9
#: space after a list item, in body sizes
ITEM_SPACE = 0.25

#: The funders' logos at the memo's foot are at most this tall in print (PDF and DOCX): a row
#: of emblems that reads without outgrowing the text.
LOGO_HEIGHT_CM = 1.6

TEXT_COLOUR = "#1a1a1a"
#: the running header and footer, quieter than the text (still 7:1 on white)
MARGIN_COLOUR = "#4d4d4d"
LINK_COLOUR = "#0b4f8a"


@dataclass(frozen=True)
class Heading:
    """One heading level: its size in body sizes, line height, and spaces in its own size."""

    size: float
    line_height: float
    space_before: float
    space_after: float

    def css(self) -> str:
        """The level's declarations for its CSS rule."""
        return (f"font-size: {self.size:g}em; line-height: {self.line_height:g}; "
                f"margin: {self.space_before:g}em 0 {self.space_after:g}em;")


HEADINGS = {
    1: Heading(1.6, 1.25, 0, 1),
    2: Heading(1.3, 1.3, 2, 0.6),
    3: Heading(1.1, LINE_HEIGHT, 1.5, 0.5),
    4: Heading(1.1, LINE_HEIGHT, 1.5, 0.5),
}


@dataclass(frozen=True)
class Margins:
    """Page margins in centimetres."""

    top: float
    right: float
    bottom: float
    left: float

    def css(self) -> str:
        """The margins as a CSS `margin` value."""
        return " ".join(f"{value:g}cm" for value in (self.top, self.right, self.bottom, self.left))


PAGE_SIZE_CM = (21.0, 29.7)  # A4
MARGINS_CM = Margins(top=2.2, right=2, bottom=2.4, left=2)

#: The page-number footer by language (BCP 47 primary subtag); {page} and {pages} are the
#: current page and the page count.
PAGE_LABELS = {
    "fi": "Sivu {page} / {pages}",
    "sv": "Sida {page} / {pages}",
    "en": "Page {page} of {pages}",
}


def css_family(fonts: tuple[str, ...]) -> str:
    """Font families as a CSS `font-family` value, names with spaces quoted."""
    return ", ".join(f'"{font}"' if " " in font else font for font in fonts)


#: A memo in a language without a label still gets page numbers most readers can read.
FALLBACK_LANGUAGE = "en"


def page_label(language: str) -> str:
    """The page-number label for a language tag (English for a language without one)."""
    return PAGE_LABELS.get(language.split("-")[0].lower(), PAGE_LABELS[FALLBACK_LANGUAGE])
