"""The presenter view following a live session: the coordinator runs it from the keyboard,
participants answer and write, and the shared screen's chart and word cloud follow; axe
checks it at a Teams share's two sizes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect
from test_live_room import OPEN_QUESTION, STATEMENT, THEME, prompt, ready
from test_live_room import workshop as workshop  # noqa: PLC0414  (the fixture, shared)

from facilitate.extensions import db
from facilitate.joining import codes
from facilitate.models import Workshop
from facilitate.room.operations import open_room, set_phase

AxeCheck = Callable[[Page], None]


def test_the_presenter_view_follows_the_session(
        new_page: Callable[..., Page], workshop: dict[str, Any], log_in: Callable[[Page], None],
        axe_check: AxeCheck, visits: Any) -> None:
    s = db.session
    room_workshop = s.get_one(Workshop, workshop["id"])
    open_room(s, room_workshop)
    set_phase(s, room_workshop, "opening")
    s.commit()
    join_code = codes.shown(room_workshop.join_code)

    screen = new_page()
    log_in(screen)
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.goto(f"/present/{workshop['id']}")
    ready(screen)
    expect(screen.get_by_role("heading", level=1)).to_have_text(
        "Jälkihuollon johdon vertaisreflektio")
    expect(screen.locator(".join-code")).to_have_text(join_code)
    expect(screen.get_by_role("img", name="QR-koodi liittymissivulle")).to_be_visible()
    axe_check(screen)

    anna, bertta = new_page(), new_page()
    for page, token in ((anna, workshop["tokens"]["anna"]), (bertta, workshop["tokens"]["bertta"])):
        page.goto(f"/room/{token}")
        ready(page)
    expect(screen.locator("#present-presence")).to_contain_text("Paikalla (2)")
    expect(screen.locator("#present-presence")).not_to_contain_text("Anna")  # no names

    # N moves the room from the opening to the first theme, the one with the statement (one
    # press, then waiting for it: pressing on and on could pass it on a slow machine).
    screen.keyboard.press("n")
    expect(screen.get_by_role("heading", level=1)).to_have_text(THEME)
    expect(anna.locator("#room")).not_to_have_attribute("data-theme-id", "")
    expect(anna.get_by_role("heading", level=2, name=THEME)).to_be_visible()
    expect(screen.locator("#present-prompt")).to_have_text(STATEMENT)

    # Answers arrive; the count shows, the distribution only once R reveals it.
    prompt(anna, STATEMENT).get_by_label("Täysin samaa mieltä").check()
    prompt(bertta, STATEMENT).get_by_label("Täysin samaa mieltä").check()
    expect(screen.locator(".present-total")).to_contain_text("2 vastausta.")
    expect(screen.locator(".present-chart")).to_be_hidden()
    axe_check(screen)
    screen.keyboard.press("r")
    expect(screen.locator("#room")).to_have_attribute("data-revealed", "true")
    agree = screen.locator(".present-chart li").filter(has_text="Täysin samaa mieltä")
    expect(agree.locator(".chart-count")).to_have_text("2 (100 %)")
    # a tracked statement: the series' earlier result beside today's
    expect(screen.locator(".present-earlier")).to_have_text(
        "13.9.2022: samaa mieltä 40 % (5 vastaajaa)")
    expect(prompt(anna, STATEMENT).get_by_role("table")).to_contain_text("Tulokset: 2 vastausta")
    # A changed answer moves the bar, with the page standing still.
    box = screen.locator(".present-chart").bounding_box()
    prompt(bertta, STATEMENT).get_by_label("Jokseenkin eri mieltä").check()
    expect(agree.locator(".chart-count")).to_have_text("1 (50 %)")
    assert screen.locator(".present-chart").bounding_box() == box

    # → turns to the open question: its word cloud counts inflected forms together.
    screen.keyboard.press("ArrowRight")
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#present-prompt")).to_have_text(OPEN_QUESTION)
    question = prompt(anna, OPEN_QUESTION)
    for text in ("Kunnat ja hyvinvointialue sopivat työnjaosta.",
                 "Kuntien kanssa tehdään yhteistyötä.", "Kunnilla on omat sosiaalityöntekijät."):
        question.get_by_label("Vastauksesi").fill(text)
        question.get_by_role("button", name="Lähetä").click()
    word = screen.locator("#present-cloud li").filter(has_text="kunta")
    expect(word).to_have_attribute("data-count", "3")
    expect(screen.locator("#present-wall li")).to_have_count(3)
    axe_check(screen)

    # T starts the timer everyone sees; the full-HD share fits without scrolling.
    screen.keyboard.press("t")
    expect(screen.locator("#room-timer")).to_contain_text("Aikaa jäljellä")
    expect(anna.locator("#room-timer")).to_contain_text("Aikaa jäljellä")
    screen.set_viewport_size({"width": 1920, "height": 1080})
    axe_check(screen)
    for size in ((1280, 720), (1920, 1080)):
        screen.set_viewport_size({"width": size[0], "height": size[1]})
        assert screen.evaluate("document.documentElement.scrollHeight") <= size[1]
        assert screen.evaluate("document.documentElement.scrollWidth") <= size[0]
    for page in (anna, bertta):
        axe_check(page)

    # The series page shows the tracked statement over its workshops as a table.
    reader = new_page()
    reader.goto(f"/series/{room_workshop.series.slug}")
    tracked = reader.get_by_role("table", name=STATEMENT)
    expect(tracked.get_by_role("row").filter(has_text="13.9.2022")).to_contain_text("40 %")
    axe_check(reader)
    visits.assert_all_checked(at_least=6)
