"""Real Socket.IO clients (python-socketio) against the real server (`facilitate run`, eventlet)
running on the test database, which the tests fill and inspect directly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer
from room_client import RoomClient, login_cookie, serving


@pytest.fixture(scope="session")
def room_server(database_url: str, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LiveServer]:
    """One server for the realtime tests, on the same database as the test process."""
    yield from serving(tmp_path_factory.mktemp("room_server"), database_url)


@pytest.fixture
def restartable_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A server of the test's own, to stop and start again mid-session."""
    yield from serving(tmp_path, database_url)


@pytest.fixture
def socket_client(room_server: LiveServer) -> Iterator[Callable[..., RoomClient]]:
    """Connect clients: socket_client(token=…) or socket_client(workshop_id=…, cookie=…)."""
    clients: list[RoomClient] = []

    def connect(*, cookie: str | None = None, server: LiveServer | None = None,
                reconnection: bool = False, **auth: Any) -> RoomClient:
        client = RoomClient((server or room_server).url, auth, cookie, reconnection=reconnection)
        clients.append(client)
        return client.connect()

    yield connect
    for client in clients:
        client.disconnect()


@pytest.fixture
def coordinator_cookie(room_server: LiveServer, make_coordinator: Callable[..., Any],
                       password: str) -> str:
    """A coordinator logged in on the room server."""
    coordinator = make_coordinator()
    return login_cookie(room_server.url, coordinator.email, password)
