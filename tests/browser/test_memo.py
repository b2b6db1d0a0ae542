"""The memo in a browser: the coordinator edits the compiled draft with its live preview,
publishes it, and a reader downloads every format from the series' archive page."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from docx import Document as DocxDocument
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from facilitate import create_app
from facilitate.config import TestingConfig
from facilitate.extensions import db
from facilitate.models import Note
from facilitate.plans import get_plan
from facilitate.registration.operations import register
from facilitate.series.operations import create_series, create_workshop, open_registration
from facilitate.timeutil import now_utc

AxeCheck = Callable[[Page], None]
Visits = Any  # conftest.Visits: the pages a test loaded, and whether axe checked them
ADDED = "Sovittiin, että seuraavaksi kootaan alueiden mitoitusluvut."
ATTACHMENT_TITLE = "Jälkihuollon tehtävänkuvat (luonnos)"
ATTACHMENT_BODY = "Sosiaalityöntekijän tehtävät kootaan alueittain."


@pytest.fixture
def past_workshop(live_server: str, live_database_url: str) -> Iterator[dict[str, Any]]:
    """Yesterday's workshop: two leaders attended, notes under every theme but one."""
    app = create_app(type("Config", (TestingConfig,), {"DATABASE_URL": live_database_url}))
    with app.app_context():
        s = db.session
        series = create_series(s, {
            "title": f"Muistiotesti {now_utc().timestamp()}",
            "memo_title": "valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio"})
        day = date.today() - timedelta(days=1)
        workshop = create_workshop(s, series, {
            "title": "Jälkihuollon johdon vertaisreflektio", "day": day,
            "starts_at": time(14), "ends_at": time(16), "format": "Teams-keskustelu"},
            plan=get_plan("johdon-vertaisreflektio"))
        opened = now_utc() - timedelta(days=10)
        open_registration(s, workshop, opened + timedelta(days=5), now=opened)
        for name, county in (("Anna Aalto", "varsinaissuomi"), ("Bertta Berg", "satakunta")):
            registration = register(s, workshop, {
                "name": name, "email": f"{name.split()[0].lower()}@example.fi",
                "organisation": county, "wishes": []}, now=opened + timedelta(days=1)).registration
            registration.attended_at = now_utc()
        # the first theme was brought up in the room, but nobody wrote notes on it
        workshop.themes[0].opened_at = now_utc()
        for theme in workshop.themes[1:]:
            s.add(Note(theme_id=theme.id, text=f"Muistiinpano: {theme.title}.", version=1))
        s.commit()
        yield {"id": workshop.id, "slug": series.slug, "day": day,
               "first_theme": workshop.themes[0].memo_phrase}
        db.session.remove()
    db.dispose()


def test_edit_publish_and_download_every_format(
        new_page: Callable[..., Page], past_workshop: dict[str, Any],
        log_in: Callable[[Page], None], axe_check: AxeCheck) -> None:
    editor = new_page()
    log_in(editor)
    editor.goto(f"/manage/workshops/{past_workshop['id']}/memo")
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Muistio")
    source = editor.get_by_label("Muistio (Markdown)")
    preview = editor.locator("#memo-preview")
    expect(preview.get_by_role("heading", level=2)).to_contain_text(
        "Muistio: valtakunnallinen lastensuojelun")
    expect(preview).to_contain_text("Varhan ja Satakunnan hyvinvointialueilta")
    # The first theme has no notes: the draft says what is missing, and publishing waits.
    expect(editor.locator("#memo-placeholders")).to_be_visible()
    axe_check(editor)

    editor.get_by_role("button", name="Julkaise versio 1").click()
    expect(editor.locator("#publish-error")).to_contain_text("täydennettävää")
    axe_check(editor)

    # She fills the gap; the preview follows her typing, sanitised.
    text = source.input_value()
    filled = re.sub(r"\[\[TÄYDENNÄ:[^\]]*\]\]", ADDED, text)
    source.fill(filled + "\n<img src=x onerror=alert(1)>\n")
    expect(preview).to_contain_text(ADDED)
    expect(editor.locator("#memo-placeholders")).to_be_hidden()
    assert preview.locator("img").count() == 0
    editor.get_by_label("Muutoksen kuvaus (valinnainen)").fill("Täydennetty")
    editor.get_by_role("button", name="Tallenna uusi versio").click()
    expect(editor.locator(".flash-success")).to_contain_text("Versio 2 tallennettiin")

    # Compare the compiled draft with her version.
    editor.get_by_role("button", name="Vertaa versioita").click()
    expect(editor.locator("ins").first).to_be_visible()
    expect(editor.get_by_role("table")).to_contain_text(ADDED)
    axe_check(editor)
    editor.go_back()

    editor.get_by_role("button", name="Julkaise versio 2").focus()
    editor.keyboard.press("Enter")
    expect(editor.locator(".flash-success")).to_contain_text("Versio 2 julkaistiin")
    axe_check(editor)

    # A reader (no login) finds the memo on the series' archive page.
    reader = new_page()
    reader.goto(f"/series/{past_workshop['slug']}")
    axe_check(reader)
    files = reader.locator(".memo-files")
    expect(files.get_by_role("link")).to_have_count(4)
    expect(files).to_contain_text("(pdf ")
    downloaded: dict[str, bytes] = {}
    for fmt in ("PDF", "DOCX", "MD"):
        with reader.expect_download() as info:
            files.get_by_role("link", name=re.compile(rf"^{fmt}\b")).click()
        download = info.value
        assert download.suggested_filename.endswith(
            f"{past_workshop['day'].isoformat()}-v2.{fmt.lower()}")
        with open(download.path(), "rb") as handle:
            downloaded[fmt] = handle.read()
    files.get_by_role("link", name=re.compile(r"^HTML\b")).click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("Muistio:")
    expect(reader.locator("body")).to_contain_text(ADDED)
    axe_check(reader)

    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(downloaded["PDF"])).pages)
    assert ADDED.split(",")[0] in " ".join(pdf_text.split())
    docx_text = "\n".join(p.text for p in DocxDocument(io.BytesIO(downloaded["DOCX"])).paragraphs)
    assert ADDED in docx_text
    markdown = downloaded["MD"].decode()
    assert ADDED in markdown and "Varhan ja Satakunnan hyvinvointialueilta" in markdown

    # The Swedish version: generated in Swedish, the Finnish texts left to translate.
    editor.get_by_role("navigation", name="Muistion kieli").get_by_role(
        "link", name="Ruotsiksi").click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("(Ruotsiksi)")
    expect(editor.locator("#memo-preview")).to_contain_text(
        "Närvarande var företrädare för Egentliga Finlands och Satakunta välfärdsområden.")
    expect(editor.get_by_label("Muistio (Markdown)")).to_have_attribute("lang", "sv")
    expect(editor.locator("#memo-placeholders")).to_be_visible()
    axe_check(editor)
    editor.get_by_role("button", name="Julkaise versio 1").click()
    expect(editor.locator("#publish-error")).to_contain_text("på svenska")
    axe_check(editor)


def test_attachments_are_managed_and_reach_the_memo_compiled_again(
        new_page: Callable[..., Page], past_workshop: dict[str, Any],
        log_in: Callable[[Page], None], axe_check: AxeCheck, visits: Visits) -> None:
    page = new_page()
    log_in(page)
    page.goto(f"/manage/workshops/{past_workshop['id']}/memo")
    axe_check(page)
    page.get_by_role("link", name="Liitteet", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Muistion liitteet")
    expect(page.get_by_role("main")).to_contain_text("Muistiossa ei ole vielä liitteitä.")
    axe_check(page)

    # A missing title: the message sits by the field and the typed text is kept.
    new = page.get_by_role("region", name="Uusi liite")
    new.get_by_label("Teksti (Markdown, valinnainen)").fill(ATTACHMENT_BODY)
    new.get_by_role("button", name="Lisää liite").click()
    expect(page.locator("#error-summary")).to_contain_text("Kenttä on pakollinen.")
    title = new.get_by_label("Otsikko")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_attribute("aria-describedby", "new-title-error")
    expect(new.get_by_label("Teksti (Markdown, valinnainen)")).to_have_value(ATTACHMENT_BODY)
    axe_check(page)

    for name in (ATTACHMENT_TITLE, "Yhteystiedot"):
        new.get_by_label("Otsikko").fill(name)
        new.get_by_role("button", name="Lisää liite").click()
        expect(page.locator(".flash-success")).to_contain_text(f"Liite ”{name}” lisättiin.")
        axe_check(page)
    attachments = page.get_by_role("region", name="Liitteet")
    expect(attachments.get_by_role("heading", level=3)).to_have_text(
        [f"Liite 1: {ATTACHMENT_TITLE}", "Liite 2: Yhteystiedot"])

    # Keyboard only: the second moves up.
    attachments.get_by_role("button", name="Siirrä ylös liite 2").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("on nyt liite 1.")
    expect(attachments.get_by_role("heading", level=3)).to_have_text(
        ["Liite 1: Yhteystiedot", f"Liite 2: {ATTACHMENT_TITLE}"])
    axe_check(page)

    # Deleting asks first; declining keeps it, accepting removes it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    attachments.get_by_role("button", name="Poista liite 1").click()
    expect(attachments.get_by_role("heading", level=3)).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    attachments.get_by_role("button", name="Poista liite 1").click()
    expect(page.locator(".flash-success")).to_contain_text("Liite ”Yhteystiedot” poistettiin.")
    expect(attachments.get_by_role("heading", level=3)).to_have_text(
        [f"Liite 1: {ATTACHMENT_TITLE}"])
    axe_check(page)

    page.get_by_role("link", name="Takaisin muistioon").click()
    preview = page.locator("#memo-preview")
    expect(preview).not_to_contain_text(ATTACHMENT_TITLE)  # the draft waits for a recompile
    axe_check(page)
    page.get_by_role("button", name="Kokoa uudelleen tilaisuuden tiedoista").click()
    expect(page.locator(".flash-success")).to_contain_text("koottiin uudelleen versioksi 2")
    expect(preview.get_by_role("heading", name=f"Liite 1 {ATTACHMENT_TITLE}")).to_be_visible()
    expect(preview).to_contain_text(ATTACHMENT_BODY)
    axe_check(page)
    visits.assert_all_checked(at_least=10)


@pytest.fixture
def wished_workshop(past_workshop: dict[str, Any], live_database_url: str) -> dict[str, Any]:
    """Yesterday's workshop with a wish grouped into its second theme, and one left over."""
    from facilitate.agenda.operations import group_wishes
    from facilitate.models import Workshop

    app = create_app(type("Config", (TestingConfig,), {"DATABASE_URL": live_database_url}))
    with app.app_context():
        s = db.session
        workshop = s.get_one(Workshop, past_workshop["id"])
        registered = register(s, workshop, {
            "name": "Wilma Toivonen", "email": "wilma@example.fi", "organisation": "pirkanmaa",
            "wishes": [WISH, "Kilpailutukset"]}, now=now_utc() - timedelta(days=8)).registration
        theme = workshop.themes[1]
        group_wishes(s, workshop, [registered.wishes[0].id], theme_id=theme.id)
        s.commit()
        phrase = theme.memo_phrase or theme.title.lower()
        db.session.remove()
    return past_workshop | {"phrase": phrase}


WISH = "Nivelvaiheet ja jälkihuollon päättyminen"


def test_the_editor_shows_where_each_paragraph_came_from(
        new_page: Callable[..., Page], wished_workshop: dict[str, Any],
        log_in: Callable[[Page], None], axe_check: AxeCheck) -> None:
    page = new_page()
    log_in(page)
    page.goto(f"/manage/workshops/{wished_workshop['id']}/memo")
    sources = page.locator("#memo-sources")
    expect(page.get_by_role("heading", name="Mistä kappaleet on koottu")).to_be_visible()
    summary = sources.locator("summary", has_text="1 toive, muistiinpanot")
    expect(summary).to_have_count(1)
    expect(sources.get_by_text(WISH)).to_be_hidden()
    # Keyboard only: the summary opens its list of what the paragraph was built from.
    summary.focus()
    page.keyboard.press("Enter")
    expect(sources.get_by_text(WISH)).to_be_visible()
    expect(sources).to_contain_text("Pirkanmaan hyvinvointialue")
    axe_check(page)

    # She rewrites the theme's sentence; the marker stays with it and so do its sources.
    source = page.get_by_label("Muistio (Markdown)")
    text = source.input_value()
    rewritten = re.sub(r"Ennakkotoiveen pohjalta \*\*[^*]+\*\*\.", "Toiveesta puhuttiin.", text,
                       count=1)
    assert rewritten != text
    filled = re.sub(r"\[\[TÄYDENNÄ:[^\]]*\]\]", ADDED, rewritten)
    source.fill(filled)
    expect(page.locator("#memo-preview")).to_contain_text("Toiveesta puhuttiin.")
    expect(sources.locator("summary", has_text="1 toive, muistiinpanot")).to_contain_text(
        "Toiveesta puhuttiin.")
    page.get_by_role("button", name="Tallenna uusi versio").click()
    expect(page.locator(".flash-success")).to_contain_text("Versio 2 tallennettiin")
    expect(sources.locator("summary", has_text="1 toive, muistiinpanot")).to_have_count(1)
    axe_check(page)

    # Published with the wishes appendix, chosen from the keyboard; no marker in the file.
    page.get_by_label("Liitä muistioon ennakkotoiveet (nimettöminä, organisaatioittain)").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Julkaise versio 2").click()
    expect(page.locator(".flash-success")).to_contain_text("Versio 2 julkaistiin")
    axe_check(page)
    day = wished_workshop["day"].isoformat()
    markdown = page.request.get(f"/series/{wished_workshop['slug']}/memos/{day}.md").text()
    assert "## Liite 1 Ennakkotoiveet" in markdown and f"- {WISH}" in markdown
    assert "<!--" not in markdown and "Wilma" not in markdown
