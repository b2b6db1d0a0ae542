"""Reference figures (facilitate.reference): results from elsewhere on a statement or poll,
checked against its scale, kept through bad input, audited, and written into the memo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from facilitate.agenda.operations import add_prompt, create_theme, update_prompt
from facilitate.errors import Invalid
from facilitate.extensions import db
from facilitate.memo.compile import compile_memo
from facilitate.models import AuditEntry, Prompt, Workshop
from facilitate.reference.operations import Reference, percents_problem, reference_of
from facilitate.timeutil import now_utc

#: Seed 001's national survey of municipalities, as the plan kuntien-valinen-yhteistyo has it.
POLL = "Millaisia kokemuksia teillä on yhteistyöstä toisen kunnan toimijoiden kanssa?"
OPTIONS = ["Pääosin hyviä kokemuksia", "Kokemukset vaihdelleet kunnasta riippuen",
           "Ei-toimivaa tai epäselvää"]
SURVEY = {"source": "Kuntakysely 2021", "responses": 95, "note": "kattoi 190 kuntaa",
          "percents": [60, 18, 24]}


@pytest.fixture
def theme(make_workshop: Callable[..., Workshop]) -> Any:
    """A theme of a workshop, opened in the room (so the memo writes it)."""
    theme = create_theme(db.session, make_workshop(), {"title": "Kuntien välinen yhteistyö"})
    theme.opened_at = now_utc()
    db.session.commit()
    return theme


def _poll(theme: Any, reference: Any = None) -> Prompt:
    return add_prompt(db.session, theme, {"kind": "poll", "text": POLL, "options": OPTIONS,
                                          "reference": reference})


def _refused(call: Callable[[], Any]) -> dict[str, str]:
    with pytest.raises(Invalid) as refused:
        call()
    return {field: str(message) for field, message in refused.value.errors.items()}


def test_a_poll_carries_one_share_per_option_summing_to_about_100(theme):
    prompt = _poll(theme, SURVEY)
    # seed 001's own figures sum to 102 %: rounding, within the tolerance
    assert reference_of(prompt) == Reference("Kuntakysely 2021", 95, "kattoi 190 kuntaa",
                                             (60, 18, 24))
    assert percents_problem(prompt.kind, 3, [60, 18, 25]) == "sum"  # 103 %
    assert percents_problem(prompt.kind, 3, [60, 18, 19]) == "sum"  # 97 %
    assert percents_problem(prompt.kind, 3, [60, 18, 20]) is None  # 98 %, the lowest taken
    # a form's text: one share a line, with or without "%", thousands apart in the count
    update_prompt(db.session, prompt, {"reference": {
        "source": " Kuntakysely  2021 ", "responses": "1 200", "note": "",
        "percents": "60 %\n18\n\n24%"}})
    assert reference_of(prompt) == Reference("Kuntakysely 2021", 1200, "", (60, 18, 24))


def test_a_statement_carries_the_share_agreeing(theme):
    statement = add_prompt(db.session, theme, {
        "kind": "statement", "text": "Kuntien välinen yhteistyö toimii.",
        "reference": {"source": "Kuntakysely 2021", "responses": 95, "percents": [60]}})
    assert reference_of(statement).percents == (60,)
    errors = _refused(lambda: update_prompt(db.session, statement, {"reference": {
        "source": "Kuntakysely 2021", "responses": 95, "percents": [10, 20, 30, 20, 20]}}))
    assert errors == {"reference.percents": "Väitteelle annetaan yksi luku: samaa mieltä "
                                            "olleiden osuus prosentteina."}


@pytest.mark.parametrize(("reference", "field", "says"), [
    ({**SURVEY, "source": ""}, "reference.source", "mistä vertailuluvut ovat"),
    ({**SURVEY, "responses": ""}, "reference.responses", "montako vastausta"),
    ({**SURVEY, "responses": 0}, "reference.responses", "kokonaisluku 1–10000000"),
    ({**SURVEY, "responses": "95,5"}, "reference.responses", "kokonaisluku"),
    ({**SURVEY, "percents": []}, "reference.percents", "Anna vertailuluvut prosentteina."),
    ({**SURVEY, "percents": [60, 40]}, "reference.percents", "vaihtoehtoja on 3, lukuja 2"),
    ({**SURVEY, "percents": "60\n-18\n24"}, "reference.percents", "kokonaisina prosentteina"),
    ({**SURVEY, "percents": [101, 0, 0]}, "reference.percents", "0–100"),
    ({**SURVEY, "percents": "60,5\n18\n24"}, "reference.percents", "kokonaisina prosentteina"),
    ({**SURVEY, "percents": [60, 18, 30]}, "reference.percents", "yhteensä 108 %"),
    ({**SURVEY, "source": "x" * 121}, "reference.source", "enintään 120"),
])
def test_bad_figures_are_refused_with_what_is_wrong(theme, reference, field, says):
    errors = _refused(lambda: _poll(theme, reference))
    assert field in errors
    assert says in errors[field], errors


def test_bad_input_keeps_the_saved_figures(theme):
    prompt = _poll(theme, SURVEY)
    db.session.commit()
    _refused(lambda: update_prompt(db.session, prompt, {"reference": {**SURVEY,
                                                                      "percents": [1, 2, 3]}}))
    db.session.rollback()
    assert reference_of(prompt).percents == (60, 18, 24)
    # options changed under the figures: refused, not silently dropped or misaligned
    errors = _refused(lambda: update_prompt(db.session, prompt, {"options": OPTIONS[:2]}))
    assert "Tallennetut vertailuluvut eivät sovi" in errors["reference.percents"]
    db.session.rollback()
    errors = _refused(lambda: update_prompt(db.session, prompt, {"kind": "open", "options": []}))
    assert "vain väitteelle tai äänestykselle" in errors["reference.percents"]
    db.session.rollback()
    assert reference_of(prompt) is not None
    # every part empty (as a form clears it), or null (the API): no reference
    update_prompt(db.session, prompt, {"reference": dict.fromkeys(SURVEY, "")})
    assert reference_of(prompt) is None
    assert (prompt.reference_source, prompt.reference_percents) == (None, None)
    update_prompt(db.session, prompt, {"reference": SURVEY})
    update_prompt(db.session, prompt, {"reference": None})
    assert reference_of(prompt) is None


def test_a_change_of_figures_is_audited(theme, make_coordinator):
    coordinator = make_coordinator()
    prompt = _poll(theme, SURVEY | {"note": ""})
    update_prompt(db.session, prompt, {"text": POLL + " "}, by=coordinator.id)  # unchanged
    update_prompt(db.session, prompt, {"reference": SURVEY}, by=coordinator.id)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "prompt.reference")).all()
    assert [(e.coordinator_id, e.details["prompt"]) for e in entries] == [
        (None, f"”{POLL}”"), (coordinator.id, f"”{POLL}”")]


def test_the_memo_says_the_figures_beside_todays(theme, register):
    prompt = _poll(theme, SURVEY)
    statement = add_prompt(db.session, theme, {
        "kind": "statement", "text": "Kuntien välinen yhteistyö toimii.",
        "reference": {"source": "Kuntakysely 2021", "responses": 1, "percents": [60]}})
    for option in (0, 0, 1, 1, 2):
        registration, _token = register(theme.workshop, wishes=[])
        db.session.add_all([
            _answer(prompt, registration, option), _answer(statement, registration, 4)])
    db.session.commit()
    memo = compile_memo(db.session, theme.workshop, base_url="https://x.example")
    poll, agreed = ({r.prompt_id: r.sentence for r in memo.themes[0].results}[p.id]
                    for p in (prompt, statement))
    assert poll.endswith(
        " Vertailuksi Kuntakysely 2021 (95 vastausta, kattoi 190 kuntaa): ”Pääosin hyviä "
        "kokemuksia” 60 %, ”Kokemukset vaihdelleet kunnasta riippuen” 18 % ja "
        "”Ei-toimivaa tai epäselvää” 24 %; nyt vastaavasti 40 %, 40 % ja 20 %."), poll
    assert agreed.endswith(
        " Vertailuksi Kuntakysely 2021 (1 vastaus): samaa mieltä oli 60 %, nyt 100 %."), agreed
    swedish = compile_memo(db.session, theme.workshop, base_url="https://x.example",
                           language="sv")
    poll_sv, agreed_sv = ({r.prompt_id: r.sentence for r in swedish.themes[0].results}[p.id]
                          for p in (prompt, statement))
    assert poll_sv.endswith(
        " Som jämförelse [[KOMPLETTERA: ”Kuntakysely 2021” på svenska]] (95 svar, "
        "[[KOMPLETTERA: ”kattoi 190 kuntaa” på svenska]]): [[KOMPLETTERA: ”Pääosin hyviä "
        "kokemuksia” på svenska]] 60 %, [[KOMPLETTERA: ”Kokemukset vaihdelleet kunnasta "
        "riippuen” på svenska]] 18 % och [[KOMPLETTERA: ”Ei-toimivaa tai epäselvää” på "
        "svenska]] 24 %; nu 40 %, 40 % respektive 20 %."), poll_sv
    assert agreed_sv.endswith(" (1 svar): 60 % höll med, nu 100 %."), agreed_sv


def _answer(prompt: Prompt, registration: Any, value: int) -> Any:
    from facilitate.models import Answer

    return Answer(prompt_id=prompt.id, registration_id=registration.id, value=value)


def test_the_prompt_editor_enters_and_clears_figures(theme, coordinator_client):
    prompt = _poll(theme)
    db.session.commit()
    url = f"/manage/workshops/{theme.workshop_id}/themes/{theme.id}/prompts/{prompt.id}"
    form = {"kind": "poll", "text": POLL, "options": "\n".join(OPTIONS), "question_key": "",
            "reference_source": "Kuntakysely 2021", "reference_responses": "95",
            "reference_note": "kattoi 190 kuntaa", "reference_percents": "60\n18"}
    refused = coordinator_client.post(url, form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "vaihtoehtoja on 3, lukuja 2" in page
    assert 'aria-invalid="true"' in page and "60\n18</textarea>" in page  # what was typed
    db.session.expire_all()
    assert reference_of(prompt) is None
    assert coordinator_client.post(url, form | {"reference_percents": "60\n18\n24"}
                                   ).status_code == 302
    db.session.expire_all()
    assert reference_of(prompt).percents == (60, 18, 24)
    page = coordinator_client.get(f"/manage/workshops/{theme.workshop_id}/themes/{theme.id}"
                                  ).get_data(as_text=True)
    assert 'value="Kuntakysely 2021"' in page and "60\n18\n24</textarea>" in page
    cleared = {key: "" for key in form if key.startswith("reference_")}
    assert coordinator_client.post(url, form | cleared).status_code == 302
    db.session.expire_all()
    assert reference_of(prompt) is None


def test_a_workshop_from_the_plan_carries_the_surveys_figures(make_workshop):
    from facilitate.plans import get_plan

    workshop = make_workshop(plan=get_plan("kuntien-valinen-yhteistyo"))
    [poll] = [p for theme in workshop.themes for p in theme.prompts if p.text == POLL]
    assert reference_of(poll) == Reference(
        "Kuntakysely 2021", 95, "kattoi 190 kuntaa eli 65 % Manner-Suomen kunnista",
        (60, 18, 24))
