"""The accessibility statement, its feedback form (a refusal, then a message with markup sent
from the keyboard), the coordinators' statement and feedback pages, and the privacy notice
reached from the registration form: each page checked by axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect

AxeCheck = Callable[[Page], None]

SERIES_TITLE = "Saavutettavuustestin sarja"
MARKUP = '<img src=x onerror="alert(1)"> Lomakkeen painike ei saa kohdistusta.'


def _flash(page: Page) -> Any:
    return page.locator(".flashes").get_by_role("status")


def test_statement_feedback_and_privacy_notice(new_page: Callable[[], Page], axe_check: AxeCheck,
                                               log_in: Callable[[Page], None],
                                               visits: Any) -> None:
    coordinator = new_page()
    log_in(coordinator)

    # The statement's data, refused once without its address, then saved from the keyboard.
    coordinator.get_by_role("main").get_by_role(
        "link", name="Saavutettavuusseloste", exact=True).click()
    expect(coordinator.get_by_role("heading", level=1,
                                   name="Saavutettavuusseloste")).to_be_visible()
    axe_check(coordinator)
    coordinator.get_by_label(re.compile("^Vaatimusten täyttyminen")).select_option("partial")
    coordinator.get_by_label(re.compile("^Arvioinnin päivämäärä")).fill(
        (date.today() - timedelta(days=7)).isoformat())
    coordinator.get_by_label(re.compile("^Arvioinnin tekijä")).select_option("self")
    coordinator.get_by_role("button", name="Tallenna ja merkitse tarkistetuksi").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("Kenttä on pakollinen.")
    axe_check(coordinator)
    address = coordinator.get_by_label(re.compile("^Palautteen sähköpostiosoite"))
    address.fill("saavutettavuus@thl.example")
    address.press("Enter")
    expect(_flash(coordinator)).to_contain_text("tallennettiin ja merkittiin tarkistetuksi")
    axe_check(coordinator)
    coordinator.get_by_label(re.compile("^Syy")).select_option("noncompliance")
    coordinator.get_by_label(re.compile("^Kuvaus suomeksi")).fill(
        "Sanapilven sanojen määrät eivät välity ruudunlukijalle.")
    coordinator.get_by_role("button", name="Lisää puute").click()
    expect(_flash(coordinator)).to_contain_text("Puute lisättiin selosteeseen.")
    axe_check(coordinator)

    # A visitor finds the statement from the footer, and its feedback form.
    visitor = new_page()
    visitor.goto("/")
    axe_check(visitor)
    footer_link = visitor.get_by_role("contentinfo").get_by_role(
        "link", name="Saavutettavuusseloste")
    footer_link.focus()
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("heading", level=1, name="Saavutettavuusseloste")).to_be_visible()
    expect(visitor.get_by_text("Sanapilven sanojen määrät")).to_be_visible()
    expect(visitor.get_by_role("heading", level=2, name="Valvontaviranomainen")).to_be_visible()
    axe_check(visitor)
    visitor.get_by_role("link", name="Anna saavutettavuuspalautetta lomakkeella").click()
    expect(visitor.get_by_role("heading", level=1, name="Saavutettavuuspalaute")).to_be_visible()
    axe_check(visitor)

    # Refused without a message, keeping the address; then sent from the keyboard.
    reply = visitor.get_by_label(re.compile("^Sähköpostiosoitteesi"))
    reply.fill("lukija@example.fi")
    visitor.get_by_role("button", name="Lähetä palaute").click()
    expect(visitor.get_by_role("alert")).to_contain_text("Kenttä on pakollinen.")
    expect(visitor.get_by_label(re.compile("^Palaute"))).to_have_attribute(
        "aria-invalid", "true")
    expect(reply).to_have_value("lukija@example.fi")
    axe_check(visitor)
    visitor.get_by_label(re.compile("^Palaute")).focus()
    visitor.keyboard.type(MARKUP)
    visitor.keyboard.press("Tab")
    visitor.keyboard.type("Etusivu")
    visitor.keyboard.press("Enter")
    expect(_flash(visitor)).to_contain_text("Kiitos palautteesta.")
    axe_check(visitor)

    # The coordinator sees it as text, with its age against the 14 days, and answers it.
    coordinator.get_by_role("link", name="Saavutettavuuspalautteet").first.click()
    expect(coordinator.get_by_role("heading", level=1,
                                   name="Saavutettavuuspalautteet")).to_be_visible()
    row = coordinator.get_by_role("row").filter(has_text="Lomakkeen painike")
    expect(row).to_contain_text(MARKUP)  # the markup as text
    assert coordinator.locator("main img").count() == 0
    expect(row).to_contain_text("lukija@example.fi")
    axe_check(coordinator)
    row.get_by_role("button", name=re.compile("^Merkitse vastatuksi")).click()
    expect(_flash(coordinator)).to_contain_text("Palaute merkittiin vastatuksi.")
    expect(coordinator.get_by_role("table").last).to_contain_text("Lomakkeen painike")
    axe_check(coordinator)

    # A series with open registration, and its privacy notice from the registration form.
    coordinator.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Hallinta").click()
    axe_check(coordinator)
    coordinator.get_by_role("link", name="Uusi tilaisuussarja").click()
    axe_check(coordinator)
    coordinator.get_by_label(re.compile("^Nimi")).fill(SERIES_TITLE)
    coordinator.get_by_role("button", name="Tallenna").click()
    axe_check(coordinator)
    coordinator.get_by_role("link", name="Sarjan tietosuojaseloste").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Tietosuojaseloste")
    axe_check(coordinator)
    coordinator.get_by_label("Rekisterinpitäjä ja yhteystiedot").first.fill(
        "Saavutettavuustestin hanke ja THL, hanke@example.fi")
    coordinator.get_by_role("button", name="Tallenna").click()
    expect(_flash(coordinator)).to_contain_text("Tietosuojaselosteen tekstit tallennettiin.")
    axe_check(coordinator)
    coordinator.get_by_role("link", name=SERIES_TITLE).click()
    axe_check(coordinator)
    coordinator.get_by_label("Ohjelmapohja").select_option("johdon-vertaisreflektio")
    coordinator.get_by_label(re.compile("^Päivä")).fill(
        (date.today() + timedelta(days=30)).isoformat())
    coordinator.get_by_role("button", name="Luo tilaisuus").click()
    axe_check(coordinator)
    deadline = (datetime.now() + timedelta(days=3)).replace(hour=16, minute=0)
    coordinator.get_by_label("Takaraja (Suomen aikaa)").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_role("button", name="Avaa ilmoittautuminen", exact=True).click()
    axe_check(coordinator)
    invitation = coordinator.get_by_label("Kutsulinkki osallistujille").input_value()

    visitor.goto(invitation)
    axe_check(visitor)
    visitor.get_by_role("link", name="Lue tietosuojaseloste").click()
    expect(visitor.get_by_role("heading", level=1, name="Tietosuojaseloste")).to_be_visible()
    expect(visitor.get_by_text("Saavutettavuustestin hanke ja THL")).to_be_visible()
    expect(visitor.get_by_role("heading", level=2, name="Sinun oikeutesi")).to_be_visible()
    axe_check(visitor)
    visits.assert_all_checked(at_least=20)
