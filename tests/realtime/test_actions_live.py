"""Agreed actions in the live room over real Socket.IO connections: who may record and
review them, what everyone receives, and what a refusal says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from facilitate.actions.operations import add_action, today_in_finland
from facilitate.extensions import db
from facilitate.models import Action, ActionStatus, Workshop
from facilitate.series.operations import create_workshop

Client = Callable[..., Any]
DUE = (today_in_finland() + timedelta(days=30)).isoformat()


@pytest.fixture
def room(make_room: Callable[..., Any]) -> Any:
    return make_room()


@pytest.fixture
def coordinator(room: Any, socket_client: Client, coordinator_cookie: str) -> Any:
    return socket_client(cookie=coordinator_cookie, workshop_id=room.workshop_id)


def test_a_note_taker_records_an_action_everyone_sees(
        room: Any, socket_client: Client, coordinator: Any) -> None:
    anna = socket_client(token=room.tokens["anna"])
    cecilia = socket_client(token=room.tokens["cecilia"])  # the note-taker
    ack = cecilia.change("action.add", text="Kootaan työnkuvat", owner="Pirkanmaa",
                         due=DUE, theme_id=room.theme_ids[0])
    assert ack["ok"], ack
    action = ack["action"]
    assert (action["text"], action["owner"], action["due"], action["agreed_here"],
            action["status"], action["review"]) == (
        "Kootaan työnkuvat", "Pirkanmaa", DUE, True, "open", None)
    assert anna.wait_for("action.changed") == {"action": action}
    assert [a["id"] for a in anna.call("sync", {})["snapshot"]["actions"]] == [action["id"]]
    refused = anna.change("action.add", text="Ei kirjuri", owner="Varha", due=DUE)
    assert refused["ok"] is False and refused["error"] == "forbidden"
    assert coordinator.change("action.delete", action_id=action["id"])["ok"]
    assert anna.wait_for("action.removed") == {"action_id": action["id"]}
    db.session.expire_all()
    assert db.session.scalars(select(Action)).all() == []


def test_an_action_without_owner_or_with_a_past_date_is_refused(
        room: Any, coordinator: Any) -> None:
    yesterday = today_in_finland() - timedelta(days=1)
    refused = coordinator.change("action.add", text="Selvitetään", owner=" ",
                                 due=yesterday.isoformat())
    assert refused["ok"] is False and refused["error"] == "invalid"
    assert refused["errors"] == {
        "owner": "Kirjoita, kuka toimenpiteestä vastaa: organisaatio(t) tai THL:n henkilö.",
        "due": f"Määräaika {yesterday.day}.{yesterday.month}.{yesterday.year} on jo mennyt: "
               "anna tämä päivä tai myöhempi."}
    wrong = coordinator.change("action.add", text="Selvitetään", owner="THL", due=42)
    assert wrong["errors"] == {"due": "Arvon pitää olla tekstiä."}
    db.session.expire_all()
    assert db.session.scalars(select(Action)).all() == []


def test_the_next_workshop_reviews_what_the_last_one_agreed(
        room: Any, socket_client: Client, coordinator_cookie: str) -> None:
    s = db.session
    held = s.get_one(Workshop, room.workshop_id)
    earlier = create_workshop(s, held.series, {
        "title": "Edellinen", "day": (held.day - timedelta(days=60)).isoformat(),
        "starts_at": "14:00", "ends_at": "16:00"})
    action = add_action(s, earlier, {"text": "Kootaan työnkuvat", "owner": "Pirkanmaa",
                                     "due": DUE})
    s.commit()
    coordinator = socket_client(cookie=coordinator_cookie, workshop_id=room.workshop_id)
    anna = socket_client(token=room.tokens["anna"])
    listed = coordinator.call("sync", {})["snapshot"]["actions"]
    assert [(a["id"], a["agreed_here"], a["review"]) for a in listed] == [
        (action.id, False, None)]
    ack = coordinator.change("action.review", action_id=action.id, status="in_progress")
    assert ack["ok"] and ack["action"]["review"] == "in_progress"
    assert anna.wait_for("action.changed")["action"]["status"] == "in_progress"
    bad = coordinator.change("action.review", action_id=action.id, status="open")
    assert bad["errors"] == {"status": "Tilan pitää olla valmis, kesken tai luovuttu."}
    # the action now stands as this room said
    s.expire_all()
    assert s.get_one(Action, action.id).status == ActionStatus.IN_PROGRESS
