"""The memo as a tagged, accessible PDF (PDF/UA-1), made by WeasyPrint from the HTML page.

Title, language, author and subject come from the page's <title>, <html lang> and <meta>
elements. Fonts are whatever fontconfig finds (DejaVu on Debian); nothing is fetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .html import page_html

if TYPE_CHECKING:
    from . import Document

PDF_VARIANT = "pdf/ua-1"


def render(document: Document) -> bytes:
    """The memo as PDF/UA-1 bytes."""
    from weasyprint import HTML, URLFetcher

    # The page has no external resources; refusing every scheme but data: keeps it that way
    # even if a future template or a sanitiser change let an address through.
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    page = HTML(string=page_html(document, svg_bars=False), url_fetcher=fetcher)
    return page.write_pdf(pdf_variant=PDF_VARIANT)
