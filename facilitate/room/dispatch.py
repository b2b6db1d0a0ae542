"""The live room's event machinery: registering handlers, checking and typing what they get,
applying a change once, committing before broadcasting, and the one way of broadcasting.

The handlers are in room/events.py, the payload models in room/payloads.py; the protocol is
documented in docs/realtime.md.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..errors import Busy, DomainError, Forbidden
from ..extensions import db, socketio
from ..fields import Payload, parse
from . import operations as ops
from .payloads import Change

log = logging.getLogger("facilitate.room")

#: Attempts at a change that lost a race for the same row before giving up.
ATTEMPTS = 5


def participants_room(workshop_id: int) -> str:
    return f"workshop:{workshop_id}"


def coordinators_room(workshop_id: int) -> str:
    return f"workshop:{workshop_id}:coordinators"


_SAME = object()


@dataclass
class Broadcast:
    """One event to a workshop: `public` to participants, `coordinators` (default: the same)
    to coordinators; None leaves that audience out."""

    event: str
    public: dict[str, Any] | None
    coordinators: Any = _SAME


def broadcast(workshop_id: int, message: Broadcast) -> None:
    """The one way anything is sent to a workshop's room."""
    coordinators = message.public if message.coordinators is _SAME else message.coordinators
    if message.public is not None:
        socketio.emit(message.event, message.public, to=participants_room(workshop_id))
    if coordinators is not None:
        socketio.emit(message.event, coordinators, to=coordinators_room(workshop_id))


@dataclass
class Outcome:
    """What a handler did: the acknowledgement (remembered for a resend) and what to send."""

    #: also stored with the change id: a resend is acknowledged with the same
    ack: dict[str, Any] = field(default_factory=dict)
    broadcasts: list[Broadcast] = field(default_factory=list)
    #: work after the broadcasts, outside the transaction (coalesced sends)
    then: list[Callable[[], None]] = field(default_factory=list)


@dataclass(frozen=True)
class Connection:
    """A joined socket: who it is, which language they read and, for a coordinator, the
    sign-in it lasts as long as (models.SignIn)."""

    actor: ops.Actor
    locale: str
    sign_in_id: int | None = None


#: Sockets joined in this process. Connection state only: the room itself lives in the database.
connections: dict[str, Connection] = {}
#: Of those, how many each person has (Actor.key → count).
connections_per_person: Counter[str] = Counter()


def _error(error: DomainError) -> dict[str, Any]:
    return {"ok": False, **error.as_json()}


def _refuse(event: str, sid: str, conn: Connection | None, error: Any) -> None:
    who = conn.actor.key if conn else "not joined"
    log.warning("room event %s from %s (%s) refused: %s", event, sid, who, error)


#: What a resent change broadcasts again: (actor, its first acknowledgement) → broadcasts.
Resend = Callable[[ops.Actor, dict[str, Any]], list[Broadcast]]


@dataclass(frozen=True)
class EventSpec:
    """What a client may send as one event: its payload model and who may send it."""

    payload: type[Payload]
    coordinator_only: bool


#: Every event a client may send (filled as room/events.py registers its handlers).
EVENTS: dict[str, EventSpec] = {}


@functools.cache
def payload_schemas() -> dict[str, Any]:
    """The JSON Schema of each event's payload, for clients and their authors (built once,
    after room/events.py has registered every event)."""
    return {event: {**spec.payload.model_json_schema(),
                    "x-coordinator-only": spec.coordinator_only}
            for event, spec in EVENTS.items()}


def room_event(event: str, payload: type[Payload], *, coordinator_only: bool = False,
               sender: Callable[[Session, ops.Actor], None] | None = None,
               resend: Resend | None = None) -> Callable[[Callable[..., Outcome]], Any]:
    """Register a handler of `event`, whose body is a `payload` model (room/payloads.py): check
    the connection, who sent it (`coordinator_only`, or the rule `sender`) before the body, so
    someone who may not send it is told so whatever it holds, then the body; apply a change once,
    commit it, then broadcast; every failure becomes an error acknowledgement and changes
    nothing. The handler gets (actor, body, change id); a body that is a `Change` carries the
    id, and the change is applied once however often it is sent.

    `resend` gives the broadcasts for a change sent again after it was applied: the first
    broadcast may have died with a process killed between commit and send, so what it changed
    goes out once more, as it is now.
    """

    EVENTS[event] = EventSpec(payload, coordinator_only)

    def register(handler: Callable[..., Outcome]) -> Any:
        @socketio.on(event)
        @functools.wraps(handler)
        def wrapper(data: Any = None) -> dict[str, Any]:
            sid = request.sid  # type: ignore[attr-defined]
            conn = connections.get(sid)
            if conn is None:
                _refuse(event, sid, conn, "not joined")
                return _error(Forbidden(_l("Yhteys ei ole liittynyt huoneeseen.")))
            with force_locale(conn.locale):
                try:
                    if coordinator_only:
                        ops.require_coordinator(conn.actor)
                    if sender is not None:
                        sender(db.session, conn.actor)
                    body = parse(payload, data)
                    return _run(handler, event, conn, body, resend)
                except DomainError as error:
                    db.session.rollback()
                    _refuse(event, sid, conn, error)
                    return _error(error)
                except Exception:
                    db.session.rollback()
                    log.exception("room event %s from %s failed", event, conn.actor.key)
                    return {"ok": False, "error": "server_error",
                            "message": str(_l("Palvelimella tapahtui virhe. Yritä uudelleen."))}
                finally:
                    db.session.remove()

        return wrapper

    return register


def _replayed(conn: Connection, stored: dict[str, Any], resend: Resend | None
              ) -> dict[str, Any]:
    for message in resend(conn.actor, stored) if resend else []:
        broadcast(conn.actor.workshop_id, message)
    return {"ok": True, **stored, "replayed": True}


def _run(handler: Callable[..., Outcome], event: str, conn: Connection, body: Payload,
         resend: Resend | None) -> dict[str, Any]:
    s = db.session
    change_id = body.id if isinstance(body, Change) else None
    for attempt in range(ATTEMPTS):
        try:
            # A resend is rare: the common path applies at once, and recording the id fails
            # (IntegrityError, rolled back with the change) if it was applied before.
            if change_id is not None and attempt > 0:
                stored = ops.find_applied(s, conn.actor, change_id, event)
                if stored is not None:
                    return _replayed(conn, stored, resend)
            try:
                outcome = handler(conn.actor, body, change_id)
            except DomainError:
                # refused now, but perhaps applied before the state changed (a resend after
                # the room closed): then the client gets what it got the first time
                s.rollback()
                stored = ops.find_applied(s, conn.actor, change_id, event) if change_id else None
                if stored is not None:
                    return _replayed(conn, stored, resend)
                raise
            if change_id is not None:
                ops.record_applied(s, conn.actor, change_id, event, outcome.ack)
            s.commit()
            break
        except (ops.Retry, IntegrityError, OperationalError) as race:
            # another change took the row first (or SQLite was busy): start over from fresh data
            s.rollback()
            if attempt == ATTEMPTS - 1:
                log.warning("room event %s gave up after %s attempts: %s", event, ATTEMPTS, race)
                raise Busy(_l("Muutos ei onnistunut kiireen vuoksi. Yritä uudelleen.")) \
                    from None
    for message in outcome.broadcasts:
        broadcast(conn.actor.workshop_id, message)
    for then in outcome.then:
        then()
    return {"ok": True, **outcome.ack}


@socketio.on("*")
def unknown_event(event: str, *_args: Any) -> dict[str, Any]:
    """Any event not listed in docs/realtime.md: refused, nothing changes."""
    conn = connections.get(request.sid)  # type: ignore[attr-defined]
    _refuse(event, request.sid, conn, "unknown event")  # type: ignore[attr-defined]
    with force_locale(conn.locale if conn else "fi"):
        return {"ok": False, "error": "unknown_event",
                "message": str(_l("Tuntematon tapahtuma: %(event)s", event=str(event)[:60]))}
