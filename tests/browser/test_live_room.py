"""A short live session in three browsers: the coordinator's console and two participants (one
on a phone-sized screen), as people would run it. axe checks every view in every state shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from facilitate import create_app
from facilitate.config import TestingConfig
from facilitate.extensions import db
from facilitate.models import Answer, Contribution, Note, NoteRevision, Workshop
from facilitate.plans import get_plan
from facilitate.registration.operations import find_registration, register
from facilitate.room.operations import (
    NOTE_HISTORY_KEPT,
    Actor,
    edit_note,
    open_room,
    set_phase,
)
from facilitate.series.operations import create_series, create_workshop, open_registration
from facilitate.timeutil import now_utc

AxeCheck = Callable[[Page], None]
THEME = "Resurssit ja asiakasmitoitukset"
STATEMENT = "Jokaisella nuorella tulisi olla oma sosiaalityöntekijä."
OPEN_QUESTION = re.compile(r"^Hyvinvointialueilla käytännöt ovat erilaisia")
INJECTION = '<img src=x onerror="alert(1)"><script>alert(2)</script> Kokeilu'


@pytest.fixture
def workshop(live_server: str, live_database_url: str) -> Iterator[dict[str, Any]]:
    """A workshop from the seeds' plan with two registered participants, prepared the way an
    import script would (the registration pages have browser tests of their own)."""
    app = create_app(type("Config", (TestingConfig,), {"DATABASE_URL": live_database_url}))
    with app.app_context():
        s = db.session
        series = create_series(s, {"title": f"Huonetesti {now_utc().timestamp()}"})
        # The series asked the tracked statement before: two of five agreed (40 %).
        earlier = create_workshop(s, series, {
            "title": "Edellinen vertaisreflektio", "day": date(2022, 9, 13),
            "starts_at": time(14), "ends_at": time(16)}, plan=get_plan("johdon-vertaisreflektio"))
        open_registration(s, earlier, now_utc() + timedelta(hours=12))
        asked = next(p for theme in earlier.themes for p in theme.prompts if p.text == STATEMENT)
        for index, value in enumerate((5, 4, 3, 2, 1)):
            registration = register(s, earlier, {
                "name": f"Aiempi {index}", "email": f"aiempi{index}@example.fi",
                "organisation": "lappi", "wishes": []}).registration
            s.add(Answer(prompt_id=asked.id, registration_id=registration.id, value=value))
        workshop = create_workshop(s, series, {
            "title": "Jälkihuollon johdon vertaisreflektio",
            "day": date.today() + timedelta(days=1), "starts_at": time(14),
            "ends_at": time(16), "format": "Teams-keskustelu"},
            plan=get_plan("johdon-vertaisreflektio"))
        open_registration(s, workshop, now_utc() + timedelta(hours=12))
        people = {}
        for name, county in (("Anna Aalto", "varsinaissuomi"), ("Bertta Berg", "satakunta")):
            token = register(s, workshop, {
                "name": name, "email": f"{name.split()[0].lower()}@example.fi",
                "organisation": county, "wishes": []}).token
            people[name.split()[0].lower()] = token
        s.commit()
        yield {"id": workshop.id, "tokens": people}
        db.session.remove()
    db.dispose()


def ready(page: Page) -> None:
    expect(page.locator("#room")).to_have_attribute("data-ready", "true")
    expect(page.locator("#room-connection")).to_have_attribute("data-state", "online")


def prompt(page: Page, text: str | re.Pattern[str]) -> Locator:
    return page.get_by_role("region", name=text)


def contribution(page: Page, text: str) -> Locator:
    return page.locator("li.contribution").filter(has_text=text)


def test_a_short_live_session_end_to_end(
        new_page: Callable[..., Page], workshop: dict[str, Any], log_in: Callable[[Page], None],
        axe_check: AxeCheck, visits: Any, browser: Any, live_server: str) -> None:
    dialogs: list[str] = []

    # The coordinator logs in and opens the console.
    console = new_page()
    log_in(console)
    console.goto(f"/manage/workshops/{workshop['id']}/room")
    ready(console)
    expect(console.get_by_role("heading", level=1)).to_contain_text("Huoneen ohjaus")
    axe_check(console)

    # Anna joins on a phone, Bertta on a laptop: the room is not open yet.
    phone = browser.new_context(base_url=live_server, locale="fi-FI",
                                viewport={"width": 360, "height": 740})
    phone.set_default_timeout(10_000)
    anna = phone.new_page()
    visits.watch(anna)
    bertta = new_page()
    for page, token in ((anna, workshop["tokens"]["anna"]), (bertta, workshop["tokens"]["bertta"])):
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"/room/{token}")
        ready(page)
        expect(page.locator("#room-notice")).to_contain_text("Huone ei ole vielä auki")
        axe_check(page)

    # 14:00: she opens the room (with the keyboard) and moves to the first theme.
    console.get_by_role("button", name="Avaa huone", exact=True).focus()
    console.keyboard.press("Enter")
    expect(anna.locator("#room")).to_have_attribute("data-status", "open")
    console.get_by_role("button", name=THEME, exact=True).click()
    for page in (anna, bertta):
        expect(page.get_by_role("heading", level=2, name=THEME)).to_be_visible()
    expect(console.get_by_role("button", name=THEME, exact=True)).to_have_attribute(
        "aria-current", "true")
    # The console puts the current theme first, under the steps pinned at the top, with a
    # jump list to every theme.
    expect(console.locator("#console-themes > *").first.get_by_role("heading", level=3)) \
        .to_contain_text(THEME)
    expect(console.locator("#console-jump").get_by_role("link", name=THEME)) \
        .to_have_attribute("aria-current", "true")
    assert console.locator(".console-sticky").evaluate(
        "e => getComputedStyle(e).position") == "sticky"
    # Both participants are present, by organisation.
    expect(console.locator("#room-presence")).to_contain_text("Varsinais-Suomen")
    expect(console.locator("#room-presence")).to_contain_text("Satakunnan")

    # Anna writes a contribution, and tries what a script would do.
    question = prompt(anna, OPEN_QUESTION)
    answer = question.get_by_label("Vastauksesi")
    answer.fill("Meillä jokaisella nuorella on nimetty sosiaalityöntekijä.")
    question.get_by_role("button", name="Lähetä").click()
    answer.fill(INJECTION)
    answer.press("Tab")
    anna.keyboard.press("Enter")  # the focus is on "Lähetä"
    for page in (bertta, console):
        expect(contribution(page, "nimetty sosiaalityöntekijä")).to_be_visible()
        expect(contribution(page, "Kokeilu")).to_contain_text('<script>alert(2)</script>')
    expect(contribution(console, "nimetty sosiaalityöntekijä")).to_contain_text("Anna Aalto")
    expect(contribution(bertta, "nimetty sosiaalityöntekijä")).not_to_contain_text("Anna Aalto")
    assert bertta.locator("#room-now script, #room-now img").count() == 0

    # Bertta upvotes it; Anna sees the count.
    upvote = contribution(bertta, "nimetty sosiaalityöntekijä").get_by_role("button",
                                                                          name="Kannatan")
    upvote.click()
    expect(upvote).to_have_attribute("aria-pressed", "true")
    expect(contribution(anna, "nimetty sosiaalityöntekijä")).to_contain_text("1 kannatus")

    # Both take a stand on the statement; the chart appears once the coordinator shows it.
    prompt(anna, STATEMENT).get_by_label("Täysin samaa mieltä").check()
    prompt(bertta, STATEMENT).get_by_label("Jokseenkin eri mieltä").check()
    expect(prompt(anna, STATEMENT)).to_contain_text(
        "Tulokset näytetään, kun koordinaattori julkaisee ne.")
    results = prompt(console, STATEMENT).get_by_role("table")
    expect(results).to_contain_text("2 vastausta")
    prompt(console, STATEMENT).get_by_role("button",
                                           name="Näytä tulokset osallistujille").click()
    for page in (anna, bertta):
        table = prompt(page, STATEMENT).get_by_role("table")
        expect(table).to_contain_text("Tulokset: 2 vastausta")
        expect(table.get_by_role("row", name=re.compile("Täysin samaa mieltä"))).to_contain_text(
            "1 (50 %)")

    # Bertta becomes a note-taker and writes; everyone sees the notes as she types.
    console.get_by_label("Kirjuri: Bertta Berg").check()
    notes = bertta.get_by_label("Muistiinpanot (Markdown)")
    expect(notes).to_be_editable()
    notes.click()
    notes.press_sequentially("**Yhteenveto:** mitoitus puuttuu lainsäädännöstä.", delay=15)
    for page in (anna, console):
        note = page.locator(".note-html").filter(has_text="mitoitus puuttuu lainsäädännöstä.")
        expect(note.locator("strong")).to_have_text("Yhteenveto:")
    expect(bertta.locator(".note-state")).to_contain_text("Tallennettu.")

    # On the phone the current step comes first: agenda and presence wait folded below it
    # (the agreed actions too, when there are some), and no announcement lies over the send
    # button.
    folds = anna.locator("details.room-fold:visible")
    expect(folds).to_have_count(2)
    for index in range(2):
        expect(folds.nth(index)).not_to_have_attribute("open", "")
    assert anna.locator("#room-live").evaluate("e => getComputedStyle(e).position") == "static"
    send = prompt(anna, OPEN_QUESTION).get_by_role("button", name="Lähetä")
    send.scroll_into_view_if_needed()
    assert send.evaluate("""button => {
        const box = button.getBoundingClientRect();
        return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === button;
    }""")
    folds.first.locator("summary").click()
    expect(anna.locator("#room-agenda")).to_contain_text(THEME)

    # Every view, with all of this on it, passes axe; the phone needs no sideways scrolling.
    for page in (console, anna, bertta):
        axe_check(page)
    assert anna.evaluate("document.documentElement.scrollWidth") <= 360
    assert dialogs == []  # nothing the participants wrote ever ran
    phone.close()
    visits.assert_all_checked(at_least=4)


def test_a_contribution_written_offline_arrives_once_when_the_network_returns(
        new_page: Callable[..., Page], workshop: dict[str, Any], axe_check: AxeCheck,
        visits: Any) -> None:
    s = db.session
    room_workshop = s.get_one(Workshop, workshop["id"])
    open_room(s, room_workshop)
    set_phase(s, room_workshop, "theme",
              next(theme for theme in room_workshop.themes if theme.title == THEME))
    s.commit()
    anna, bertta = new_page(), new_page()
    for page, token in ((anna, workshop["tokens"]["anna"]), (bertta, workshop["tokens"]["bertta"])):
        page.goto(f"/room/{token}")
        ready(page)

    # Anna's network drops (the browser knows it): the page says so at once.
    anna.context.set_offline(True)
    expect(anna.locator("#room-connection")).to_have_attribute("data-state", "offline")
    question = prompt(anna, OPEN_QUESTION)
    question.get_by_label("Vastauksesi").fill("Kirjoitettu junassa ilman verkkoa.")
    question.get_by_role("button", name="Lähetä").click()
    expect(question.get_by_label("Vastauksesi")).to_have_value("")  # kept, waiting to be sent
    axe_check(anna)
    anna.wait_for_timeout(1500)
    expect(contribution(bertta, "ilman verkkoa")).to_have_count(0)

    # The network returns: the room reconnects by itself and the contribution arrives, once.
    anna.context.set_offline(False)
    expect(anna.locator("#room-connection")).to_have_attribute("data-state", "online")
    expect(contribution(bertta, "ilman verkkoa")).to_have_count(1)
    expect(contribution(anna, "ilman verkkoa")).to_have_count(1)
    anna.reload()
    ready(anna)
    expect(contribution(anna, "ilman verkkoa")).to_have_count(1)
    s.expire_all()
    assert s.scalar(select(func.count()).select_from(Contribution).where(
        Contribution.workshop_id == workshop["id"])) == 1
    axe_check(anna)
    axe_check(bertta)
    visits.assert_all_checked(at_least=2)


def test_a_refusal_that_passes_is_tried_again_until_the_room_lets_the_person_in(
        new_page: Callable[..., Page], workshop: dict[str, Any], live_server: str) -> None:
    from room_client import RoomClient

    from facilitate.room.operations import CONNECTIONS_PER_PERSON

    s = db.session
    open_room(s, s.get_one(Workshop, workshop["id"]))
    s.commit()
    token = workshop["tokens"]["anna"]
    tabs = [RoomClient(live_server, {"token": token}).connect()
            for _ in range(CONNECTIONS_PER_PERSON)]
    try:
        page = new_page()
        page.goto(f"/room/{token}")
        status = page.locator("#room-connection")
        expect(status).to_contain_text("Liian monta avointa yhteyttä samalla linkillä.")
        expect(status).to_have_attribute("data-state", "offline")  # not given up
        tabs.pop().disconnect()
        expect(status).to_have_attribute("data-state", "online", timeout=15000)
    finally:
        for tab in tabs:
            tab.disconnect()


@pytest.mark.parametrize("composing", [False, True], ids=["typing", "ime-composition"])
def test_notes_typed_offline_survive_an_absence_longer_than_the_kept_history(
        new_page: Callable[..., Page], workshop: dict[str, Any], axe_check: AxeCheck,
        visits: Any, composing: bool) -> None:
    s = db.session
    room_workshop = s.get_one(Workshop, workshop["id"])
    theme = next(theme for theme in room_workshop.themes if theme.title == THEME)
    open_room(s, room_workshop)
    set_phase(s, room_workshop, "theme", theme)
    anna = find_registration(s, workshop["tokens"]["anna"])
    for token in workshop["tokens"].values():
        find_registration(s, token).is_note_taker = True
    s.commit()
    bertta = new_page()
    bertta.goto(f"/room/{workshop['tokens']['bertta']}")
    ready(bertta)
    notes = bertta.get_by_label("Muistiinpanot (Markdown)")
    notes.click()
    notes.press_sequentially("Bertta aloitti. ", delay=10)
    expect(bertta.locator(".note-state")).to_contain_text("Tallennettu.")

    # Bertta's network drops and she writes on; meanwhile Anna makes more edits than the
    # server keeps, so Bertta's client can no longer be given the edits it missed.
    bertta.context.set_offline(True)
    expect(bertta.locator("#room-connection")).to_have_attribute("data-state", "offline")
    notes.press_sequentially("Kirjoitettu ilman verkkoa.", delay=10)
    if composing:  # an input method (e.g. for a diacritic) is composing as the network returns
        notes.dispatch_event("compositionstart")
    actor = Actor(workshop_id=room_workshop.id, registration_id=anna.id)
    edits = NOTE_HISTORY_KEPT + 20
    for index in range(edits):
        note = s.scalar(select(Note).where(Note.theme_id == theme.id))
        assert note is not None
        edit_note(s, actor, theme.id, note.version, [f"a{index} ", len(note.text)],
                  f"anna-edit-{index:04d}")
    s.commit()

    # Back online: her client takes the note as it is now and sends what she wrote on top.
    sent: list[str] = []
    bertta.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(
        frame if isinstance(frame, str) else "")))
    bertta.context.set_offline(False)
    expect(bertta.locator("#room-connection")).to_have_attribute("data-state", "online")
    if composing:
        bertta.wait_for_timeout(1500)
        edits_sent = sum('"note.edit"' in frame for frame in sent)
        assert edits_sent <= 1, f"{edits_sent} edits sent during the composition"
        notes.dispatch_event("compositionend")
    annas = "".join(f"a{index} " for index in reversed(range(edits)))
    expected = f"{annas}Bertta aloitti. Kirjoitettu ilman verkkoa."
    expect(notes).to_have_value(expected)
    expect(bertta.locator(".note-state")).to_contain_text("Tallennettu.")
    s.expire_all()
    note = s.scalar(select(Note).where(Note.theme_id == theme.id))
    assert note is not None and note.text == expected
    assert s.scalar(select(func.count()).select_from(NoteRevision).where(
        NoteRevision.note_id == note.id)) == NOTE_HISTORY_KEPT
    axe_check(bertta)
    visits.assert_all_checked(at_least=1)
