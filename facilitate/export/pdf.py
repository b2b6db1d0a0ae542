"""The memo as a tagged, accessible PDF (PDF/UA-1), made by WeasyPrint from the HTML page.

Title, language, author and subject come from the page's <title>, <html lang> and <meta>
elements. Fonts are whatever fontconfig finds (DejaVu on Debian); nothing is fetched.

The running header and footer (the @page margin boxes, see pages.py) are pagination
artifacts: WeasyPrint marks their text as content of structure elements it leaves out of the
structure tree (tags.py: an artifact inside the tree needs PDF 2.0), which is neither real
content a screen reader reaches nor an artifact, so `pagination_artifacts` makes them
artifacts.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from .html import page_html

if TYPE_CHECKING:
    import pikepdf

    from . import Document

PDF_VARIANT = "pdf/ua-1"


def render(document: Document) -> bytes:
    """The memo as PDF/UA-1 bytes."""
    from weasyprint import HTML, URLFetcher

    # The page has no external resources; refusing every scheme but data: keeps it that way
    # even if a future template or a sanitiser change let an address through.
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    page = HTML(string=page_html(document, svg_bars=False), url_fetcher=fetcher)
    return pagination_artifacts(page.write_pdf(pdf_variant=PDF_VARIANT))


def _elements_in_tree(root: pikepdf.Dictionary) -> set[tuple[int, int]]:
    """The object ids of every structure element reachable from the tree's root."""
    import pikepdf

    found: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        kids = stack.pop().get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.objgen not in found:
                found.add(kid.objgen)
                stack.append(kid)
    return found


def pagination_artifacts(data: bytes) -> bytes:
    """The PDF with content marked for elements outside the structure tree made artifacts."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.StructTreeRoot
        in_tree = _elements_in_tree(tree)
        nums = tree.ParentTree.Nums
        marked = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        changed = False
        for page in pdf.pages:
            elements = marked.get(int(page.obj.get("/StructParents", -1)))
            if not isinstance(elements, pikepdf.Array):
                continue
            loose = {mcid for mcid, element in enumerate(elements)
                     if isinstance(element, pikepdf.Dictionary) and element.objgen not in in_tree}
            if not loose:
                continue
            instructions = pikepdf.parse_content_stream(page)
            for index, (operands, operator) in enumerate(instructions):
                if (str(operator) == "BDC" and isinstance(operands[-1], pikepdf.Dictionary)
                        and operands[-1].get("/MCID") in loose):
                    instructions[index] = pikepdf.ContentStreamInstruction(
                        [pikepdf.Name.Artifact,
                         pikepdf.Dictionary(Type=pikepdf.Name.Pagination)], operator)
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
            for mcid in loose:
                # the element stays out of the file: nothing refers to it any more
                elements[mcid] = None
            changed = True
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
