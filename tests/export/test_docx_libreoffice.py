"""The memo's DOCX opened by an office suite: LibreOffice converts it to PDF, read back here.

python-docx reading its own file back proves little about what a reader sees; LibreOffice lays
the document out, computes the page fields and embeds the fonts it used. `make test` installs
it (`make libreoffice`), so a missing soffice fails instead of skipping.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from test_funder_logos import image

from facilitate.export import Document, Logo, render

# A first start creates the profile and can take several seconds on a busy machine.
CONVERSION_TIMEOUT_S = 180
TITLE = "Muistio: valtakunnallinen jälkihuollon vertaisreflektio 29.3.2023"
LINKS = ["https://example.fi/series/x/memos/2023-01-27.pdf",
         "https://example.fi/series/x/memos/2022-11-09.pdf"]
FILLER = ("Nuoren siirtymä jälkihuoltoon vaatii yhteistyötä hyvinvointialueen, kunnan ja "
          "järjestöjen kesken, ja asiakasmäärät vaihtelevat alueittain paljon. ")
THEMES = "\n\n".join(
    f"Keskusteltiin **teemasta {n}**. {FILLER * 6}\n\n"
    f"- Kommentti {n}.1: oma sosiaalityöntekijä jokaiselle nuorelle\n"
    f"- Kommentti {n}.2: asumisen tuki jatkuu"
    for n in range(1, 9))
MEMO = f"""\
# Muistio: valtakunnallinen jälkihuollon vertaisreflektio

Aika: 29.3.2023 klo 14–16, Teams-keskustelu

{THEMES}

```chart
Jokaisella nuorella tulisi olla oma sosiaalityöntekijä.
Täysin eri mieltä | 1
Jokseenkin samaa mieltä | 3
```

Reflektioista on laadittu muistiot:

- [Muistio 27.1.2023 (pdf 352 kt)]({LINKS[0]})
- [Muistio 9.11.2022 (pdf 426 kt)]({LINKS[1]})

## Liite 1 Varhan alueella työstetyt tehtävänkuvat

1. Erityistä tukea tarvitsevien nuorten ohjaustyö
2. Asiakas- ja verkostotyö
"""
LOGOS = tuple(Logo(image(width, 120), "image/png", alt, width, 120,
                   f"https://example.fi/logos/{number}")
              for number, (alt, width) in enumerate(
                  [("Euroopan unionin osarahoittama: Vipuvoimaa EU:lta 2014–2020", 400),
                   ("Kestävää kasvua ja työtä -ohjelma", 160)], start=1))
#: LibreOffice 7.4 with DejaVu lays this memo out on four pages; a line or two more or less
#: on another version or font build must not fail the test, a lost style would.
PAGES = range(3, 6)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    """The memo's DOCX converted to PDF by LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("soffice not found: install LibreOffice Writer with `make libreoffice`")
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "memo.docx"
    source.write_bytes(render(Document(title=TITLE, markdown=MEMO, language="fi",
                                            logos=LOGOS), "docx"))
    # A profile of its own: parallel runs sharing the user's profile would wait on its lock.
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(folder / "out"), str(source)],
        capture_output=True, text=True, timeout=CONVERSION_TIMEOUT_S, check=False)
    pdf = folder / "out" / "memo.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    return PdfReader(io.BytesIO(pdf.read_bytes()))


def test_libreoffice_reads_the_memo_with_its_page_numbers(converted: PdfReader):
    pdf = converted
    pages = [_squash(page.extract_text()) for page in pdf.pages]
    assert len(pages) in PAGES, len(pages)
    text = " ".join(pages)
    assert "Muistio: valtakunnallinen jälkihuollon vertaisreflektio Aika: 29.3.2023" in text
    assert "Keskusteltiin teemasta 8." in text
    assert "Kommentti 8.2: asumisen tuki jatkuu" in text
    assert "Jokaisella nuorella tulisi olla oma sosiaalityöntekijä." in text
    assert "Täysin eri mieltä: 1" in text
    assert "Muistio 27.1.2023 (pdf 352 kt)" in text
    assert "Liite 1 Varhan alueella työstetyt tehtävänkuvat" in text
    assert "1. Erityistä tukea tarvitsevien nuorten ohjaustyö" in text
    assert "2. Asiakas- ja verkostotyö" in text
    for number, page in enumerate(pages, start=1):
        assert page.startswith(TITLE), number  # the header
        assert page.endswith(f"Sivu {number} / {len(pages)}"), page[-40:]  # the footer


def test_libreoffice_shows_the_logos_at_the_end(converted: PdfReader):
    drawn = [sum(operator == b"Do" for _, operator in
                 ContentStream(page.get_contents(), converted).operations)
             for page in converted.pages]
    assert drawn == [0] * (len(drawn) - 1) + [2]
    last = converted.pages[-1]
    assert sorted(picture.image.size for picture in last.images) == [(160, 120), (400, 120)]
    text = _squash(last.extract_text())
    assert text.index("2. Asiakas- ja verkostotyö") < text.index("Sivu")


def test_libreoffice_keeps_links_and_the_house_font(converted: PdfReader):
    pdf = converted
    links = [annotation.get_object()["/A"]["/URI"] for page in pdf.pages
             for annotation in page.get("/Annots", [])]
    assert sorted(links) == sorted(LINKS)  # LibreOffice lists a page's links last first
    fonts = {str(font.get_object()["/BaseFont"]).split("+")[-1] for page in pdf.pages
             for font in page["/Resources"]["/Font"].values()}
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= fonts
    assert not [font for font in fonts if re.search("Cambria|Calibri|Liberation|Carlito", font)]
