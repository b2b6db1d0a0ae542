"""A participant's open room socket is let go once their registration is erased, and their
link opens no new one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from facilitate.extensions import db
from facilitate.models import Registration
from facilitate.retention.operations import erase_registration


def test_an_erased_participants_socket_is_let_go(make_room: Callable[..., Any],
                                                 socket_client: Any, room_server: Any) -> None:
    import socketio
    from room_client import RoomClient

    room = make_room()
    anna = socket_client(token=room.tokens["anna"])
    bertta = socket_client(token=room.tokens["bertta"])
    anna.snapshot()
    erase_registration(db.session, db.session.get_one(Registration, room.registration_ids["anna"]))
    db.session.commit()
    deadline = time.monotonic() + 10
    while anna.sio.connected:
        assert time.monotonic() < deadline, "the socket outlived its registration"
        time.sleep(0.1)
    assert bertta.sio.connected, "only the erased participant is let go"
    again = RoomClient(room_server.url, {"token": room.tokens["anna"]})
    reasons: list[Any] = []
    again.sio.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        again.connect()
    assert reasons[-1]["data"] == {"error": "not_found"}
