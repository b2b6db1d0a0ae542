"""The series summary: what the published memos said, gathered; built from the demo series
(seeds 001–004) and from a series whose memo was edited before publishing."""

from __future__ import annotations

from typing import Any

import pytest
from sql_count import counted
from sqlalchemy import select

from facilitate.extensions import db
from facilitate.models import Series
from facilitate.summary.compile import compile_summary, key_sentences, summary_markdown

BASE_URL = "http://127.0.0.1:5000"


@pytest.fixture
def demo(app: Any) -> Series:
    app.config["PUBLIC_BASE_URL"] = BASE_URL
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    return db.session.scalar(select(Series))


def test_the_demo_series_summary(app: Any, demo: Series) -> None:
    db.session.expire_all()
    with counted() as statements:
        summary = compile_summary(db.session, demo, base_url=BASE_URL)
    assert statements() <= 12
    markdown = summary_markdown(summary)
    assert markdown.startswith("# Yhteenveto: valtakunnallinen lastensuojelun jälkihuollon "
                               "johdon vertaisreflektio\n")
    assert ("Sarjassa on pidetty neljä tilaisuutta 13.9.2022–29.3.2023; niihin osallistui "
            "edustajia") in markdown
    assert [w.day.isoformat() for w in summary.workshops] == [
        "2022-09-13", "2022-11-09", "2023-01-27", "2023-03-29"]
    march = summary.workshops[-1]
    assert "Ennakkotoiveiden pohjalta **keskusteltiin työnkuvista**." in " ".join(
        march.key_sentences)
    assert march.memo_url == f"{BASE_URL}/series/{demo.slug}/memos/2023-03-29.pdf"
    assert "## Seuratut kysymykset" in markdown
    assert "- 13.9.2022: samaa mieltä 40 % (viisi osallistujaa)" in markdown
    assert "- 29.3.2023: samaa mieltä 63 % (kahdeksan osallistujaa)" in markdown
    january = summary.workshops[2]
    assert january.actions == (
        "Kootaan hyvinvointialueiden käytännöt jälkihuoltotiedon siirrosta Valviran ohjeen "
        "pohjalta (vastuu: YEE-hanke / THL, määräaika 24.3.2023)",
        "Selvitetään, miten jälkihuollon nuorelle nimetään oma sosiaalityöntekijä (vastuu: "
        "Pirkanmaa ja Varha, määräaika 31.5.2023)")
    assert [line.rsplit(": ", 1)[-1] for line in march.reviews] == ["valmis", "kesken"]
    assert march.actions == ("Kutsutaan kuntien nuorisopalvelut mukaan syksyn reflektioon "
                             "(vastuu: YEE-hanke / THL, määräaika 29.9.2023)",)
    assert ("## 29.3.2023: Lastensuojelun jälkihuollon johdon vertaisreflektio\n\n"
            in markdown)
    assert "Edellisissä tapaamisissa sovittujen toimenpiteiden tilanne:\n\n- Kootaan" \
        in markdown
    # no chart, series block or placeholder of the memos leaks in
    assert "```" not in markdown and "TÄYDENNÄ" not in markdown


def test_the_summary_page_and_its_four_formats(app: Any, demo: Series) -> None:
    client = app.test_client()
    page = client.get(f"/series/{demo.slug}/summary")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h2>Yhteenveto: valtakunnallinen" in text
    assert f'href="/series/{demo.slug}/summary.pdf"' in text
    assert f"/series/{demo.slug}/summary\"" in client.get(f"/series/{demo.slug}").get_data(
        as_text=True)
    for fmt, start in (("pdf", b"%PDF"), ("docx", b"PK"), ("md", b"# Yhteenveto"),
                       ("html", b"<!doctype html>")):
        response = client.get(f"/series/{demo.slug}/summary.{fmt}")
        assert response.status_code == 200, fmt
        assert response.data.startswith(start), (fmt, response.data[:40])
    assert client.get(f"/series/{demo.slug}/summary.exe").status_code == 404


def test_the_summary_says_nothing_a_published_memo_did_not(app: Any, demo: Series) -> None:
    from facilitate.actions.operations import add_action, today_in_finland

    s = db.session
    upcoming = demo.workshops[-1]
    tracked = next(p for t in upcoming.themes for p in t.prompts if p.question_key)
    tracked.text = "LUONNOS: ei vielä julkaistu"
    add_action(s, upcoming, {"text": "Matti Virtanen soittaa Lappiin", "owner": "THL",
                             "due": today_in_finland().isoformat()})
    s.commit()
    markdown = summary_markdown(compile_summary(s, demo, base_url=BASE_URL))
    assert "LUONNOS" not in markdown and "Matti Virtanen" not in markdown
    page = app.test_client().get(f"/series/{demo.slug}").get_data(as_text=True)
    assert "Matti Virtanen" not in page


def test_key_sentences_are_what_the_published_memo_says() -> None:
    markdown = """# Muistio: x 1.1.2023

Aika: 1.1.2023 klo 14–16

Paikalla oli edustus Varhan hyvinvointialueelta.

Keskusteltiin **työnkuvista**. <!-- lähde: t3 -->
Pirkanmaalla on kaksi työntekijää. Kolmas lause jää pois.

VÄITE: Riittää? Kolme viidestä oli samaa mieltä.

```chart
Jakauma

Täysin samaa mieltä | 3
```

- Lista **lihavoitu** ei ole teema

Keskusteluun nostettiin **asiakasmitoitus**.
"""
    assert key_sentences(markdown) == (
        "Keskusteltiin **työnkuvista**. Pirkanmaalla on kaksi työntekijää.",
        "Keskusteluun nostettiin **asiakasmitoitus**.")
