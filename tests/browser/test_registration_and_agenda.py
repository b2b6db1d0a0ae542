"""A coordinator and two participants, in a real Chromium: registration, wishes, the agenda.

Every page is found through accessible roles and labels, the key steps are done with the
keyboard, and axe (WCAG 2.1 A/AA) checks every page a test loads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

PLAN = "johdon-vertaisreflektio"
PLAN_TITLE = "Lastensuojelun jälkihuollon johdon vertaisreflektio"
EXISTING_THEME = "Työnkuvat"  # a theme the plan brings
SERIES_TITLE = "Selaintestin vertaisreflektiot"

# Anchored: "Muun organisaation nimi" contains both words too.
NAME = re.compile(r"^Nimi")
ORGANISATION = re.compile(r"^Organisaatio")
VARHA = "Varsinais-Suomen hyvinvointialue (Varha)"
OTHER_ORGANISATION = "Muu organisaatio (kirjoita nimi alle)"

WISH_1 = "Jälkihuollon asiakasmäärät ja mitoitus"
WISH_1_EDITED = "Jälkihuollon asiakasmäärät, mitoitus ja työparit"
WISH_2 = "Ohjaajien ja sosiaalityöntekijöiden työnjako"
WISH_3 = "Yksityisten palveluntuottajien rooli jälkihuollossa"
NEW_THEME = "Mitoitus ja työnjako"

AxeCheck = Callable[[Page], None]
# The conftest's fixtures: Visits (pages loaded, checked or not) and the login.
Visits = Any
Credentials = Any


# --- small helpers ------------------------------------------------------------------------


def flash(page: Page) -> Locator:
    """The page's announced message (copy buttons have status lines of their own)."""
    return page.locator(".flashes").get_by_role("status")


def agenda_headings(page: Page) -> list[str]:
    """The agenda's themes in order, as their h3 headings read."""
    agenda = page.get_by_role("region", name="Ohjelma")
    items = agenda.get_by_role("list").first.locator(":scope > li")
    return [item.get_by_role("heading", level=3).inner_text() for item in items.all()]


def theme_item(page: Page, title: str) -> Locator:
    agenda = page.get_by_role("region", name="Ohjelma")
    return agenda.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=title, exact=True))


def ungrouped(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Ryhmittelemättömät toiveet"))


def press_and_wait(page: Page, key: str) -> None:
    """Press a key on the focused control and wait for the page it submits to."""
    with page.expect_navigation():
        page.keyboard.press(key)


# --- the story ----------------------------------------------------------------------------


def coordinator_prepares_workshop(page: Page, axe_check: AxeCheck,
                                  log_in: Callable[[Page], None]) -> str:
    """a. Log in, create a series, a workshop from a plan, open registration."""
    log_in(page)

    page.get_by_role("link", name="Uusi tilaisuussarja").click()
    expect(page.get_by_role("heading", level=1, name="Uusi tilaisuussarja")).to_be_visible()
    axe_check(page)
    page.get_by_label(NAME).fill(SERIES_TITLE)
    page.get_by_label("Muistion otsikko", exact=True).fill("selaintestin vertaisreflektio")
    page.get_by_label("Järjestäjä").fill("YEE-hanke / THL")
    page.get_by_role("button", name="Tallenna").click()
    expect(flash(page)).to_contain_text("Tilaisuussarja luotiin.")
    axe_check(page)

    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Hallinta").click()
    expect(page.get_by_role("heading", level=1, name="Hallinta")).to_be_visible()
    axe_check(page)
    page.get_by_role("table").get_by_role("link", name=SERIES_TITLE).click()
    expect(page.get_by_role("heading", level=1, name=SERIES_TITLE)).to_be_visible()
    expect(page.get_by_text("Sarjassa ei vielä ole tilaisuuksia.")).to_be_visible()
    axe_check(page)

    day = date.today() + timedelta(days=21)
    page.get_by_label("Ohjelmapohja").select_option(PLAN)
    page.get_by_label("Päivä").fill(day.isoformat())
    page.get_by_role("button", name="Luo tilaisuus").click()
    expect(page.get_by_role("heading", level=1, name=PLAN_TITLE)).to_be_visible()
    expect(flash(page)).to_contain_text("Tilaisuus luotiin.")
    expect(page.get_by_text("Ilmoittautumista ei ole vielä avattu.")).to_be_visible()
    axe_check(page)

    deadline = (datetime.now() + timedelta(days=3)).replace(hour=16, minute=0)
    page.get_by_label("Takaraja (Suomen aikaa)").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Avaa ilmoittautuminen", exact=True).click()
    expect(page.get_by_text("Ilmoittautuminen on auki.", exact=True)).to_be_visible()
    axe_check(page)
    invitation = page.get_by_label("Kutsulinkki osallistujille").input_value()
    assert re.search(r"/invite/[\w-]+$", invitation), invitation
    return invitation


def participant_registers(page: Page, axe_check: AxeCheck, invitation: str,
                          tmp_path: Path) -> str:
    """b. Errors first, then a keyboard-submitted registration; edit a wish; the .ics."""
    page.goto(invitation)
    expect(page.get_by_role("heading", level=1, name=f"Ilmoittautuminen: {PLAN_TITLE}")
           ).to_be_visible()
    axe_check(page)

    # An empty name and a malformed address: the summary and the fields say what is wrong.
    page.get_by_label("Sähköposti").fill("ei-osoite")
    page.get_by_role("button", name="Ilmoittaudu").click()
    summary = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="Korjaa seuraavat kohdat"))
    expect(summary).to_be_visible()
    axe_check(page)
    links = summary.get_by_role("link")
    assert links.count() >= 2, summary.inner_text()
    for link in links.all():
        target = link.get_attribute("href") or ""
        assert target.startswith("#"), target
        expect(page.locator(target)).to_have_count(1)
        link.focus()
        expect(link).to_be_focused()
    name, email = page.get_by_label(NAME), page.get_by_label("Sähköposti")
    for control in (name, email):
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).not_to_have_accessible_description("")
    expect(email).to_have_value("ei-osoite")
    # Following the first link from the keyboard lands on the field it names.
    links.first.focus()
    page.keyboard.press("Enter")
    expect(name).to_be_focused()

    name.fill("Maija Meikäläinen")
    email.fill("maija.meikalainen@varha.fi")
    page.get_by_label(ORGANISATION).select_option(label=VARHA)
    page.get_by_label("Toive 1").fill(WISH_1)
    page.get_by_label("Toive 2").fill(WISH_2)
    page.get_by_label("Toive 2").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Ilmoittaudu")).to_be_focused()
    press_and_wait(page, "Enter")

    expect(page.get_by_role("heading", level=1, name=re.compile("^Oma ilmoittautuminen"))
           ).to_be_visible()
    expect(flash(page)).to_contain_text("ilmoittautumisesi on tallennettu")
    expect(page.get_by_label("Toive 1")).to_have_value(WISH_1)
    expect(page.get_by_label("Toive 2")).to_have_value(WISH_2)
    axe_check(page)
    own_url = page.url.split("#", 1)[0]  # a redirect keeps the form's #fragment

    page.get_by_label("Toive 1").fill(WISH_1_EDITED)
    page.get_by_role("button", name="Tallenna toive 1").click()
    expect(flash(page)).to_contain_text("Toive tallennettiin.")
    expect(page.get_by_label("Toive 1")).to_have_value(WISH_1_EDITED)
    expect(page.get_by_label("Toive 2")).to_have_value(WISH_2)
    axe_check(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Lisää kalenteriin (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    raw = saved.read_bytes()
    assert b"BEGIN:VEVENT" in raw
    event = next(iter(Calendar.from_ical(raw).walk("VEVENT")))
    assert str(event["SUMMARY"]) == f"{SERIES_TITLE}: {PLAN_TITLE}"
    assert page.url.split("#", 1)[0] == own_url  # the download did not leave the page
    return own_url


def second_participant_registers(page: Page, axe_check: AxeCheck, invitation: str) -> None:
    """c. Another organisation, typed in, and one wish."""
    page.goto(invitation)
    expect(page.get_by_role("heading", level=1, name=f"Ilmoittautuminen: {PLAN_TITLE}")
           ).to_be_visible()
    axe_check(page)
    page.get_by_label(NAME).fill("Pekka Palveluntuottaja")
    page.get_by_label("Sähköposti").fill("pekka@palvelu.example.fi")
    page.get_by_label(ORGANISATION).select_option(label=OTHER_ORGANISATION)
    page.get_by_label("Muun organisaation nimi").fill("Nuorten Tuki Oy")
    page.get_by_label("Toive 1").fill(WISH_3)
    page.get_by_role("button", name="Ilmoittaudu").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Oma ilmoittautuminen"))
           ).to_be_visible()
    expect(page.get_by_label("Toive 1")).to_have_value(WISH_3)
    expect(page.get_by_label(ORGANISATION)).to_have_value(re.compile(".+"))
    expect(page.get_by_label(ORGANISATION).locator("option:checked")
           ).to_have_text("Nuorten Tuki Oy")
    axe_check(page)


def coordinator_builds_agenda(page: Page, axe_check: AxeCheck) -> None:
    """d. Group wishes into a new and an existing theme, reorder, return a wish."""
    page.reload()
    expect(page.get_by_role("heading", name="Ilmoittautuneet (2)")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Toiveet ja ohjelma").click()
    expect(page.get_by_role("heading", level=1, name="Toiveet ja ohjelma")).to_be_visible()
    expect(page.get_by_role("heading", name="Ryhmittelemättömät toiveet (3)")).to_be_visible()
    wishes = ungrouped(page)
    for text in (WISH_1_EDITED, WISH_2, WISH_3):
        expect(wishes.get_by_role("checkbox", name=text)).not_to_be_checked()
    axe_check(page)
    themes_before = agenda_headings(page)
    assert EXISTING_THEME in themes_before and NEW_THEME not in themes_before

    # Grouping with nothing ticked is refused, and the refusal is announced.
    page.get_by_role("button", name="Ryhmittele valitut").click()
    expect(page.get_by_role("alert")).not_to_have_text("")
    expect(page.get_by_role("heading", name="Ryhmittelemättömät toiveet (3)")).to_be_visible()
    axe_check(page)
    wishes = ungrouped(page)

    # Tick two wishes and group them under a new theme, all from the keyboard.
    first, second = (wishes.get_by_role("checkbox", name=t) for t in (WISH_1_EDITED, WISH_2))
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    page.keyboard.press("Tab")
    expect(second).to_be_focused()
    page.keyboard.press("Space")
    expect(second).to_be_checked()
    page.keyboard.press("Tab")  # the third wish, left unticked
    expect(wishes.get_by_role("checkbox", name=WISH_3)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Lisää olemassa olevaan teemaan")).to_be_focused()
    page.keyboard.press("Tab")
    new_theme_field = page.get_by_label("…tai luo uusi teema nimellä")
    expect(new_theme_field).to_be_focused()
    page.keyboard.type(NEW_THEME)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Ryhmittele valitut")).to_be_focused()
    press_and_wait(page, "Enter")

    expect(flash(page)).to_contain_text(f"Toiveet lisättiin teemaan ”{NEW_THEME}”")
    assert agenda_headings(page) == [*themes_before, NEW_THEME]
    new_theme = theme_item(page, NEW_THEME)
    expect(new_theme).to_contain_text(WISH_1_EDITED)
    expect(new_theme).to_contain_text(WISH_2)
    expect(page.get_by_role("heading", name="Ryhmittelemättömät toiveet (1)")).to_be_visible()
    axe_check(page)

    # The third wish into a theme the plan brought.
    ungrouped(page).get_by_role("checkbox", name=WISH_3).check()
    page.get_by_label("Lisää olemassa olevaan teemaan").select_option(label=EXISTING_THEME)
    page.get_by_role("button", name="Ryhmittele valitut").click()
    expect(flash(page)).to_contain_text(
        f"Toiveet lisättiin teemaan ”{EXISTING_THEME}”")
    expect(theme_item(page, EXISTING_THEME)).to_contain_text(WISH_3)
    expect(page.get_by_text("Kaikki toiveet on ryhmitelty teemoihin.")).to_be_visible()
    axe_check(page)

    # Move the new theme up two steps with the keyboard, in place: Tab from its edit link to
    # "Siirrä ylös", then Space twice; the focus stays on the button, the page does not load.
    new_theme = theme_item(page, NEW_THEME)
    new_theme.get_by_role("link", name=re.compile("^Muokkaa")).focus()
    page.keyboard.press("Tab")
    up = new_theme.get_by_role("button", name=re.compile("^Siirrä ylös"))
    expect(up).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#agenda-status")).to_have_text(
        f"{NEW_THEME} on nyt kohdassa {len(themes_before)}/{len(themes_before) + 1}.")
    expect(up).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#agenda-status")).to_contain_text(
        f"kohdassa {len(themes_before) - 1}/")
    moved = [*themes_before[:-2], NEW_THEME, *themes_before[-2:]]
    assert agenda_headings(page) == moved
    axe_check(page)
    # Dragged by its handle with the mouse: the last theme to the top, saved as it shows.
    last = theme_item(page, themes_before[-1])
    last.locator(".drag-handle").drag_to(
        page.get_by_role("region", name="Ohjelma").get_by_role("listitem").first,
        target_position={"x": 20, "y": 6})
    expect(page.locator("#agenda-status")).to_contain_text(
        f"{themes_before[-1]} on nyt kohdassa 1/")
    dragged = [themes_before[-1], *[t for t in moved if t != themes_before[-1]]]
    assert agenda_headings(page) == dragged
    page.reload()
    assert agenda_headings(page) == dragged
    axe_check(page)
    # Back to the order the rest of the story expects, one saved step after another.
    first = theme_item(page, themes_before[-1])
    for position in range(2, len(dragged) + 1):
        first.get_by_role("button", name=re.compile("^Siirrä alas")).click()
        expect(page.locator("#agenda-status")).to_contain_text(
            f"{themes_before[-1]} on nyt kohdassa {position}/")
    theme_item(page, NEW_THEME).get_by_role("button", name=re.compile("^Siirrä alas")).click()
    expect(page.locator("#agenda-status")).to_contain_text(f"{NEW_THEME} on nyt kohdassa")
    assert agenda_headings(page) == [*themes_before[:-1], NEW_THEME, themes_before[-1]]
    axe_check(page)

    # Return one wish: it is back among the ungrouped ones.
    wish_row = theme_item(page, NEW_THEME).get_by_role("listitem").filter(has_text=WISH_2)
    wish_row.get_by_role("button", name=re.compile("^Palauta")).click()
    expect(flash(page)).to_contain_text("Toive palautettiin ryhmittelemättömiin.")
    expect(page.get_by_role("heading", name="Ryhmittelemättömät toiveet (1)")).to_be_visible()
    expect(ungrouped(page).get_by_role("checkbox", name=WISH_2)).to_be_visible()
    expect(theme_item(page, NEW_THEME)).not_to_contain_text(WISH_2)
    expect(theme_item(page, NEW_THEME)).to_contain_text(WISH_1_EDITED)
    axe_check(page)


def coordinator_closes_registration(page: Page, axe_check: AxeCheck) -> None:
    """e. (coordinator's half) Close registration from the workshop page."""
    page.get_by_role("link", name=PLAN_TITLE).click()
    expect(page.get_by_role("heading", level=1, name=PLAN_TITLE)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Sulje ilmoittautuminen nyt").click()
    expect(flash(page)).to_contain_text("Ilmoittautuminen suljettiin.")
    expect(page.get_by_text("Ilmoittautuminen on päättynyt.")).to_be_visible()
    axe_check(page)


def participant_sees_closed_page(page: Page, axe_check: AxeCheck, own_url: str) -> None:
    """e. (participant's half) The own page is read-only now."""
    page.goto(own_url)
    expect(page.get_by_role("heading", level=1, name=re.compile("^Oma ilmoittautuminen"))
           ).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Ilmoittautuminen on päättynyt")
           ).to_contain_text("Ilmoittautuminen on päättynyt, joten tietoja ei voi enää muuttaa.")
    main = page.get_by_role("main")
    expect(main).to_contain_text(WISH_1_EDITED)
    expect(main).to_contain_text(WISH_2)
    # Only the personal link's copy button is left; nothing that saves.
    expect(main.get_by_role("button")).to_have_count(1)
    expect(main.get_by_role("button", name=re.compile("^Kopioi"))).to_have_count(1)
    expect(main.get_by_role("combobox")).to_have_count(0)
    expect(page.get_by_label("Toive 1")).to_have_count(0)
    expect(page.get_by_label("Uusi toive")).to_have_count(0)
    textboxes = main.get_by_role("textbox")
    for textbox in textboxes.all():  # only the read-only personal link is left
        expect(textbox).not_to_be_editable()
    expect(textboxes).to_have_count(1)
    axe_check(page)


def test_registration_wishes_and_agenda(new_page: Callable[[], Page], axe_check: AxeCheck,
                                        visits: Visits, log_in: Callable[[Page], None],
                                        tmp_path: Path) -> None:
    coordinator = new_page()
    invitation = coordinator_prepares_workshop(coordinator, axe_check, log_in)

    participant = new_page()
    own_url = participant_registers(participant, axe_check, invitation, tmp_path)
    second_participant_registers(new_page(), axe_check, invitation)

    coordinator_builds_agenda(coordinator, axe_check)
    coordinator_closes_registration(coordinator, axe_check)
    participant_sees_closed_page(participant, axe_check, own_url)

    # f. Every document any of the three browsers loaded was checked by axe.
    visits.assert_all_checked(at_least=20)


# --- the public pages, the login error, the skip link ----------------------------------------


def test_public_pages_login_error_and_skip_link(new_page: Callable[[], Page],
                                                axe_check: AxeCheck, visits: Visits,
                                                log_in: Callable[[Page], None],
                                                coordinator_credentials: Credentials) -> None:
    coordinator = new_page()
    log_in(coordinator)
    coordinator.get_by_role("link", name="Uusi tilaisuussarja").click()
    axe_check(coordinator)
    title = "Julkinen testisarja"
    coordinator.get_by_label(NAME).fill(title)
    coordinator.get_by_label("Järjestäjä").fill("THL")
    coordinator.get_by_label("Sarjan kuvaus", exact=True).fill("Sarjan **kuvaus** muistioihin.")
    coordinator.get_by_label("Yhteystiedot", exact=True).fill("Niina Koordinaattori, THL")
    coordinator.get_by_label("Rahoittajan alatunniste", exact=True).fill("Kestävää kasvua ja työtä")
    coordinator.get_by_role("button", name="Tallenna").click()
    expect(flash(coordinator)).to_contain_text("Tilaisuussarja luotiin.")
    axe_check(coordinator)

    visitor = new_page()
    visitor.goto("/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Vertaisreflektiot ja työpajat")
    axe_check(visitor)

    # Keyboard: the skip link is the first stop and moves focus to the main content.
    visitor.keyboard.press("Tab")
    skip = visitor.get_by_role("link", name="Siirry sisältöön")
    expect(skip).to_be_focused()
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("main")).to_be_focused()

    visitor.get_by_role("link", name=title).click()
    expect(visitor.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(visitor.get_by_text("Uusia tilaisuuksia ei ole vielä ilmoitettu.")).to_be_visible()
    expect(visitor.get_by_role("contentinfo")).to_contain_text("Kestävää kasvua ja työtä")
    axe_check(visitor)

    visitor.goto("/login")
    axe_check(visitor)
    visitor.get_by_label("Sähköposti").fill(coordinator_credentials.email)
    visitor.get_by_label("Salasana").fill("väärä salasana, ei tämä")
    visitor.get_by_role("button", name="Kirjaudu", exact=True).click()
    expect(visitor.get_by_role("alert")).to_have_text("Sähköpostiosoite tai salasana on väärin.")
    expect(visitor.get_by_label("Sähköposti")).to_have_value(coordinator_credentials.email)
    axe_check(visitor)

    visits.assert_all_checked(at_least=7)


