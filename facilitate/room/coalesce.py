"""Coalesced sends: a burst of changes (answers, joins) goes out as one broadcast per interval."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import current_app

from ..extensions import db, socketio

log = logging.getLogger("facilitate.room")


class Coalescer:
    """Runs a send at most once per interval per key; a request during the wait is not lost,
    the send at the end of the wait reads the latest state."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: dict[Any, float] = {}
        self._waiting: set[Any] = set()

    def request(self, key: Any, send: Callable[[], None]) -> None:
        if key in self._waiting:
            return
        wait = self._last.get(key, float("-inf")) + self.interval - time.monotonic()
        if wait <= 0:
            self._last[key] = time.monotonic()
            send()
            return
        self._waiting.add(key)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        socketio.start_background_task(self._later, app, key, wait, send)

    def _later(self, app: Any, key: Any, wait: float, send: Callable[[], None]) -> None:
        socketio.sleep(wait)
        with app.app_context():
            self._waiting.discard(key)
            self._last[key] = time.monotonic()
            try:
                send()
            except Exception:  # a lost update must not kill the server; the next one follows
                log.exception("coalesced send %r failed", key)
            finally:
                db.session.remove()
