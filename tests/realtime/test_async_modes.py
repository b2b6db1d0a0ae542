"""The room under each async library it supports: the rest of the suite runs eventlet (as
deployed); this runs one short session on a server started with gevent and with threading, so
that code tied to eventlet, or a driver left blocking, shows up here."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer
from room_client import RoomClient, login_cookie, serving
from sqlalchemy import select

from facilitate.extensions import db
from facilitate.models import Note

EDITS_EACH = 15


@pytest.fixture(params=["gevent", "threading"])
def server_in_mode(request: pytest.FixtureRequest, database_url: str, tmp_path: Path
                   ) -> Iterator[LiveServer]:
    """`facilitate run` with SOCKETIO_ASYNC_MODE set to the parameter."""
    yield from serving(tmp_path, database_url, SOCKETIO_ASYNC_MODE=request.param)


def test_a_short_session_works_in_every_async_mode(
        server_in_mode: LiveServer, make_room: Callable[..., Any],
        socket_client: Callable[..., RoomClient], make_coordinator: Callable[..., Any],
        password: str) -> None:
    room = make_room()
    theme = room.theme_ids[0]
    coordinator = make_coordinator()
    cookie = login_cookie(server_in_mode.url, coordinator.email, password)
    anna = socket_client(token=room.tokens["anna"], server=server_in_mode)
    cecilia = socket_client(token=room.tokens["cecilia"], server=server_in_mode)
    console = socket_client(workshop_id=room.workshop_id, cookie=cookie, server=server_in_mode)

    posted = anna.change("contribution.add", theme_id=theme, text="Toimii joka tilassa")
    assert posted["ok"], posted
    assert cecilia.wait_for("contribution.added")["contribution"]["text"] == "Toimii joka tilassa"
    assert console.wait_for("contribution.added")["contribution"]["organisation"]

    # Two note-takers edit the note at the same moment: with threads the edits really run in
    # parallel and queue on the note's row lock (on PostgreSQL) or SQLite's write lock.
    first = cecilia.change("note.edit", theme_id=theme, base_version=0, ops=["."])
    assert first["ok"], first
    refused: list[Any] = []

    def type_words(client: RoomClient, name: str) -> None:
        for index in range(EDITS_EACH):
            # every edit is based on version 1: the server transforms it past the others
            ack = client.change("note.edit", theme_id=theme, base_version=1,
                                ops=[f"{name}{index:02d} ", 1])
            if not ack["ok"]:
                refused.append(ack)

    typists = [threading.Thread(target=type_words, args=(client, name))
               for client, name in ((cecilia, "cecilia"), (console, "niina"))]
    for typist in typists:
        typist.start()
    for typist in typists:
        typist.join(timeout=60)
    assert refused == []
    db.session.expire_all()
    note = db.session.scalar(select(Note).where(Note.theme_id == theme))
    words = note.text.split()
    assert note.version == 1 + 2 * EDITS_EACH
    assert sorted(words) == sorted(["."] + [f"{name}{index:02d}" for name in ("cecilia", "niina")
                                            for index in range(EDITS_EACH)])
