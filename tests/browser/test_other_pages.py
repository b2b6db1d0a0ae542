"""The pages the registration walk does not reach, each checked by axe: series editing and its
logos, the theme editor with a validation error, organisations, the room's waiting page, an
error page, and the Swedish interface."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from playwright.sync_api import Page, expect

AxeCheck = Callable[[Page], None]


def _png() -> bytes:
    """A small blue logo."""
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 51, 153)).save(buffer, "PNG")
    return buffer.getvalue()


def test_every_other_page_passes_axe(new_page: Callable[[], Page], axe_check: AxeCheck,
                                     visits: Any, coordinator_credentials: Any) -> None:
    coordinator = new_page()
    coordinator.goto("/login")
    axe_check(coordinator)
    coordinator.get_by_label("Sähköposti").fill(coordinator_credentials.email)
    coordinator.get_by_label("Salasana").fill(coordinator_credentials.password)
    coordinator.get_by_role("button", name="Kirjaudu", exact=True).click()
    axe_check(coordinator)

    # A series, then its edit page, with an error shown.
    coordinator.get_by_role("link", name="Uusi tilaisuussarja").click()
    axe_check(coordinator)
    coordinator.get_by_label(re.compile("^Nimi")).fill("Saavutettavuuden sarja")
    coordinator.get_by_role("button", name="Tallenna").click()
    axe_check(coordinator)
    coordinator.get_by_role("link", name="Muokkaa sarjan tietoja").click()
    axe_check(coordinator)
    coordinator.get_by_label(re.compile("^Nimi")).fill("")
    coordinator.get_by_role("button", name="Tallenna").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("Kenttä on pakollinen.")
    axe_check(coordinator)
    coordinator.get_by_label(re.compile("^Nimi")).fill("Saavutettavuuden sarja")
    coordinator.get_by_role("button", name="Tallenna").click()
    axe_check(coordinator)

    # A funder's logo: refused without its file and text, then added from the keyboard.
    coordinator.get_by_role("button", name="Lisää logo").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("Valitse logon kuvatiedosto.")
    axe_check(coordinator)
    coordinator.get_by_label(re.compile("^Kuvatiedosto")).set_input_files(
        {"name": "eu.png", "mimeType": "image/png", "buffer": _png()})
    alt = "Euroopan unionin osarahoittama: Vipuvoimaa EU:lta 2014–2020"
    coordinator.get_by_label(re.compile("^Vaihtoehtoinen teksti suomeksi")).fill(alt)
    coordinator.get_by_label(re.compile("^Vaihtoehtoinen teksti suomeksi")).press("Enter")
    # listed with its text beside it, the thumbnail itself silent (alt="")
    added = coordinator.locator(".logo-list li").filter(has_text=alt)
    expect(added.locator("img")).to_be_visible()
    assert added.locator("img").evaluate("image => image.naturalWidth") == 120
    axe_check(coordinator)

    # A workshop from a plan that names no times: the form says what is missing.
    coordinator.get_by_label("Ohjelmapohja").select_option("verkostoyhteistyo")
    # Today, in Finnish time: walking in by the code is for the day itself.
    day = datetime.now(ZoneInfo("Europe/Helsinki")).date().isoformat()
    coordinator.get_by_label(re.compile("^Päivä")).fill(day)
    coordinator.get_by_role("button", name="Luo tilaisuus").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("Anna alkamisaika muodossa TT:MM")
    expect(coordinator.get_by_role("alert")).to_contain_text("Anna päättymisaika muodossa TT:MM")
    axe_check(coordinator)
    coordinator.get_by_label("Alkaa").fill("09:30")
    coordinator.get_by_label("Päättyy").fill("11:00")
    coordinator.get_by_role("button", name="Luo tilaisuus").click()
    expect(coordinator.get_by_text(re.compile(r"klo 9\.30–11"))).to_be_visible()
    axe_check(coordinator)
    coordinator.get_by_role("button", name="Avaa ilmoittautuminen").click()
    invitation = coordinator.get_by_label("Kutsulinkki osallistujille").input_value()
    axe_check(coordinator)
    # The day's join code and its QR code; walk-ins allowed from here.
    join_code = coordinator.locator(".join-code").inner_text()
    expect(coordinator.get_by_role("img", name=re.compile("^QR-koodi"))).to_be_visible()
    coordinator.get_by_role("button", name="Salli liittyminen ilmoittautumatta").click()
    expect(coordinator.get_by_role("button", name="Kiellä liittyminen ilmoittautumatta")) \
        .to_be_visible()
    axe_check(coordinator)

    # The workshop's audit log says that registration was opened, and by whom.
    coordinator.get_by_role("link", name="Tapahtumaloki").click()
    expect(coordinator.get_by_role("row").filter(has_text="avasi ilmoittautumisen")) \
        .to_have_count(1)
    axe_check(coordinator)
    coordinator.go_back()
    axe_check(coordinator)

    # The theme editor, with a poll that has too few options.
    coordinator.get_by_role("link", name="Toiveet ja ohjelma").click()
    axe_check(coordinator)
    coordinator.get_by_role("link", name=re.compile("^Muokkaa")).first.click()
    expect(coordinator.get_by_role("heading", level=1, name=re.compile("^Teema:"))).to_be_visible()
    axe_check(coordinator)
    # The options box is only for a poll.
    coordinator.get_by_label("Tyyppi").last.select_option("open")
    expect(coordinator.get_by_label(re.compile("^Vaihtoehdot")).last).to_be_hidden()
    coordinator.get_by_label("Tyyppi").last.select_option("poll")
    expect(coordinator.get_by_label(re.compile("^Vaihtoehdot")).last).to_be_visible()
    coordinator.get_by_label("Teksti").last.fill("Missä yhteistyöstä sovitaan?")
    coordinator.get_by_label(re.compile("^Vaihtoehdot")).last.fill("Vain yksi")
    coordinator.get_by_role("button", name="Lisää kysymys").click()
    expect(coordinator.get_by_text("Äänestyksessä pitää olla 2–12 vaihtoehtoa.")).to_be_visible()
    axe_check(coordinator)

    # Organisations.
    coordinator.goto("/manage/organisations/")
    axe_check(coordinator)
    coordinator.get_by_role("link", name="Yksityinen palveluntuottaja").click()
    expect(coordinator.get_by_label("Ilmaus muistiossa")).to_have_value(
        "yksityisen toimijan puolelta")
    axe_check(coordinator)

    # The coordinator's sign-ins, reached from the header with the keyboard.
    coordinator.get_by_role("link", name="Kirjautumiset").focus()
    coordinator.keyboard.press("Enter")
    expect(coordinator.get_by_role("heading", level=1, name="Kirjautumiset")).to_be_visible()
    expect(coordinator.get_by_role("row").filter(has_text="tämä selain")).to_have_count(1)
    axe_check(coordinator)

    # A participant reaches the room's waiting page from their own page.
    participant = new_page()
    participant.goto(invitation)
    axe_check(participant)
    participant.get_by_label(re.compile("^Nimi")).fill("Saara Saavutettava")
    participant.get_by_label(re.compile("^Sähköposti")).fill("saara@example.fi")
    participant.get_by_label(re.compile("^Organisaatio")).select_option(
        label="Lapin hyvinvointialue (Lapha)")
    participant.get_by_role("button", name="Ilmoittaudu").click()
    axe_check(participant)
    participant.get_by_role("link", name="Tilaisuuden huone").click()
    expect(participant.get_by_role("status")).to_contain_text("huone avautuu")
    axe_check(participant)

    # Someone who did not register joins by the code, typed with the keyboard.
    walk_in = new_page()
    walk_in.goto("/")
    axe_check(walk_in)
    walk_in.get_by_role("link", name="Liity koodilla").click()
    axe_check(walk_in)
    walk_in.get_by_label("Tilaisuuden koodi").fill("XX-1")
    walk_in.keyboard.press("Enter")
    expect(walk_in.get_by_role("alert")).to_contain_text("Koodissa on kuusi merkkiä")
    axe_check(walk_in)
    walk_in.get_by_label("Tilaisuuden koodi").fill(join_code.lower())
    walk_in.keyboard.press("Enter")
    expect(walk_in.get_by_role("heading", level=1)).to_contain_text("Liity:")
    axe_check(walk_in)
    walk_in.get_by_label("Sähköposti, jolla ilmoittauduit").fill("saara@example.fi")
    walk_in.get_by_role("button", name="Lähetä linkkini").click()
    expect(walk_in.locator(".flashes").get_by_role("status")).to_contain_text(
        "Lähetimme osoitteeseen saara@example.fi viestin")
    axe_check(walk_in)
    walk_in.get_by_role("button", name="Liity tilaisuuteen").click()
    expect(walk_in.get_by_role("alert").first).to_contain_text("Korjaa seuraavat kohdat")
    axe_check(walk_in)
    walk_in.get_by_label(re.compile("^Nimi")).fill("Ville Vieras")
    walk_in.get_by_label(re.compile("^Sähköposti$|^Sähköposti \\(")).fill("ville@example.fi")
    walk_in.get_by_label(re.compile("^Organisaatio")).select_option(
        label="Lapin hyvinvointialue (Lapha)")
    walk_in.get_by_role("button", name="Liity tilaisuuteen").click()
    expect(walk_in.get_by_role("status")).to_contain_text("huone avautuu")
    axe_check(walk_in)

    # An error page, and the Swedish interface.
    visitor = new_page()
    visitor.goto("/series/ei-tallaista-sarjaa")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Virhe 404")
    axe_check(visitor)
    visitor.goto("/?lang=sv")
    expect(visitor.locator("html")).to_have_attribute("lang", "sv")
    axe_check(visitor)
    visitor.goto(invitation)
    axe_check(visitor)

    visits.assert_all_checked(at_least=25)
