"""Reference figures over real Socket.IO: the console always has them; participants get them
with the results, once revealed (in the snapshot and in `prompt.revealed`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitate.agenda.operations import update_prompt
from facilitate.extensions import db
from facilitate.models import Prompt

SURVEY = {"source": "Kuntakysely 2021", "responses": 95, "note": "kattoi 190 kuntaa",
          "percents": [60]}


def _statement(snapshot: dict[str, Any], prompt_id: int) -> dict[str, Any]:
    return next(p for theme in snapshot["themes"] for p in theme["prompts"]
                if p["id"] == prompt_id)


def test_participants_get_the_figures_with_the_results(
        make_room: Callable[..., Any], socket_client: Callable[..., Any],
        coordinator_cookie: str) -> None:
    room = make_room()
    statement = room.prompts["statement"]
    update_prompt(db.session, db.session.get_one(Prompt, statement), {"reference": SURVEY})
    db.session.commit()
    anna = socket_client(token=room.tokens["anna"])
    coordinator = socket_client(workshop_id=room.workshop_id, cookie=coordinator_cookie)
    assert _statement(coordinator.snapshot(), statement)["reference"] == SURVEY
    assert _statement(anna.snapshot(), statement)["reference"] is None  # not before answering

    assert coordinator.change("prompt.reveal", prompt_id=statement, revealed=True)["ok"]
    assert anna.wait_for("prompt.revealed")["reference"] == SURVEY
    late = socket_client(token=room.tokens["bertta"])
    assert _statement(late.snapshot(), statement)["reference"] == SURVEY
    assert coordinator.change("prompt.reveal", prompt_id=statement, revealed=False)["ok"]
    assert anna.wait_for("prompt.revealed", lambda d: not d["revealed"])["reference"] is None
