"""The live room's Socket.IO handlers: connecting, and one handler per event, each calling an
operation and saying what to broadcast.

The protocol is documented in docs/realtime.md. Each handler's docstring says who sends the
event and what is broadcast. Handlers get a typed body (room/payloads.py) and return an
Outcome; the machinery (room/dispatch.py) commits it and only then broadcasts, so nothing
reaches a client that is not in the database.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from flask import current_app, g, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room

from ..accounts.operations import sign_ins_still_on
from ..errors import Busy, DomainError, Forbidden, NotFound, TooManyAttempts
from ..extensions import db, socketio
from ..fields import parse
from ..models import (
    Action,
    ActionStatus,
    Contribution,
    Note,
    NoteRevision,
    Presentation,
    Prompt,
    Registration,
    Room,
    Theme,
    Workshop,
)
from ..ratelimits import room_connect_allowed
from ..reference.operations import reference_of
from ..registration.operations import find_registration
from ..retention.operations import purged_among
from ..timeutil import iso, now_utc
from ..web import select_locale
from . import operations as ops
from . import payloads as p
from .coalesce import Coalescer
from .dispatch import (
    Broadcast,
    Connection,
    Outcome,
    Resend,
    broadcast,
    connections,
    connections_per_person,
    coordinators_room,
    participants_room,
    room_event,
)
from .presence import presence_writer
from .snapshot import (
    action_payload,
    authors_of,
    build_snapshot,
    contribution_payload,
    note_payload,
    presence_for,
    results_of,
    results_payload,
    room_html,
    room_payload,
    timer_payload,
)

log = logging.getLogger("facilitate.room")

#: How often a prompt's results and a room's presence go out at most (seconds between sends).
RESULTS_INTERVAL = 0.2
PRESENCE_INTERVAL = 0.5


results_sender = Coalescer(RESULTS_INTERVAL)
presence_sender = Coalescer(PRESENCE_INTERVAL)


def send_results(prompt_id: int) -> None:
    """Broadcast a prompt's distribution: to coordinators, and to everyone once revealed."""
    prompt = db.session.get(Prompt, prompt_id)
    if prompt is not None:
        broadcast(prompt.theme.workshop_id, _results_broadcast(prompt))


def _results_broadcast(prompt: Prompt) -> Broadcast:
    payload = {"prompt_id": prompt.id, "results": results_payload(
        prompt, results_of(db.session, [prompt.id])[prompt.id])}
    return Broadcast("prompt.results", payload if prompt.is_revealed else None, payload)


def send_presence(workshop_id: int) -> None:
    """Write this process's pending joins and leaves, then broadcast who is in the room."""
    s = db.session
    try:
        presence_writer.write(s)
    except Exception:  # kept pending for the next send; the broadcast below still goes out
        log.exception("writing presence failed")
    broadcast(workshop_id, Broadcast(
        "presence.changed", {"presence": presence_for(s, workshop_id, max_age=0)},
        {"presence": presence_for(s, workshop_id, coordinator=True, max_age=0)}))


# --- connecting ----------------------------------------------------------------------------


@socketio.on("connect")
def connect(auth: Any = None) -> None:
    """A participant connects with {token}, a coordinator with {workshop_id} and the login
    cookie. Sent to the newcomer: `snapshot`. Broadcast: `presence.changed`."""
    s = db.session
    try:
        locale = select_locale()
        with force_locale(locale):
            if not room_connect_allowed():
                raise TooManyAttempts(_l("Liian monta yhteydenottoa tästä osoitteesta. Yritä "
                                         "hetken kuluttua uudelleen."))
            actor = _authenticate(auth)
            if connections_per_person[actor.key] >= ops.CONNECTIONS_PER_PERSON:
                raise Busy(_l("Liian monta avointa yhteyttä samalla linkillä. Sulje muita "
                              "välilehtiä ja yritä uudelleen."))
            # In the room before the snapshot is read, so no change committed meanwhile is
            # missed; its delta may even overtake the snapshot, which is why clients apply
            # the deltas that arrive before their snapshot after it (docs/realtime.md).
            join_room(coordinators_room(actor.workshop_id) if actor.is_coordinator
                      else participants_room(actor.workshop_id))
            snapshot = build_snapshot(s, actor)
            connections[request.sid] = Connection(  # type: ignore[attr-defined]
                actor, locale, g.sign_in_id if actor.is_coordinator else None)
            connections_per_person[actor.key] += 1
            presence_writer.entered(request.sid, actor)  # type: ignore[attr-defined]
            # Straight to the socket, which is on this process: through the message queue
            # every process would receive (and unpickle) every joiner's 400 KiB snapshot.
            emit("snapshot", snapshot, ignore_queue=True)
            presence_sender.request(actor.workshop_id,
                                    functools.partial(send_presence, actor.workshop_id))
            _start_heartbeat()
    except DomainError as error:
        s.rollback()
        log.warning("room connection refused: %s", error)
        raise ConnectionRefusedError(str(error.message), {"error": error.code}) from None
    except Exception:
        # Flask-SocketIO calls a connect handler again without `auth` if it raises TypeError;
        # no exception may escape, or the person is refused for the wrong reason.
        s.rollback()
        log.exception("room connection failed")
        raise ConnectionRefusedError(str(_l("Palvelimella tapahtui virhe. Yritä uudelleen.")),
                                     {"error": "server_error"}) from None
    finally:
        s.remove()


def _authenticate(auth: Any) -> ops.Actor:
    s = db.session
    if not isinstance(auth, dict):
        raise Forbidden(_l("Liity huoneeseen henkilökohtaisella linkilläsi."))
    if "token" in auth:
        registration = find_registration(
            s, auth["token"],
            days_after=current_app.config["PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP"])
        return ops.Actor(workshop_id=registration.workshop_id, registration_id=registration.id)
    if "workshop_id" in auth:
        if not current_user.is_authenticated:
            raise Forbidden(_l("Kirjaudu sisään koordinaattorina."))
        workshop = s.get(Workshop, parse(p.CoordinatorJoin, auth).workshop_id)
        if workshop is None:
            raise NotFound(_l("Tilaisuutta ei löydy."))
        return ops.Actor(workshop_id=workshop.id, coordinator_id=current_user.id)
    raise Forbidden(_l("Liity huoneeseen henkilökohtaisella linkilläsi."))


@socketio.on("disconnect")
def disconnect(*_reason: Any) -> None:
    """Sent by the transport when a socket goes. Broadcast: `presence.changed`."""
    conn = connections.pop(request.sid, None)  # type: ignore[attr-defined]
    if conn is None:
        return
    connections_per_person[conn.actor.key] -= 1
    if connections_per_person[conn.actor.key] <= 0:
        del connections_per_person[conn.actor.key]
    try:
        presence_writer.left(request.sid)  # type: ignore[attr-defined]
        presence_sender.request(conn.actor.workshop_id,
                                functools.partial(send_presence, conn.actor.workshop_id))
    finally:
        db.session.remove()


_heartbeat_started = False


def _start_heartbeat() -> None:
    global _heartbeat_started
    if _heartbeat_started:
        return
    _heartbeat_started = True
    socketio.start_background_task(_heartbeat, current_app._get_current_object())  # type: ignore[attr-defined]


def _heartbeat(app: Any) -> None:
    """Keep this process's connections marked alive; drop rows of processes that died, the
    sockets of coordinators whose sign-in has ended and of participants whose registration
    was erased (their link no longer works, so neither may the socket it opened)."""
    while True:
        socketio.sleep(ops.HEARTBEAT_SECONDS)
        with app.app_context():
            try:
                gone = ops.refresh_presence(db.session, list(connections))
                coordinators = {sid: conn.sign_in_id for sid, conn in list(connections.items())
                                if conn.sign_in_id is not None}
                on = sign_ins_still_on(db.session, set(coordinators.values()),
                                       idle=app.config["SIGN_IN_IDLE"],
                                       longest=app.config["SIGN_IN_LONGEST"])
                participants = {sid: conn.actor.registration_id
                                for sid, conn in list(connections.items())
                                if conn.actor.registration_id is not None}
                erased = purged_among(db.session, set(participants.values()))
                db.session.commit()
                for workshop_id in gone:
                    send_presence(workshop_id)
                for sid, sign_in_id in coordinators.items():
                    if sign_in_id not in on:
                        log.info("room socket %s let go: its sign-in %s ended", sid, sign_in_id)
                        socketio.server.disconnect(sid)
                for sid, registration_id in participants.items():
                    if registration_id in erased:
                        log.info("room socket %s let go: registration %s was erased", sid,
                                 registration_id)
                        socketio.server.disconnect(sid)
            except Exception:
                db.session.rollback()
                log.exception("presence heartbeat failed")
            finally:
                db.session.remove()


# --- reading -------------------------------------------------------------------------------


@room_event("sync", p.Sync)
def sync(actor: ops.Actor, body: p.Sync, _id: None) -> Outcome:
    """Anyone connected asks for the whole room again. Broadcast: nothing."""
    return Outcome({"snapshot": build_snapshot(db.session, actor)})


@room_event("note.history", p.NoteHistory)
def note_history(actor: ops.Actor, body: p.NoteHistory, _id: None) -> Outcome:
    """Anyone connected catches up on a note's edits since a version (or, when those are no
    longer kept, gets its text to rebase onto). Broadcast: nothing."""
    history = ops.note_history(db.session, actor, body.theme_id,
                               body.since, body.pending)
    reply: dict[str, Any] = {"theme_id": body.theme_id, "version": history.version}
    if history.edits is None:
        reply.update(edits=None, text=history.text, html=room_html(history.text or ""),
                     pending_applied=history.pending_applied)
    else:
        reply["edits"] = [{"version": r.version, "ops": r.ops, "change_id": r.change_id}
                          for r in history.edits]
    return Outcome(reply)


# --- participants --------------------------------------------------------------------------


def _author(contribution: Contribution) -> dict[str, str] | None:
    return authors_of(db.session, contribution.workshop_id,
                      contribution.registration_id).get(contribution.registration_id)


def _contribution_broadcast(event: str, contribution: Contribution, votes: int) -> Broadcast:
    public = {"contribution": contribution_payload(contribution, votes)}
    coordinators = {"contribution": contribution_payload(contribution, votes,
                                                         author=_author(contribution))}
    return Broadcast(event, None if contribution.is_hidden else public, coordinators)


def _resend_contribution(event: str) -> Resend:
    """The contribution as it is now, or nothing if it is gone."""
    def resend(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
        contribution = db.session.get(Contribution, stored["contribution_id"])
        if contribution is None:
            return []
        return [_contribution_broadcast(event, contribution,
                                        ops.vote_count(db.session, contribution.id))]
    return resend


def _resend_removal(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    if db.session.get(Contribution, stored["contribution_id"]) is not None:
        return []
    return [Broadcast("contribution.removed", {"contribution_id": stored["contribution_id"]})]


def _votes_broadcast(contribution: Contribution, votes: int) -> Broadcast:
    body = {"contribution_id": contribution.id, "votes": votes}
    return Broadcast("contribution.votes", None if contribution.is_hidden else body, body)


def _resend_votes(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    contribution = db.session.get(Contribution, stored["contribution_id"])
    if contribution is None:
        return []
    return [_votes_broadcast(contribution, ops.vote_count(db.session, contribution.id))]


def _resend_results(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    prompt = db.session.get(Prompt, stored["prompt_id"])
    return [_results_broadcast(prompt)] if prompt is not None else []


def _resend_note_edit(actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    # Only the latest edit: a reader who missed an older one sees the gap at the next edit
    # and fetches the history; an older edit sent with today's HTML would show the wrong text.
    latest = ops.latest_note_edit(db.session, actor, stored["theme_id"], stored["version"])
    if latest is None:
        return []
    return [_note_edited_broadcast(*latest)]


def _note_edited_broadcast(note: Note, revision: NoteRevision) -> Broadcast:
    return Broadcast("note.edited", {"theme_id": note.theme_id, "version": revision.version,
                                     "ops": revision.ops, "change_id": revision.change_id,
                                     "html": note_payload(note)["html"]})


@room_event("contribution.add", p.AddContribution,
            resend=_resend_contribution("contribution.added"))
def add_contribution(actor: ops.Actor, body: p.AddContribution, change_id: str) -> Outcome:
    """A participant posts under a theme. Broadcast: `contribution.added`."""
    contribution = ops.add_contribution(db.session, actor, body.theme_id,
                                        body.prompt_id, body.text,
                                        body.level)
    mine = {**contribution_payload(contribution, 0), "mine": True, "voted": False}
    return Outcome({"contribution_id": contribution.id, "contribution": mine},
                   broadcasts=[_contribution_broadcast("contribution.added", contribution, 0)])


@room_event("contribution.edit", p.EditContribution,
            resend=_resend_contribution("contribution.updated"))
def edit_contribution(actor: ops.Actor, body: p.EditContribution, change_id: str) -> Outcome:
    """The author changes their contribution. Broadcast: `contribution.updated`."""
    s = db.session
    contribution = ops.edit_contribution(s, actor, body.contribution_id,
                                         body.text, body.level)
    votes = ops.vote_count(s, contribution.id)
    return Outcome({"contribution_id": contribution.id},
                   broadcasts=[_contribution_broadcast("contribution.updated", contribution,
                                                       votes)])


@room_event("contribution.delete", p.DeleteContribution, resend=_resend_removal)
def delete_contribution(actor: ops.Actor, body: p.DeleteContribution, change_id: str) -> Outcome:
    """The author withdraws their contribution. Broadcast: `contribution.removed`."""
    contribution_id = ops.delete_contribution(db.session, actor, body.contribution_id)
    return Outcome({"contribution_id": contribution_id}, broadcasts=[
        Broadcast("contribution.removed", {"contribution_id": contribution_id})])


@room_event("contribution.vote", p.Vote, resend=_resend_votes)
def vote(actor: ops.Actor, body: p.Vote, change_id: str) -> Outcome:
    """A participant upvotes another's contribution (or takes it back).
    Broadcast: `contribution.votes`."""
    contribution, votes = ops.vote(db.session, actor, body.contribution_id,
                                   body.up)
    return Outcome({"contribution_id": contribution.id, "votes": votes, "voted": body.up},
                   broadcasts=[_votes_broadcast(contribution, votes)])


@room_event("answer.set", p.SetAnswer, resend=_resend_results)
def set_answer(actor: ops.Actor, body: p.SetAnswer, change_id: str) -> Outcome:
    """A participant answers a statement or poll. Broadcast (coalesced): `prompt.results`,
    to coordinators, and to everyone once revealed."""
    answer = ops.set_answer(db.session, actor, body.prompt_id, body.value)
    prompt_id = answer.prompt_id
    return Outcome({"prompt_id": prompt_id, "value": answer.value}, then=[
        lambda: results_sender.request(prompt_id, functools.partial(send_results, prompt_id))])


@room_event("note.edit", p.EditNote, sender=ops.require_note_taker, resend=_resend_note_edit)
def edit_note(actor: ops.Actor, body: p.EditNote, change_id: str) -> Outcome:
    """A note-taker or coordinator edits a theme's note. Broadcast: `note.edited`."""
    note, revision = ops.edit_note(db.session, actor, body.theme_id,
                                   body.base_version, body.ops, change_id)
    return Outcome({"theme_id": note.theme_id, "version": revision.version},
                   broadcasts=[_note_edited_broadcast(note, revision)])


# --- agreed actions (coordinators and note-takers) ----------------------------------------


def _resend_action(actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    action = db.session.get(Action, stored["action"]["id"])
    return [_action_broadcast(action, actor)] if action is not None else []


def _action_broadcast(action: Action, actor: ops.Actor) -> Broadcast:
    return Broadcast("action.changed", {"action": action_payload(
        action, db.session.get_one(Workshop, actor.workshop_id))})


def _resend_action_removal(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    return [Broadcast("action.removed", {"action_id": stored["action_id"]})]


@room_event("action.add", p.AddAction, sender=ops.require_note_taker, resend=_resend_action)
def add_action(actor: ops.Actor, body: p.AddAction, change_id: str) -> Outcome:
    """A coordinator or note-taker records an action the room agreed.
    Broadcast: `action.changed`."""
    changed = _action_broadcast(ops.add_action_for(db.session, actor, body.text, body.owner,
                                                   body.due, body.theme_id), actor)
    return Outcome(dict(changed.public or {}), broadcasts=[changed])


@room_event("action.delete", p.DeleteAction, sender=ops.require_note_taker,
            resend=_resend_action_removal)
def delete_action(actor: ops.Actor, body: p.DeleteAction, change_id: str) -> Outcome:
    """A coordinator or note-taker takes back an action this room recorded.
    Broadcast: `action.removed`."""
    action_id = ops.delete_action_for(db.session, actor, body.action_id)
    return Outcome({"action_id": action_id},
                   broadcasts=[Broadcast("action.removed", {"action_id": action_id})])


@room_event("action.review", p.ReviewAction, sender=ops.require_note_taker,
            resend=_resend_action)
def review_action(actor: ops.Actor, body: p.ReviewAction, change_id: str) -> Outcome:
    """A coordinator or note-taker says where an earlier action stands (done, in progress,
    dropped). Broadcast: `action.changed`."""
    status = ActionStatus(body.status) if body.status else None
    changed = _action_broadcast(ops.review_action_for(db.session, actor, body.action_id,
                                                      status), actor)
    return Outcome(dict(changed.public or {}), broadcasts=[changed])


# --- the coordinator -----------------------------------------------------------------------


def _room_changed(room: Any) -> list[Broadcast]:
    return [Broadcast("room.changed", {"room": room_payload(room), "status": room.status.value,
                                       "server_now": iso(now_utc())})]


def _resend_room(actor: ops.Actor, _stored: dict[str, Any]) -> list[Broadcast]:
    return _room_changed(ops.peek_room(db.session, actor.workshop_id))


def _phase_changed(room: Room) -> list[Broadcast]:
    # a phase change stops the timer: both go out
    return [Broadcast("phase.changed", {"phase": room.phase.value, "theme_id": room.theme_id}),
            _timer_changed(room)]


def _timer_changed(room: Room) -> Broadcast:
    return Broadcast("timer.changed", {"timer": timer_payload(room),
                                       "server_now": iso(now_utc())})


def _theme_changed(theme: Theme) -> Broadcast:
    return Broadcast("theme.changed", {"theme_id": theme.id, "is_locked": theme.is_locked})


def _talk_changed(talk: Presentation) -> Broadcast:
    return Broadcast("talk.changed", {"presentation_id": talk.id,
                                      "given": talk.given_at is not None})


def _participant_changed(registration: Registration) -> Broadcast:
    return Broadcast("participant.changed", {"registration_id": registration.id,
                                             "is_note_taker": registration.is_note_taker})


def _resend_phase(actor: ops.Actor, _stored: dict[str, Any]) -> list[Broadcast]:
    return _phase_changed(ops.peek_room(db.session, actor.workshop_id))


def _resend_timer(actor: ops.Actor, _stored: dict[str, Any]) -> list[Broadcast]:
    return [_timer_changed(ops.peek_room(db.session, actor.workshop_id))]


def _resend_lock(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    theme = db.session.get(Theme, stored["theme_id"])
    return [_theme_changed(theme)] if theme is not None else []


def _resend_talk(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    talk = db.session.get(Presentation, stored["presentation_id"])
    return [_talk_changed(talk)] if talk is not None else []


def _resend_reveal(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    prompt = db.session.get(Prompt, stored["prompt_id"])
    return [_revealed_broadcast(prompt)] if prompt is not None else []


def _resend_hide(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    contribution = db.session.get(Contribution, stored["contribution_id"])
    return _hide_broadcasts(contribution) if contribution is not None else []


def _resend_note_taker(_actor: ops.Actor, stored: dict[str, Any]) -> list[Broadcast]:
    registration = db.session.get(Registration, stored["registration_id"])
    return [_participant_changed(registration)] if registration is not None else []


@room_event("room.open", p.RoomChange, coordinator_only=True, resend=_resend_room)
def open_room(actor: ops.Actor, body: p.RoomChange, change_id: str) -> Outcome:
    """The coordinator opens (or reopens) the room. Broadcast: `room.changed`."""
    room = ops.open_room(db.session, db.session.get_one(Workshop, actor.workshop_id),
                         by=actor.coordinator_id)
    return Outcome({"status": room.status.value}, broadcasts=_room_changed(room))


@room_event("room.close", p.RoomChange, coordinator_only=True, resend=_resend_room)
def close_room(actor: ops.Actor, body: p.RoomChange, change_id: str) -> Outcome:
    """The coordinator closes the room; it becomes read-only. Broadcast: `room.changed`."""
    room = ops.close_room(db.session, db.session.get_one(Workshop, actor.workshop_id),
                         by=actor.coordinator_id)
    return Outcome({"status": room.status.value}, broadcasts=_room_changed(room))


@room_event("phase.set", p.SetPhase, coordinator_only=True, resend=_resend_phase)
def set_phase(actor: ops.Actor, body: p.SetPhase, change_id: str) -> Outcome:
    """The coordinator moves to the opening, a theme or the closing.
    Broadcast: `phase.changed`, `timer.changed`."""
    room = ops.set_phase_for(db.session, actor, body.phase, body.theme_id)
    return Outcome({"phase": room.phase.value, "theme_id": room.theme_id},
                   broadcasts=_phase_changed(room))


@room_event("timer.start", p.StartTimer, coordinator_only=True, resend=_resend_timer)
def start_timer(actor: ops.Actor, body: p.StartTimer, change_id: str) -> Outcome:
    """The coordinator starts a countdown. Broadcast: `timer.changed`."""
    changed = _timer_changed(ops.start_timer(db.session, actor, body.seconds))
    return Outcome(dict(changed.public or {}), broadcasts=[changed])


@room_event("timer.stop", p.RoomChange, coordinator_only=True, resend=_resend_timer)
def stop_timer(actor: ops.Actor, body: p.RoomChange, change_id: str) -> Outcome:
    """The coordinator stops the countdown. Broadcast: `timer.changed`."""
    changed = _timer_changed(ops.stop_timer(db.session, actor))
    return Outcome(dict(changed.public or {}), broadcasts=[changed])


@room_event("theme.lock", p.LockTheme, coordinator_only=True, resend=_resend_lock)
def lock_theme(actor: ops.Actor, body: p.LockTheme, change_id: str) -> Outcome:
    """The coordinator locks or unlocks a theme. Broadcast: `theme.changed`."""
    changed = _theme_changed(ops.lock_theme(db.session, actor, body.theme_id,
                                            body.locked))
    return Outcome(dict(changed.public or {}), broadcasts=[changed])


@room_event("talk.given", p.SetTalkGiven, coordinator_only=True, resend=_resend_talk)
def set_talk_given(actor: ops.Actor, body: p.SetTalkGiven, change_id: str) -> Outcome:
    """The coordinator records that a talk was given, so the memo's opening names it.
    Broadcast: `talk.changed`."""
    changed = _talk_changed(ops.set_talk_given_for(db.session, actor, body.presentation_id,
                                                   body.given))
    return Outcome(dict(changed.public or {}), broadcasts=[changed])


@room_event("prompt.reveal", p.RevealPrompt, coordinator_only=True,
            resend=_resend_reveal)
def reveal_prompt(actor: ops.Actor, body: p.RevealPrompt, change_id: str) -> Outcome:
    """The coordinator shows (or hides) a statement's or poll's distribution.
    Broadcast: `prompt.revealed` (with the results when shown)."""
    s = db.session
    prompt = ops.reveal_prompt_for(s, actor, body.prompt_id, body.revealed)
    return Outcome({"prompt_id": prompt.id, "revealed": prompt.is_revealed},
                   broadcasts=[_revealed_broadcast(prompt)])


def _revealed_broadcast(prompt: Prompt) -> Broadcast:
    results = results_payload(prompt, results_of(db.session, [prompt.id])[prompt.id])
    # Reference figures go with the results (snapshot.prompt_view says why).
    found = reference_of(prompt)
    reference = found.as_dict() if found else None
    public = {"prompt_id": prompt.id, "revealed": prompt.is_revealed,
              "results": results if prompt.is_revealed else None,
              "reference": reference if prompt.is_revealed else None}
    return Broadcast("prompt.revealed", public,
                     {**public, "results": results, "reference": reference})


@room_event("contribution.hide", p.HideContribution, coordinator_only=True,
            resend=_resend_hide)
def hide_contribution(actor: ops.Actor, body: p.HideContribution, change_id: str) -> Outcome:
    """The coordinator hides a contribution from participants (or shows it again).
    Broadcast: participants `contribution.removed` or `contribution.added`;
    coordinators `contribution.updated`."""
    s = db.session
    contribution = ops.hide_contribution(s, actor, body.contribution_id,
                                         body.hidden)
    return Outcome({"contribution_id": contribution.id, "hidden": contribution.is_hidden},
                   broadcasts=_hide_broadcasts(contribution))


def _hide_broadcasts(contribution: Contribution) -> list[Broadcast]:
    votes = ops.vote_count(db.session, contribution.id)
    if contribution.is_hidden:
        public = Broadcast("contribution.removed",
                           {"contribution_id": contribution.id, "hidden": True}, None)
    else:
        public = Broadcast("contribution.added",
                           {"contribution": contribution_payload(contribution, votes)}, None)
    coordinators = Broadcast("contribution.updated", None, {
        "contribution": contribution_payload(contribution, votes, author=_author(contribution))})
    return [public, coordinators]


@room_event("contribution.move", p.MoveContribution, coordinator_only=True,
            resend=_resend_contribution("contribution.updated"))
def move_contribution(actor: ops.Actor, body: p.MoveContribution, change_id: str) -> Outcome:
    """The coordinator moves a contribution under another theme.
    Broadcast: `contribution.updated`."""
    s = db.session
    contribution = ops.move_contribution(s, actor, body.contribution_id,
                                         body.theme_id)
    votes = ops.vote_count(s, contribution.id)
    return Outcome({"contribution_id": contribution.id, "theme_id": contribution.theme_id},
                   broadcasts=[_contribution_broadcast("contribution.updated", contribution,
                                                       votes)])


@room_event("note_taker.set", p.SetNoteTaker, coordinator_only=True,
            resend=_resend_note_taker)
def set_note_taker(actor: ops.Actor, body: p.SetNoteTaker, change_id: str) -> Outcome:
    """The coordinator gives or takes a participant's note-taker role.
    Broadcast: `participant.changed`."""
    changed = _participant_changed(ops.set_note_taker(
        db.session, actor, body.registration_id, body.on))
    return Outcome(dict(changed.public or {}), broadcasts=[changed])
