"""Tracked questions (facilitate.tracking): one key across a series' workshops, only on the
same answer scale, suggested for the same wording, and earlier results beside today's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from facilitate.agenda.operations import add_prompt, create_theme, update_prompt
from facilitate.errors import Invalid
from facilitate.extensions import db
from facilitate.memo.compile import compile_memo
from facilitate.models import Answer, PromptKind, Series, Workshop
from facilitate.timeutil import now_utc
from facilitate.tracking.operations import (
    normalised_text,
    series_tracked,
    suggested_keys,
)

KEY = "oma-sosiaalityontekija"
STATEMENT = "Jokaisella nuorella tulisi olla oma sosiaalityöntekijä."


@pytest.fixture
def series_of_two(make_series: Callable[..., Series], make_workshop: Callable[..., Workshop],
                  register: Callable[..., tuple[Any, str]]) -> tuple[Workshop, Workshop]:
    """13.9.2022 and 29.3.2023 asked the same statement under one key; 2 of 5 agreed then."""
    series = make_series()
    september = make_workshop(series, day=date(2022, 9, 13))
    march = make_workshop(series, day=date(2023, 3, 29))
    theme = create_theme(db.session, september, {"title": "Resurssit"})
    asked = add_prompt(db.session, theme, {"kind": "statement", "text": STATEMENT,
                                           "question_key": KEY})
    for value in (5, 4, 3, 2, 1):
        registration, _token = register(september, wishes=[])
        db.session.add(Answer(prompt_id=asked.id, registration_id=registration.id, value=value))
    db.session.commit()
    return september, march


def test_a_key_links_only_questions_on_the_same_scale(series_of_two):
    _september, march = series_of_two
    theme = create_theme(db.session, march, {"title": "Resurssit"})
    with pytest.raises(Invalid) as refused:
        add_prompt(db.session, theme, {"kind": "poll", "text": STATEMENT,
                                       "options": ["Kyllä", "Ei"], "question_key": KEY})
    assert refused.value.field == "question_key"
    assert "vastausasteikko on eri" in str(refused.value.message)
    assert "13.9.2022" in str(refused.value.message)
    with pytest.raises(Invalid, match="Vain väitteitä ja äänestyksiä"):
        add_prompt(db.session, theme, {"kind": "open", "text": "Miten?",
                                       "question_key": "avoin"})
    with pytest.raises(Invalid, match="pieniä kirjaimia"):
        add_prompt(db.session, theme, {"kind": "statement", "text": STATEMENT,
                                       "question_key": "Oma työntekijä"})
    # a poll's key holds its options in order: the same ones again are linked, others not
    first = add_prompt(db.session, theme, {"kind": "poll", "text": "Kuka?",
                                           "options": ["Kunta", "Alue"], "question_key": "kuka"})
    with pytest.raises(Invalid, match="vastausasteikko on eri"):
        update_prompt(db.session, add_prompt(db.session, theme, {
            "kind": "poll", "text": "Kuka?", "options": ["Alue", "Kunta"]}),
            {"question_key": "kuka"})
    assert update_prompt(db.session, first, {"question_key": "kuka"}).question_key == "kuka"


def test_the_same_wording_suggests_the_earlier_key(series_of_two):
    _september, march = series_of_two
    assert normalised_text("VÄITE: Jokaisella nuorella tulisi olla OMA sosiaalityöntekijä!") == \
        normalised_text(STATEMENT)
    assert suggested_keys(db.session, march, [
        (1, PromptKind.STATEMENT, "väite: jokaisella nuorella tulisi olla oma sosiaalityöntekijä"),
        (2, PromptKind.POLL, STATEMENT),
        (3, PromptKind.STATEMENT, "Jotain muuta.")]) == {1: (KEY, date(2022, 9, 13))}


def test_the_memo_says_the_earlier_share_beside_todays(series_of_two, register):
    september, march = series_of_two
    theme = create_theme(db.session, march, {"title": "Resurssit"})
    theme.opened_at = now_utc()
    asked = add_prompt(db.session, theme, {"kind": "statement", "text": STATEMENT,
                                           "question_key": KEY})
    for value in (5, 5, 4, 4, 3, 2, 5, 1):
        registration, _token = register(march, wishes=[])
        db.session.add(Answer(prompt_id=asked.id, registration_id=registration.id, value=value))
    db.session.commit()
    memo = compile_memo(db.session, march, base_url="https://x.example")
    sentence = memo.themes[0].results[0].sentence
    assert sentence.endswith(" Syyskuussa 2022 samaa mieltä oli 40 %, nyt 63 %."), sentence
    swedish = compile_memo(db.session, march, base_url="https://x.example", language="sv")
    assert swedish.themes[0].results[0].sentence.endswith(
        " I september 2022 höll 40 % med, nu 63 %.")
    # the earlier workshop has nothing before it
    earlier = compile_memo(db.session, september, base_url="https://x.example")
    assert "Syyskuussa" not in earlier.themes[0].results[0].sentence

    tracked = series_tracked(db.session, march.series)
    assert [(q.key, [(r.day, r.total) for r in q.results]) for q in tracked] == [
        (KEY, [(date(2022, 9, 13), 5), (date(2023, 3, 29), 8)])]


def test_the_prompt_editor_takes_a_key_and_suggests_the_earlier_one(series_of_two,
                                                                    coordinator_client):
    _september, march = series_of_two
    theme = create_theme(db.session, march, {"title": "Resurssit"})
    add_prompt(db.session, theme, {"kind": "statement", "text": "VÄITE: " + STATEMENT})
    db.session.commit()
    url = f"/manage/workshops/{march.id}/themes/{theme.id}"
    page = coordinator_client.get(url).get_data(as_text=True)
    assert f"Sama kysymys esitettiin 13.9.2022 tunnuksella {KEY}." in page
    refused = coordinator_client.post(f"{url}/prompts", {
        "kind": "poll", "text": "Kuka?", "options": "Kunta\nAlue", "question_key": KEY})
    assert refused.status_code == 422
    assert "vastausasteikko on eri" in refused.get_data(as_text=True)
    prompt = theme.prompts[0]
    saved = coordinator_client.post(f"{url}/prompts/{prompt.id}", {
        "kind": "statement", "text": prompt.text, "options": "", "question_key": KEY})
    assert saved.status_code == 302
    db.session.expire_all()
    assert prompt.question_key == KEY
