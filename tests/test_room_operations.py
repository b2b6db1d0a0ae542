"""The live room's rules without HTTP or sockets: facilitate.room.operations called on
db.session the way the Socket.IO handlers call them (commit after a change, roll back after a
refusal), and what facilitate.room.snapshot shows to participants and coordinators."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sql_count import counted
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from facilitate.errors import Conflict, DomainError, Forbidden, Gone, Invalid, NotFound
from facilitate.extensions import db
from facilitate.fields import parse
from facilitate.models import (
    Answer,
    AppliedChange,
    Contribution,
    Coordinator,
    Note,
    NoteRevision,
    Presence,
    Prompt,
    Registration,
    Room,
    RoomPhase,
    RoomStatus,
    Theme,
    Vote,
    Workshop,
)
from facilitate.room import operations as ops
from facilitate.room import payloads, wire
from facilitate.room.operations import Actor
from facilitate.room.snapshot import (
    build_snapshot,
    presence_payload,
    results_of,
    results_payload,
    room_html,
    snapshots,
)
from facilitate.timeutil import now_utc

# --- the room ------------------------------------------------------------------------------


def _as_received(model: type[Any], operation: Callable[..., Any], *fields: str
                 ) -> Callable[..., Any]:
    """`operation` as its handler calls it: the values, as a client sends them, go through the
    event's payload model (room/payloads.py) first, so a bad one is refused as the room does."""

    def call(s: Session, actor: Actor, *values: Any, **options: Any) -> Any:
        sent = dict(zip(fields, values[:len(fields)], strict=False))
        body = parse(model, {"id": "change-0001", **sent})
        return operation(s, actor, *(getattr(body, field) for field in fields),
                         *values[len(fields):], **options)

    call.__name__ = operation.__name__
    return call


#: The operations that take what a client sends, with their payload model and fields.
_RECEIVED = {
    "add_contribution": (payloads.AddContribution, "theme_id", "prompt_id", "text", "level"),
    "edit_contribution": (payloads.EditContribution, "contribution_id", "text", "level"),
    "delete_contribution": (payloads.DeleteContribution, "contribution_id"),
    "vote": (payloads.Vote, "contribution_id", "up"),
    "set_answer": (payloads.SetAnswer, "prompt_id", "value"),
    "reveal_prompt_for": (payloads.RevealPrompt, "prompt_id", "revealed"),
    "set_phase_for": (payloads.SetPhase, "phase", "theme_id"),
    "start_timer": (payloads.StartTimer, "seconds"),
    "lock_theme": (payloads.LockTheme, "theme_id", "locked"),
    "hide_contribution": (payloads.HideContribution, "contribution_id", "hidden"),
    "move_contribution": (payloads.MoveContribution, "contribution_id", "theme_id"),
    "set_note_taker": (payloads.SetNoteTaker, "registration_id", "on"),
    "edit_note": (payloads.EditNote, "theme_id", "base_version", "ops"),
    "note_history": (payloads.NoteHistory, "theme_id", "since", "pending"),
}
#: The room's operations behind their payload models, as `received.add_contribution(...)`.
received = SimpleNamespace(**{
    name: _as_received(model, getattr(ops, name), *fields)
    for name, (model, *fields) in _RECEIVED.items()})


@dataclass
class LiveRoom:
    """A workshop with two themes, four prompts, three participants and a coordinator."""

    workshop_id: int
    #: "first" (open, statement, level prompts) and "second" (poll)
    themes: dict[str, int]
    #: open, statement, level (first theme), poll (second theme)
    prompts: dict[str, int]
    #: anna (Varha), bertta (Satakunta), cecilia (Pirkanmaa, note-taker)
    registrations: dict[str, int]
    coordinator_id: int

    def actor(self, name: str) -> Actor:
        if name == "coordinator":
            return Actor(workshop_id=self.workshop_id, coordinator_id=self.coordinator_id)
        return Actor(workshop_id=self.workshop_id, registration_id=self.registrations[name])

    @property
    def workshop(self) -> Workshop:
        return db.session.get_one(Workshop, self.workshop_id)

    def room(self) -> Room:
        return db.session.get_one(Room, self.workshop_id)


@pytest.fixture
def coordinator(app: Any) -> Coordinator:
    """A coordinator account that never logs in (no password hashing to wait for)."""
    coordinator = Coordinator(email="koordinaattori@thl.fi", name="Niina Koordinaattori",
                              password_hash="not-used")
    db.session.add(coordinator)
    db.session.commit()
    return coordinator


@pytest.fixture
def make_live_room(make_room: Callable[..., Any], coordinator: Coordinator
                   ) -> Callable[..., LiveRoom]:
    """make_live_room(open=True): the conftest's make_room, with actors for its people."""

    def make(*, open: bool = True, title: str = "Jälkihuollon vertaisreflektio") -> LiveRoom:
        room = make_room(open=open, title=title)
        first, second = room.theme_ids
        return LiveRoom(room.workshop_id, {"first": first, "second": second}, room.prompts,
                        room.registration_ids, coordinator.id)

    return make


@pytest.fixture
def room(make_live_room: Callable[..., LiveRoom]) -> LiveRoom:
    return make_live_room()


@pytest.fixture
def other(make_live_room: Callable[..., LiveRoom]) -> LiveRoom:
    """A second workshop run by the same coordinator, for ids from elsewhere."""
    return make_live_room(title="Toinen tilaisuus")


def state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row the room's operations may touch, read afresh from the database."""
    s = db.session
    s.expire_all()

    def rows(*columns: Any) -> list[tuple[Any, ...]]:
        return sorted((tuple(row) for row in s.execute(select(*columns))), key=repr)

    return {
        "room": rows(Room.workshop_id, Room.status, Room.phase, Room.theme_id,
                     Room.timer_ends_at, Room.timer_seconds, Room.closed_at),
        "theme": rows(Theme.id, Theme.is_locked),
        "prompt": rows(Prompt.id, Prompt.is_revealed),
        "registration": rows(Registration.id, Registration.is_note_taker),
        "contribution": rows(Contribution.id, Contribution.theme_id, Contribution.prompt_id,
                             Contribution.registration_id, Contribution.text,
                             Contribution.level, Contribution.is_hidden),
        "vote": rows(Vote.contribution_id, Vote.registration_id),
        "answer": rows(Answer.id, Answer.prompt_id, Answer.registration_id, Answer.value),
        "note": rows(Note.id, Note.theme_id, Note.text, Note.version),
        "note_revision": rows(NoteRevision.note_id, NoteRevision.version, NoteRevision.ops,
                              NoteRevision.change_id),
        "applied_change": rows(AppliedChange.actor, AppliedChange.change_id,
                               AppliedChange.event),
        "presence": rows(Presence.sid, Presence.registration_id, Presence.last_seen),
    }


def refused(error: type[DomainError], operation: Callable[..., Any], *args: Any,
            **kwargs: Any) -> DomainError:
    """Call an operation as a handler would, expect `error`, roll back, and check that the
    database is exactly as it was."""
    db.session.commit()
    before = state()
    with pytest.raises(error) as raised:
        operation(db.session, *args, **kwargs)
    assert type(raised.value) is error
    db.session.rollback()
    assert state() == before, f"{operation.__name__} changed the database although refused"
    return raised.value


def done(value: Any) -> Any:
    """Commit a successful change, as a handler does before it broadcasts."""
    db.session.commit()
    return value


def contribution(contribution_id: int) -> Contribution | None:
    db.session.expire_all()
    return db.session.get(Contribution, contribution_id)


def add(room: LiveRoom, who: str, text: str, *, theme: str = "first", prompt: str | None = None,
        level: str | None = None) -> int:
    created = received.add_contribution(db.session, room.actor(who), room.themes[theme],
                                   room.prompts[prompt] if prompt else None, text, level)
    return done(created).id


# --- contributions -------------------------------------------------------------------------


def test_a_participant_adds_contributions_under_an_open_theme(room: LiveRoom) -> None:
    plain = add(room, "anna", "  Työnkuvat vaihtelevat\r\nkunnittain.  ")
    under_open = add(room, "anna", "Sosiaaliohjaajat", prompt="open")
    levelled = add(room, "bertta", "Yhteinen linja", prompt="level", level="hyvinvointialue")
    rows = {c.id: c for c in db.session.scalars(select(Contribution))}
    assert set(rows) == {plain, under_open, levelled}
    assert rows[plain].text == "Työnkuvat vaihtelevat\nkunnittain."
    assert (rows[plain].prompt_id, rows[plain].level) == (None, None)
    assert rows[under_open].prompt_id == room.prompts["open"]
    assert (rows[levelled].registration_id, rows[levelled].level) == (
        room.registrations["bertta"], "hyvinvointialue")
    assert all(c.theme_id == room.themes["first"] and not c.is_hidden for c in rows.values())
    # exactly 2,000 characters is allowed; Finnish letters count as one character each
    long = add(room, "anna", "ä" * 2000)
    assert contribution(long).text == "ä" * 2000


def test_contributions_need_an_open_room(make_live_room: Callable[..., LiveRoom]) -> None:
    room = make_live_room(open=False)
    anna, theme = room.actor("anna"), room.themes["first"]
    error = refused(Conflict, received.add_contribution, anna, theme, None, "Liian aikaisin")
    assert "ei ole vielä auki" in str(error)
    ops.open_room(db.session, room.workshop)
    done(add(room, "anna", "Nyt"))
    done(ops.close_room(db.session, room.workshop))
    assert room.room().status == RoomStatus.CLOSED
    error = refused(Conflict, received.add_contribution, anna, theme, None, "Liian myöhään")
    assert "suljettu" in str(error)
    assert [c.text for c in db.session.scalars(select(Contribution))] == ["Nyt"]


def test_contributions_are_refused_on_a_locked_theme(room: LiveRoom) -> None:
    done(received.lock_theme(db.session, room.actor("coordinator"), room.themes["first"], True))
    error = refused(Conflict, received.add_contribution, room.actor("anna"), room.themes["first"],
                    None, "Lukittu")
    assert error.field == "theme_id"
    add(room, "anna", "Toinen teema on auki", theme="second")


def test_contribution_text_is_required_and_at_most_2000_characters(room: LiveRoom) -> None:
    anna, theme = room.actor("anna"), room.themes["first"]
    for text in ["", "   \n ", None, "\x00\x01", 42, ["teksti"], "x" * 2001, "ä" * 2001]:
        error = refused(Invalid, received.add_contribution, anna, theme, None, text)
        assert set(error.errors) == {"text"}, text


def test_prompt_and_level_rules_of_contributions(room: LiveRoom, other: LiveRoom) -> None:
    anna, first = room.actor("anna"), room.themes["first"]
    p = room.prompts
    # an open question of the first theme under the second theme of the same workshop
    error = refused(Invalid, received.add_contribution, anna, room.themes["second"], p["open"],
                    "Väärän teeman kysymys")
    assert set(error.errors) == {"prompt_id"}
    refusals = [
        # (prompt, level, field)
        (p["poll"], None, "prompt_id"),  # a poll of the second theme
        (p["level"], None, "level"),  # a level prompt needs a level
        (p["level"], "maakunta", "level"),
        (p["level"], ["kunta"], "level"),
        (p["open"], "kunta", "level"),  # other prompts refuse one
        (None, "kunta", "level"),
        (p["statement"], None, "prompt_id"),  # statements are answered by choosing
    ]
    for prompt_id, level, field in refusals:
        error = refused(Invalid, received.add_contribution, anna, first, prompt_id, "Teksti", level)
        assert field in error.errors, (prompt_id, level, error.errors)
    # a prompt of another workshop does not exist as far as this room is concerned
    refused(NotFound, received.add_contribution, anna, first, other.prompts["open"], "Teksti")
    for level in ("kunta", "hyvinvointialue", "valtakunnallinen"):
        add(room, "anna", f"Tasolla {level}", prompt="level", level=level)


def test_contributions_need_a_theme_of_this_workshop_and_a_participant(
        room: LiveRoom, other: LiveRoom) -> None:
    anna = room.actor("anna")
    refused(NotFound, received.add_contribution, anna, other.themes["first"], None, "Väärä")
    refused(NotFound, received.add_contribution, anna, 2**31 - 1, None, "Ei ole")
    for theme_id in (None, True, "1", 0, -3, 2**31):
        refused(Invalid, received.add_contribution, anna, theme_id, None, "Ei tunniste")
    refused(Forbidden, received.add_contribution, room.actor("coordinator"), room.themes["first"],
            None, "Koordinaattorin puheenvuoro")


def test_only_the_author_edits_or_deletes_a_contribution(room: LiveRoom) -> None:
    own = add(room, "anna", "Alkuperäinen")
    levelled = add(room, "anna", "Tasolla", prompt="level", level="kunta")
    for who in ("bertta", "cecilia", "coordinator"):
        refused(Forbidden, received.edit_contribution, room.actor(who), own, "Kaapattu")
        refused(Forbidden, received.delete_contribution, room.actor(who), own)
    done(received.edit_contribution(db.session, room.actor("anna"), own, " Korjattu "))
    done(received.edit_contribution(db.session, room.actor("anna"), levelled, "Tasolla",
                               "valtakunnallinen"))
    assert contribution(own).text == "Korjattu"
    assert contribution(levelled).level == "valtakunnallinen"
    refused(Invalid, received.edit_contribution, room.actor("anna"), own, "")
    refused(Invalid, received.edit_contribution, room.actor("anna"), levelled, "Tasolla", None)
    assert done(received.delete_contribution(db.session, room.actor("anna"), own)) == own
    assert contribution(own) is None
    refused(NotFound, received.delete_contribution, room.actor("anna"), own)
    assert contribution(levelled) is not None


def test_votes_toggle_and_count_but_never_on_ones_own(room: LiveRoom) -> None:
    annas = add(room, "anna", "Äänestettävä")

    def vote(who: str, up: Any) -> int:
        found, count = received.vote(db.session, room.actor(who), annas, up)
        assert found.id == annas
        return done(count)

    assert vote("bertta", True) == 1
    assert vote("bertta", True) == 1  # voting again does not count twice
    assert vote("cecilia", True) == 2
    assert vote("bertta", False) == 1
    assert vote("bertta", False) == 1
    assert [v.registration_id for v in db.session.scalars(select(Vote))] == [
        room.registrations["cecilia"]]
    error = refused(Forbidden, received.vote, room.actor("anna"), annas, True)
    assert error.field == "contribution_id"
    refused(Forbidden, received.vote, room.actor("coordinator"), annas, True)
    refused(Invalid, received.vote, room.actor("bertta"), annas, "true")
    refused(NotFound, received.vote, room.actor("bertta"), annas + 1000, True)
    assert ops.vote_count(db.session, annas) == 1


def test_statement_answers_are_1_to_5_and_a_new_answer_replaces_the_old(room: LiveRoom) -> None:
    statement = room.prompts["statement"]
    anna = room.actor("anna")
    for value in (0, 6, -1, True, "3", 3.0, None):
        error = refused(Invalid, received.set_answer, anna, statement, value)
        assert error.field == "value", value
    done(received.set_answer(db.session, anna, statement, 1))
    done(received.set_answer(db.session, anna, statement, 5))
    done(received.set_answer(db.session, room.actor("bertta"), statement, 5))
    answers = sorted((a.registration_id, a.value) for a in db.session.scalars(select(Answer)))
    assert answers == [(room.registrations["anna"], 5), (room.registrations["bertta"], 5)]
    refused(Forbidden, received.set_answer, room.actor("coordinator"), statement, 3)


def test_poll_answers_are_option_indexes_and_open_prompts_take_no_answers(
        room: LiveRoom, other: LiveRoom) -> None:
    poll, anna = room.prompts["poll"], room.actor("anna")
    for value in (3, -1, 1.0, False):
        refused(Invalid, received.set_answer, anna, poll, value)
    for value in (0, 2):
        assert done(received.set_answer(db.session, anna, poll, value)).value == value
    for kind in ("open", "level"):
        error = refused(Invalid, received.set_answer, anna, room.prompts[kind], 1)
        assert error.field == "prompt_id"
    refused(NotFound, received.set_answer, anna, other.prompts["poll"], 0)
    assert [(a.prompt_id, a.value) for a in db.session.scalars(select(Answer))] == [(poll, 2)]


def results(prompt: Prompt) -> dict[str, Any]:
    return results_payload(prompt, results_of(db.session, [prompt.id])[prompt.id])


def test_prompt_results_count_answers_in_scale_and_option_order(room: LiveRoom) -> None:
    statement = db.session.get_one(Prompt, room.prompts["statement"])
    poll = db.session.get_one(Prompt, room.prompts["poll"])
    assert results(statement) == {"counts": [0, 0, 0, 0, 0], "total": 0}
    for who, value in [("anna", 4), ("bertta", 4), ("cecilia", 1)]:
        done(received.set_answer(db.session, room.actor(who), statement.id, value))
    for who, value in [("anna", 2), ("bertta", 0)]:
        done(received.set_answer(db.session, room.actor(who), poll.id, value))
    done(received.set_answer(db.session, room.actor("bertta"), poll.id, 2))  # changed her mind
    assert results(statement) == {"counts": [1, 0, 0, 2, 0], "total": 3}
    assert results(poll) == {"counts": [0, 0, 2], "total": 2}


def test_only_statements_and_polls_can_be_revealed(room: LiveRoom, other: LiveRoom) -> None:
    coordinator = room.actor("coordinator")
    for kind in ("statement", "poll"):
        done(received.reveal_prompt_for(db.session, coordinator, room.prompts[kind], True))
        assert db.session.get_one(Prompt, room.prompts[kind]).is_revealed
    for kind in ("open", "level"):
        error = refused(Invalid, received.reveal_prompt_for, coordinator, room.prompts[kind], True)
        assert error.field == "prompt_id"
    refused(Invalid, received.reveal_prompt_for, coordinator, room.prompts["poll"], "false")
    refused(NotFound, received.reveal_prompt_for, coordinator, other.prompts["poll"], True)
    done(received.reveal_prompt_for(db.session, coordinator, room.prompts["poll"], False))
    db.session.expire_all()
    assert not db.session.get_one(Prompt, room.prompts["poll"]).is_revealed


# --- the coordinator's controls ------------------------------------------------------------


def test_set_phase_needs_a_theme_for_theme_and_stops_the_timer(room: LiveRoom,
                                                              other: LiveRoom) -> None:
    coordinator = room.actor("coordinator")
    done(received.start_timer(db.session, coordinator, 300))
    assert room.room().timer_seconds == 300
    done(received.set_phase_for(db.session, coordinator, "theme", room.themes["second"]))
    current = room.room()
    assert (current.phase, current.theme_id) == (RoomPhase.THEME, room.themes["second"])
    assert current.timer_ends_at is None and current.timer_seconds is None

    refused(Invalid, received.set_phase_for, coordinator, "theme", None)
    refused(Invalid, ops.set_phase, room.workshop, "theme", None)
    refused(NotFound, received.set_phase_for, coordinator, "theme", other.themes["first"])
    refused(Invalid, received.set_phase_for, coordinator, "tauko", None)

    done(received.start_timer(db.session, coordinator, 60))
    done(received.set_phase_for(db.session, coordinator, "closing", room.themes["first"]))
    current = room.room()
    assert (current.phase, current.theme_id, current.timer_seconds) == (
        RoomPhase.CLOSING, None, None)


def test_timer_is_10_to_7200_seconds(room: LiveRoom) -> None:
    coordinator = room.actor("coordinator")
    for seconds in (9, 7201, 0, -60, True, "60", 60.0, None):
        error = refused(Invalid, received.start_timer, coordinator, seconds)
        assert error.field == "seconds", seconds
    now = now_utc().replace(microsecond=0)
    for seconds in (10, 7200):
        done(received.start_timer(db.session, coordinator, seconds, now=now))
        db.session.expire_all()
        assert room.room().timer_seconds == seconds
        assert room.room().timer_ends_at == now + timedelta(seconds=seconds)
    done(ops.stop_timer(db.session, coordinator))
    db.session.expire_all()
    assert (room.room().timer_ends_at, room.room().timer_seconds) == (None, None)


def test_a_locked_theme_refuses_participants_but_notes_stay_editable(room: LiveRoom,
                                                                     other: LiveRoom) -> None:
    coordinator, anna, bertta = (room.actor(n) for n in ("coordinator", "anna", "bertta"))
    annas = add(room, "anna", "Ennen lukitusta")
    done(received.lock_theme(db.session, coordinator, room.themes["first"], True))
    db.session.expire_all()
    assert db.session.get_one(Theme, room.themes["first"]).is_locked
    refused(Conflict, received.edit_contribution, anna, annas, "Muutettu")
    refused(Conflict, received.delete_contribution, anna, annas)
    refused(Conflict, received.vote, bertta, annas, True)
    refused(Conflict, received.set_answer, anna, room.prompts["statement"], 3)
    note, _revision = received.edit_note(db.session, room.actor("cecilia"), room.themes["first"], 0,
                                    ["Kirjattu lukituksen jälkeen"], "note-after-lock")
    assert done(note).version == 1
    refused(Invalid, received.lock_theme, coordinator, room.themes["first"], "false")
    refused(NotFound, received.lock_theme, coordinator, other.themes["first"], True)
    done(received.lock_theme(db.session, coordinator, room.themes["first"], False))
    done(received.edit_contribution(db.session, anna, annas, "Lukitus purettu"))
    assert contribution(annas).text == "Lukitus purettu"


def test_hidden_contributions_are_kept_but_out_of_other_participants_reach(
        room: LiveRoom, other: LiveRoom) -> None:
    coordinator = room.actor("coordinator")
    annas = add(room, "anna", "Piilotettava")
    hidden = done(received.hide_contribution(db.session, coordinator, annas, True))
    assert hidden.is_hidden and contribution(annas).is_hidden
    refused(NotFound, received.vote, room.actor("bertta"), annas, True)  # as if it did not exist
    done(received.edit_contribution(db.session, room.actor("anna"), annas, "Oma piilotettu"))
    refused(Invalid, received.hide_contribution, coordinator, annas, 1)
    others = add(other, "anna", "Toisessa tilaisuudessa")
    refused(NotFound, received.hide_contribution, coordinator, others, True)
    done(received.hide_contribution(db.session, coordinator, annas, False))
    assert not contribution(annas).is_hidden
    assert done(received.vote(db.session, room.actor("bertta"), annas, True))[1] == 1


def test_moving_a_contribution_to_another_theme_drops_its_prompt_and_level(
        room: LiveRoom, other: LiveRoom) -> None:
    coordinator = room.actor("coordinator")
    levelled = add(room, "anna", "Tasolla", prompt="level", level="kunta")
    done(received.move_contribution(db.session, coordinator, levelled, room.themes["first"]))
    moved = contribution(levelled)
    assert (moved.theme_id, moved.prompt_id, moved.level) == (
        room.themes["first"], room.prompts["level"], "kunta")  # same theme: nothing changes
    done(received.move_contribution(db.session, coordinator, levelled, room.themes["second"]))
    moved = contribution(levelled)
    assert (moved.theme_id, moved.prompt_id, moved.level) == (room.themes["second"], None, None)
    refused(NotFound, received.move_contribution, coordinator, levelled, other.themes["first"])
    refused(Invalid, received.move_contribution, coordinator, levelled, None)


def test_set_note_taker_within_the_workshop(room: LiveRoom, other: LiveRoom) -> None:
    coordinator = room.actor("coordinator")
    done(received.set_note_taker(db.session, coordinator, room.registrations["anna"], True))
    done(received.set_note_taker(db.session, coordinator, room.registrations["cecilia"], False))
    db.session.expire_all()
    takers = {r.name for r in db.session.scalars(select(Registration).where(
        Registration.workshop_id == room.workshop_id, Registration.is_note_taker))}
    assert takers == {"Anna"}
    refused(NotFound, received.set_note_taker, coordinator, other.registrations["bertta"], True)
    refused(Invalid, received.set_note_taker, coordinator, room.registrations["bertta"], "on")
    refused(Invalid, received.set_note_taker, coordinator, str(room.registrations["bertta"]), True)


# --- client change ids ---------------------------------------------------------------------


def test_parse_change_id_accepts_8_to_64_safe_characters() -> None:
    for good in ("abcdefgh", "x" * 64, "A-Z_a-z_0-9", "3f2b8c1e-9d4a-4b7e-8f00-0c1d2e3f4a5b"):
        assert parse(payloads.RoomChange, {"id": good}).id == good
    for bad in ("abcdefg", "x" * 65, "", "abcd efgh", "abcdefgh\n", "äöäöäöäö", "abcd.efgh",
                "abcd/efgh", "１２３４５６７８", 12345678, None, ["abcdefgh"]):
        with pytest.raises(Invalid) as raised:
            parse(payloads.RoomChange, {"id": bad})
        assert raised.value.field == "id", bad


def test_applied_change_ids_belong_to_one_event_and_one_person(room: LiveRoom,
                                                                other: LiveRoom) -> None:
    s = db.session
    anna, bertta, coordinator = (room.actor(n) for n in ("anna", "bertta", "coordinator"))
    assert ops.find_applied(s, anna, "change-0001", "contribution.add") is None
    ops.record_applied(s, anna, "change-0001", "contribution.add", {"contribution": {"id": 7}})
    s.commit()
    assert ops.find_applied(s, anna, "change-0001", "contribution.add") == {
        "contribution": {"id": 7}}
    error = refused(Invalid, ops.find_applied, anna, "change-0001", "answer.set")
    assert error.field == "id"
    # the same id from someone else is theirs alone
    assert ops.find_applied(s, bertta, "change-0001", "answer.set") is None
    ops.record_applied(s, bertta, "change-0001", "answer.set", {"value": 3})
    ops.record_applied(s, coordinator, "change-0001", "room.open", {"status": "open"})
    s.commit()
    assert ops.find_applied(s, bertta, "change-0001", "answer.set") == {"value": 3}
    assert ops.find_applied(s, anna, "change-0001", "contribution.add") == {
        "contribution": {"id": 7}}
    assert {(a.actor, a.event) for a in s.scalars(select(AppliedChange))} == {
        (anna.key, "contribution.add"), (bertta.key, "answer.set"),
        (coordinator.key, "room.open")}
    # the coordinator's ids are theirs across workshops: reusing one elsewhere is refused
    elsewhere = other.actor("coordinator")
    assert elsewhere.key == coordinator.key
    refused(Invalid, ops.find_applied, elsewhere, "change-0001", "room.open")


# --- notes ---------------------------------------------------------------------------------


def edit(room: LiveRoom, who: str, base_version: int, edit_ops: Any, change_id: str | None,
         theme: str = "first") -> tuple[Note, NoteRevision]:
    return done(received.edit_note(db.session, room.actor(who), room.themes[theme], base_version,
                              edit_ops, change_id))


def test_the_first_edit_creates_the_note_at_version_1(room: LiveRoom) -> None:
    note, revision = edit(room, "cecilia", 0, ["Muistio: työnkuvat 😀"], "cecilia-0001")
    assert (note.text, note.version) == ("Muistio: työnkuvat 😀", 1)
    db.session.expire_all()
    stored = db.session.scalars(select(Note)).one()
    assert (stored.theme_id, stored.text, stored.version) == (
        room.themes["first"], "Muistio: työnkuvat 😀", 1)
    revision = db.session.scalars(select(NoteRevision)).one()
    assert (revision.version, revision.ops, revision.change_id, revision.registration_id,
            revision.coordinator_id) == (1, ["Muistio: työnkuvat 😀"], "cecilia-0001",
                                         room.registrations["cecilia"], None)
    _, by_coordinator = edit(room, "coordinator", 1, [19, -1, "👍🏽"], "coord-0001")
    assert by_coordinator.coordinator_id == room.coordinator_id
    assert db.session.get_one(Note, stored.id).text == "Muistio: työnkuvat 👍🏽"


def test_a_stale_edit_is_transformed_so_both_texts_survive(room: LiveRoom) -> None:
    edit(room, "cecilia", 0, ["Työnkuvat: kunta"], "cecilia-0001")
    # both edit version 1: Cecilia appends, the coordinator rewrites "kunta"
    edit(room, "cecilia", 1, [16, ", hyvinvointialue"], "cecilia-0002")
    note, revision = edit(room, "coordinator", 1, [11, "kunnat ja ÄÖ 😀", -5], "coord-0001")
    assert note.text == "Työnkuvat: kunnat ja ÄÖ 😀, hyvinvointialue"
    assert note.version == 3
    # the revision stores the edit as applied: transformed past version 2
    assert revision.ops == [11, "kunnat ja ÄÖ 😀", -5, 17]
    # two inserts at one place: the one the server applied first comes first
    length = len(note.text)
    edit(room, "cecilia", 3, [length, " (Cecilia)"], "cecilia-0003")
    note, _ = edit(room, "coordinator", 3, [length, " (koordinaattori)"], "coord-0002")
    assert note.text.endswith(", hyvinvointialue (Cecilia) (koordinaattori)")
    assert note.version == 5


def test_simultaneous_edits_of_a_note_wait_for_each_other_instead_of_racing(
        room: LiveRoom) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL row lock; SQLite has one writer at a time")
    edit(room, "cecilia", 0, ["Työnkuvat"], "cecilia-0001")
    # Cecilia's edit is applied but not yet committed when the coordinator's arrives.
    ops.edit_note(db.session, room.actor("cecilia"), room.themes["first"], 1, [9, " ja tehtävät"],
                  "cecilia-0002")
    outcome: dict[str, Any] = {}

    def coordinator_edits() -> None:
        with Session(db.engine) as other:
            try:
                note, _ = received.edit_note(other, room.actor("coordinator"), room.themes["first"],
                                        1, ["Teema: ", 9], "coord-0001")
                other.commit()
                outcome["text"], outcome["version"] = note.text, note.version
            except Exception as error:  # noqa: BLE001 - reported to the test's thread
                outcome["error"] = error

    waiting = threading.Thread(target=coordinator_edits)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive(), outcome  # it waits for Cecilia's edit to commit ...
    db.session.commit()
    waiting.join(10)
    # ... and then applies on top of it, instead of losing the race and having to retry
    assert outcome == {"text": "Teema: Työnkuvat ja tehtävät", "version": 3}


def test_note_edits_are_refused_when_malformed_stale_beyond_or_too_long(room: LiveRoom) -> None:
    cecilia, theme = room.actor("cecilia"), room.themes["first"]
    refused(Invalid, received.edit_note, cecilia, theme, 1, ["Ei versiota 1"], "c-000001")
    edit(room, "cecilia", 0, ["Muistio"], "c-000002")
    error = refused(Invalid, received.edit_note, cecilia, theme, 2, [7, "!"], "c-000003")
    assert error.field == "base_version"
    for base_version in (-1, True, "1", None, 1.0):
        refused(Invalid, received.edit_note, cecilia, theme, base_version, [7, "!"], "c-000004")
    for malformed in ([], "Muistio!", [7, ""], [7, 0, "!"], [True, "!"], [7, "\x00"],
                      [6, "!"], [8, "!"], [-8], None):
        error = refused(Invalid, received.edit_note, cecilia, theme, 1, malformed, "c-000005")
        assert error.field == "ops", malformed
    # 100,000 bytes of UTF-8 at most: "ä" is two bytes, so 50,001 of them are too many
    error = refused(Invalid, received.edit_note, cecilia, theme, 1, [7, "ä" * 49_997], "c-000006")
    assert error.field == "ops"
    note, _ = edit(room, "cecilia", 1, [7, "ä" * 49_996, "x"], "c-000007")
    assert len(note.text.encode()) == 100_000
    refused(Invalid, received.edit_note, cecilia, theme, 2, [len(note.text), "y"], "c-000008")


def test_only_note_takers_and_coordinators_write_notes_in_an_open_room(
        room: LiveRoom, other: LiveRoom) -> None:
    theme = room.themes["first"]
    for who in ("anna", "bertta"):
        refused(Forbidden, received.edit_note, room.actor(who), theme, 0, ["Ei kirjuri"],
                "a-000001")
    refused(NotFound, received.edit_note, room.actor("cecilia"), other.themes["first"], 0,
            ["Toisen tilaisuuden teema"], "c-000001")
    done(received.set_note_taker(db.session, room.actor("coordinator"), room.registrations["anna"],
                            True))
    edit(room, "anna", 0, ["Annan muistiinpano"], "a-000002")
    done(ops.close_room(db.session, room.workshop))
    refused(Conflict, received.edit_note, room.actor("coordinator"), theme, 1, [18, "!"],
            "k-000001")


def test_note_history_returns_the_edits_after_since(room: LiveRoom, other: LiveRoom) -> None:
    theme = room.themes["first"]
    anyone = room.actor("bertta")  # anyone connected may catch up
    assert received.note_history(db.session, anyone, theme, 0) == ops.NoteHistory(0, [])
    edit(room, "cecilia", 0, ["a"], "c-000001")
    edit(room, "coordinator", 1, [1, "b"], "k-000001")
    edit(room, "cecilia", 1, ["ö", 1], "c-000002")  # stale: transformed past version 2
    history = received.note_history(db.session, anyone, theme, 1)
    assert history.version == 3 and history.edits is not None
    assert [(e.version, e.ops, e.change_id) for e in history.edits] == [
        (2, [1, "b"], "k-000001"), (3, ["ö", 2], "c-000002")]
    edits = received.note_history(db.session, anyone, theme, 0).edits
    assert edits is not None and [e.version for e in edits] == [1, 2, 3]
    assert received.note_history(db.session, anyone, theme, 3) == ops.NoteHistory(3, [])
    assert received.note_history(db.session, anyone, room.themes["second"], 0) == ops.NoteHistory(
        0, [])
    for since in (-1, None, "0", False):
        refused(Invalid, received.note_history, anyone, theme, since)
    for pending in ("short", 7, "x" * 65):
        refused(Invalid, received.note_history, anyone, theme, 0, pending)
    refused(NotFound, received.note_history, anyone, other.themes["first"], 0)


def test_note_history_is_folded_into_the_note_beyond_the_kept_edits(
        room: LiveRoom, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops, "NOTE_HISTORY_KEPT", 3)
    theme, bertta = room.themes["first"], room.actor("bertta")
    for version in range(6):
        edit(room, "cecilia", version, [version, str(version)] if version else ["0"],
             f"c-00000{version}")
    note = db.session.scalar(select(Note).where(Note.theme_id == theme))
    assert note is not None and (note.text, note.version) == ("012345", 6)
    kept = db.session.scalars(select(NoteRevision.version).where(
        NoteRevision.note_id == note.id).order_by(NoteRevision.version))
    assert list(kept) == [4, 5, 6]
    # history from the start of the window on is still given as edits ...
    edits = received.note_history(db.session, bertta, theme, 3).edits
    assert edits is not None and [e.version for e in edits] == [4, 5, 6]
    # ... an edit based there is still transformed past them ...
    note, revision = edit(room, "coordinator", 3, ["K", 3], "k-000001")
    assert note.text == "K012345" and revision.version == 7
    # ... but not one based before it: it was never applied, and the client must rebase
    error = refused(Gone, received.edit_note, room.actor("cecilia"), theme, 3, [3, "!"], "c-000009")
    assert error.field == "base_version"
    # catching up from there gives the text, and says whether an edit in flight is in it
    # (the event handler records each applied change id, as here)
    ops.record_applied(db.session, room.actor("cecilia"), "c-000001", "note.edit",
                       {"theme_id": theme, "version": 2})
    for pending, applied in ((None, None), ("c-000001", True), ("c-000009", False),
                             ("never-sent-01", False)):
        history = received.note_history(db.session, room.actor("cecilia"), theme, 3, pending)
        assert history == ops.NoteHistory(7, None, "K012345", applied), pending
    assert received.note_history(db.session, bertta, theme, 0).edits is None


# --- presence ------------------------------------------------------------------------------


def test_presence_counts_each_person_once_by_organisation(room: LiveRoom) -> None:
    s = db.session
    for who, sid in [("anna", "sid-anna-1"), ("anna", "sid-anna-2"), ("bertta", "sid-bertta"),
                     ("coordinator", "sid-coordinator")]:
        ops.enter_rooms(s, {sid: room.actor(who)})
    s.commit()
    assert presence_payload(s, room.workshop_id) == [
        {"organisation": "Satakunnan hyvinvointialue", "count": 1},
        {"organisation": "Varsinais-Suomen hyvinvointialue (Varha)", "count": 1},
    ]
    assert presence_payload(s, room.workshop_id, coordinator=True) == [
        {"organisation": "Satakunnan hyvinvointialue", "count": 1, "names": ["Bertta"]},
        {"organisation": "Varsinais-Suomen hyvinvointialue (Varha)", "count": 1,
         "names": ["Anna"]},
    ]
    ops.leave_rooms(s, ["sid-anna-1"])
    s.commit()
    assert {p["organisation"] for p in presence_payload(s, room.workshop_id)} == {
        "Satakunnan hyvinvointialue", "Varsinais-Suomen hyvinvointialue (Varha)"}
    ops.leave_rooms(s, ["sid-anna-2"])
    ops.leave_rooms(s, ["sid-bertta"])
    s.commit()
    assert presence_payload(s, room.workshop_id) == []
    assert s.scalars(select(Presence.sid)).all() == ["sid-coordinator"]


def test_refresh_presence_drops_rows_older_than_the_ttl(room: LiveRoom, other: LiveRoom) -> None:
    s = db.session
    ops.enter_rooms(s, {"sid-alive": room.actor("anna")})
    ops.enter_rooms(s, {"sid-dead": room.actor("bertta")})
    ops.enter_rooms(s, {"sid-old-but-mine": room.actor("cecilia")})
    ops.enter_rooms(s, {"sid-elsewhere": other.actor("anna")})
    s.commit()
    now = now_utc()
    old = now - ops.PRESENCE_TTL - timedelta(seconds=1)
    s.execute(update(Presence).where(Presence.sid.in_(
        ["sid-dead", "sid-old-but-mine", "sid-elsewhere"])).values(last_seen=old))
    s.commit()
    assert [p["count"] for p in presence_payload(s, room.workshop_id, now=now)] == [1]

    assert ops.refresh_presence(s, ["sid-old-but-mine"], now) == sorted(
        [room.workshop_id, other.workshop_id])
    s.commit()
    s.expire_all()
    seen = {p.sid: p.last_seen for p in s.scalars(select(Presence))}
    assert set(seen) == {"sid-alive", "sid-old-but-mine"}
    assert seen["sid-old-but-mine"] == now
    assert ops.refresh_presence(s, [], now) == []  # nothing stale is left
    assert len(presence_payload(s, room.workshop_id, now=now)) == 2


# --- snapshots -----------------------------------------------------------------------------


NOTE = "**Tärkeää** <script>alert(1)</script>"


@pytest.fixture
def busy_room(app: Any, room: LiveRoom) -> tuple[LiveRoom, dict[str, int]]:
    """Contributions (one of Anna's and one of Bertta's hidden), votes, answers and a note."""
    s = db.session
    coordinator = room.actor("coordinator")
    annas = add(room, "anna", "Annan näkyvä")
    annas_hidden = add(room, "anna", "Annan piilotettu")
    berttas = add(room, "bertta", "Bertan näkyvä", prompt="level", level="kunta")
    berttas_hidden = add(room, "bertta", "Bertan piilotettu")
    for hidden in (annas_hidden, berttas_hidden):
        received.hide_contribution(s, coordinator, hidden, True)
    received.vote(s, room.actor("anna"), berttas, True)
    received.vote(s, room.actor("cecilia"), berttas, True)
    received.set_answer(s, room.actor("anna"), room.prompts["statement"], 2)
    received.set_answer(s, room.actor("bertta"), room.prompts["statement"], 5)
    received.set_answer(s, room.actor("bertta"), room.prompts["poll"], 1)
    received.reveal_prompt_for(s, coordinator, room.prompts["poll"], True)
    received.edit_note(s, room.actor("cecilia"), room.themes["first"], 0, [NOTE], "c-000001")
    ops.enter_rooms(s, {"sid-anna": room.actor("anna")})
    ops.enter_rooms(s, {"sid-bertta": room.actor("bertta")})
    s.commit()
    return room, {"annas": annas, "annas_hidden": annas_hidden, "berttas": berttas,
                  "berttas_hidden": berttas_hidden}


def _snapshot(app: Any, actor: Actor) -> dict[str, Any]:
    """The snapshot as a client receives it (the shared part arrives pre-serialised)."""
    with app.test_request_context():
        return json.loads(wire.dumps(build_snapshot(db.session, actor)))


def test_a_participants_snapshot_shows_only_what_participants_may_see(
        app: Any, busy_room: tuple[LiveRoom, dict[str, int]]) -> None:
    room, ids = busy_room
    snapshot = _snapshot(app, room.actor("anna"))
    hidden = snapshot["me"].pop("hidden_contributions")
    assert snapshot["me"] == {"role": "participant", "registration_id": room.registrations["anna"],
                              "name": "Anna",
                              "organisation": "Varsinais-Suomen hyvinvointialue (Varha)",
                              "is_note_taker": False,
                              "contribution_ids": [ids["annas"], ids["annas_hidden"]],
                              "voted_ids": [ids["berttas"]],
                              "answers": {str(room.prompts["statement"]): 2}}
    assert snapshot["room"] == {"status": "open", "phase": "theme",
                                "theme_id": room.themes["first"], "timer": None}
    assert "registrations" not in snapshot
    # The shared list is the same for everyone: no hidden ones, no one's own flags. Anna's
    # own hidden one comes in her part, marked hidden; Bertta's is nowhere.
    assert [(c["id"], c["votes"]) for c in snapshot["contributions"]] == [
        (ids["annas"], 0), (ids["berttas"], 2)]
    assert [(c["id"], c["hidden"], c["text"]) for c in hidden] == [
        (ids["annas_hidden"], True, "Annan piilotettu")]
    contributions = {c["id"]: c for c in snapshot["contributions"] + hidden}
    for payload in contributions.values():
        assert not {"organisation", "author", "mine", "voted"} & set(payload)
    assert contributions[ids["berttas"]]["level"] == "kunta"
    prompts = {p["id"]: p for theme in snapshot["themes"] for p in theme["prompts"]}
    statement, poll = prompts[room.prompts["statement"]], prompts[room.prompts["poll"]]
    assert (statement["revealed"], statement["results"]) == (False, None)
    assert (poll["revealed"], poll["results"]) == (True, {"counts": [0, 1, 0], "total": 1})
    assert prompts[room.prompts["open"]]["results"] is None
    assert all(p["earlier"] == [] for p in prompts.values())  # the console's, not theirs
    first = snapshot["themes"][0]
    assert (first["note"]["text"], first["note"]["version"]) == (NOTE, 1)
    assert "<strong>Tärkeää</strong>" in first["note"]["html"]
    assert "<script" not in first["note"]["html"]
    assert snapshot["presence"] == [
        {"organisation": "Satakunnan hyvinvointialue", "count": 1},
        {"organisation": "Varsinais-Suomen hyvinvointialue (Varha)", "count": 1}]
    assert snapshot["limits"] == {"contribution_chars": 2000, "note_bytes": 100_000,
                                  "statement_values": [1, 2, 3, 4, 5],
                                  "agreeing_values": [4, 5],
                                  "levels": ["kunta", "hyvinvointialue", "valtakunnallinen"],
                                  "timer_seconds": [10, 7200],
                                  "change_id_pattern": "^[A-Za-z0-9_-]{8,64}$",
                                  "note_edit_components": 20000,
                                  "action_text_chars": 500, "action_owner_chars": 200,
                                  "review_statuses": ["done", "in_progress", "dropped"]}


def test_a_coordinators_snapshot_has_everything(
        app: Any, busy_room: tuple[LiveRoom, dict[str, int]]) -> None:
    room, ids = busy_room
    snapshot = _snapshot(app, room.actor("coordinator"))
    assert snapshot["me"]["role"] == "coordinator"
    assert snapshot["me"]["coordinator_id"] == room.coordinator_id
    assert [(r["name"], r["organisation"], r["is_note_taker"])
            for r in snapshot["registrations"]] == [
        ("Anna", "Varsinais-Suomen hyvinvointialue (Varha)", False),
        ("Bertta", "Satakunnan hyvinvointialue", False),
        ("Cecilia", "Pirkanmaan hyvinvointialue", True)]
    contributions = {c["id"]: c for c in snapshot["contributions"]}
    assert set(contributions) == set(ids.values())
    assert contributions[ids["berttas_hidden"]]["hidden"] is True
    assert (contributions[ids["berttas"]]["author"],
            contributions[ids["berttas"]]["organisation"]) == (
        "Bertta", "Satakunnan hyvinvointialue")
    assert not any("mine" in c or "voted" in c for c in contributions.values())
    prompts = {p["id"]: p for theme in snapshot["themes"] for p in theme["prompts"]}
    statement = prompts[room.prompts["statement"]]
    assert statement["revealed"] is False
    assert statement["results"] == {"counts": [0, 1, 0, 0, 1], "total": 2}
    assert prompts[room.prompts["poll"]]["results"] == {"counts": [0, 1, 0], "total": 1}
    assert prompts[room.prompts["level"]]["results"] is None
    assert [p.get("names") for p in snapshot["presence"]] == [["Bertta"], ["Anna"]]


# --- the shared snapshot and the room version ----------------------------------------------


def test_joins_share_one_build_of_the_room_until_it_changes(
        app: Any, busy_room: tuple[LiveRoom, dict[str, int]]) -> None:
    room, ids = busy_room
    snapshots.clear()
    builds = snapshots.builds
    anna, bertta = _snapshot(app, room.actor("anna")), _snapshot(app, room.actor("bertta"))
    assert snapshots.builds == builds + 1
    assert anna["contributions"] == bertta["contributions"]
    assert anna["me"]["contribution_ids"] != bertta["me"]["contribution_ids"]
    def version() -> int:
        return db.session.scalar(select(Room.version).where(Room.workshop_id == room.workshop_id))

    before = version()
    new = add(room, "cecilia", "Uusi näkökulma")
    assert version() == before + 1  # bumped in the change's own transaction
    again = _snapshot(app, room.actor("anna"))
    assert snapshots.builds == builds + 2
    assert new in [c["id"] for c in again["contributions"]]
    _snapshot(app, room.actor("coordinator"))  # coordinators' part is built on its own
    assert snapshots.builds == builds + 3


def test_a_notes_html_is_rendered_once_per_version(
        app: Any, busy_room: tuple[LiveRoom, dict[str, int]]) -> None:
    room, _ids = busy_room
    room_html.cache_clear()
    _snapshot(app, room.actor("anna"))
    rendered = room_html.cache_info().misses
    for i in range(3):  # each change rebuilds the shared part; the note stays as it was
        add(room, "bertta", f"Lisäys {i}")
        assert "<strong>Tärkeää</strong>" in _snapshot(app, room.actor("anna"))[
            "themes"][0]["note"]["html"]
    assert room_html.cache_info().misses == rendered
    ops.edit_note(db.session, room.actor("cecilia"), room.themes["first"], 1, [-len(NOTE), "x"],
                  "c-000002")
    db.session.commit()
    assert _snapshot(app, room.actor("anna"))["themes"][0]["note"]["html"] == "<p>x</p>"
    assert room_html.cache_info().misses == rendered + 1


def test_a_join_costs_the_same_few_queries_however_full_the_room(
        app: Any, busy_room: tuple[LiveRoom, dict[str, int]]) -> None:
    room, _ids = busy_room

    def join_queries() -> list[str]:
        _snapshot(app, room.actor("cecilia"))  # builds the shared part if it is stale
        with counted() as statements:
            _snapshot(app, room.actor("anna"))
        return list(statements)

    small = join_queries()
    for i in range(30):
        add(room, ("anna", "bertta", "cecilia")[i % 3], f"Puheenvuoro {i}")
    full = join_queries()
    assert len(full) == len(small) <= 6, (small, full)


def test_a_change_committed_by_another_process_is_never_hidden_by_the_cache(
        app: Any, database_url: str, room: LiveRoom) -> None:
    _snapshot(app, room.actor("anna"))  # cached here
    theme_id = room.themes["first"]
    script = f"""
from facilitate import create_app
from facilitate.agenda.operations import update_theme
from facilitate.config import TestingConfig
from facilitate.extensions import db
from facilitate.models import Theme
app = create_app(type("C", (TestingConfig,), {{"DATABASE_URL": {database_url!r}}}))
with app.app_context():
    update_theme(db.session, db.session.get_one(Theme, {theme_id}), {{"title": "Uusi nimi"}})
    db.session.commit()
"""
    db.session.remove()  # as after every handler: the next one reads afresh
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    titles = [t["title"] for t in _snapshot(app, room.actor("anna"))["themes"]]
    assert titles[0] == "Uusi nimi"
