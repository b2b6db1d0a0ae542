"""The funders' logos at the foot of a memo, in every format: in order, after the text
(attachments included), each with its alternative text."""

from __future__ import annotations

import io
import re

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from PIL import Image
from pypdf import PdfReader

from facilitate.export import Document, Logo, render

EU = "Euroopan unionin osarahoittama: Vipuvoimaa EU:lta 2014–2020"
PROGRAMME = "Kestävää kasvua ja työtä [2014–2020]"
MEMO = ("# Muistio: vertaisreflektio\n\nKeskusteltiin **työnkuvista**.\n\n"
        "## Liite 1 Tehtävänkuvat\n\n- Ohjaustyö\n")


def image(width: int, height: int, fmt: str = "PNG") -> bytes:
    """A plain image of that size in pixels."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 51, 153)).save(buffer, fmt)
    return buffer.getvalue()


def logo(alt: str, width: int, height: int, *, fmt: str = "PNG", number: int = 1) -> Logo:
    """A logo served at example.fi."""
    return Logo(image(width, height, fmt), f"image/{fmt.lower()}", alt, width, height,
                f"https://example.fi/logos/{number}")


LOGOS = (logo(EU, 400, 120), logo(PROGRAMME, 90, 90, fmt="JPEG", number=2))


@pytest.fixture(scope="module")
def memo() -> Document:
    return Document(title="Muistio: vertaisreflektio 29.3.2023", markdown=MEMO, logos=LOGOS)


def test_logo_needs_its_text_and_a_type_every_format_shows():
    with pytest.raises(ValueError, match="alternative text"):
        Logo(image(10, 10), "image/png", "  ", 10, 10, "https://example.fi/logos/1")
    with pytest.raises(ValueError, match="image/gif"):
        Logo(b"GIF89a", "image/gif", EU, 10, 10, "https://example.fi/logos/1")


def test_html_footer_embeds_the_logos_after_the_text(memo: Document):
    page = render(memo, "html").decode()
    footer = page[page.index("</main>"):]
    assert footer.startswith('</main>\n<footer class="funders">\n<img src="data:image/png;base64,')
    alts = re.findall(r'<img src="data:image/(?:png|jpeg);base64,[A-Za-z0-9+/=]+" alt="([^"]*)" '
                      r'width="(\d+)" height="(\d+)">', footer)
    assert alts == [(EU, "400", "120"), (PROGRAMME, "90", "90")]
    assert "https://example.fi/logos" not in page  # standalone: nothing to fetch
    assert "max-height: 1.6cm" in page


def test_a_memo_without_logos_has_no_footer():
    page = render(Document(title="x", markdown=MEMO), "html").decode()
    assert "funders" not in page.split("</style>")[1]


def test_markdown_ends_with_a_line_of_the_logos(memo: Document):
    lines = render(memo, "md").decode().splitlines()
    assert lines[-2:] == ["", f"![{EU}](https://example.fi/logos/1) "
                              "![Kestävää kasvua ja työtä \\[2014–2020\\]](https://example.fi/logos/2)"]
    assert render(Document(title="x", markdown=MEMO), "md").decode().endswith("- Ohjaustyö\n")


def _pictures(word: docx.document.Document) -> list[tuple[str, str, int, int]]:
    """(description, title, width, height in EMU) of the last paragraph's pictures."""
    paragraph = word.paragraphs[-1]._p
    return [(pr.get("descr"), pr.get("title"), int(extent.get("cx")), int(extent.get("cy")))
            for inline in paragraph.iter(qn("wp:inline"))
            for pr, extent in [(inline.find(qn("wp:docPr")), inline.find(qn("wp:extent")))]]


def test_docx_ends_with_the_logos_as_described_pictures(memo: Document):
    word = docx.Document(io.BytesIO(render(memo, "docx")))
    assert word.paragraphs[-2].text == "Ohjaustyö"
    # 120 px at 96 dpi would be 3.2 cm: held at 1.6 cm; 90 px (2.4 cm) too.
    assert _pictures(word) == [(EU, EU, Cm(1.6 * 400 / 120), Cm(1.6)),
                               (PROGRAMME, PROGRAMME, Cm(1.6), Cm(1.6))]
    assert len(word.inline_shapes) == 2


def test_docx_keeps_a_small_logo_small_and_a_wide_one_within_the_text():
    word = docx.Document(io.BytesIO(render(Document(title="x", markdown="x", logos=(
        logo(EU, 60, 30), logo(PROGRAMME, 3000, 200, number=2))), "docx")))
    (_, _, small_width, small_height), (_, _, wide_width, _) = _pictures(word)
    assert (small_width, small_height) == (Cm(60 * 2.54 / 96), Cm(30 * 2.54 / 96))
    section = word.sections[0]
    assert wide_width == section.page_width - section.left_margin - section.right_margin


def test_pdf_shows_the_logos_as_figures_with_their_text_on_the_last_page(memo: Document):
    data = render(memo, "pdf")
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(texts) == 2 and "Liite 1 Tehtävänkuvat" in texts[1]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        drawn = [sum(str(operator) == "Do" for _, operator in pikepdf.parse_content_stream(page))
                 for page in pdf.pages]
        assert drawn == [0, 2]
        figures: list[str] = []

        def walk(node: pikepdf.Dictionary) -> None:
            kids = node.get("/K")
            for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    if kid.S == "/Figure":
                        figures.append(str(kid.Alt))
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
        assert figures == [EU, PROGRAMME]
