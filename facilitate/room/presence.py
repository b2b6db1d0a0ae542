"""Who is in the room: this process's connections, written to the database in batches.

A join storm (everyone reconnecting after a restart) would otherwise cost one write
transaction per person, one after another on SQLite. Joins and leaves are queued here and
written together by the coalesced presence send (room/events.py), which then broadcasts.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from . import operations as ops

log = logging.getLogger("facilitate.room")


class PresenceWriter:
    """Pending presence rows of this process: entered sockets to insert, gone ones to delete."""

    def __init__(self) -> None:
        self._entered: dict[str, ops.Actor] = {}
        self._left: set[str] = set()

    def entered(self, sid: str, actor: ops.Actor) -> None:
        """A socket joined a room."""
        self._entered[sid] = actor

    def left(self, sid: str) -> None:
        """A socket went; a row not written yet is simply never written."""
        if self._entered.pop(sid, None) is None:
            self._left.add(sid)

    def write(self, s: Session) -> None:
        """Write what is pending in one transaction; on failure it stays pending."""
        entered, left = self._entered, self._left
        self._entered, self._left = {}, set()
        try:
            ops.leave_rooms(s, sorted(left))
            ops.enter_rooms(s, entered)
            s.commit()
        except Exception:
            s.rollback()
            self._entered = entered | self._entered
            self._left |= left
            raise


presence_writer = PresenceWriter()
