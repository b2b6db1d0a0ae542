"""A memo's attachments (liitteet): the operations that add, edit, order and remove them, and
the coordinator's page over HTTP, up to a recompiled memo that carries them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from facilitate.errors import Invalid, NotFound
from facilitate.extensions import db
from facilitate.memo import operations as ops
from facilitate.models import TEXT_MAX_CHARS, TITLE_MAX_CHARS, Attachment, MemoVersion, Workshop

TITLE = "Varhan alueella työstetyt tehtävänkuvat 3/2023"
BODY = "Jälkihuollon sosiaalityöntekijän tehtävät:\n\n- arvioinnit\n- verkostotyö"


def _stored(workshop_id: int) -> list[tuple[int, str, str]]:
    """The attachment rows as the database has them: (position, title, body), in order."""
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        select(Attachment.position, Attachment.title, Attachment.body)
        .where(Attachment.workshop_id == workshop_id)
        .order_by(Attachment.position, Attachment.id))]


def _add(workshop: Workshop, *titles: str) -> list[int]:
    ids = [ops.add_attachment(db.session, workshop, title, f"{title} – teksti").id
           for title in titles]
    db.session.commit()
    return ids


# --- operations ----------------------------------------------------------------------------


def test_add_lists_in_order_and_update(make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    assert ops.list_attachments(db.session, workshop) == []
    first = ops.add_attachment(db.session, workshop, f"  {TITLE}\n", BODY + "\r\n")
    second = ops.add_attachment(db.session, workshop, "Toinen liite", None)
    db.session.commit()
    assert _stored(workshop.id) == [(0, TITLE, BODY), (1, "Toinen liite", "")]
    assert [a.id for a in ops.list_attachments(db.session, workshop)] == [first.id, second.id]

    ops.update_attachment(db.session, workshop, second.id, "Tehtävänkuvat", "**Uusi** teksti")
    db.session.commit()
    assert _stored(workshop.id) == [(0, TITLE, BODY), (1, "Tehtävänkuvat", "**Uusi** teksti")]


@pytest.mark.parametrize(("title", "body", "fields"), [
    ("", "teksti", {"title"}),
    ("   \n", "teksti", {"title"}),
    ("\x00", "teksti", {"title"}),  # control characters are dropped: nothing is left
    (None, None, {"title"}),
    (["lista"], "teksti", {"title"}),
    ("x" * (TITLE_MAX_CHARS + 1), "teksti", {"title"}),
    ("Otsikko", "x" * (TEXT_MAX_CHARS + 1), {"body"}),
    ("", "x" * (TEXT_MAX_CHARS + 1), {"title", "body"}),
    ("Otsikko", 42, {"body"}),
])
def test_invalid_input_is_refused_per_field_and_nothing_changes(
        make_workshop: Callable[..., Workshop], title: Any, body: Any, fields: set[str]):
    workshop = make_workshop()
    [existing] = _add(workshop, "Ennallaan")
    before = _stored(workshop.id)

    with pytest.raises(Invalid) as added:
        ops.add_attachment(db.session, workshop, title, body)
    assert set(added.value.errors) == fields
    db.session.rollback()
    assert _stored(workshop.id) == before

    with pytest.raises(Invalid) as updated:
        ops.update_attachment(db.session, workshop, existing, title, body)
    assert set(updated.value.errors) == fields
    db.session.rollback()
    assert _stored(workshop.id) == before


def test_limits_are_inclusive_and_nul_never_reaches_the_database(
        make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    ops.add_attachment(db.session, workshop, "x" * TITLE_MAX_CHARS, "y" * TEXT_MAX_CHARS)
    ops.add_attachment(db.session, workshop, "Liite\x00 A", "rivi\x00 1")
    db.session.commit()
    assert _stored(workshop.id) == [(0, "x" * TITLE_MAX_CHARS, "y" * TEXT_MAX_CHARS),
                                    (1, "Liite A", "rivi 1")]


def test_delete_keeps_positions_dense(make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    first, second, third = _add(workshop, "A", "B", "C")
    assert ops.delete_attachment(db.session, workshop, second) == "B"
    db.session.commit()
    assert [(p, t) for p, t, _b in _stored(workshop.id)] == [(0, "A"), (1, "C")]
    ops.delete_attachment(db.session, workshop, first)
    db.session.commit()
    assert [(p, t) for p, t, _b in _stored(workshop.id)] == [(0, "C")]
    assert db.session.get(Attachment, third).position == 0


def test_move_swaps_neighbours_and_stops_at_the_ends(make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    a, b, c = _add(workshop, "A", "B", "C")
    order = ops.move_attachment(db.session, workshop, c, -1)
    db.session.commit()
    assert [x.id for x in order] == [a, c, b]
    assert [(p, t) for p, t, _b in _stored(workshop.id)] == [(0, "A"), (1, "C"), (2, "B")]
    ops.move_attachment(db.session, workshop, a, 1)
    db.session.commit()
    assert [t for _p, t, _b in _stored(workshop.id)] == ["C", "A", "B"]
    # at either end nothing moves
    ops.move_attachment(db.session, workshop, c, -1)
    ops.move_attachment(db.session, workshop, b, 1)
    db.session.commit()
    assert [(p, t) for p, t, _b in _stored(workshop.id)] == [(0, "C"), (1, "A"), (2, "B")]
    with pytest.raises(ValueError):
        ops.move_attachment(db.session, workshop, a, 2)


def test_moving_repairs_gaps_and_ties_left_by_older_data(
        make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    for position, title in ((5, "A"), (5, "B"), (9, "C")):
        db.session.add(Attachment(workshop_id=workshop.id, title=title, body="",
                                  position=position))
    db.session.commit()
    c = db.session.scalar(select(Attachment.id).where(Attachment.title == "C"))
    ops.move_attachment(db.session, workshop, c, -1)
    db.session.commit()
    assert [(p, t) for p, t, _b in _stored(workshop.id)] == [(0, "A"), (1, "C"), (2, "B")]


def test_another_workshops_attachment_is_not_found(make_workshop: Callable[..., Workshop]):
    workshop, other = make_workshop(), make_workshop(title="Toinen tilaisuus")
    [foreign] = _add(other, "Toisen tilaisuuden liite")
    before = _stored(other.id)
    for attempt in (lambda: ops.get_attachment(db.session, workshop, foreign),
                    lambda: ops.update_attachment(db.session, workshop, foreign, "X", ""),
                    lambda: ops.delete_attachment(db.session, workshop, foreign),
                    lambda: ops.move_attachment(db.session, workshop, foreign, -1),
                    lambda: ops.get_attachment(db.session, workshop, 10**9)):
        with pytest.raises(NotFound):
            attempt()
        db.session.rollback()
    assert _stored(other.id) == before
    assert ops.list_attachments(db.session, workshop) == []


# --- pages ---------------------------------------------------------------------------------


def _url(workshop_id: int, path: str = "") -> str:
    return f"/manage/workshops/{workshop_id}/memo/attachments{path}"


def _newest(workshop_id: int) -> MemoVersion:
    db.session.expire_all()
    return db.session.scalars(select(MemoVersion).where(MemoVersion.workshop_id == workshop_id)
                              .order_by(MemoVersion.number.desc())).first()


def test_anonymous_visitors_cannot_see_or_change_attachments(
        client, make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    [existing] = _add(workshop, "Salainen")
    page = client.get(_url(workshop.id))
    assert page.status_code in (302, 401)
    assert "Salainen" not in page.get_data(as_text=True)
    client.get("/login")  # a valid CSRF token, so only the missing login refuses
    for path, data in (("", {"title": "Uusi", "body": ""}),
                       (f"/{existing}", {"title": "Muutettu", "body": ""}),
                       (f"/{existing}/delete", {}),
                       (f"/{existing}/move", {"direction": "down"})):
        assert client.post(_url(workshop.id, path), data).status_code in (302, 401), path
    assert [t for _p, t, _b in _stored(workshop.id)] == ["Salainen"]


def test_an_added_attachment_reaches_the_memo_when_it_is_compiled_again(
        coordinator_client, make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    editor = coordinator_client.get(f"/manage/workshops/{workshop.id}/memo")
    assert f'href="{_url(workshop.id)}"' in editor.get_data(as_text=True)
    assert "## Liite" not in _newest(workshop.id).markdown

    page = coordinator_client.get(_url(workshop.id))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Muistiossa ei ole vielä liitteitä." in text
    assert "Kokoa uudelleen" in text
    response = coordinator_client.post(_url(workshop.id), {"title": TITLE, "body": BODY})
    assert response.status_code == 302
    assert _stored(workshop.id) == [(0, TITLE, BODY)]
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Liite ”{TITLE}” lisättiin." in page
    assert f"Liite 1: {TITLE}" in page

    # the draft is not rewritten behind the coordinator's back …
    assert "## Liite" not in _newest(workshop.id).markdown
    # … until she compiles it again
    coordinator_client.get(f"/manage/workshops/{workshop.id}/memo")
    assert coordinator_client.post(
        f"/manage/workshops/{workshop.id}/memo/recompile").status_code == 302
    newest = _newest(workshop.id)
    assert newest.number == 2
    assert f"## Liite 1 {TITLE}\n\n{BODY}" in newest.markdown


def test_invalid_input_comes_back_with_the_text_and_messages_by_the_fields(
        coordinator_client, make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    [existing] = _add(workshop, "Ennallaan")
    coordinator_client.get(_url(workshop.id))
    typed = "Tämä kirjoitettu teksti ei saa kadota"

    response = coordinator_client.post(_url(workshop.id), {"title": " ", "body": typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert typed in page
    assert 'id="new-title-error"' in page and "Kenttä on pakollinen." in page
    assert 'aria-describedby="new-title-error"' in page
    assert 'href="#new-title"' in page  # the error summary leads to the field

    long_body = "x" * (TEXT_MAX_CHARS + 1)
    response = coordinator_client.post(_url(workshop.id, f"/{existing}"),
                                       {"title": "Uusi otsikko", "body": long_body})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Uusi otsikko" in page and long_body in page
    assert f'id="attachment-{existing}-body-error"' in page and "liian pitkä" in page
    assert (f'aria-describedby="attachment-{existing}-body-help '
            f'attachment-{existing}-body-error"') in page
    assert _stored(workshop.id) == [(0, "Ennallaan", "Ennallaan – teksti")]


def test_edit_move_and_delete_over_http(coordinator_client,
                                        make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    a, b = _add(workshop, "A", "B")
    page = coordinator_client.get(_url(workshop.id)).get_data(as_text=True)
    assert "data-confirm=" in page  # deleting asks first, as elsewhere

    response = coordinator_client.post(_url(workshop.id, f"/{a}"),
                                       {"title": "A muutettu", "body": "uusi teksti"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#attachment-{a}")
    assert _stored(workshop.id) == [(0, "A muutettu", "uusi teksti"), (1, "B", "B – teksti")]

    response = coordinator_client.post(_url(workshop.id, f"/{b}/move"), {"direction": "up"})
    assert response.status_code == 302
    assert [t for _p, t, _b in _stored(workshop.id)] == ["B", "A muutettu"]
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Liite ”B” on nyt liite 1." in page
    assert coordinator_client.post(_url(workshop.id, f"/{b}/move"),
                                   {"direction": "sivulle"}).status_code == 400

    response = coordinator_client.post(_url(workshop.id, f"/{b}/delete"))
    assert response.status_code == 302
    assert _stored(workshop.id) == [(0, "A muutettu", "uusi teksti")]
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Liite ”B” poistettiin." in page
    assert coordinator_client.post(_url(workshop.id, f"/{b}/delete")).status_code == 404


def test_an_attachment_of_another_workshop_is_not_found_over_http(
        coordinator_client, make_workshop: Callable[..., Workshop]):
    workshop, other = make_workshop(), make_workshop(title="Toinen tilaisuus")
    [foreign] = _add(other, "Toisen liite")
    coordinator_client.get(_url(workshop.id))
    for path, data in ((f"/{foreign}", {"title": "Kaapattu", "body": ""}),
                       (f"/{foreign}/move", {"direction": "up"}),
                       (f"/{foreign}/delete", {})):
        assert coordinator_client.post(_url(workshop.id, path), data).status_code == 404, path
    assert _stored(other.id) == [(0, "Toisen liite", "Toisen liite – teksti")]
    assert coordinator_client.get(_url(10**9)).status_code == 404
