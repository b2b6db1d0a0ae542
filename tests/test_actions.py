"""Agreed actions carried across a series, without HTTP: facilitate.actions.operations as the
room, the workshop page and the API call them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from facilitate.actions import operations as actions
from facilitate.agenda.operations import create_theme, group_wishes
from facilitate.audit.operations import describe, list_entries
from facilitate.errors import Conflict, Invalid, NotFound
from facilitate.extensions import db
from facilitate.models import ActionStatus, Series, Wish, Workshop
from facilitate.room.operations import close_room, open_room, set_phase

TODAY = actions.today_in_finland()
GOOD = {"text": "Kootaan jälkihuollon työnkuvat yhteen", "owner": "Pirkanmaa ja Satakunta",
        "due": (TODAY + timedelta(days=30)).isoformat()}


@pytest.fixture
def series_of_three(make_series: Callable[..., Series],
                    make_workshop: Callable[..., Workshop]) -> list[Workshop]:
    """Three workshops of one series, a month apart, none of them held yet."""
    series = make_series()
    return [make_workshop(series, title=f"Reflektio {n}",
                          day=TODAY + timedelta(days=14 + 30 * n)) for n in range(3)]


def _refusal(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(Invalid) as refused:
        actions.clean_action(data, today=TODAY)
    return {field: str(message) for field, message in refused.value.errors.items()}


def test_an_action_needs_what_who_and_a_date_not_past(app: Any) -> None:
    assert actions.clean_action(GOOD, today=TODAY)["due"] == TODAY + timedelta(days=30)
    assert actions.clean_action({**GOOD, "due": TODAY.isoformat()}, today=TODAY)
    errors = _refusal({**GOOD, "owner": "  "})
    assert errors == {"owner": "Kirjoita, kuka toimenpiteestä vastaa: organisaatio(t) tai "
                               "THL:n henkilö."}
    yesterday = TODAY - timedelta(days=1)
    assert _refusal({**GOOD, "due": yesterday.isoformat()}) == {
        "due": f"Määräaika {yesterday.day}.{yesterday.month}.{yesterday.year} on jo mennyt: "
               "anna tämä päivä tai myöhempi."}
    assert set(_refusal({"text": "", "owner": None, "due": ""})) == {"text", "owner", "due"}
    assert _refusal({**GOOD, "due": "31.12.2030"}) == {
        "due": "Anna päivämäärä muodossa VVVV-KK-PP."}
    assert "Teksti on liian pitkä" in _refusal({**GOOD, "text": "x" * 501})["text"]


def test_an_action_puts_its_review_on_the_next_agenda_once(
        app: Any, series_of_three: list[Workshop]) -> None:
    s = db.session
    first, second, third = series_of_three
    create_theme(s, second, {"title": "Palvelupolut"})
    assert not any(t.reviews_actions for t in second.themes)
    actions.add_action(s, first, GOOD)
    actions.add_action(s, first, {**GOOD, "text": "Toinen"})
    s.commit()
    titles = [(t.title, t.reviews_actions) for t in second.themes]
    assert titles == [(actions.REVIEW_TITLE, True), ("Palvelupolut", False)]
    assert [t.position for t in second.themes] == [0, 1]
    # the workshop after that gets its own review only once it is the next one
    assert not any(t.reviews_actions for t in third.themes)


def test_a_room_already_in_use_keeps_its_agenda(
        app: Any, series_of_three: list[Workshop]) -> None:
    s = db.session
    first, second, _third = series_of_three
    open_room(s, second)
    actions.add_action(s, first, GOOD)
    s.commit()
    assert not any(t.reviews_actions for t in second.themes)


def test_a_new_workshop_opens_with_the_review(app: Any, make_workshop: Callable[..., Workshop],
                                              series_of_three: list[Workshop]) -> None:
    s = db.session
    first = series_of_three[0]
    action = actions.add_action(s, first, GOOD)
    s.commit()
    later = make_workshop(first.series, title="Uusi", day=TODAY + timedelta(days=200))
    assert [t.reviews_actions for t in later.themes] == [True]
    actions.review_action(s, series_of_three[1], action.id, ActionStatus.DONE)
    s.commit()
    # nothing unfinished is left to review
    assert make_workshop(first.series, title="Sitten", day=TODAY + timedelta(days=300)).themes \
        == []


def test_reviews_follow_an_action_until_done(app: Any,
                                             series_of_three: list[Workshop]) -> None:
    s = db.session
    first, second, third = series_of_three
    action = actions.add_action(s, first, GOOD)
    s.commit()
    assert [a.id for a in actions.reviewable(s, second)] == [action.id]
    assert actions.reviewable(s, first) == []
    actions.review_action(s, second, action.id, ActionStatus.IN_PROGRESS)
    s.commit()
    assert action.status == ActionStatus.IN_PROGRESS
    assert [a.id for a in actions.reviewable(s, third)] == [action.id]
    actions.review_action(s, third, action.id, ActionStatus.DONE)
    s.commit()
    assert action.status == ActionStatus.DONE
    # each room keeps what it said: the second said "in progress", the third "done"
    assert actions.review_in(action, second) == ActionStatus.IN_PROGRESS
    assert actions.review_in(action, third) == ActionStatus.DONE
    assert actions.open_actions(s, first.series) == []
    # the second workshop's word changed later: the latest workshop's word still decides
    actions.review_action(s, second, action.id, ActionStatus.DROPPED)
    s.commit()
    assert action.status == ActionStatus.DONE
    # taking the third's word back leaves the second's
    actions.review_action(s, third, action.id, None)
    s.commit()
    assert action.status == ActionStatus.DROPPED
    assert actions.review_in(action, third) is None


def test_a_finished_action_is_not_reviewed_again(app: Any,
                                                 series_of_three: list[Workshop]) -> None:
    s = db.session
    first, second, third = series_of_three
    action = actions.add_action(s, first, GOOD)
    actions.review_action(s, second, action.id, ActionStatus.DROPPED)
    s.commit()
    assert actions.reviewable(s, third) == []
    with pytest.raises(NotFound):
        actions.review_action(s, third, action.id, ActionStatus.DONE)
    with pytest.raises(NotFound):  # an action is reviewed only after the workshop agreeing it
        actions.review_action(s, first, action.id, ActionStatus.DONE)
    with pytest.raises(Invalid):
        actions.parse_status("open")


def test_an_action_reviewed_later_cannot_be_deleted(app: Any,
                                                    series_of_three: list[Workshop]) -> None:
    s = db.session
    first, second, _third = series_of_three
    kept = actions.add_action(s, first, GOOD)
    mistake = actions.add_action(s, first, {**GOOD, "text": "Väärin kirjattu"})
    actions.review_action(s, second, kept.id, ActionStatus.IN_PROGRESS)
    s.commit()
    assert actions.delete_action(s, first, mistake.id) == mistake.id
    with pytest.raises(Conflict):
        actions.delete_action(s, first, kept.id)
    with pytest.raises(NotFound):  # only the workshop that agreed it may take it back
        actions.delete_action(s, second, kept.id)
    s.commit()
    assert [a.text for a in actions.agreed_in(s, first)] == [GOOD["text"]]
    sentences = [describe(e) for e in list_entries(s, workshop_id=first.id)]
    assert "poisti toimenpiteen ”Väärin kirjattu”" in sentences
    assert f"merkitsi toimenpiteen ”{GOOD['text']}” tilaksi: kesken" in [
        describe(e) for e in list_entries(s, workshop_id=second.id)]


def test_undiscussed_wishes_are_offered_to_the_next_agenda(
        app: Any, series_of_three: list[Workshop], register: Callable[..., Any]) -> None:
    s = db.session
    first, second, _third = series_of_three
    register(first, wishes=["Työnkuvat", "Rahoitus ja resurssit pitkällä aikavälillä"])
    register(first, wishes=["Palveluohjaus"], email="toinen@example.fi")
    wishes = {w.text: w for w in s.query(Wish)}
    discussed = create_theme(s, first, {"title": "Työnkuvat"})
    never_opened = create_theme(s, first, {"title": "Palveluohjaus"})
    group_wishes(s, first, [wishes["Työnkuvat"].id], theme_id=discussed.id)
    group_wishes(s, first, [wishes["Palveluohjaus"].id], theme_id=never_opened.id)
    s.commit()
    assert actions.undiscussed_wishes(s, second) == []  # the first was not held yet
    open_room(s, first)
    set_phase(s, first, "theme", discussed)
    close_room(s, first)
    s.commit()
    offered = [w.text for w in actions.undiscussed_wishes(s, second)]
    assert offered == ["Rahoitus ja resurssit pitkällä aikavälillä", "Palveluohjaus"]
    theme = actions.carry_wishes(s, second, [wishes["Palveluohjaus"].id])
    s.commit()
    assert (theme.title, theme.description) == ("Palveluohjaus", "Palveluohjaus")
    assert [w.text for w in actions.undiscussed_wishes(s, second)] == [
        "Rahoitus ja resurssit pitkällä aikavälillä"]
    with pytest.raises(Invalid):  # already carried, or discussed: not on offer
        actions.carry_wishes(s, second, [wishes["Palveluohjaus"].id])
    with pytest.raises(Invalid):
        actions.carry_wishes(s, second, [wishes["Työnkuvat"].id])


def test_an_action_still_unfinished_goes_on_to_the_next_unused_agenda(
        app: Any, series_of_three: list[Workshop]) -> None:
    s = db.session
    first, second, third = series_of_three
    action = actions.add_action(s, first, GOOD)
    s.commit()
    assert [t.reviews_actions for t in second.themes] == [True]
    assert third.themes == []  # the next one reviews it first
    open_room(s, second)
    actions.review_action(s, second, action.id, ActionStatus.IN_PROGRESS)
    s.commit()
    assert [t.reviews_actions for t in third.themes] == [True]


def test_taking_back_the_only_action_takes_its_review_off_the_next_agenda(
        app: Any, series_of_three: list[Workshop]) -> None:
    s = db.session
    first, second, _third = series_of_three
    action = actions.add_action(s, first, GOOD)
    s.commit()
    assert [t.reviews_actions for t in second.themes] == [True]
    actions.delete_action(s, first, action.id)
    s.commit()
    assert second.themes == []


def test_two_workshops_on_one_day_follow_each_other(
        app: Any, make_series: Callable[..., Series],
        make_workshop: Callable[..., Workshop]) -> None:
    s = db.session
    series = make_series()
    day = TODAY + timedelta(days=20)
    from datetime import time
    morning = make_workshop(series, title="Aamu", day=day, starts_at=time(9), ends_at=time(11))
    afternoon = make_workshop(series, title="Iltapäivä", day=day, starts_at=time(13),
                              ends_at=time(15))
    action = actions.add_action(s, morning, GOOD)
    s.commit()
    assert [a.id for a in actions.reviewable(s, afternoon)] == [action.id]
    assert actions.reviewable(s, morning) == []
    assert [t.reviews_actions for t in afternoon.themes] == [True]


def test_what_a_workshop_reviews_is_what_the_latest_earlier_review_left(
        app: Any, make_series: Callable[..., Series],
        make_workshop: Callable[..., Workshop]) -> None:
    s = db.session
    series = make_series()
    w1, w2, w3, w4 = (make_workshop(series, title=f"W{n}", day=TODAY + timedelta(days=10 * n))
                      for n in range(1, 5))
    action = actions.add_action(s, w1, GOOD)
    actions.review_action(s, w3, action.id, ActionStatus.IN_PROGRESS)
    # the earlier W2 said it was done, but W3 came after: it is in progress
    actions.review_action(s, w2, action.id, ActionStatus.DONE)
    s.commit()
    assert action.status == ActionStatus.IN_PROGRESS
    assert [a.id for a in actions.reviewable(s, w4)] == [action.id]


def test_a_published_memo_freezes_the_workshops_actions(
        app: Any, series_of_three: list[Workshop]) -> None:
    from facilitate.models import MemoVersion
    from facilitate.timeutil import now_utc

    s = db.session
    first, second, _third = series_of_three
    action = actions.add_action(s, first, GOOD)
    s.add(MemoVersion(workshop_id=first.id, number=1, language="fi", markdown="# Muistio",
                      published_at=now_utc()))
    s.commit()
    for change in (lambda: actions.add_action(s, first, GOOD),
                   lambda: actions.delete_action(s, first, action.id)):
        with pytest.raises(Conflict) as refused:
            change()
        assert str(refused.value.message) == ("Tilaisuuden muistio on jo julkaistu, joten sen "
                                              "toimenpiteitä ei voi enää muuttaa.")
    actions.review_action(s, second, action.id, ActionStatus.DONE)  # the next one still may
    s.commit()
    # done, but until a published memo says so the public list has it open
    assert [(a.id, status) for a, _w, status in actions.open_actions(s, first.series)] == [
        (action.id, ActionStatus.OPEN)]
    s.add(MemoVersion(workshop_id=second.id, number=1, language="fi", markdown="# Muistio",
                      published_at=now_utc()))
    s.commit()
    assert actions.open_actions(s, first.series) == []
