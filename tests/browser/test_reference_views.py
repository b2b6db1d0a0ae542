"""Reference figures in three browsers: the coordinator enters a national survey's share in the
prompt editor (a wrong one first, refused with the figures kept), and the console, a
participant once results are shown, and the presenter view show it beside today's; axe checks
each view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect
from test_live_room import STATEMENT, THEME, prompt, ready
from test_live_room import workshop as workshop  # noqa: PLC0414  (the fixture, shared)

from facilitate.extensions import db
from facilitate.models import Workshop
from facilitate.room.operations import open_room, set_phase

AxeCheck = Callable[[Page], None]
LINE = "Kuntakysely 2021 (95 vastausta, kattoi 190 kuntaa): samaa mieltä 60 %"


def test_reference_figures_from_the_editor_to_the_shared_screen(
        new_page: Callable[..., Page], workshop: dict[str, Any], log_in: Callable[[Page], None],
        axe_check: AxeCheck, visits: Any) -> None:
    s = db.session
    room_workshop = s.get_one(Workshop, workshop["id"])
    theme = next(t for t in room_workshop.themes if t.title == THEME)

    # The prompt editor, from the keyboard: two shares for a statement are refused.
    editor = new_page()
    log_in(editor)
    editor.goto(f"/manage/workshops/{workshop['id']}/themes/{theme.id}")
    card = editor.locator("li.card").filter(has=editor.locator("textarea", has_text=STATEMENT))
    figures = card.get_by_role("group", name="Vertailuluvut muualta")
    expect(figures).to_be_visible()
    axe_check(editor)
    figures.get_by_label("Lähde").fill("Kuntakysely 2021")
    figures.get_by_label("Vastauksia").fill("95")
    figures.get_by_label("Lisätieto koosta (valinnainen)").fill("kattoi 190 kuntaa")
    figures.get_by_label("Osuudet prosentteina").fill("60\n40")
    figures.get_by_label("Lähde").press("Enter")
    card = editor.locator("li.card").filter(has=editor.locator("textarea", has_text=STATEMENT))
    shares = card.get_by_label("Osuudet prosentteina")
    expect(card.locator(".field-error")).to_have_text(
        "Väitteelle annetaan yksi luku: samaa mieltä olleiden osuus prosentteina.")
    expect(shares).to_have_attribute("aria-invalid", "true")
    expect(shares).to_have_value("60\n40")  # what was typed is kept to correct
    expect(card.get_by_label("Lähde")).to_have_value("Kuntakysely 2021")
    axe_check(editor)
    shares.fill("60")
    card.get_by_label("Lähde").press("Enter")
    expect(editor.get_by_text("Kysymys tallennettiin.")).to_be_visible()
    axe_check(editor)

    # The room on the theme. The console shows the figures at once; Anna answers and sees
    # them only with the results, as the presenter view does once R reveals them.
    open_room(s, room_workshop)
    set_phase(s, room_workshop, "theme", theme)
    s.commit()
    console, anna, screen = new_page(), new_page(), new_page()
    log_in(console)
    console.goto(f"/manage/workshops/{workshop['id']}/room")
    anna.goto(f"/room/{workshop['tokens']['anna']}")
    screen.context.add_cookies(console.context.cookies())
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.goto(f"/present/{workshop['id']}")
    for page in (console, anna, screen):
        ready(page)
    expect(prompt(console, STATEMENT).locator(".reference-results")).to_have_text(
        f"Vertailuluvut muualta:{LINE}")  # before anyone answers, to prepare with
    prompt(anna, STATEMENT).get_by_label("Täysin samaa mieltä").check()
    expect(prompt(console, STATEMENT).get_by_role("table")).to_contain_text("1 vastaus")
    expect(prompt(console, STATEMENT).locator(".reference-results")).to_have_text(
        f"Vertailuluvut muualta:{LINE}")
    expect(prompt(anna, STATEMENT)).not_to_contain_text("Kuntakysely")
    expect(screen.locator(".present-reference")).to_be_hidden()
    axe_check(console)
    screen.keyboard.press("r")
    expect(screen.locator(".present-reference")).to_have_text(f"Vertailuluvut muualta: {LINE}")
    expect(prompt(anna, STATEMENT).locator(".reference-results")).to_contain_text(LINE)
    for page in (screen, anna):
        axe_check(page)
    visits.assert_all_checked(at_least=4)
