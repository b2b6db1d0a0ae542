"""A participant downloads what is stored about them and deletes their registration from their
private page, with the keyboard; a coordinator deletes another's on their behalf. axe checks
every page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect

AxeCheck = Callable[[Page], None]


def _press(page: Page, key: str = "Enter") -> None:
    """Press a key on the focused control and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _register(page: Page, invitation: str, name: str, email: str, axe_check: AxeCheck) -> None:
    page.goto(invitation)
    axe_check(page)
    page.get_by_label(re.compile("^Nimi")).fill(name)
    page.get_by_label(re.compile("^Sähköposti")).fill(email)
    page.get_by_label(re.compile("^Organisaatio")).select_option(
        label="Lapin hyvinvointialue (Lapha)")
    page.get_by_role("button", name="Ilmoittaudu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oma ilmoittautuminen")
    axe_check(page)


def test_a_participant_downloads_their_data_and_deletes_their_registration(
        new_page: Callable[[], Page], axe_check: AxeCheck, log_in: Callable[[Page], None],
        visits: Any) -> None:
    coordinator = new_page()
    log_in(coordinator)
    coordinator.get_by_role("link", name="Uusi tilaisuussarja").click()
    axe_check(coordinator)
    coordinator.get_by_label(re.compile("^Nimi")).fill("Tietosuojan vertaisreflektiot")
    coordinator.get_by_role("button", name="Tallenna").click()
    axe_check(coordinator)
    coordinator.get_by_label("Ohjelmapohja").select_option("verkostoyhteistyo")
    coordinator.get_by_label(re.compile("^Päivä")).fill(
        (date.today() + timedelta(days=21)).isoformat())
    coordinator.get_by_label("Alkaa").fill("09:00")
    coordinator.get_by_label("Päättyy").fill("11:00")
    coordinator.get_by_role("button", name="Luo tilaisuus").click()
    expect(coordinator.get_by_text(re.compile(r"klo 9–11"))).to_be_visible()
    axe_check(coordinator)
    coordinator.get_by_role("button", name="Avaa ilmoittautuminen").click()
    invitation = coordinator.get_by_label("Kutsulinkki osallistujille").input_value()
    axe_check(coordinator)
    workshop_page = coordinator.url

    participant = new_page()
    _register(participant, invitation, "Tiina Tietosuoja", "tiina@example.fi", axe_check)
    own_page = participant.url
    expect(participant.get_by_role("region", name="Tietosi")).to_contain_text("90 päivää")

    # The download, from the keyboard: everything stored, as JSON.
    participant.get_by_role("link", name="Lataa tietosi (JSON)").focus()
    with participant.expect_download() as download:
        participant.keyboard.press("Enter")
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["registration"]["name"] == "Tiina Tietosuoja"
    assert data["registration"]["email"] == "tiina@example.fi"
    assert [mail["to_address"] for mail in data["mails"]] == ["tiina@example.fi"]

    # Deleting: a page that says what goes and what stays, then the confirming button.
    participant.get_by_role("link", name="Poista ilmoittautumiseni").focus()
    _press(participant)
    expect(participant.get_by_role("heading", level=1)).to_have_text(
        "Poistetaanko ilmoittautumisesi?")
    expect(participant.get_by_role("region", name="Mitä jää")).to_contain_text("nimettöminä")
    axe_check(participant)
    participant.get_by_role("button", name="Poista ilmoittautumiseni pysyvästi").focus()
    _press(participant)
    expect(participant.get_by_role("heading", level=1)).to_have_text(
        "Ilmoittautumisesi on poistettu")
    axe_check(participant)
    participant.goto(own_page)
    expect(participant.get_by_role("heading", level=1)).to_have_text("Virhe 404")
    axe_check(participant)

    # The coordinator sees an anonymous row, and deletes another's data on their behalf.
    other = new_page()
    _register(other, invitation, "Olli Osallistuja", "olli@example.fi", axe_check)
    coordinator.goto(workshop_page)
    registrations = coordinator.get_by_role("region", name=re.compile("^Ilmoittautuneet"))
    expect(registrations.get_by_role("row").filter(has_text="(tiedot poistettu)")) \
        .to_have_count(1)
    axe_check(coordinator)
    olli = registrations.get_by_role("row").filter(has_text="Olli Osallistuja")
    olli.get_by_role("link", name=re.compile("^Poista: ilmoittautuminen")).focus()
    _press(coordinator)
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text(
        "henkilötiedot?")
    axe_check(coordinator)
    coordinator.get_by_role("button", name="Poista henkilötiedot pysyvästi").focus()
    _press(coordinator)
    expect(coordinator.locator(".flashes").get_by_role("status")).to_contain_text(
        "henkilötiedot poistettiin")
    expect(registrations.get_by_role("row").filter(has_text="(tiedot poistettu)")) \
        .to_have_count(2)
    expect(registrations).not_to_contain_text("Olli")
    axe_check(coordinator)

    visits.assert_all_checked(at_least=12)
