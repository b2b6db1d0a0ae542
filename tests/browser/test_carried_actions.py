"""Agreed actions carried across a series, in a browser: the next workshop's agenda offers the
wishes the last one did not get to, its console reviews the action the last one agreed and
records a new one (refusing one without an owner or with a past date), a participant sees
both, and the series page lists what is still open. axe checks every view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import time, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from facilitate import create_app
from facilitate.actions.operations import add_action, today_in_finland
from facilitate.config import TestingConfig
from facilitate.extensions import db
from facilitate.models import MemoVersion
from facilitate.registration.operations import register
from facilitate.room.operations import close_room, open_room
from facilitate.series.operations import create_series, create_workshop, open_registration
from facilitate.timeutil import local_datetime, now_utc

AxeCheck = Callable[[Page], None]
EARLIER_ACTION = "Kootaan jälkihuollon työnkuvaukset yhteen"
LEFT_OVER_WISH = "Rahoituksen jatkuvuus hankkeen jälkeen"
KEY_SENTENCE = "Keskusteltiin **työnkuvista**. Pirkanmaalla on kaksi työntekijää."


@pytest.fixture
def series(live_server: str, live_database_url: str) -> Iterator[dict[str, Any]]:
    """A series whose last workshop (held two months ago) agreed an action and left a wish
    undiscussed, and whose next workshop, tomorrow, has one registered participant."""
    app = create_app(type("Config", (TestingConfig,), {"DATABASE_URL": live_database_url}))
    today = today_in_finland()
    with app.app_context():
        s = db.session
        series = create_series(s, {"title": f"Toimenpidetesti {now_utc().timestamp()}"})
        earlier = create_workshop(s, series, {
            "title": "Edellinen reflektio", "day": today - timedelta(days=60),
            "starts_at": time(14), "ends_at": time(16)})
        open_registration(s, earlier, now_utc() + timedelta(hours=1))
        register(s, earlier, {"name": "Aiempi", "email": "aiempi@example.fi",
                              "organisation": "lappi", "wishes": [LEFT_OVER_WISH]})
        open_room(s, earlier)
        close_room(s, earlier)
        add_action(s, earlier, {"text": EARLIER_ACTION, "owner": "Pirkanmaa",
                                "due": today - timedelta(days=30)},
                   now=local_datetime(earlier.day, time(15)))
        # Its memo is published (as text only: the summary links it and quotes it).
        s.add(MemoVersion(workshop_id=earlier.id, number=1, language="fi",
                          markdown=f"# Muistio: testi\n\n{KEY_SENTENCE} Kolmas lause.\n\n"
                                   f"Sovitut toimenpiteet:\n\n- {EARLIER_ACTION} (vastuu: "
                                   "Pirkanmaa)\n",
                          published_at=now_utc()))
        workshop = create_workshop(s, series, {
            "title": "Seuraava reflektio", "day": today + timedelta(days=1),
            "starts_at": time(14), "ends_at": time(16)})
        open_registration(s, workshop, now_utc() + timedelta(hours=12))
        token = register(s, workshop, {"name": "Anna Aalto", "email": "anna@example.fi",
                                       "organisation": "varsinaissuomi", "wishes": []}).token
        s.commit()
        yield {"id": workshop.id, "slug": series.slug, "token": token}
        db.session.remove()
    db.dispose()


def ready(page: Page) -> None:
    expect(page.locator("#room")).to_have_attribute("data-ready", "true")
    expect(page.locator("#room-connection")).to_have_attribute("data-state", "online")


def test_the_next_workshop_reviews_and_records_actions(
        new_page: Callable[..., Page], series: dict[str, Any], log_in: Callable[[Page], None],
        axe_check: AxeCheck) -> None:
    console = new_page()
    console.on("dialog", lambda dialog: dialog.accept())
    log_in(console)

    # The agenda opens with the review, and offers the wish the last workshop left over.
    console.goto(f"/manage/workshops/{series['id']}/agenda")
    expect(console.get_by_role("heading", name="Edellisten tapaamisten toimenpiteet")) \
        .to_be_visible()
    left_over = console.get_by_role("checkbox", name=LEFT_OVER_WISH)
    expect(left_over).to_be_visible()
    axe_check(console)
    left_over.check()
    console.get_by_role("button", name="Lisää teemaksi ohjelmaan").click()
    expect(console.locator(".flash-success")).to_contain_text(LEFT_OVER_WISH)
    expect(console.get_by_role("checkbox", name=LEFT_OVER_WISH)).to_have_count(0)
    axe_check(console)

    console.goto(f"/manage/workshops/{series['id']}/room")
    ready(console)
    console.get_by_role("button", name="Avaa huone", exact=True).click()
    anna = new_page()
    anna.goto(f"/room/{series['token']}")
    ready(anna)
    actions = anna.locator("#room-actions")
    expect(actions).to_contain_text(EARLIER_ACTION)

    # The room says where the earlier action stands; Anna's page shows it at once.
    status = console.get_by_label(f"Tilanne: {EARLIER_ACTION}")
    status.select_option(label="Kesken")
    expect(anna.get_by_label(f"Tilanne: {EARLIER_ACTION}")).to_have_value("in_progress")
    expect(anna.get_by_label(f"Tilanne: {EARLIER_ACTION}")).to_be_disabled()
    axe_check(console)

    # An action without an owner, or with a past date, is refused with the reason.
    panel = console.locator("#console-actions")
    panel.get_by_label("Mitä tehdään").fill("Kutsutaan kunnat mukaan")
    yesterday = today_in_finland() - timedelta(days=1)
    panel.get_by_label("Mihin mennessä").fill(yesterday.isoformat())
    panel.get_by_role("button", name="Kirjaa toimenpide").click()
    expect(panel.locator("#action-owner-error")).to_contain_text(
        "Kirjoita, kuka toimenpiteestä vastaa")
    expect(panel.locator("#action-due-error")).to_contain_text("Määräaika on jo mennyt")
    expect(panel.get_by_label("Kuka vastaa")).to_be_focused()
    axe_check(console)
    panel.get_by_label("Kuka vastaa").fill("Satakunta")
    due = today_in_finland() + timedelta(days=30)
    panel.get_by_label("Mihin mennessä").fill(due.isoformat())
    panel.get_by_role("button", name="Kirjaa toimenpide").click()
    agreed = f"Kutsutaan kunnat mukaan (vastuu: Satakunta, määräaika {due.day}.{due.month}." \
             f"{due.year})"
    expect(panel.locator(".actions").last).to_contain_text(agreed)
    expect(panel.get_by_label("Mitä tehdään")).to_have_value("")
    expect(actions).to_contain_text(agreed)
    axe_check(anna)

    # The series page lists what the published memo agreed, as it stands in published
    # memos: open (this room's "kesken" and new action wait for its own memo).
    anna.goto(f"/series/{series['slug']}")
    table = anna.get_by_role("table", name="Avoimet toimenpiteet")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text(EARLIER_ACTION)
    expect(table).to_contain_text("avoin")
    expect(table).not_to_contain_text("Kutsutaan kunnat mukaan")
    axe_check(anna)

    # The series summary quotes the published memo, its action line included.
    anna.get_by_role("link", name="Sarjan yhteenveto").click()
    summary = anna.get_by_role("article")
    expect(summary.get_by_role("listitem").first).to_have_text(
        "Keskusteltiin työnkuvista. Pirkanmaalla on kaksi työntekijää.")
    expect(summary).to_contain_text(f"{EARLIER_ACTION} (vastuu: Pirkanmaa")
    expect(anna.get_by_role("link", name="PDF yhteenveto")).to_have_attribute(
        "href", f"/series/{series['slug']}/summary.pdf")
    axe_check(anna)
