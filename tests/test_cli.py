"""The `facilitate` commands: plans, demo data."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from facilitate.extensions import db
from facilitate.models import MemoVersion, Registration, Series, Theme, Workshop
from facilitate.series.operations import RegistrationState, registration_state


def test_check_plans_lists_the_four_plans(app):
    result = app.test_cli_runner().invoke(args=["check-plans"])
    assert result.exit_code == 0, result.output
    for slug in ("johdon-vertaisreflektio", "kuntien-valinen-yhteistyo", "verkostoyhteistyo",
                 "palvelupolut"):
        assert slug in result.output


def test_load_plan_creates_a_workshop(app, make_series):
    series = make_series()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["load-plan", "verkostoyhteistyo", "--series", series.slug,
                                 "--date", "2030-01-27", "--starts", "9:30", "--ends", "11:00"])
    assert result.exit_code == 0, result.output
    workshop = db.session.scalar(select(Workshop))
    assert workshop.plan == "verkostoyhteistyo"
    assert (workshop.starts_at.hour, workshop.starts_at.minute) == (9, 30)
    statements = [p.text for t in workshop.themes for p in t.prompts if p.kind == "statement"]
    assert "Traumaosaaminen on riittämätöntä?" in statements


def test_load_plan_reports_bad_input(app, make_series):
    series = make_series()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["load-plan", "ei-ole", "--series", series.slug,
                                 "--date", "2030-01-27"])
    assert result.exit_code != 0 and "ei-ole" in result.output
    result = runner.invoke(args=["load-plan", "verkostoyhteistyo", "--series", "ei-sarjaa",
                                 "--date", "2030-01-27"])
    assert result.exit_code != 0 and "Tilaisuussarjaa ei löydy." in result.output
    result = runner.invoke(args=["load-plan", "verkostoyhteistyo", "--series", series.slug,
                                 "--date", "2030-01-27"])  # this plan names no times
    assert result.exit_code != 0 and "starts_at" in result.output
    assert db.session.scalar(select(func.count(Workshop.id))) == 0


def test_demo_loads_the_series_once(app):
    runner = app.test_cli_runner()
    # Its published memos keep their links: without the site's address it refuses to guess.
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code == 1 and "Aseta PUBLIC_BASE_URL" in refused.output
    assert db.session.scalar(select(func.count(Series.id))) == 0
    uploads = Path(app.config["UPLOADS_DIR"])
    assert not uploads.exists() or not list(uploads.iterdir())
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert "already loaded" in second.output
    room_links = re.findall(r"(/room/\S+)", second.output)
    assert len(room_links) == 2
    assert app.test_client().get(room_links[1]).status_code == 200  # the latest links work
    series = db.session.scalar(select(Series))
    assert series.title == "Lastensuojelun jälkihuollon johdon vertaisreflektiot"
    days = [w.day.isoformat() for w in series.workshops]
    assert days[:4] == ["2022-09-13", "2022-11-09", "2023-01-27", "2023-03-29"]
    assert len(days) == 5
    march = series.workshops[3]
    organisations = {r.organisation.code for r in march.registrations}
    assert organisations >= {"varsinaissuomi", "satakunta", "pirkanmaa", "pohjanmaa",
                             "pohjoispohjanmaa", "kantahame", "yksityinen", "yee-hanke"}
    tyonkuvat = db.session.scalar(select(Theme).where(
        Theme.workshop_id == march.id, Theme.memo_phrase == "työnkuvista"))
    assert len(tyonkuvat.wishes) == 2
    assert registration_state(series.workshops[-1]) is RegistrationState.OPEN
    # 29.3.2023's eight (seed 002), five at each earlier workshop, three for the upcoming one
    assert db.session.scalar(select(func.count(Registration.id))) == 8 + 3 * 5 + 3
    # every past workshop has a published memo, in every format, on the archive page
    published = db.session.scalars(select(MemoVersion).where(
        MemoVersion.published_at.is_not(None))).all()
    assert sorted(v.workshop.day.isoformat() for v in published) == days[:4]
    assert all(sorted(f.format for f in v.files) == ["docx", "html", "md", "pdf"]
               for v in published)
    march_memo = next(v for v in published if v.workshop_id == march.id).markdown
    assert ("Paikalla oli YEE-hankkeen työntekijöitä sekä edustus Varhan, Satakunnan, "
            "Pirkanmaan, Pohjanmaan, Pohjois-Pohjanmaan ja Kanta-Hämeen hyvinvointialueilta "
            "ja yksityisen toimijan puolelta.") in march_memo
    assert "## Liite 1 " in march_memo
    # 9.11.2022 answered the poll that carries seed 001's national survey's figures
    november_memo = next(v for v in published if v.workshop.day.isoformat() == "2022-11-09")
    assert ("Vertailuksi Kuntakysely 2021 (95 vastausta, kattoi 190 kuntaa eli 65 % "
            "Manner-Suomen kunnista): ”Pääosin hyviä kokemuksia” 60 %, ”Kokemukset vaihdelleet "
            "kunnasta riippuen” 18 % ja ”Ei-toimivaa tai epäselvää” 24 %; nyt vastaavasti 40 %, "
            "40 % ja 20 %.") in " ".join(november_memo.markdown.split())
    # the series' funder's logo, drawn for the demo, is at the foot of every memo
    (logo,) = series.logos
    assert logo.alt_fi == "Euroopan unionin osarahoittama: Vipuvoimaa EU:lta 2014–2020"
    assert logo.alt_sv == "Delfinansierat av Europeiska unionen: Hävstång från EU 2014–2020"
    assert (uploads / logo.stored_as).read_bytes().startswith(b"\x89PNG")
    march_md = next(f for v in published if v.workshop_id == march.id for f in v.files
                    if f.format == "md")
    assert (Path(app.config["EXPORTS_DIR"]) / march_md.path).read_text("utf-8").endswith(
        f"\n![{logo.alt_fi}](http://127.0.0.1:5000/logos/{logo.id})\n")
    # the published files list the earlier memos as published then, at PUBLIC_BASE_URL
    march_file = next(f for v in published if v.workshop_id == march.id for f in v.files
                      if f.format == "md")
    march_md = (Path(app.config["EXPORTS_DIR"]) / march_file.path).read_text("utf-8")
    assert re.search(rf"27\.1\.2023 \(pdf \d+ kt\)\]\(http://127\.0\.0\.1:5000/series/"
                     rf"{series.slug}/memos/2023-01-27\.pdf\)", march_md), march_md
    archive = app.test_client().get(f"/series/{series.slug}").get_data(as_text=True)
    assert archive.count(f"/series/{series.slug}/memos/") == 4 * 4
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Lastensuojelun jälkihuollon johdon vertaisreflektiot" in page


def test_the_demo_carries_actions_from_workshop_to_workshop(app):
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    series = db.session.scalar(select(Series))
    january, march, upcoming = series.workshops[2], series.workshops[3], series.workshops[4]
    memo = {v.workshop_id: v.markdown for v in db.session.scalars(select(MemoVersion).where(
        MemoVersion.published_at.is_not(None)))}
    assert ("Sovitut toimenpiteet:\n\n- Kootaan hyvinvointialueiden käytännöt "
            "jälkihuoltotiedon siirrosta Valviran ohjeen pohjalta (vastuu: YEE-hanke / THL, "
            "määräaika 24.3.2023)") in memo[january.id]
    assert ("Edellisissä tapaamisissa sovittujen toimenpiteiden tilanne:\n\n"
            "- Kootaan hyvinvointialueiden käytännöt jälkihuoltotiedon siirrosta Valviran "
            "ohjeen pohjalta (vastuu: YEE-hanke / THL, sovittu 27.1.2023): valmis\n"
            "- Selvitetään, miten jälkihuollon nuorelle nimetään oma sosiaalityöntekijä "
            "(vastuu: Pirkanmaa ja Varha, sovittu 27.1.2023): kesken") in memo[march.id]
    # the upcoming workshop opens with the review of the two still open
    assert upcoming.themes[0].reviews_actions
    page = app.test_client().get(f"/series/{series.slug}").get_data(as_text=True)
    assert page.count("<tr><td>") == 2
    assert "Selvitetään, miten jälkihuollon nuorelle nimetään oma sosiaalityöntekijä" in page
    assert "Kutsutaan kuntien nuorisopalvelut mukaan syksyn reflektioon" in page
