"""A recording Socket.IO client, a logged-in coordinator's cookie and a server for a fixture:
what the realtime tests (and any other that talks to a running server) share. A plain module,
not a conftest, so that tests import it by name whichever conftests pytest loaded."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from live_server import LiveServer, ServerFailed, server_env

WAIT = 10.0


def serving(folder: Path, database_url: str, **env: str) -> Iterator[LiveServer]:
    """For a fixture: `facilitate run` on the test database until the fixture ends; a server
    that does not start fails the test with what it printed."""
    server = LiveServer(folder, server_env(folder, database_url, **env))
    try:
        server.start()
    except ServerFailed as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


class RoomClient:
    """A python-socketio client that records every event and waits for the ones a test needs."""

    def __init__(self, url: str, auth: dict[str, Any], cookie: str | None = None,
                 *, reconnection: bool = False) -> None:
        self.url = url
        self.auth = auth
        self.cookie = cookie
        self.events: list[tuple[str, Any]] = []
        self._changed = threading.Condition()
        self.sio = socketio.Client(reconnection=reconnection, reconnection_delay=0.2,
                                   reconnection_delay_max=1)
        self.sio.on("*", self._record)

    def _record(self, event: str, data: Any = None) -> None:
        with self._changed:
            self.events.append((event, data))
            self._changed.notify_all()

    def connect(self) -> RoomClient:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.sio.connect(self.url, auth=self.auth, headers=headers, transports=["websocket"],
                         wait_timeout=WAIT)
        return self

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()

    def call(self, event: str, payload: Any = None) -> Any:
        """Send an event and return its acknowledgement."""
        return self.sio.call(event, payload, timeout=WAIT)

    def change(self, event: str, change_id: str | None = None, **payload: Any) -> Any:
        """Send a change with a fresh client id (or the given one); returns the ack."""
        return self.call(event, {"id": change_id or uuid.uuid4().hex, **payload})

    def received(self, event: str) -> list[Any]:
        """Every payload of `event` received so far, in order."""
        with self._changed:
            return [data for name, data in self.events if name == event]

    def wait_for(self, event: str, match: Callable[[Any], bool] = lambda _data: True,
                 timeout: float = WAIT) -> Any:
        """The first received `event` whose payload matches, waiting for it if need be."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for name, data in self.events:
                    if name == event and match(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [name for name, _ in self.events][-20:]
                    raise AssertionError(f"no matching {event!r} within {timeout} s; "
                                         f"last events: {seen}")
                self._changed.wait(left)

    def snapshot(self) -> dict[str, Any]:
        """The latest snapshot received."""
        self.wait_for("snapshot")
        return self.received("snapshot")[-1]


def login_cookie(base_url: str, email: str, password: str) -> str:
    """Log in over HTTP as a browser would; returns the Cookie header for Socket.IO."""
    web = requests.Session()
    page = web.get(f"{base_url}/login", timeout=WAIT)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "the login form has no CSRF token"
    response = web.post(f"{base_url}/login", data={
        "csrf_token": token.group(1), "email": email, "password": password},
        allow_redirects=False, timeout=WAIT)
    assert response.status_code == 302, response.text[:500]
    return "; ".join(f"{name}={value}" for name, value in web.cookies.items())
