"""The export library: a memo's Markdown rendered to PDF, DOCX, HTML and Markdown and read back.

No database: these tests only need the library. Each format is rendered once per module.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from facilitate.export import FORMATS, MEDIA_TYPES, Document, render, style
from facilitate.export.charts import parse_chart
from facilitate.export.html import render_body
from facilitate.models import MEMO_FORMATS

ARCHIVE = [
    "https://example.fi/series/x/memos/2023-01-27.pdf",
    "https://example.fi/series/x/memos/2022-11-09.pdf",
]
TITLE = "Muistio: valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio 29.3.2023"
MEMO = f"""\
# Muistio: valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio

Aika: 29.3.2023 klo 14–16, Teams-keskustelu

Paikalla oli YEE-hankkeen työntekijöitä sekä edustus Varhan ja Satakunnan hyvinvointialueilta.

Keskusteltiin **palveluiden organisoimisesta**. Pirkanmaalla organisoidutaan työikäisten \
palveluihin.

```chart
Jokaisella nuorella tulisi olla oma sosiaalityöntekijä.
Täysin eri mieltä | 1
Jokseenkin eri mieltä | 0
En samaa enkä eri mieltä | 2
Jokseenkin samaa mieltä | 3
Täysin samaa mieltä | 1
```

Reflektioista on laadittu muistiot:

- [Muistio lastensuojelun jälkihuollon johdon vertaisreflektio 27.1.2023 (pdf 352 kt)]({ARCHIVE[0]})
- [Muistio lastensuojelun jälkihuollon johdon vertaisreflektio 9.11.2022 (pdf 426 kt)]({ARCHIVE[1]})

Kestävää kasvua ja työtä -ohjelma

## Liite 1 Varhan alueella työstetyt tehtävänkuvat 3/2023 (luonnos)

Jälkihuollon sosiaalityöntekijän tehtävät:

1. Erityistä tukea tarvitsevien 18 – 25 vuotiaiden ohjaustyö
2. Asiakas- ja verkostotyö

Åland: *ruotsinkielinen* yhteistyö.
"""
SENTENCES = [
    "Aika: 29.3.2023 klo 14–16, Teams-keskustelu",
    "Keskusteltiin palveluiden organisoimisesta.",
    "Muistio lastensuojelun jälkihuollon johdon vertaisreflektio 27.1.2023 (pdf 352 kt)",
    "Liite 1 Varhan alueella työstetyt tehtävänkuvat 3/2023 (luonnos)",
    "Erityistä tukea tarvitsevien 18 – 25 vuotiaiden ohjaustyö",
    "Åland: ruotsinkielinen yhteistyö.",
]
HOSTILE = """\
# Muistio: <script>alert("otsikko")</script>vaarallinen

Teksti <script>alert("xss")</script> jatkuu.
<img src="https://evil.example/x.png" onerror="alert(1)">
<svg onload="alert(2)"><circle r="5"/></svg> <iframe src="https://evil.example/"></iframe>
<a href="javascript:alert(3)" onclick="alert(3)">klikkaa</a> ja [linkki](javascript:alert(4)).
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a> <object data="https://evil.example/"></object>

<div style="background:url(https://evil.example/bg.png)">piilotettu</div>

```chart
<script>alert(5)</script> kaavio
<img src=x onerror=alert(6)> | 2
"onmouseover="alert(7) | 1
```
"""
#: Text of the hostile memo's scripts and attributes, none of which may appear as content.
#: (The chart's labels are shown as text, escaped: that is what they are.)
SCRIPTS = ['alert("otsikko")', 'alert("xss")', "alert(1)", "alert(2)", "alert(3)", "alert(4)",
           "evil.example", "PHNjcmlwdD4"]
ALLOWED_PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "p", "a",
                     "figure", "figcaption", "svg", "rect", "ul", "li", "span"}


class _Tags(HTMLParser):
    """Every element and attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def _squash(text: str) -> str:
    """Whitespace collapsed, so text extracted across lines compares equal."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def memo() -> Document:
    return Document(title=TITLE, markdown=MEMO, language="fi",
                    subject="Lastensuojelun jälkihuollon johdon vertaisreflektiot",
                    author="YEE-hanke / THL")


@pytest.fixture(scope="module")
def pdf(memo: Document) -> PdfReader:
    return PdfReader(io.BytesIO(render(memo, "pdf")))


@pytest.fixture(scope="module")
def word(memo: Document) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(memo, "docx")))


@pytest.fixture(scope="module")
def page(memo: Document) -> str:
    return render(memo, "html").decode("utf-8")


@pytest.fixture(scope="module")
def hostile() -> dict[str, bytes]:
    document = Document(title='Vaarallinen <script>alert("title")</script>', markdown=HOSTILE)
    return {fmt: render(document, fmt) for fmt in ("html", "docx", "pdf")}


def test_formats_match_the_models_and_have_media_types():
    assert FORMATS == MEMO_FORMATS
    assert set(MEDIA_TYPES) == set(FORMATS)
    assert MEDIA_TYPES["docx"].endswith("wordprocessingml.document")
    with pytest.raises(ValueError):
        render(Document(title="x", markdown="x"), "odt")


def test_markdown_is_utf8_with_unix_newlines_and_one_final_newline():
    source = "# Muistio\r\n\r\nÄäkköset – öö åå\r\n\r\n\r\n"
    assert render(Document(title="x", markdown=source), "md") == (
        "# Muistio\n\nÄäkköset – öö åå\n".encode())


def test_html_page_is_standalone_accessible_and_has_the_chart(page: str):
    assert page.startswith("<!doctype html>")
    assert '<html lang="fi">' in page
    assert '<meta charset="utf-8">' in page
    assert f"<title>{TITLE}</title>" in page
    assert "<h1>Muistio: valtakunnallinen" in page
    assert '<h2 class="attachment">Liite 1 Varhan alueella' in page
    assert "Keskusteltiin <strong>palveluiden organisoimisesta</strong>." in page
    assert f'<a href="{ARCHIVE[0]}"' in page
    # No external resources and nothing that runs.
    assert "<script" not in page and "<link" not in page
    assert not re.search(r'\bsrc=|url\(', page)
    figure = re.search(r'<figure class="chart" id="chart-1" '
                       r'aria-labelledby="chart-1-caption">.*?</figure>', page, re.S)[0]
    assert '<figcaption id="chart-1-caption">Jokaisella nuorella' in figure
    # one bar per row, decorative: the count is the text beside it
    assert figure.count('<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true"') == 5
    assert figure.count("<rect ") == 5
    assert ('<li><span class="label">En samaa enkä eri mieltä</span>: '
            '<span class="count">2</span> <svg') in figure
    widths = [int(w) for w in re.findall(r'<rect width="(\d+)"', figure)]
    counts = [int(c) for c in re.findall(r'<span class="count">(\d+)</span>', figure)]
    largest = max(counts)
    assert widths == [max(1, round(240 * c / largest)) for c in counts]


def test_malformed_chart_is_preformatted_text():
    html = str(render_body("```chart\nOtsikko\nKyllä | paljon\n```\n"))
    assert "<figure" not in html and "<svg" not in html
    assert "<pre><code>Otsikko\nKyllä | paljon\n</code></pre>" in html


def test_chart_parsing():
    chart = parse_chart("Otsikko | ei luku\nA | B | 2\n\nC | 0\n")
    assert chart is not None
    assert chart.caption == "Otsikko | ei luku"
    assert chart.rows == (("A | B", 2), ("C", 0))
    assert parse_chart("Vain otsikko") is None
    assert parse_chart("Otsikko\nA | -1") is None
    assert parse_chart("Otsikko\n | 1") is None


def test_pdf_text_is_the_memo(pdf: PdfReader):
    text = _squash(" ".join(p.extract_text() for p in pdf.pages))
    for sentence in SENTENCES:
        assert sentence in text
    assert "En samaa enkä eri mieltä: 2" in text  # the chart's numbers, as text


def test_pdf_is_tagged_pdf_ua_with_language_and_title(pdf: PdfReader, memo: Document):
    catalog = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "fi"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert pdf.metadata.title == TITLE
    assert pdf.metadata.author == memo.author
    assert pdf.metadata.subject == memo.subject
    xmp = ET.fromstring(catalog["/Metadata"].get_object().get_data().split(b"?>", 1)[1]
                        .rsplit(b"<?xpacket", 1)[0])
    parts = [element.get("{http://www.aiim.org/pdfua/ns/id/}part") for element in xmp.iter()]
    assert "1" in parts
    links = [annotation.get_object()["/A"]["/URI"] for page in pdf.pages
             for annotation in page.get("/Annots", [])]
    assert list(dict.fromkeys(links)) == ARCHIVE  # a link broken over lines has two areas


def test_docx_structure_styles_and_runs(word: docx.document.Document, memo: Document):
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs if p.text]
    assert paragraphs[0] == ("Heading 1", "Muistio: valtakunnallinen lastensuojelun jälkihuollon "
                                          "johdon vertaisreflektio")
    assert ("Heading 2", "Liite 1 Varhan alueella työstetyt tehtävänkuvat 3/2023 (luonnos)"
            ) in paragraphs
    assert ("Normal", "Aika: 29.3.2023 klo 14–16, Teams-keskustelu") in paragraphs
    assert ("Normal", "Keskusteltiin palveluiden organisoimisesta. Pirkanmaalla "
                      "organisoidutaan työikäisten palveluihin.") in paragraphs
    theme = next(p for p in word.paragraphs if p.text.startswith("Keskusteltiin"))
    assert [(r.text, bool(r.bold)) for r in theme.runs] == [
        ("Keskusteltiin ", False), ("palveluiden organisoimisesta", True),
        (". Pirkanmaalla organisoidutaan työikäisten palveluihin.", False)]
    italic = next(p for p in word.paragraphs if p.text.startswith("Åland"))
    assert [r.text for r in italic.runs if r.italic] == ["ruotsinkielinen"]
    assert [text for style, text in paragraphs if style == "List Number"] == [
        "Erityistä tukea tarvitsevien 18 – 25 vuotiaiden ohjaustyö", "Asiakas- ja verkostotyö"]
    # The chart: a caption, then its "label: count" items.
    caption = paragraphs.index(
        ("Caption", "Jokaisella nuorella tulisi olla oma sosiaalityöntekijä."))
    assert paragraphs[caption + 1:caption + 3] == [
        ("List Bullet", "Täysin eri mieltä: 1"), ("List Bullet", "Jokseenkin eri mieltä: 0")]
    properties = word.core_properties
    assert (properties.title, properties.language, properties.author) == (
        TITLE, "fi", memo.author)
    assert 'w:val="fi-FI"' in word.styles.element.xml


def test_docx_links_are_real_hyperlinks(word: docx.document.Document):
    items = [p for p in word.paragraphs if p.style.name == "List Bullet" and p.hyperlinks]
    assert len(items) == 2
    links = [link for item in items for link in item.hyperlinks]
    assert [link.url for link in links] == ARCHIVE
    assert links[0].text == ("Muistio lastensuojelun jälkihuollon johdon vertaisreflektio "
                             "27.1.2023 (pdf 352 kt)")
    assert all(run.style.name == "Hyperlink" for link in links for run in link.runs)


def test_docx_has_the_house_style(word: docx.document.Document):
    styles = word.styles
    # No theme fonts anywhere, so no style falls back to the template's Cambria or Calibri.
    assert not [fonts for fonts in styles.element.iter(qn("w:rFonts"))
                if any(name.endswith(("Theme", "theme")) for name in fonts.attrib)]
    defaults = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.rFonts.get(qn("w:ascii")) == defaults.rFonts.get(qn("w:hAnsi")) == "DejaVu Sans"
    assert defaults.sz_val == Pt(style.BODY_SIZE_PT)
    assert str(defaults.color.val) == style.TEXT_COLOUR.lstrip("#").upper()
    for level, size in ((1, 17), (2, 13.5), (3, 11.5)):  # 1.6, 1.3 and 1.1 × 10.5 pt
        heading = styles[f"Heading {level}"]
        assert heading.font.size == Pt(size)
        assert str(heading.font.color.rgb) == "1A1A1A" and heading.font.color.theme_color is None
        # outline levels are what Word's navigation pane, its TOC and screen readers use
        assert heading.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
    assert str(styles["Hyperlink"].font.color.rgb) == "0B4F8A"
    fonts = next(rel.target_part for rel in word.part.rels.values()
                 if rel.reltype.endswith("/fontTable")).blob.decode()
    assert ('<w:font w:name="DejaVu Sans"><w:altName w:val="Liberation Sans, Arial, Helvetica"/>'
            in fonts)
    section = word.sections[0]
    assert [round(length.cm, 2) for length in (
        section.page_width, section.page_height, section.top_margin, section.right_margin,
        section.bottom_margin, section.left_margin)] == [21, 29.7, 2.2, 2, 2.4, 2]
    assert section.header.paragraphs[0].text == TITLE


def test_docx_code_is_in_the_house_monospace_font():
    word = docx.Document(io.BytesIO(render(Document(
        title="x", markdown="Aja `make test`.\n\n    make libreoffice\n"), "docx")))
    inline, block = word.paragraphs
    assert [(run.text, run.font.name) for run in inline.runs] == [
        ("Aja ", None), ("make test", "DejaVu Sans Mono"), (".", None)]
    assert block.style.font.name == "DejaVu Sans Mono"


@pytest.mark.parametrize(("language", "word_language", "label"), [
    ("fi", "fi-FI", "Sivu {PAGE} / {NUMPAGES}"),
    ("sv", "sv-FI", "Sida {PAGE} / {NUMPAGES}"),
    ("en", "en-GB", "Page {PAGE} of {NUMPAGES}"),
])
def test_docx_footer_numbers_pages_in_the_memos_language(language: str, word_language: str,
                                                         label: str):
    word = docx.Document(io.BytesIO(render(Document(
        title="x", markdown="# x\n", language=language), "docx")))
    footer = word.sections[0].footer.paragraphs[0]
    text = "".join(f"{{{child.get(qn('w:instr'))}}}" if child.tag == qn("w:fldSimple")
                   else "".join(t.text for t in child.iter(qn("w:t")))
                   for child in footer._p if child.tag in (qn("w:r"), qn("w:fldSimple")))
    assert text == label
    assert f'w:val="{word_language}"' in word.styles.element.xml


def test_each_numbered_list_starts_from_one():
    word = docx.Document(io.BytesIO(render(Document(
        title="x", markdown="1. a\n2. b\n\nväli\n\n1. c\n"), "docx")))
    ids = [p._p.pPr.numPr.numId.val for p in word.paragraphs if p.style.name == "List Number"]
    assert len(ids) == 3 and ids[0] == ids[1] != ids[2]


def test_raw_html_never_survives_in_html(hostile: dict[str, bytes]):
    page = hostile["html"].decode()
    tags = _Tags()
    tags.feed(page)
    assert {tag for tag, _attrs in tags.found} <= ALLOWED_PAGE_TAGS
    for tag, attrs in tags.found:
        assert not [name for name in attrs if name.startswith("on") or name == "style"], tag
        assert "href" not in attrs or attrs["href"].startswith("https://"), attrs
    for script in SCRIPTS:
        assert script not in page, script
    # The only SVGs are the chart's bars the exporter drew, with its labels escaped.
    svgs = [attrs for tag, attrs in tags.found if tag == "svg"]
    assert svgs and all(attrs.get("aria-hidden") == "true" for attrs in svgs)
    assert "<circle" not in page
    assert "&lt;img src=x onerror=alert(6)&gt;" in page
    assert "&lt;script&gt;alert(5)&lt;/script&gt; kaavio" in page
    assert "&#34;onmouseover=&#34;alert(7)" in page
    assert "<title>Vaarallinen &lt;script&gt;" in page
    assert "<h1>Muistio: vaarallinen</h1>" in page
    assert "klikkaa" in page and "piilotettu" in page


def test_raw_html_never_survives_in_docx_or_pdf(hostile: dict[str, bytes]):
    word = docx.Document(io.BytesIO(hostile["docx"]))
    text = "\n".join(p.text for p in word.paragraphs)
    text += "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    for script in SCRIPTS:
        assert script not in text, script
    assert "<img src=x onerror=alert(6)>" in text  # a chart label, shown as plain text
    assert "klikkaa" in text
    assert not [link for p in word.paragraphs for link in p.hyperlinks]
    assert not word.part.rels or all(
        "evil" not in rel.target_ref and "javascript" not in rel.target_ref
        for rel in word.part.rels.values())
    reader = PdfReader(io.BytesIO(hostile["pdf"]))
    assert not [annotation for page in reader.pages for annotation in page.get("/Annots", [])]
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/JavaScript" not in catalog.get("/Names", {})
    pdf_text = " ".join(p.extract_text() for p in reader.pages)
    for script in SCRIPTS:
        assert script not in pdf_text, script
    assert "Teksti" in pdf_text and "klikkaa" in pdf_text
