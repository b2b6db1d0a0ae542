"""The live room over real Socket.IO connections: snapshot, every event and its broadcast,
authorisation, bad input, idempotent resends and reconnects."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from facilitate.extensions import db
from facilitate.models import (
    Answer,
    AppliedChange,
    Contribution,
    Note,
    Presentation,
    Registration,
    Room,
    RoomPhase,
    RoomStatus,
    Theme,
    Vote,
)
from facilitate.room.operations import NOTE_HISTORY_KEPT, Actor, edit_note

Client = Callable[..., Any]


def count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def fresh(model: Any, key: Any) -> Any:
    db.session.expire_all()
    return db.session.get(model, key)


@pytest.fixture
def room(make_room: Callable[..., Any]) -> Any:
    return make_room()


@pytest.fixture
def anna(room: Any, socket_client: Client) -> Any:
    return socket_client(token=room.tokens["anna"])


@pytest.fixture
def bertta(room: Any, socket_client: Client) -> Any:
    return socket_client(token=room.tokens["bertta"])


@pytest.fixture
def coordinator(room: Any, socket_client: Client, coordinator_cookie: str) -> Any:
    return socket_client(workshop_id=room.workshop_id, cookie=coordinator_cookie)


def test_join_sends_a_snapshot_of_the_room_as_this_person_may_see_it(
        room: Any, anna: Any, coordinator: Any) -> None:
    snapshot = anna.snapshot()
    assert snapshot["me"]["role"] == "participant"
    assert snapshot["me"]["organisation"] == "Varsinais-Suomen hyvinvointialue (Varha)"
    assert snapshot["room"] == {"status": "open", "phase": "theme",
                                "theme_id": room.theme_ids[0], "timer": None}
    assert [theme["id"] for theme in snapshot["themes"]] == room.theme_ids
    kinds = [prompt["kind"] for prompt in snapshot["themes"][0]["prompts"]]
    assert kinds == ["open", "statement", "level"]
    statement = snapshot["themes"][0]["prompts"][1]
    assert statement["results"] is None and snapshot["me"]["answers"] == {}
    assert snapshot["themes"][0]["note"] == {"text": "", "version": 0, "html": ""}
    assert "registrations" not in snapshot

    console = coordinator.snapshot()
    assert console["me"]["role"] == "coordinator"
    assert console["themes"][0]["prompts"][1]["results"] == {"counts": [0] * 5, "total": 0}
    assert sorted(r["name"] for r in console["registrations"]) == ["Anna", "Bertta", "Cecilia"]
    present = coordinator.wait_for("presence.changed", lambda data: any(
        "Anna" in entry.get("names", []) for entry in data["presence"]))
    assert {"organisation": "Varsinais-Suomen hyvinvointialue (Varha)", "count": 1,
            "names": ["Anna"]} in present["presence"]


def test_refused_connections_say_why(room: Any, room_server: Any) -> None:
    import socketio
    from room_client import RoomClient

    def refusal(**auth: Any) -> Any:
        client = RoomClient(room_server.url, auth)
        reasons: list[Any] = []
        client.sio.on("connect_error", reasons.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect()
        return reasons[-1]

    assert refusal(token="x" * 43) == {
        "message": "Linkki ei ole voimassa. Tarkista, että kopioit sen kokonaan.",
        "data": {"error": "not_found"}}
    assert refusal(workshop_id=room.workshop_id)["data"] == {"error": "forbidden"}  # no login
    assert refusal(nothing="here")["message"] == (
        "Liity huoneeseen henkilökohtaisella linkilläsi.")
    assert count(Contribution) == 0


def test_a_contribution_reaches_everyone_anonymously_and_coordinators_see_the_organisation(
        room: Any, anna: Any, bertta: Any, coordinator: Any) -> None:
    text = "<script>alert('x')</script> Työnkuvat ovat **epäselvät**"
    ack = anna.change("contribution.add", theme_id=room.theme_ids[0],
                      prompt_id=room.prompts["open"], text=text)
    assert ack["ok"] is True and ack["contribution"]["mine"] is True

    seen = bertta.wait_for("contribution.added")["contribution"]
    assert seen["text"] == text  # stored and sent as text; pages render it with textContent
    assert "organisation" not in seen and "author" not in seen and "mine" not in seen
    full = coordinator.wait_for("contribution.added")["contribution"]
    assert full["organisation"] == "Varsinais-Suomen hyvinvointialue (Varha)"
    assert full["author"] == "Anna"
    stored = fresh(Contribution, ack["contribution_id"])
    assert stored.text == text and stored.registration_id == room.registration_ids["anna"]


def test_upvotes_are_counted_for_everyone_and_never_on_ones_own(
        room: Any, anna: Any, bertta: Any) -> None:
    posted = anna.change("contribution.add", theme_id=room.theme_ids[0], text="Ehdotus")
    contribution_id = posted["contribution_id"]

    own = anna.change("contribution.vote", contribution_id=contribution_id, up=True)
    assert own["ok"] is False and own["error"] == "forbidden"

    ack = bertta.change("contribution.vote", contribution_id=contribution_id, up=True)
    assert ack == {"ok": True, "contribution_id": contribution_id, "votes": 1, "voted": True}
    assert anna.wait_for("contribution.votes")["votes"] == 1
    again = bertta.change("contribution.vote", contribution_id=contribution_id, up=True)
    assert again["votes"] == 1  # a second upvote by the same person counts once
    taken_back = bertta.change("contribution.vote", contribution_id=contribution_id, up=False)
    assert taken_back["votes"] == 0
    anna.wait_for("contribution.votes", lambda data: data["votes"] == 0)
    assert count(Vote) == 0


def test_only_the_author_edits_or_withdraws_a_contribution(
        room: Any, anna: Any, bertta: Any) -> None:
    contribution_id = anna.change("contribution.add", theme_id=room.theme_ids[0],
                                  text="Alkuperäinen")["contribution_id"]

    for event, extra in (("contribution.edit", {"text": "Kaapattu"}),
                         ("contribution.delete", {})):
        refused = bertta.change(event, contribution_id=contribution_id, **extra)
        assert refused["ok"] is False and refused["error"] == "forbidden"
    assert fresh(Contribution, contribution_id).text == "Alkuperäinen"

    assert anna.change("contribution.edit", contribution_id=contribution_id,
                       text="Tarkennettu")["ok"]
    updated = bertta.wait_for("contribution.updated")["contribution"]
    assert updated["text"] == "Tarkennettu"
    assert anna.change("contribution.delete", contribution_id=contribution_id)["ok"]
    assert bertta.wait_for("contribution.removed") == {"contribution_id": contribution_id}
    assert fresh(Contribution, contribution_id) is None


def test_statement_distribution_is_shown_to_participants_once_revealed(
        room: Any, anna: Any, bertta: Any, coordinator: Any) -> None:
    statement = room.prompts["statement"]
    assert anna.change("answer.set", prompt_id=statement, value=5)["ok"]
    assert bertta.change("answer.set", prompt_id=statement, value=2)["ok"]
    coordinator.wait_for("prompt.results", lambda d: d["results"]["total"] == 2)
    time.sleep(0.5)  # past the coalescing interval: anything meant for participants has gone
    assert anna.received("prompt.results") == []

    bad = anna.change("answer.set", prompt_id=statement, value=6)
    assert bad["ok"] is False and bad["error"] == "invalid"

    assert coordinator.change("prompt.reveal", prompt_id=statement, revealed=True)["ok"]
    revealed = anna.wait_for("prompt.revealed")
    assert revealed["results"] == {"counts": [0, 1, 0, 0, 1], "total": 2}
    assert anna.change("answer.set", prompt_id=statement, value=4)["ok"]  # changes her mind
    final = bertta.wait_for("prompt.results", lambda d: d["results"]["counts"][3] == 1)
    assert final["results"] == {"counts": [0, 1, 0, 1, 0], "total": 2}
    assert count(Answer) == 2


def test_polls_take_an_option_and_level_prompts_a_level(
        room: Any, anna: Any, coordinator: Any) -> None:
    poll = room.prompts["poll"]
    assert anna.change("answer.set", prompt_id=poll, value=1)["ok"]
    assert anna.change("answer.set", prompt_id=poll, value=3)["error"] == "invalid"
    coordinator.wait_for("prompt.results",
                         lambda d: d["prompt_id"] == poll and d["results"]["counts"] == [0, 1, 0])

    without_level = anna.change("contribution.add", theme_id=room.theme_ids[0],
                                prompt_id=room.prompts["level"], text="Koulutus")
    assert without_level["ok"] is False and without_level["error"] == "invalid"
    tagged = anna.change("contribution.add", theme_id=room.theme_ids[0],
                         prompt_id=room.prompts["level"], text="Koulutus", level="valtakunnallinen")
    assert tagged["ok"] and tagged["contribution"]["level"] == "valtakunnallinen"
    on_open = anna.change("contribution.add", theme_id=room.theme_ids[0],
                          prompt_id=room.prompts["open"], text="x", level="kunta")
    assert on_open["error"] == "invalid"


def test_the_coordinator_walks_the_agenda_and_everyone_follows(
        room: Any, anna: Any, coordinator: Any) -> None:
    second = room.theme_ids[1]
    assert coordinator.change("phase.set", phase="theme", theme_id=second)["ok"]
    assert anna.wait_for("phase.changed") == {"phase": "theme", "theme_id": second}

    started = coordinator.change("timer.start", seconds=300)
    assert started["ok"] and started["timer"]["seconds"] == 300
    timer = anna.wait_for("timer.changed", lambda d: d["timer"] is not None)["timer"]
    assert timer["ends_at"].endswith("Z")
    assert coordinator.change("timer.stop")["ok"]
    anna.wait_for("timer.changed", lambda d: d["timer"] is None)

    assert coordinator.change("phase.set", phase="closing")["ok"]
    anna.wait_for("phase.changed", lambda d: d["phase"] == "closing")
    room_row = fresh(Room, room.workshop_id)
    assert room_row.phase == RoomPhase.CLOSING and room_row.theme_id is None


def test_a_locked_theme_takes_no_contributions_but_notes(
        room: Any, anna: Any, coordinator: Any, socket_client: Client) -> None:
    first = room.theme_ids[0]
    assert coordinator.change("theme.lock", theme_id=first, locked=True)["ok"]
    assert anna.wait_for("theme.changed") == {"theme_id": first, "is_locked": True}
    refused = anna.change("contribution.add", theme_id=first, text="Myöhässä")
    assert refused["ok"] is False and refused["error"] == "conflict"
    assert anna.change("answer.set", prompt_id=room.prompts["statement"],
                       value=3)["error"] == "conflict"
    note_taker = socket_client(token=room.tokens["cecilia"])
    assert note_taker.change("note.edit", theme_id=first, base_version=0,
                             ops=["Yhteenveto"])["ok"]
    assert count(Contribution) == 0 and count(Answer) == 0


def test_the_coordinator_records_which_talks_were_given(
        room: Any, anna: Any, coordinator: Any) -> None:
    talk = Presentation(workshop_id=room.workshop_id, title="Kuntaliiton katsaus",
                        presenter="Kuntaliitto", position=0)
    db.session.add(talk)
    db.session.commit()
    assert coordinator.call("sync", {})["snapshot"]["presentations"][0]["given"] is False
    ack = coordinator.change("talk.given", presentation_id=talk.id, given=True)
    assert ack["ok"] and ack["presentation_id"] == talk.id and ack["given"] is True
    assert anna.wait_for("talk.changed") == {"presentation_id": talk.id, "given": True}
    assert anna.call("sync", {})["snapshot"]["presentations"][0]["given"] is True
    db.session.expire_all()
    assert db.session.get(Presentation, talk.id).given_at is not None
    missing = coordinator.change("talk.given", presentation_id=talk.id + 99, given=True)
    assert missing["ok"] is False and missing["error"] == "not_found"


def test_hidden_contributions_leave_participants_screens_and_can_come_back(
        room: Any, anna: Any, bertta: Any, coordinator: Any) -> None:
    contribution_id = anna.change("contribution.add", theme_id=room.theme_ids[0],
                                  text="Asiaton")["contribution_id"]
    assert coordinator.change("contribution.hide", contribution_id=contribution_id,
                              hidden=True)["ok"]
    assert bertta.wait_for("contribution.removed") == {"contribution_id": contribution_id,
                                                       "hidden": True}
    assert coordinator.wait_for("contribution.updated")["contribution"]["hidden"] is True
    late = bertta.call("sync", {})["snapshot"]
    assert [c["id"] for c in late["contributions"]] == []
    own = anna.call("sync", {})["snapshot"]["me"]["hidden_contributions"]
    assert [(c["id"], c["hidden"]) for c in own] == [(contribution_id, True)]
    vote = bertta.change("contribution.vote", contribution_id=contribution_id, up=True)
    assert vote["error"] == "not_found"

    assert coordinator.change("contribution.hide", contribution_id=contribution_id,
                              hidden=False)["ok"]
    back = bertta.wait_for("contribution.added")["contribution"]
    assert back["id"] == contribution_id and "author" not in back


def test_moving_a_contribution_and_choosing_note_takers(
        room: Any, anna: Any, bertta: Any, coordinator: Any) -> None:
    contribution_id = anna.change("contribution.add", theme_id=room.theme_ids[0],
                                  prompt_id=room.prompts["open"], text="Kuuluu muualle")[
        "contribution_id"]
    assert coordinator.change("contribution.move", contribution_id=contribution_id,
                              theme_id=room.theme_ids[1])["ok"]
    moved = bertta.wait_for("contribution.updated")["contribution"]
    assert moved["theme_id"] == room.theme_ids[1] and moved["prompt_id"] is None

    bertta_id = room.registration_ids["bertta"]
    refused = bertta.change("note.edit", theme_id=room.theme_ids[0], base_version=0, ops=["x"])
    assert refused["error"] == "forbidden"
    assert coordinator.change("note_taker.set", registration_id=bertta_id, on=True)["ok"]
    assert bertta.wait_for("participant.changed") == {"registration_id": bertta_id,
                                                       "is_note_taker": True}
    note_id = uuid.uuid4().hex
    assert bertta.change("note.edit", note_id, theme_id=room.theme_ids[0], base_version=0,
                         ops=["Muistiin *tärkeä*"])["ok"]
    edited = anna.wait_for("note.edited")
    assert edited == {"theme_id": room.theme_ids[0], "version": 1, "ops": ["Muistiin *tärkeä*"],
                      "change_id": note_id, "html": "<p>Muistiin <em>tärkeä</em></p>"}
    history = anna.call("note.history", {"theme_id": room.theme_ids[0], "since": 0})
    assert history == {"ok": True, "theme_id": room.theme_ids[0], "version": 1, "edits": [
        {"version": 1, "ops": ["Muistiin *tärkeä*"], "change_id": note_id}]}
    assert fresh(Registration, bertta_id).is_note_taker is True


def test_an_edit_based_before_the_kept_history_is_gone_and_history_gives_the_text(
        room: Any, bertta: Any, coordinator: Any) -> None:
    theme, bertta_id = room.theme_ids[0], room.registration_ids["bertta"]
    assert coordinator.change("note_taker.set", registration_id=bertta_id, on=True)["ok"]
    first = uuid.uuid4().hex
    assert bertta.change("note.edit", first, theme_id=theme, base_version=0, ops=["alku"])["ok"]
    # more edits than the server keeps, made by someone else
    db.session.expire_all()  # the server gave bertta the role: this session reads it afresh
    others = Actor(workshop_id=room.workshop_id, registration_id=bertta_id)
    for version in range(1, NOTE_HISTORY_KEPT + 2):
        edit_note(db.session, others, theme, version, ["x", 3 + version], f"other-{version:04d}")
    db.session.commit()
    version = NOTE_HISTORY_KEPT + 2

    late = uuid.uuid4().hex
    refused = bertta.change("note.edit", late, theme_id=theme, base_version=1, ops=[4, "!"])
    assert refused["ok"] is False and refused["error"] == "gone"
    assert refused["field"] == "base_version" and "versioon 1" in refused["message"]
    db.session.expire_all()
    note = db.session.scalar(select(Note).where(Note.theme_id == theme))
    assert note is not None and note.version == version, "nothing was applied"

    text = "x" * (version - 1) + "alku"
    for pending, applied in ((first, True), (late, False)):
        history = bertta.call("note.history", {"theme_id": theme, "since": 1,
                                               "pending": pending})
        assert history == {"ok": True, "theme_id": theme, "version": version, "edits": None,
                           "text": text, "html": f"<p>{text}</p>",
                           "pending_applied": applied}
    history = bertta.call("note.history", {"theme_id": theme, "since": 1})
    assert history["edits"] is None and history["pending_applied"] is None
    recent = bertta.call("note.history", {"theme_id": theme, "since": version - 1})
    assert [edit["version"] for edit in recent["edits"]] == [version]
    # rebased onto that text, the edit is applied
    assert bertta.change("note.edit", theme_id=theme, base_version=version,
                         ops=[len(text), "!"])["ok"]


def test_closing_the_room_freezes_it_and_keeps_everything(
        room: Any, anna: Any, coordinator: Any) -> None:
    before_id = uuid.uuid4().hex
    first = anna.change("contribution.add", before_id, theme_id=room.theme_ids[0],
                        text="Ennen loppua")
    assert coordinator.change("room.close")["ok"]
    # a resend of what was applied before the close is still acknowledged, not refused
    resent = anna.change("contribution.add", before_id, theme_id=room.theme_ids[0],
                         text="Ennen loppua")
    assert resent == {**first, "replayed": True}
    assert anna.wait_for("room.changed")["status"] == "closed"
    late = anna.change("contribution.add", theme_id=room.theme_ids[0], text="Liian myöhään")
    assert late["ok"] is False and late["error"] == "conflict"
    assert count(Contribution) == 1
    assert fresh(Room, room.workshop_id).status == RoomStatus.CLOSED
    assert coordinator.change("room.open")["ok"]  # closed by mistake: she can reopen
    assert anna.wait_for("room.changed", lambda d: d["status"] == "open")


COORDINATOR_EVENTS = [
    ("room.open", {}), ("room.close", {}), ("phase.set", {"phase": "closing"}),
    ("timer.start", {"seconds": 60}), ("timer.stop", {}),
    ("theme.lock", {"theme_id": "first", "locked": True}),
    ("prompt.reveal", {"prompt_id": "statement", "revealed": True}),
    ("contribution.hide", {"contribution_id": "posted", "hidden": True}),
    ("contribution.move", {"contribution_id": "posted", "theme_id": "second"}),
    ("note_taker.set", {"registration_id": "bertta", "on": True}),
    ("talk.given", {"presentation_id": "talk", "given": True}),
]


@pytest.mark.parametrize(("event", "payload"), COORDINATOR_EVENTS,
                         ids=[event for event, _ in COORDINATOR_EVENTS])
def test_participants_cannot_send_coordinator_events(
        room: Any, anna: Any, bertta: Any, event: str, payload: dict[str, Any]) -> None:
    resolved = _resolve(room, anna, payload)
    before = _state(room)
    for sender in (anna, bertta):
        ack = sender.change(event, **resolved)
        assert ack["ok"] is False and ack["error"] == "forbidden", ack
        assert ack["message"] == "Vain koordinaattori voi tehdä tämän."
    assert _state(room) == before
    assert count(AppliedChange) == 1  # only the contribution


def _resolve(room: Any, author: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with names ("first", "posted", …) replaced by this room's ids; posts a
    contribution by `author` to stand for "posted"."""
    posted = author.change("contribution.add", theme_id=room.theme_ids[0], text="Oma")
    talk = Presentation(workshop_id=room.workshop_id, title="Ajankohtaista", position=0)
    db.session.add(talk)
    db.session.commit()
    names = {"talk": talk.id, "first": room.theme_ids[0], "second": room.theme_ids[1],
             "statement": room.prompts["statement"], "level": room.prompts["level"],
             "posted": posted["contribution_id"], "bertta": room.registration_ids["bertta"]}
    return {key: names.get(value, value) if isinstance(value, str) else value
            for key, value in payload.items()}


CLOSED_ROOM_EVENTS = [(event, payload) for event, payload in COORDINATOR_EVENTS
                      if event not in ("room.open", "room.close")]


@pytest.mark.parametrize(("event", "payload"), CLOSED_ROOM_EVENTS,
                         ids=[event for event, _ in CLOSED_ROOM_EVENTS])
def test_a_closed_room_refuses_the_coordinators_changes_until_reopened(
        room: Any, anna: Any, coordinator: Any, event: str, payload: dict[str, Any]) -> None:
    resolved = _resolve(room, anna, payload)
    assert coordinator.change("room.close")["ok"]
    before = _state(room)
    refused = coordinator.change(event, **resolved)
    assert refused["ok"] is False and refused["error"] == "conflict", refused
    assert refused["message"] == ("Tilaisuus on päättynyt; avaa huone uudelleen "
                                  "muuttaaksesi sitä.")
    assert _state(room) == before
    assert coordinator.change("room.open")["ok"]
    assert coordinator.change(event, **resolved)["ok"]


LONE = "Teksti \ud800"  # half of a UTF-16 surrogate pair: JSON can carry it, UTF-8 cannot


@pytest.mark.parametrize(("sender", "event", "payload"), [
    ("anna", "contribution.add", {"theme_id": "first", "text": LONE}),
    ("anna", "contribution.add", {"theme_id": "first", "prompt_id": "level", "text": "Hyvä",
                                  "level": LONE}),
    ("anna", "contribution.edit", {"contribution_id": "posted", "text": LONE}),
    ("anna", "contribution.add", {"id": f"ok-id-123{LONE}", "theme_id": "first", "text": "x"}),
    ("cecilia", "note.edit", {"theme_id": "first", "base_version": 0, "ops": [LONE]}),
    ("coordinator", "phase.set", {"phase": LONE}),
], ids=["text", "level", "edit", "change-id", "note", "phase"])
def test_half_a_surrogate_pair_is_invalid_in_every_event(
        room: Any, anna: Any, coordinator: Any, socket_client: Client, sender: str, event: str,
        payload: dict[str, Any]) -> None:
    clients = {"anna": anna, "coordinator": coordinator,
               "cecilia": socket_client(token=room.tokens["cecilia"])}
    resolved = _resolve(room, anna, payload)
    before = (_state(room), count(AppliedChange), count(Note))
    ack = clients[sender].call(event, {"id": uuid.uuid4().hex, **resolved})
    assert ack["ok"] is False and ack["error"] == "invalid", ack
    assert isinstance(ack["message"], str) and ack["message"]
    assert (_state(room), count(AppliedChange), count(Note)) == before
    texts = db.session.scalars(select(Contribution.text))
    assert set(texts) == {"Oma"}


def test_a_link_token_with_half_a_surrogate_pair_is_not_found(room: Any, room_server: Any) -> None:
    import socketio
    from room_client import RoomClient

    client = RoomClient(room_server.url, {"token": "x" * 42 + "\ud800"})
    reasons: list[Any] = []
    client.sio.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect()
    assert reasons[-1]["data"] == {"error": "not_found"}


def _state(room: Any) -> tuple[Any, ...]:
    db.session.expire_all()
    room_row = db.session.get(Room, room.workshop_id)
    themes = db.session.scalars(select(Theme.is_locked).where(Theme.id.in_(room.theme_ids)))
    contributions = db.session.execute(select(Contribution.theme_id, Contribution.is_hidden))
    note_takers = db.session.scalars(select(Registration.is_note_taker).order_by(Registration.id))
    talks = db.session.scalars(select(Presentation.given_at).order_by(Presentation.id))
    return (room_row.status, room_row.phase, room_row.theme_id, room_row.timer_ends_at,
            tuple(themes), tuple(contributions), tuple(note_takers), tuple(talks))


def test_a_socket_of_one_workshop_cannot_reach_another(
        room: Any, make_room: Callable[..., Any], anna: Any, socket_client: Client) -> None:
    other = make_room()
    outsider = socket_client(token=other.tokens["cecilia"])  # a note-taker over there
    for event, payload in (
            ("contribution.add", {"theme_id": room.theme_ids[0], "text": "Väärä huone"}),
            ("answer.set", {"prompt_id": room.prompts["statement"], "value": 3}),
            ("note.edit", {"theme_id": room.theme_ids[0], "base_version": 0, "ops": ["x"]})):
        ack = outsider.change(event, **payload)
        assert ack["ok"] is False and ack["error"] == "not_found", (event, ack)
    history = outsider.call("note.history", {"theme_id": room.theme_ids[0], "since": 0})
    assert history["error"] == "not_found"

    anna.change("contribution.add", theme_id=room.theme_ids[0], text="Vain täällä")
    other_anna = socket_client(token=other.tokens["anna"])
    other_anna.change("contribution.add", theme_id=other.theme_ids[0], text="Toisaalla")
    outsider.wait_for("contribution.added", lambda d: d["contribution"]["text"] == "Toisaalla")
    texts = [d["contribution"]["text"] for d in outsider.received("contribution.added")]
    assert texts == ["Toisaalla"]
    assert count(Note) == 0


@pytest.mark.parametrize(("event", "payload", "error"), [
    ("contribution.add", "not an object", "invalid"),
    ("contribution.add", {"theme_id": 1, "text": "ei tunnistetta"}, "invalid"),
    ("contribution.add", {"id": "short", "theme_id": 1, "text": "x"}, "invalid"),
    ("contribution.add", {"id": "a" * 65, "theme_id": 1, "text": "x"}, "invalid"),
    ("contribution.add", {"id": "ok-id-123", "theme_id": "1", "text": "x"}, "invalid"),
    ("contribution.add", {"id": "ok-id-123", "theme_id": True, "text": "x"}, "invalid"),
    ("contribution.add", {"id": "ok-id-123", "theme_id": 2**40, "text": "x"}, "invalid"),
    ("contribution.add", {"id": "ok-id-123", "theme_id": "first", "text": ["x"]}, "invalid"),
    ("contribution.add", {"id": "ok-id-123", "theme_id": "first", "text": "   "}, "invalid"),
    ("contribution.add", {"id": "ok-id-123", "theme_id": "first", "text": "x" * 2001},
     "invalid"),
    ("contribution.vote", {"id": "ok-id-123", "contribution_id": 999999, "up": True},
     "not_found"),
    ("answer.set", {"id": "ok-id-123", "prompt_id": "statement", "value": "5"}, "invalid"),
    ("answer.set", {"id": "ok-id-123", "prompt_id": "statement", "value": True}, "invalid"),
    ("answer.set", {"id": "ok-id-123", "prompt_id": "open", "value": 1}, "invalid"),
    ("no.such.event", {"id": "ok-id-123"}, "unknown_event"),
    ("sync", [], "invalid"),
    # who may send an event is said first, whatever the body holds
    ("room.open", "not an object", "forbidden"),
    ("note.edit", {"id": "ok-id-123", "theme_id": "first", "base_version": -1, "ops": []},
     "forbidden"),
])
def test_bad_input_gets_an_error_ack_and_changes_nothing(
        room: Any, anna: Any, event: str, payload: Any, error: str) -> None:
    names = {"first": room.theme_ids[0], "statement": room.prompts["statement"],
             "open": room.prompts["open"]}
    if isinstance(payload, dict):
        payload = {key: names.get(value, value) if isinstance(value, str) and key != "text"
                   and key != "id" and key != "value" else value
                   for key, value in payload.items()}
    ack = anna.call(event, payload)
    assert ack["ok"] is False and ack["error"] == error, ack
    assert isinstance(ack["message"], str) and ack["message"]
    assert count(Contribution) == count(Answer) == count(Vote) == count(AppliedChange) == 0


def test_oversized_notes_and_malformed_edits_are_refused(room: Any, socket_client: Client) -> None:
    note_taker = socket_client(token=room.tokens["cecilia"])
    theme = room.theme_ids[0]
    too_long = note_taker.change("note.edit", theme_id=theme, base_version=0,
                                 ops=["ä" * 50_001])  # 100,002 bytes of UTF-8
    assert too_long["ok"] is False and "liian pitkä" in too_long["message"]
    for ops in ([5, "x"], [], ["x", True], [0], "text", ["a\x00b"]):
        ack = note_taker.change("note.edit", theme_id=theme, base_version=0, ops=ops)
        assert ack["ok"] is False and ack["error"] == "invalid", (ops, ack)
    future = note_taker.change("note.edit", theme_id=theme, base_version=7, ops=["x"])
    assert future["error"] == "invalid"
    assert count(Note) == 0


def test_a_replayed_change_is_acknowledged_again_but_applied_once(
        room: Any, anna: Any, bertta: Any) -> None:
    change_id = uuid.uuid4().hex
    first = anna.change("contribution.add", change_id, theme_id=room.theme_ids[0],
                        text="Vain kerran")
    second = anna.change("contribution.add", change_id, theme_id=room.theme_ids[0],
                         text="Vain kerran")
    # the same acknowledgement, the contribution included, as the first time
    assert second == {**first, "replayed": True}
    assert second["contribution"]["text"] == "Vain kerran" and second["contribution"]["mine"]
    other_event = anna.change("contribution.vote", change_id, contribution_id=1, up=True)
    assert other_event["error"] == "invalid"
    # someone else may happen to use the same id: ids are per person
    theirs = bertta.change("contribution.add", change_id, theme_id=room.theme_ids[0],
                           text="Eri ihminen")
    assert theirs["ok"] and "replayed" not in theirs
    bertta.wait_for("contribution.added", lambda d: d["contribution"]["text"] == "Vain kerran")
    time.sleep(0.3)
    # The resend goes out again as the contribution is now (the first broadcast may have
    # died with a process), the same id both times: one contribution on every screen.
    added = [d["contribution"] for d in bertta.received("contribution.added")
             if d["contribution"]["text"] == "Vain kerran"]
    assert len(added) == 2 and {c["id"] for c in added} == {first["contribution_id"]}
    assert count(Contribution) == 2


def test_a_replayed_change_broadcasts_what_it_changed_as_it_is_now(
        room: Any, anna: Any, bertta: Any, coordinator: Any) -> None:
    posted = anna.change("contribution.add", theme_id=room.theme_ids[0], text="Alkuperäinen")
    contribution_id = posted["contribution_id"]
    vote_id = uuid.uuid4().hex
    assert bertta.change("contribution.vote", vote_id, contribution_id=contribution_id,
                         up=True)["votes"] == 1
    edit_id = uuid.uuid4().hex
    assert anna.change("contribution.edit", edit_id, contribution_id=contribution_id,
                       text="Korjattu")["ok"]
    lock_id = uuid.uuid4().hex
    assert coordinator.change("theme.lock", lock_id, theme_id=room.theme_ids[1],
                              locked=True)["ok"]
    seen = {event: len(bertta.received(event))
            for event in ("contribution.updated", "contribution.votes", "theme.changed")}
    # Resent later: acknowledged as the first time, broadcast as things are now.
    assert bertta.change("contribution.vote", vote_id, contribution_id=contribution_id,
                         up=True)["replayed"]
    assert anna.change("contribution.edit", edit_id, contribution_id=contribution_id,
                       text="Korjattu")["replayed"]
    assert coordinator.change("theme.lock", lock_id, theme_id=room.theme_ids[1],
                              locked=True)["replayed"]
    votes = bertta.wait_for("contribution.votes", lambda _d: len(
        bertta.received("contribution.votes")) > seen["contribution.votes"])
    assert bertta.received("contribution.votes")[-1] == {"contribution_id": contribution_id,
                                                         "votes": 1} and votes
    bertta.wait_for("theme.changed", lambda _d: len(
        bertta.received("theme.changed")) > seen["theme.changed"])
    assert bertta.received("theme.changed")[-1] == {"theme_id": room.theme_ids[1],
                                                    "is_locked": True}
    bertta.wait_for("contribution.updated", lambda _d: len(
        bertta.received("contribution.updated")) > seen["contribution.updated"])
    assert bertta.received("contribution.updated")[-1]["contribution"]["text"] == "Korjattu"
    assert count(Vote) == 1 and count(Contribution) == 1


def test_a_dropped_connection_comes_back_to_the_room_as_it_is_and_delivers_once(
        room: Any, anna: Any, bertta: Any, socket_client: Client) -> None:
    theme = room.theme_ids[0]
    # Anna's network drops while her contribution is on its way: the change reaches the
    # server, its acknowledgement never reaches her (she sent it without waiting for one).
    change_id = uuid.uuid4().hex
    anna.sio.emit("contribution.add", {"id": change_id, "theme_id": theme,
                                       "text": "Lähetetty juuri ennen katkosta"})
    bertta.wait_for("contribution.added")
    anna.sio.eio.disconnect(abort=True)
    # While she is away the room moves on.
    bertta.change("contribution.add", theme_id=theme, text="Sillä välin")
    # Back online: a new connection, a snapshot of the room as it is now, then her queue.
    back = socket_client(token=room.tokens["anna"])
    texts = {c["text"] for c in back.snapshot()["contributions"]}
    assert texts == {"Lähetetty juuri ennen katkosta", "Sillä välin"}
    resent = back.change("contribution.add", change_id, theme_id=theme,
                         text="Lähetetty juuri ennen katkosta")
    assert resent["ok"] and resent["replayed"] is True
    # A change queued while offline and never sent is delivered on the first try after.
    queued = back.change("contribution.add", theme_id=theme, text="Kirjoitettu offline")
    assert queued["ok"] and "replayed" not in queued
    assert count(Contribution) == 3


def test_presence_follows_joins_and_leaves_by_organisation(
        room: Any, bertta: Any, socket_client: Client) -> None:
    anna = socket_client(token=room.tokens["anna"])
    varha = "Varsinais-Suomen hyvinvointialue (Varha)"
    bertta.wait_for("presence.changed", lambda d: any(
        e["organisation"] == varha for e in d["presence"]))
    second_tab = socket_client(token=room.tokens["anna"])
    second_tab.snapshot()
    anna.disconnect()
    second_tab.disconnect()
    left = bertta.wait_for("presence.changed", lambda d: all(
        e["organisation"] != varha for e in d["presence"]))
    assert all("names" not in entry for entry in left["presence"])
    assert [e["organisation"] for e in left["presence"]] == ["Satakunnan hyvinvointialue"]


def test_another_sites_page_cannot_open_the_room_with_the_coordinators_cookie(
        room: Any, room_server: Any, coordinator_cookie: str) -> None:
    import socketio

    # A browser sends its page's origin; on the room's own page that is the server's
    # (websocket-client sends the server's own origin by itself).
    for origin, allowed, transport in (("https://evil.example", False, "polling"),
                                       ("https://evil.example", False, "websocket"),
                                       (None, True, "polling"), (None, True, "websocket")):
        client = socketio.Client(reconnection=False)
        headers = {"Cookie": coordinator_cookie} | ({"Origin": origin} if origin else {})
        try:
            client.connect(room_server.url, auth={"workshop_id": room.workshop_id},
                           headers=headers, transports=[transport], wait_timeout=5)
            connected = client.connected
        except socketio.exceptions.ConnectionError:
            connected = False
        finally:
            client.disconnect()
        assert connected is allowed, (origin, transport)


def test_a_flood_of_connections_from_one_link_is_refused_clearly(
        room: Any, room_server: Any, socket_client: Client) -> None:
    import socketio
    from room_client import RoomClient

    from facilitate.room.operations import CONNECTIONS_PER_PERSON

    tabs = [socket_client(token=room.tokens["anna"]) for _ in range(CONNECTIONS_PER_PERSON)]
    one_too_many = RoomClient(room_server.url, {"token": room.tokens["anna"]})
    reasons: list[Any] = []
    one_too_many.sio.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        one_too_many.connect()
    assert reasons[-1] == {"message": "Liian monta avointa yhteyttä samalla linkillä. Sulje "
                           "muita välilehtiä ja yritä uudelleen.", "data": {"error": "busy"}}
    # someone else still gets in, and a closed tab frees a place
    assert socket_client(token=room.tokens["bertta"]).snapshot()
    tabs[0].disconnect()
    deadline = time.monotonic() + 5
    while True:
        try:
            again = socket_client(token=room.tokens["anna"])
            break
        except socketio.exceptions.ConnectionError:
            assert time.monotonic() < deadline, "a closed tab did not free its place"
            time.sleep(0.1)
    assert again.change("contribution.add", theme_id=room.theme_ids[0], text="Pääsin")["ok"]


def test_a_coordinators_socket_lasts_as_long_as_their_sign_in(
        room: Any, room_server: Any, coordinator: Any, coordinator_cookie: str) -> None:
    import socketio
    from room_client import RoomClient

    from facilitate.models import SignIn
    from facilitate.timeutil import now_utc

    coordinator.snapshot()
    sign_in = db.session.scalar(select(SignIn))
    assert sign_in is not None
    # an open room is use: the heartbeat keeps the sign-in from going idle
    sign_in.last_seen_at = now_utc() - timedelta(minutes=30)
    db.session.commit()
    deadline = time.monotonic() + 10
    while fresh(SignIn, sign_in.id).last_seen_at < now_utc() - timedelta(minutes=1):
        assert time.monotonic() < deadline, "the room did not mark the sign-in used"
        time.sleep(0.2)
    # ended elsewhere (logout in another tab): the socket is let go, and may not come back
    fresh(SignIn, sign_in.id).ended_at = now_utc()
    db.session.commit()
    deadline = time.monotonic() + 10
    while coordinator.sio.connected:
        assert time.monotonic() < deadline, "the socket outlived its sign-in"
        time.sleep(0.1)
    again = RoomClient(room_server.url, {"workshop_id": room.workshop_id},
                       cookie=coordinator_cookie)
    reasons: list[Any] = []
    again.sio.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        again.connect()
    assert reasons[-1]["data"] == {"error": "forbidden"}


def test_coordinators_are_not_counted_in_presence(
        room: Any, bertta: Any, coordinator: Any, socket_client: Client,
        coordinator_cookie: str) -> None:
    second = socket_client(workshop_id=room.workshop_id, cookie=coordinator_cookie)
    second.snapshot()
    time.sleep(1.2)  # past the coalescing interval: the last presence.changed reflects both
    for client in (bertta, coordinator, second):
        latest = client.received("presence.changed")[-1]["presence"]
        assert [(e["organisation"], e["count"]) for e in latest] == [
            ("Satakunnan hyvinvointialue", 1)], latest
    assert second.received("presence.changed")[-1]["presence"][0]["names"] == ["Bertta"]


def test_notes_reach_readers_as_sanitised_markdown(
        room: Any, anna: Any, socket_client: Client) -> None:
    note_taker = socket_client(token=room.tokens["cecilia"])
    text = ('**Tärkeä** <script>alert(1)</script> [linkki](javascript:alert(2)) '
            '<b onclick="x()">b</b>')
    assert note_taker.change("note.edit", theme_id=room.theme_ids[0], base_version=0,
                             ops=[text])["ok"]
    html = anna.wait_for("note.edited")["html"]
    assert "<strong>Tärkeä</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert anna.call("sync", {})["snapshot"]["themes"][0]["note"]["html"] == html


@pytest.fixture
def limited_server(database_url: str, tmp_path: Any) -> Any:
    """A server with the rate limits on, behind a (pretend) proxy that names the client."""
    from room_client import serving

    yield from serving(tmp_path, database_url, RATELIMIT_ENABLED="1", TRUSTED_PROXIES="1")


def test_one_address_opening_connections_too_fast_is_refused_clearly(
        room: Any, limited_server: Any) -> None:
    import socketio

    from facilitate.ratelimits import ROOM_CONNECTS_PER_CLIENT

    allowed = int(ROOM_CONNECTS_PER_CLIENT.split()[0])

    def connect(token: str, address: str) -> tuple[bool, list[Any]]:
        client = socketio.Client(reconnection=False)
        reasons: list[Any] = []
        client.on("connect_error", reasons.append)
        try:
            client.connect(limited_server.url, auth={"token": token}, transports=["websocket"],
                           headers={"X-Forwarded-For": address}, wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return False, reasons
        client.disconnect()
        return True, reasons

    # guessing private links counts as much as using one
    for _ in range(allowed):
        connected, reasons = connect("arvattu-linkki", "203.0.113.7")
        assert not connected and reasons[-1]["data"] == {"error": "not_found"}
    connected, reasons = connect(room.tokens["anna"], "203.0.113.7")
    assert not connected
    assert reasons[-1] == {"message": "Liian monta yhteydenottoa tästä osoitteesta. Yritä "
                           "hetken kuluttua uudelleen.", "data": {"error": "too_many_attempts"}}
    # from another address the room is open as usual
    assert connect(room.tokens["anna"], "198.51.100.30")[0]
