"""The memo PDF as assistive technology and a printer meet it: a PDF/UA-1 checker (pdfua), the
structure tree and content streams read back with pikepdf, and what lands on which page.

The memos here have what real ones have at their largest: charts, long lists, a table, a
heading in a theme's notes and attachments. Each is rendered once per module.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from pdfua import Report, Severity, validate
from pypdf import PdfReader
from test_funder_logos import image

from facilitate.export import Document, Logo, render
from facilitate.export.pages import css_string, page_css
from facilitate.memo.appendix import appendix_markdown


def _chart(number: int) -> str:
    return "\n".join([
        "```chart", f"Väite {number}: jokaisella nuorella tulisi olla oma sosiaalityöntekijä.",
        "Täysin eri mieltä | 1", "Jokseenkin eri mieltä | 0", "En samaa enkä eri mieltä | 2",
        "Jokseenkin samaa mieltä | 3", "Täysin samaa mieltä | 1", "```"])


def _theme(number: int) -> str:
    bullets = "\n".join(f"- Kommentti {number}.{i}: nuoren siirtymä aikuisuuteen vaatii "
                        f"verkoston tukea ja suunnitelman." for i in range(1, 19))
    return (f"Keskusteltiin **teeman {number} kysymyksistä**. Hyvinvointialueilla jälkihuollon "
            "asiakasmäärät ovat kasvaneet, ja yhteistyö kuntien kanssa vaihtelee.\n\n"
            f"{_chart(number)}\n\nEniten ääniä saaneet kommentit:\n\n{bullets}\n")


TITLE = "Muistio: valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio 29.3.2023"
MEMO = "\n".join([
    "# Muistio: valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio", "",
    "Aika: 29.3.2023 klo 14–16, Teams-keskustelu", "",
    _theme(1), _theme(2),
    "## Huomioita keskustelusta", "", "Teemojen välillä nousi esiin sama kysymys.", "",
    _theme(3), _theme(4),
    "| Alue | Asiakkaita |", "|---|---|", "| Varha | 120 |", "| Satakunta | 80 |", "",
    "## Liite 1 Varhan alueella työstetyt tehtävänkuvat", "",
    "1. Erityistä tukea tarvitsevien 18 – 25 vuotiaiden ohjaustyö",
    "2. Asiakas- ja verkostotyö", "",
    "## Liite 2 Yhteystiedot", "", "Koordinaattori, koordinaattori(at)thl.fi", "",
])
CHARTS, BARS = 4, 20
#: The bars' colour (charts._BAR_COLOUR, #29549a) as the PDF's rg operands.
BAR_RGB = (Decimal("0.160784"), Decimal("0.329412"), Decimal("0.603922"))

#: pdfua 0.1.3's empty-heading rule asks a pikepdf Array for an attribute, which raises
#: ValueError rather than AttributeError, so the rule cannot run on any heading whose /K is
#: an array (all of WeasyPrint's). Only that skip is allowed; any other means a rule went
#: silent. test_headings_have_text checks what the rule would.
BROKEN_RULE = ("UA-14-001", "cannot get key '/is_integer' on object of type array")
#: A warning of the checker's own guess: it looks for /Scope or /Headers on header cells, but
#: WeasyPrint associates cells the other way PDF/UA allows, /Headers on each data cell naming
#: its header's /ID (test_table_cells_name_their_headers).
TABLE_GUESS = "UA-15-003"


@pytest.fixture(scope="module")
def memo_pdf() -> bytes:
    return render(Document(title=TITLE, markdown=MEMO, language="fi"), "pdf")


def _check(data: bytes, folder: Path) -> Report:
    """The checker's report on a PDF, its findings printed for the test's output."""
    path = folder / "memo.pdf"
    path.write_bytes(data)
    report = validate(str(path))
    for finding in report.findings:
        print(finding.rule_id, finding.severity.name, finding.location.describe(),
              finding.message)
    print("findings:", dict(Counter(f"{f.rule_id} {f.severity.name}" for f in report.findings)))
    return report


def _assert_passes(report: Report) -> None:
    assert [(f.rule_id, f.location.describe()) for f in report.findings
            if f.severity is Severity.ERROR] == []
    assert {f.rule_id for f in report.findings} <= {TABLE_GUESS}
    assert [(o.rule_id, o.skipped_reason) for o in report.skipped
            if o.rule_id != BROKEN_RULE[0] or BROKEN_RULE[1] not in o.skipped_reason] == []


def _kids(node: pikepdf.Dictionary) -> list[pikepdf.Object]:
    kids = node.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the tree's root, in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: pikepdf.Dictionary) -> None:
        for kid in _kids(node):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                found.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def _marked_content(page: pikepdf.Page) -> list[tuple[list[pikepdf.Object], str, list]]:
    """Each operator of a page with the marked-content sequences around it (outermost first):
    (the BDC/BMC operands of each, the operator, its operands)."""
    around: list[list[pikepdf.Object]] = []
    out = []
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            around.append(list(operands))
        elif name == "EMC":
            around.pop()
        else:
            out.append((list(around), name, list(operands)))
    return out


def _is_artifact(around: list[list[pikepdf.Object]]) -> bool:
    return any(operands[0] == pikepdf.Name.Artifact for operands in around)


def _page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def _page_of(texts: list[str], text: str) -> int:
    """The number (from 1) of the one page that has the text."""
    pages = [number for number, page in enumerate(texts, start=1) if text in page]
    assert len(pages) == 1, (text, pages)
    return pages[0]


def test_memo_pdf_passes_the_pdf_ua_checker(memo_pdf: bytes, tmp_path: Path):
    _assert_passes(_check(memo_pdf, tmp_path))


def test_memo_with_logos_passes_and_describes_each_logo(tmp_path: Path):
    alts = ["Euroopan unionin osarahoittama: Vipuvoimaa EU:lta 2014–2020",
            "Kestävää kasvua ja työtä -ohjelma"]
    logos = tuple(Logo(image(width, 120, fmt), f"image/{fmt.lower()}", alt, width, 120,
                       f"https://example.fi/logos/{number}")
                  for number, (alt, width, fmt) in enumerate(
                      zip(alts, (400, 160), ("PNG", "JPEG"), strict=True), start=1))
    data = render(Document(title=TITLE, markdown=MEMO, language="fi", logos=logos), "pdf")
    _assert_passes(_check(data, tmp_path))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        figures = [e for e in _elements(pdf) if e.S == "/Figure"]
        assert [str(figure.Alt) for figure in figures] == alts
        assert all(len(figure.A.BBox) == 4 for figure in figures)
    assert "Koordinaattori, koordinaattori(at)thl.fi" in _page_texts(data)[-1]


def test_headings_have_text(memo_pdf: bytes):
    with pikepdf.open(io.BytesIO(memo_pdf)) as pdf:
        headings = [e for e in _elements(pdf) if e.S in ("/H1", "/H2")]
        assert len(headings) == 4
        for heading in headings:
            assert any(isinstance(mcid, int) for span in _kids(heading) for mcid in _kids(span))


def test_table_cells_name_their_headers(memo_pdf: bytes):
    with pikepdf.open(io.BytesIO(memo_pdf)) as pdf:
        elements = _elements(pdf)
        ids = {str(e.ID) for e in elements if e.S == "/TH"}
        cells = [e for e in elements if e.S == "/TD"]
        assert len(ids) == 2 and len(cells) == 4
        assert all({str(header) for header in cell.A.Headers} <= ids and len(cell.A.Headers)
                   for cell in cells)


def test_charts_are_captions_and_numbers_with_the_bars_drawn_as_artifacts(memo_pdf: bytes):
    with pikepdf.open(io.BytesIO(memo_pdf)) as pdf:
        roles = Counter(str(e.S) for e in _elements(pdf))
        assert "/Figure" not in roles
        assert roles["/Caption"] == CHARTS
        bars = []
        for page in pdf.pages:
            colour = None
            for around, operator, operands in _marked_content(page):
                if operator == "rg":
                    colour = tuple(operands)
                elif operator == "f" and colour == BAR_RGB:
                    bars.append(_is_artifact(around))
        assert bars == [True] * BARS
    text = " ".join(_page_texts(memo_pdf))
    assert text.count("En samaa enkä eri mieltä: 2") == CHARTS


def test_running_header_and_footer_are_pagination_artifacts(memo_pdf: bytes):
    texts = _page_texts(memo_pdf)
    pages = len(texts)
    assert pages > 2
    for number, text in enumerate(texts, start=1):
        assert TITLE in text and f"Sivu {number} / {pages}" in text
    with pikepdf.open(io.BytesIO(memo_pdf)) as pdf:
        in_tree = {element.objgen for element in _elements(pdf)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            content = _marked_content(page)
            pagination = {id(around[-1]): around[-1] for around, operator, _ in content
                          if operator == "TJ" and around[-1][0] == pikepdf.Name.Artifact}
            assert [operands[1].Type for operands in pagination.values()] == [
                "/Pagination", "/Pagination"]
            # Whatever else is marked belongs to an element a screen reader reaches.
            elements = parent_tree[int(page.StructParents)]
            mcids = {int(around[-1][-1].MCID) for around, _, _ in content
                     if around and isinstance(around[-1][-1], pikepdf.Dictionary)
                     and "/MCID" in around[-1][-1]}
            assert mcids and all(elements[mcid].objgen in in_tree for mcid in mcids)
            assert all(around for around, operator, _ in content if operator == "TJ")


@pytest.mark.parametrize(("language", "footer"), [("sv", "Sida 1 / 1"), ("en", "Page 1 of 1")])
def test_footer_in_the_memo_language(language: str, footer: str, tmp_path: Path):
    data = render(Document(title="Minnesanteckning", markdown="# Minnesanteckning\n\nText.\n",
                           language=language), "pdf")
    assert footer in _page_texts(data)[0]
    _assert_passes(_check(data, tmp_path))


def test_page_number_wording_falls_back_to_english():
    css = page_css(Document(title="x", markdown="x", language="de-CH"))
    assert 'content: "Page " counter(page) " of " counter(pages);' in css
    assert '"Sida " counter(page)' in page_css(Document(title="x", markdown="x", language="sv-FI"))


def test_title_cannot_end_the_css_string_or_the_style_element():
    assert css_string('Muistio: "A" </style><b>\\ 1.2.') == (
        '"Muistio: \\000022A\\000022 \\00003c/style\\00003e\\00003cb\\00003e\\00005c 1.2."')


def test_attachments_start_a_page_and_headings_in_notes_do_not(memo_pdf: bytes):
    texts = _page_texts(memo_pdf)
    first = _page_of(texts, "Liite 1 Varhan alueella")
    second = _page_of(texts, "Liite 2 Yhteystiedot")
    assert first < second == len(texts)
    # Each starts a page of its own although it would fit after what precedes it.
    assert _page_of(texts, "Satakunta 80") == first - 1
    assert _page_of(texts, "Asiakas- ja verkostotyö") == first
    assert _page_of(texts, "Huomioita keskustelusta") == _page_of(texts, "Kommentti 2.18:")


def _sections() -> list[tuple[int, int]]:
    """(section, items): short lists and long ones, after paragraphs of different lengths, so
    that page breaks fall at every point of some list."""
    return [(k, 14 if k % 4 == 0 else 3 + k % 7) for k in range(1, 29)]


@pytest.fixture(scope="module")
def lists_pdf() -> list[str]:
    sentence = "Keskustelussa todettiin, että palvelut vaihtelevat alueittain."
    markdown = "# Muistio\n\n" + "\n".join(
        f"### Osio {k}\n\n{' '.join([sentence] * (1 + k % 5))}\n\n"
        + "\n".join(f"- Kohta {k}.{i}: nuoren tuki" for i in range(1, items + 1)) + "\n"
        for k, items in _sections())
    return _page_texts(render(Document(title="Muistio", markdown=markdown), "pdf"))


def test_a_list_breaks_only_with_three_items_on_each_side(lists_pdf: list[str]):
    split = 0
    for k, items in _sections():
        pages = Counter(_page_of(lists_pdf, f"Kohta {k}.{i}:") for i in range(1, items + 1))
        assert min(pages.values()) >= 3 or len(pages) == 1, (k, pages)
        split += len(pages) > 1
        # a heading keeps with what follows it
        assert _page_of(lists_pdf, f"Osio {k} ") == min(pages)
    assert split  # some list did cross a page


def test_the_wishes_appendix_passes_the_checker_on_a_page_of_its_own(tmp_path: Path):
    appendix = appendix_markdown(
        [("Varha", ["Työnkuvat ja erityissosiaaliohjaajan rooli", "Jälkihuollon mitoitus"]),
         ("Satakunnan hyvinvointialue", ["Yhteistyö aikuissosiaalityön kanssa"])], MEMO, "fi")
    data = render(Document(title=TITLE, markdown=f"{MEMO}\n{appendix}", language="fi"), "pdf")
    _assert_passes(_check(data, tmp_path))
    texts = _page_texts(data)
    assert _page_of(texts, "Liite 3 Ennakkotoiveet") == len(texts) > _page_of(
        texts, "Liite 2 Yhteystiedot")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        headings = [str(e.S) for e in _elements(pdf) if str(e.S) in ("/H1", "/H2", "/H3")]
    # the organisations are headings under the appendix's, in order
    assert headings[-3:] == ["/H2", "/H3", "/H3"]


def test_the_series_summary_pdf_passes_the_checker_too(tmp_path: Path):
    from datetime import date

    from facilitate.summary.compile import SeriesSummary, SummaryWorkshop, summary_markdown

    workshops = tuple(SummaryWorkshop(
        workshop_id=n, day=date(2023, n, 1), title=f"Vertaisreflektio {n}",
        memo_url=f"https://example.fi/series/x/memos/2023-0{n}-01.pdf",
        memo_text=f"Muistio: vertaisreflektio 1.{n}.2023 (pdf 30 kt)",
        key_sentences=("Keskusteltiin **työnkuvista**. Varhassa on kaksi ohjaajaa.",
                       "Keskusteluun nostettiin **asiakasmitoitus**."),
        actions=("Kootaan työnkuvat (vastuu: Pirkanmaa, määräaika 1.3.2023)",),
        reviews=("Selvitetään rahoitus (vastuu: THL, sovittu 1.1.2023): kesken",))
        for n in range(1, 5))
    markdown = summary_markdown(SeriesSummary(
        series_slug="x", title="vertaisreflektio", heading="Yhteenveto: vertaisreflektio",
        description="YEE-hanke on järjestänyt neljä vertaisreflektiota.",
        span="Sarjassa on pidetty neljä tilaisuutta 1.1.2023–1.4.2023.",
        workshops=workshops,
        tracked=(("Jokaisella nuorella tulisi olla oma sosiaalityöntekijä.",
                  ("1.1.2023: samaa mieltä 40 % (viisi osallistujaa)",
                   "1.4.2023: samaa mieltä 63 % (kahdeksan osallistujaa)")),)))
    data = render(Document(title="Yhteenveto: vertaisreflektio", markdown=markdown,
                           language="fi"), "pdf")
    _assert_passes(_check(data, tmp_path))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        headings = [e.S for e in _elements(pdf) if str(e.S) in ("/H1", "/H2")]
        assert headings.count("/H1") == 1 and headings.count("/H2") == 5
