"""The coordinator's results by organisation in a browser: reached from the workshop page,
read as tables, and checked by axe."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from facilitate import create_app
from facilitate.agenda.operations import add_prompt, create_theme
from facilitate.config import TestingConfig
from facilitate.extensions import db
from facilitate.models import Answer
from facilitate.registration.operations import register
from facilitate.series.operations import create_series, create_workshop, open_registration
from facilitate.timeutil import now_utc

AxeCheck = Callable[[Page], None]
STATEMENT = "VÄITE: Traumaosaaminen on riittämätöntä"


@pytest.fixture
def answered_workshop(live_server: str, live_database_url: str) -> Iterator[int]:
    """A workshop whose statement Varha (6), Pirkanmaa (5) and Satakunta (2) answered."""
    app = create_app(type("Config", (TestingConfig,), {"DATABASE_URL": live_database_url}))
    with app.app_context():
        s = db.session
        series = create_series(s, {"title": f"Tulostesti {now_utc().timestamp()}"})
        workshop = create_workshop(s, series, {
            "title": "Tulosten vertaisreflektio", "day": date.today() + timedelta(days=3),
            "starts_at": time(9), "ends_at": time(11)})
        open_registration(s, workshop, now_utc() + timedelta(days=2))
        theme = create_theme(s, workshop, {"title": "Työnkuvat"})
        statement = add_prompt(s, theme, {"kind": "statement", "text": STATEMENT})
        s.flush()
        for county, values in (("varsinaissuomi", [5, 5, 4, 4, 4, 3]),
                               ("pirkanmaa", [1, 2, 3, 4, 5]), ("satakunta", [1, 2])):
            for index, value in enumerate(values):
                registration = register(s, workshop, {
                    "name": f"Osallistuja {index}", "organisation": county, "wishes": [],
                    "email": f"{county}{index}@example.fi"}).registration
                s.flush()
                s.add(Answer(prompt_id=statement.id, registration_id=registration.id,
                             value=value))
        s.commit()
        yield workshop.id
        db.session.remove()
    db.dispose()


def test_results_by_organisation_raw_and_as_published(
        new_page: Callable[..., Page], answered_workshop: int, log_in: Callable[[Page], None],
        axe_check: AxeCheck, visits: Any) -> None:
    page = new_page()
    log_in(page)
    page.goto(f"/manage/workshops/{answered_workshop}")
    axe_check(page)
    page.get_by_role("link", name="Tulokset organisaatioittain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tulokset organisaatioittain")
    expect(page.get_by_text("Vain koordinaattoreille.")).to_be_visible()

    raw = page.get_by_role("table", name=f"{STATEMENT} (kaikki organisaatiot erikseen)")
    expect(raw.get_by_role("rowheader")).to_have_text(
        ["Pirkanmaan hyvinvointialue", "Satakunnan hyvinvointialue", "Varha", "Yhteensä"])
    expect(raw.get_by_role("columnheader", name="Täysin samaa mieltä")).to_be_visible()
    published = page.get_by_role(
        "table", name=f"{STATEMENT} (julkaistava, alle 5 vastaajan organisaatiot yhdistetty)")
    # Satakunta alone is 2: Pirkanmaa, the smaller organisation shown, is counted with it.
    expect(published.get_by_role("rowheader")).to_have_text(
        ["Varha", re.compile(r"^Muut"), "Yhteensä"])
    expect(published.get_by_role("row").nth(2).get_by_role("cell").last).to_have_text("7")
    axe_check(page)
    visits.assert_all_checked()
