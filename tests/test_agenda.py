"""Agenda rules without HTTP: grouping wishes, ordering themes, prompts and their options."""

from __future__ import annotations

import pytest

from facilitate.agenda import operations as ops
from facilitate.errors import Invalid, NotFound
from facilitate.extensions import db
from facilitate.models import PromptKind, Wish


@pytest.fixture
def workshop_with_wishes(make_workshop, register):
    workshop = make_workshop()
    for index, texts in enumerate((["Työnkuvat", "Kilpailutukset"], ["Asiakasraati"])):
        register(workshop, email=f"p{index}@example.fi", wishes=texts)
    return workshop


def _wish(text: str) -> Wish:
    return db.session.query(Wish).filter_by(text=text).one()


def test_themes_remember_the_wishes_they_came_from(workshop_with_wishes):
    workshop = workshop_with_wishes
    theme = ops.group_wishes(db.session, workshop, [_wish("Työnkuvat").id],
                             new_theme={"title": "Työnkuvat", "memo_phrase": "työnkuvista"})
    ops.group_wishes(db.session, workshop, [_wish("Asiakasraati").id], theme_id=theme.id)
    db.session.commit()
    assert [w.text for w in theme.wishes] == ["Työnkuvat", "Asiakasraati"]
    assert [w.text for w in ops.list_wishes(db.session, workshop) if w.theme_id is None] == [
        "Kilpailutukset"]


def test_deleting_a_theme_returns_its_wishes(workshop_with_wishes):
    workshop = workshop_with_wishes
    theme = ops.group_wishes(db.session, workshop, [_wish("Työnkuvat").id],
                             new_theme={"title": "Poistettava"})
    other = ops.create_theme(db.session, workshop, {"title": "Jää"})
    ops.delete_theme(db.session, theme)
    db.session.commit()
    assert _wish("Työnkuvat").theme_id is None
    assert [(t.title, t.position) for t in workshop.themes] == [("Jää", 0)]
    assert other.position == 0


def test_grouping_rejects_foreign_or_missing_wishes(workshop_with_wishes, make_workshop,
                                                    register):
    other_workshop = make_workshop()
    foreign, _token = register(other_workshop, wishes=["Muualta"])
    with pytest.raises(NotFound):
        ops.group_wishes(db.session, workshop_with_wishes, [foreign.wishes[0].id],
                         new_theme={"title": "X"})
    with pytest.raises(Invalid):
        ops.group_wishes(db.session, workshop_with_wishes, [], new_theme={"title": "X"})
    with pytest.raises(Invalid):  # neither an existing theme nor a new one
        ops.group_wishes(db.session, workshop_with_wishes, [_wish("Työnkuvat").id])
    foreign_theme = ops.create_theme(db.session, other_workshop, {"title": "Vieras"})
    with pytest.raises(NotFound):
        ops.group_wishes(db.session, workshop_with_wishes, [_wish("Työnkuvat").id],
                         theme_id=foreign_theme.id)
    db.session.rollback()
    assert all(w.theme_id is None for w in db.session.query(Wish))


def test_reorder_needs_every_theme_once(make_workshop):
    workshop = make_workshop()
    a, b, c = (ops.create_theme(db.session, workshop, {"title": t}) for t in "ABC")
    ops.reorder_themes(db.session, workshop, [c.id, a.id, b.id])
    assert [t.title for t in workshop.themes] == ["C", "A", "B"]
    for bad in ([c.id, a.id], [c.id, a.id, a.id], [c.id, a.id, b.id, 999], "c,a,b"):
        with pytest.raises(Invalid):
            ops.reorder_themes(db.session, workshop, bad)
    assert [t.title for t in workshop.themes] == ["C", "A", "B"]


def test_moving_at_the_ends_changes_nothing(make_workshop):
    workshop = make_workshop()
    a, b = (ops.create_theme(db.session, workshop, {"title": t}) for t in "AB")
    ops.move_theme(db.session, a, -1)
    ops.move_theme(db.session, b, +1)
    assert [t.title for t in workshop.themes] == ["A", "B"]
    ops.move_theme(db.session, b, -1)
    assert [t.title for t in workshop.themes] == ["B", "A"]


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "quiz", "text": "?"}, "kind"),
    ({"kind": "open", "text": ""}, "text"),
    ({"kind": "poll", "text": "Valitse", "options": ["Vain yksi"]}, "options"),
    ({"kind": "poll", "text": "Valitse", "options": ["Sama", "sama"]}, "options"),
    ({"kind": "poll", "text": "Valitse", "options": [str(i) for i in range(13)]}, "options"),
    ({"kind": "statement", "text": "Väite", "options": ["samaa", "eri"]}, "options"),
    ({"kind": "open", "text": "?", "options": 5}, "options"),
])
def test_prompt_validation(make_workshop, data, field):
    theme = ops.create_theme(db.session, make_workshop(), {"title": "T"})
    with pytest.raises(Invalid) as caught:
        ops.add_prompt(db.session, theme, data)
    assert field in caught.value.errors
    assert theme.prompts == []


def test_prompt_kinds_and_options(make_workshop):
    theme = ops.create_theme(db.session, make_workshop(), {"title": "T"})
    poll = ops.add_prompt(db.session, theme, {"kind": "poll", "text": "Mihin organisoidutaan?",
                                              "options": "Lastensuojelu\n\nAikuissosiaalityö\n"})
    statement = ops.add_prompt(db.session, theme, {"kind": "statement",
                                                   "text": "Traumaosaaminen on riittämätöntä?"})
    assert poll.options == ["Lastensuojelu", "Aikuissosiaalityö"]
    assert (statement.kind, statement.position) == (PromptKind.STATEMENT, 1)
    ops.move_prompt(db.session, statement, -1)
    assert [p.kind for p in theme.prompts] == [PromptKind.STATEMENT, PromptKind.POLL]
    ops.update_prompt(db.session, poll, {"kind": "open", "options": []})
    assert (poll.kind, poll.options) == (PromptKind.OPEN, [])
    ops.delete_prompt(db.session, statement)
    assert [(p.text, p.position) for p in theme.prompts] == [("Mihin organisoidutaan?", 0)]


def test_agenda_pages_group_and_reorder(coordinator_client, workshop_with_wishes):
    workshop = workshop_with_wishes
    web = coordinator_client
    base = f"/manage/workshops/{workshop.id}"
    page = web.get(f"{base}/agenda").get_data(as_text=True)
    assert "Ryhmittelemättömät toiveet (3)" in page
    response = web.post(f"{base}/agenda/group", {"wish_ids": [], "new_theme_title": "X"})
    assert response.status_code == 422
    assert "Valitse vähintään yksi toive." in response.get_data(as_text=True)
    response = web.post(f"{base}/themes", {"title": ""})
    assert response.status_code == 422
    assert 'id="new-title-error"' in response.get_data(as_text=True)
    response = web.post(f"{base}/agenda/group", {
        "wish_ids": [str(_wish("Työnkuvat").id), str(_wish("Kilpailutukset").id)],
        "new_theme_title": "Työnkuvat ja hankinnat"})
    assert response.status_code == 302
    page = web.get(f"{base}/agenda").get_data(as_text=True)
    assert "Ryhmittelemättömät toiveet (1)" in page
    assert "Ennakkotoiveista (2):" in page
    theme = workshop.themes[0]
    response = web.post(f"{base}/agenda/ungroup", {"wish_ids": [str(_wish("Työnkuvat").id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert [w.text for w in theme.wishes] == ["Kilpailutukset"]


def test_theme_page_edits_prompts(coordinator_client, make_workshop):
    workshop = make_workshop()
    theme = ops.create_theme(db.session, workshop, {"title": "Väitteet"})
    db.session.commit()
    base = f"/manage/workshops/{workshop.id}/themes/{theme.id}"
    web = coordinator_client
    web.get(base)
    response = web.post(f"{base}/prompts", {"kind": "poll", "text": "Valitse", "options": "A"})
    assert response.status_code == 422
    assert "Äänestyksessä pitää olla 2–12 vaihtoehtoa." in response.get_data(as_text=True)
    response = web.post(f"{base}/prompts", {"kind": "statement",
                                             "text": "VÄITE: Traumaosaaminen on riittämätöntä?"})
    assert response.status_code == 302
    db.session.expire_all()
    prompt = theme.prompts[0]
    response = web.post(f"{base}/prompts/{prompt.id}", {"action": "save", "kind": "statement",
                                                         "text": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert theme.prompts[0].text == "VÄITE: Traumaosaaminen on riittämätöntä?"
    response = web.post(f"{base}", {"title": "Väitteet ja huolet", "memo_phrase": "huolista",
                                     "description": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert (theme.title, theme.memo_phrase) == ("Väitteet ja huolet", "huolista")
    other = make_workshop()
    assert web.get(f"/manage/workshops/{other.id}/themes/{theme.id}").status_code == 404
