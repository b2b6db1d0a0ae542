"""Results by organisation: the operation that reads them, the coordinator's page, and
published memos that no threshold changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sql_count import counted

from facilitate.agenda.operations import add_prompt, create_theme
from facilitate.extensions import db
from facilitate.models import Answer, Coordinator, Prompt, Workshop
from facilitate.results import operations as ops

#: Who answers, by county code: Varha 6, Pirkanmaa 5, Satakunta 2, Lapha 1.
PEOPLE = {"varsinaissuomi": 6, "pirkanmaa": 5, "satakunta": 2, "lappi": 1}
VARHA, PIRKANMAA = "Varha", "Pirkanmaan hyvinvointialue"
SATAKUNTA, LAPHA = "Satakunnan hyvinvointialue", "Lapha"


@dataclass
class Answered:
    workshop: Workshop
    statement: Prompt
    poll: Prompt
    open: Prompt
    #: registration ids by county code
    people: dict[str, list[int]]


@pytest.fixture
def answered(make_workshop: Callable[..., Workshop],
             register: Callable[..., tuple[Any, str]]) -> Answered:
    """A statement everyone answered (Varha agrees, the others less so), a poll only Varha and
    Satakunta answered, and an open question."""
    s = db.session
    workshop = make_workshop(title="Jälkihuollon vertaisreflektio")
    theme = create_theme(s, workshop, {"title": "Työnkuvat"})
    statement = add_prompt(s, theme, {"kind": "statement",
                                      "text": "VÄITE: Traumaosaaminen on riittämätöntä"})
    poll = add_prompt(s, theme, {"kind": "poll", "text": "Kuka koordinoi?",
                                 "options": ["Kunta", "Hyvinvointialue", "Valtio"]})
    open_ = add_prompt(s, theme, {"kind": "open", "text": "Miten työnkuvat on jaettu?"})
    s.commit()
    people: dict[str, list[int]] = {}
    for code, how_many in PEOPLE.items():
        for _ in range(how_many):
            registration, _token = register(workshop, organisation=code, wishes=[])
            people.setdefault(code, []).append(registration.id)
    for code, ids in people.items():
        for index, registration_id in enumerate(ids):
            value = 5 if code == "varsinaissuomi" else 1 + index % 3
            s.add(Answer(prompt_id=statement.id, registration_id=registration_id, value=value))
    for registration_id in people["varsinaissuomi"] + people["satakunta"]:
        s.add(Answer(prompt_id=poll.id, registration_id=registration_id, value=1))
    s.commit()
    return Answered(workshop, statement, poll, open_, people)


def _rows(breakdown: Any) -> list[tuple[str, tuple[int, ...]]]:
    return [(row.label, row.counts) for row in breakdown.rows]


def test_the_coordinator_sees_every_organisation_on_its_own(answered):
    raw = ops.breakdown(db.session, answered.statement, threshold=None)
    assert raw.threshold is None and not raw.suppressed
    assert _rows(raw) == [(LAPHA, (1, 0, 0, 0, 0)), (PIRKANMAA, (2, 2, 1, 0, 0)),
                          (SATAKUNTA, (1, 1, 0, 0, 0)), (VARHA, (0, 0, 0, 0, 6))]
    assert raw.total == (4, 3, 1, 0, 6)


def test_what_is_published_merges_small_organisations(answered):
    # Satakunta and Lapha are 3 together, under 5: Pirkanmaa (5), the smallest shown, joins.
    published = ops.breakdown(db.session, answered.statement, threshold=5, others_label="muut")
    assert _rows(published) == [(VARHA, (0, 0, 0, 0, 6)), ("muut", (4, 3, 1, 0, 0))]
    assert published.rows[-1].members == (LAPHA, SATAKUNTA, PIRKANMAA)
    assert published.total == (4, 3, 1, 0, 6)
    three = ops.breakdown(db.session, answered.statement, threshold=3, others_label="muut")
    assert _rows(three) == [(PIRKANMAA, (2, 2, 1, 0, 0)), (VARHA, (0, 0, 0, 0, 6)),
                            ("muut", (2, 1, 0, 0, 0))]


def test_poll_answers_are_counted_by_option_and_a_removed_option_nowhere(answered):
    s = db.session
    s.add(Answer(prompt_id=answered.poll.id, registration_id=answered.people["lappi"][0],
                 value=7))
    s.commit()
    raw = ops.breakdown(s, answered.poll, threshold=None)
    assert _rows(raw) == [(SATAKUNTA, (0, 2, 0)), (VARHA, (0, 6, 0))]
    published = ops.breakdown(s, answered.poll, threshold=5, others_label="muut")
    assert _rows(published) == [("muut", (0, 8, 0))]
    assert ops.breakdown(s, answered.poll, threshold=10).suppressed


def test_breakdowns_take_one_query_however_many_prompts_and_answers(answered, register):
    s = db.session
    prompts = ops.counted_prompts(s, answered.workshop)
    assert [p.id for p in prompts] == [answered.statement.id, answered.poll.id]
    with counted() as few:
        ops.breakdowns(s, prompts, threshold=None)
    for _ in range(5):
        registration, _token = register(answered.workshop, organisation="keskiuusimaa",
                                        wishes=[])
        s.add(Answer(prompt_id=answered.poll.id, registration_id=registration.id, value=2))
    s.commit()
    prompts = ops.counted_prompts(s, answered.workshop)
    with counted() as more:
        found = ops.breakdowns(s, prompts, threshold=None)
    assert few() == more() == 1, more
    assert ("Keusote", (0, 0, 5)) in _rows(found[answered.poll.id])


def test_an_open_question_or_another_workshops_prompt_is_not_found(answered, make_workshop):
    from facilitate.errors import NotFound

    with pytest.raises(NotFound):
        ops.get_counted_prompt(db.session, answered.workshop, answered.open.id)
    with pytest.raises(NotFound):
        ops.get_counted_prompt(db.session, make_workshop(), answered.statement.id)
    with pytest.raises(NotFound):
        ops.get_counted_prompt(db.session, answered.workshop, 10**6)


def _page(client: Any, workshop: Workshop) -> str:
    response = client.get(f"/manage/workshops/{workshop.id}/results")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_the_raw_view_and_the_published_one(app, coordinator_client, answered):
    workshop_page = coordinator_client.get(f"/manage/workshops/{answered.workshop.id}")
    assert f'href="/manage/workshops/{answered.workshop.id}/results"' in \
        workshop_page.get_data(as_text=True)
    html = _page(coordinator_client, answered.workshop)
    assert "Vain koordinaattoreille." in html and "alle 5 vastaajaa" in html
    assert html.count("<caption>VÄITE: Traumaosaaminen on riittämätöntä") == 2
    assert html.count("<caption>Kuka koordinoi?") == 2
    assert '<th scope="col" class="number">Täysin samaa mieltä</th>' in html
    assert '<th scope="col" class="number">Hyvinvointialue</th>' in html
    assert f'<th scope="row">{LAPHA}</th>' in html
    assert "Miten työnkuvat on jaettu?" not in html
    assert f"Muut <span class=\"help\">({LAPHA}, {SATAKUNTA}, {PIRKANMAA})</span>" in html

    app.config["ANONYMITY_THRESHOLD"] = 9
    html = _page(coordinator_client, answered.workshop)
    assert "alle 9 vastaajaa" in html
    # The poll's 8 respondents are too few to show by organisation at all.
    assert html.count("<caption>Kuka koordinoi?") == 1
    assert "organisaatioittain ei julkaista mitään" in html


def test_the_page_of_a_workshop_without_answers(coordinator_client, make_workshop):
    assert "Tilaisuudessa ei ole väitteitä eikä kyselyjä." in _page(coordinator_client,
                                                                     make_workshop())


def test_the_page_is_for_coordinators_only(client, answered):
    response = client.get(f"/manage/workshops/{answered.workshop.id}/results")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_changing_the_threshold_changes_no_published_memo(app, coordinator_client, answered):
    from facilitate.memo import operations as memo_ops
    from facilitate.memo.phrasing import GAP_RE

    s = db.session
    coordinator = s.query(Coordinator).one()
    base_url = "https://vertaisreflektiot.example.fi"
    draft = memo_ops.start_memo(s, answered.workshop, base_url=base_url)
    filled = GAP_RE.sub("Varhasta ja Pirkanmaalta", draft.markdown)
    draft = memo_ops.save_version(s, answered.workshop, coordinator, filled, "",
                                  draft.number)
    published = memo_ops.publish_version(s, answered.workshop, draft, coordinator,
                                         exports_dir=app.config["EXPORTS_DIR"],
                                         uploads_dir=app.config["UPLOADS_DIR"],
                                         base_url=base_url)
    s.commit()
    exports = Path(app.config["EXPORTS_DIR"])
    paths = {f.format: f.path for f in published.files}
    before = {fmt: (exports / path).read_bytes() for fmt, path in paths.items()}
    # The memo shows each question's overall results, never a breakdown.
    assert "vastasi 14 osallistujaa" in before["md"].decode("utf-8")
    markdown = published.markdown

    for threshold in (1, 3, 10):
        app.config["ANONYMITY_THRESHOLD"] = threshold
        _page(coordinator_client, answered.workshop)
        coordinator_client.get(f"/api/v1/workshops/{answered.workshop.id}/prompts/"
                               f"{answered.statement.id}/breakdown")
        assert {fmt: (exports / path).read_bytes() for fmt, path in paths.items()} == before
    s.expire_all()
    assert s.get(type(published), published.id).markdown == markdown
