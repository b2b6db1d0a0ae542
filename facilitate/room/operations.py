"""Rules of the live room: who may change what, and how; functions add and flush, callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..actions import operations as actions
from ..audit import operations as audit
from ..errors import Collector, Conflict, Forbidden, Gone, Invalid, NotFound
from ..models import (
    NOTE_MAX_BYTES,
    STATEMENT_SCALE,
    Action,
    ActionStatus,
    Answer,
    AppliedChange,
    Contribution,
    Note,
    NoteRevision,
    Presence,
    Presentation,
    Prompt,
    PromptKind,
    Registration,
    Room,
    RoomPhase,
    RoomStatus,
    Theme,
    Vote,
    Workshop,
)
from ..series.operations import set_talk_given
from ..timeutil import now_utc
from . import textops
from .payloads import ANSWER_REFUSED, LEVEL_REFUSED

#: How often a process marks its connections alive, and after how long without that a
#: connection's row counts as belonging to a process that died (SIGKILL, power loss).
HEARTBEAT_SECONDS = 2
PRESENCE_TTL = timedelta(seconds=6)
#: Open connections one person may have to one process (tabs, devices); more is a client
#: stuck in a reconnect loop, or someone flooding.
CONNECTIONS_PER_PERSON = 10
#: Edits of a note kept for transforming stale edits and for `note.history`; older ones are
#: folded into the note's text (its checkpoint), so a long session's note does not keep
#: thousands of revisions. A client further behind than this gets the text and rebases.
NOTE_HISTORY_KEPT = 500


class Retry(Exception):  # noqa: N818 - a signal, not an error
    """Someone else changed the same row first; the caller rolls back and tries again."""


@dataclass(frozen=True)
class Actor:
    """Who sends events on a connection: a participant (registration) or a coordinator."""

    workshop_id: int
    registration_id: int | None = None
    coordinator_id: int | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.coordinator_id is not None

    @property
    def key(self) -> str:
        """The namespace of this person's client change ids."""
        if self.coordinator_id is not None:
            return f"c{self.coordinator_id}"
        return f"r{self.registration_id}"


# --- idempotency ---------------------------------------------------------------------------


def find_applied(s: Session, actor: Actor, change_id: str, event: str) -> dict[str, Any] | None:
    """The stored result of a change already applied, or None; the id must name this event."""
    applied = s.get(AppliedChange, (actor.key, change_id))
    if applied is None:
        return None
    if applied.event != event or applied.workshop_id != actor.workshop_id:
        raise Invalid(_l("Tunniste on jo käytetty toiseen muutokseen."), field="id")
    return dict(applied.result)


def record_applied(s: Session, actor: Actor, change_id: str, event: str,
                   result: dict[str, Any]) -> None:
    """Remember that this change id is applied, in the same transaction as the change."""
    # a Core insert: the row is never read back in this transaction, so no ORM object
    s.execute(insert(AppliedChange.__table__).values(
        actor=actor.key, change_id=change_id, workshop_id=actor.workshop_id, event=event,
        result=result, created_at=now_utc()))


# --- lookups -------------------------------------------------------------------------------


def get_room(s: Session, workshop_id: int) -> Room:
    """The workshop's room state, created on first use."""
    room = s.get(Room, workshop_id)
    if room is None:
        room = Room(workshop_id=workshop_id, status=RoomStatus.SCHEDULED, phase=RoomPhase.OPENING)
        s.add(room)
        s.flush()
    return room


def peek_room(s: Session, workshop_id: int) -> Room:
    """The room state for reading: an unsaved default when the room was never touched."""
    return s.get(Room, workshop_id) or Room(workshop_id=workshop_id, status=RoomStatus.SCHEDULED,
                                            phase=RoomPhase.OPENING)


def _theme(s: Session, actor: Actor, theme_id: int, field: str = "theme_id") -> Theme:
    theme = s.get(Theme, theme_id)
    if theme is None or theme.workshop_id != actor.workshop_id:
        raise NotFound(_l("Teemaa ei löydy tästä tilaisuudesta."), field=field)
    return theme


def _prompt(s: Session, actor: Actor, prompt_id: int) -> Prompt:
    prompt = s.get(Prompt, prompt_id)
    if prompt is None or prompt.theme.workshop_id != actor.workshop_id:
        raise NotFound(_l("Kysymystä ei löydy tästä tilaisuudesta."), field="prompt_id")
    return prompt


def _contribution(s: Session, actor: Actor, contribution_id: int) -> Contribution:
    contribution = s.get(Contribution, contribution_id)
    if contribution is None or contribution.workshop_id != actor.workshop_id or (
            contribution.is_hidden and not actor.is_coordinator
            and contribution.registration_id != actor.registration_id):
        raise NotFound(_l("Puheenvuoroa ei löydy."), field="contribution_id")
    return contribution


def require_open(s: Session, actor: Actor) -> Room:
    """The room, if it is open for changes."""
    room = peek_room(s, actor.workshop_id)
    _require_open_status(room.status)
    return room


def require_not_closed(s: Session, workshop_id: int) -> Room:
    """The room, unless it is closed: after closing, what the memo is compiled from stays as
    it was, so running the room (phase, timer, locks, reveals, hiding, moving, note-takers)
    waits until the coordinator reopens it."""
    room = peek_room(s, workshop_id)
    if room.status == RoomStatus.CLOSED:
        raise Conflict(_l("Tilaisuus on päättynyt; avaa huone uudelleen muuttaaksesi sitä."))
    return room


def _require_open_status(status: RoomStatus) -> None:
    if status == RoomStatus.SCHEDULED:
        raise Conflict(_l("Huone ei ole vielä auki."))
    if status == RoomStatus.CLOSED:
        raise Conflict(_l("Tilaisuus on päättynyt; huone on suljettu."))


def _open_theme(s: Session, actor: Actor, theme_key: int, prompt_key: int | None
                ) -> tuple[Theme, Prompt | None]:
    """An unlocked theme of an open room and, if named, a prompt, read in one query: posting
    is the busiest write of a session."""
    row = s.execute(
        select(Theme, Room.status, Prompt)
        .outerjoin(Room, Room.workshop_id == Theme.workshop_id)
        .outerjoin(Prompt, Prompt.id == prompt_key)
        .where(Theme.id == theme_key, Theme.workshop_id == actor.workshop_id)
    ).one_or_none()
    if row is None:
        require_open(s, actor)  # a closed room is the clearer reason
        raise NotFound(_l("Teemaa ei löydy tästä tilaisuudesta."), field="theme_id")
    theme, status, prompt = row
    _require_open_status(status or RoomStatus.SCHEDULED)
    _require_unlocked(theme)
    if prompt_key is not None and (prompt is None or prompt.theme_id != theme.id):
        # under another theme of this workshop (said so by _clean_contribution) or not here
        prompt = _prompt(s, actor, prompt_key)
    return theme, prompt


def _require_unlocked(theme: Theme) -> None:
    if theme.is_locked:
        raise Conflict(_l("Teema on lukittu."), field="theme_id")


def require_participant(actor: Actor) -> None:
    """Participants' own inputs (contributions, votes, answers) need a registration."""
    if actor.registration_id is None:
        raise Forbidden(_l("Vain osallistujat voivat tehdä tämän."))


def require_coordinator(actor: Actor) -> None:
    """Running the room is for coordinators."""
    if not actor.is_coordinator:
        raise Forbidden(_l("Vain koordinaattori voi tehdä tämän."))


def require_note_taker(s: Session, actor: Actor) -> None:
    """Notes are written by coordinators and participants given the note-taker role."""
    if actor.is_coordinator:
        return
    registration = s.get(Registration, actor.registration_id)
    if registration is None or not registration.is_note_taker:
        raise Forbidden(_l("Vain kirjurit voivat kirjoittaa muistiinpanoja."))


# --- the coordinator's controls ------------------------------------------------------------


def open_room(s: Session, workshop: Workshop, now: datetime | None = None, *,
              by: int | None = None) -> Room:
    """Open the room (again, if it was closed by mistake); `by` is the coordinator."""
    room = get_room(s, workshop.id)
    if room.status != RoomStatus.OPEN:
        audit.record(s, "room.open", by=by, workshop_id=workshop.id)
    room.status = RoomStatus.OPEN
    room.opened_at = room.opened_at or now or now_utc()
    room.closed_at = None
    _mark_opened(s, room, now)
    s.flush()
    return room


def _mark_opened(s: Session, room: Room, now: datetime | None) -> None:
    # A theme counts as brought up only once participants can see it: moving through the
    # agenda before the room opens is a rehearsal, not a discussion.
    if room.status != RoomStatus.OPEN or room.phase != RoomPhase.THEME or room.theme_id is None:
        return
    theme = s.get(Theme, room.theme_id)
    if theme is not None and theme.opened_at is None:
        theme.opened_at = now or now_utc()


def close_room(s: Session, workshop: Workshop, now: datetime | None = None, *,
               by: int | None = None) -> Room:
    """Close the room: it becomes read-only and the timer stops; everything stays for the memo."""
    room = get_room(s, workshop.id)
    if room.status == RoomStatus.CLOSED:  # closing twice keeps the first closing time
        return room
    audit.record(s, "room.close", by=by, workshop_id=workshop.id)
    room.status = RoomStatus.CLOSED
    room.closed_at = now or now_utc()
    room.timer_ends_at = room.timer_seconds = None
    s.flush()
    return room


def set_phase(s: Session, workshop: Workshop, phase: RoomPhase | str,
              theme: Theme | None = None, *, by: int | None = None) -> Room:
    """Move the room to the opening, a theme, or the closing; a running timer stops."""
    phase = RoomPhase(phase)
    if phase == RoomPhase.THEME and theme is None:
        raise Invalid(_l("Valitse teema."), field="theme_id")
    require_not_closed(s, workshop.id)
    room = get_room(s, workshop.id)
    theme_id = theme.id if phase == RoomPhase.THEME and theme else None
    if (room.phase, room.theme_id) != (phase, theme_id):
        audit.record(s, "room.phase", by=by, workshop_id=workshop.id, phase=phase.value,
                     **({"theme": theme.title} if theme_id and theme else {}))
    room.phase = phase
    room.theme_id = theme_id
    room.timer_ends_at = room.timer_seconds = None
    _mark_opened(s, room, None)
    s.flush()
    return room


def set_phase_for(s: Session, actor: Actor, phase: RoomPhase, theme_id: int | None) -> Room:
    """set_phase with the payload's theme checked against the actor's workshop."""
    theme = _theme(s, actor, theme_id) if phase == RoomPhase.THEME and theme_id else None
    return set_phase(s, s.get_one(Workshop, actor.workshop_id), phase, theme,
                     by=actor.coordinator_id)


def start_timer(s: Session, actor: Actor, seconds: int, now: datetime | None = None) -> Room:
    """Start (or restart) the countdown (its bounds are the payload's: room/payloads.py)."""
    require_not_closed(s, actor.workshop_id)
    room = get_room(s, actor.workshop_id)
    room.timer_seconds = seconds
    room.timer_ends_at = (now or now_utc()) + timedelta(seconds=seconds)
    s.flush()
    return room


def stop_timer(s: Session, actor: Actor) -> Room:
    """Stop the countdown."""
    require_not_closed(s, actor.workshop_id)
    room = get_room(s, actor.workshop_id)
    room.timer_ends_at = room.timer_seconds = None
    s.flush()
    return room


def lock_theme(s: Session, actor: Actor, theme_id: int, locked: bool) -> Theme:
    """Close (or reopen) a theme for contributions, votes and answers."""
    theme = _theme(s, actor, theme_id)
    require_not_closed(s, actor.workshop_id)
    if theme.is_locked != locked:
        audit.record(s, "theme.lock" if locked else "theme.unlock", by=actor.coordinator_id,
                     workshop_id=actor.workshop_id, theme=theme.title)
    theme.is_locked = locked
    s.flush()
    return theme


def set_talk_given_for(s: Session, actor: Actor, presentation_id: int,
                       given: bool) -> Presentation:
    """Record from the room that a talk was given (a closed room changes nothing: the
    workshop page records it afterwards)."""
    require_not_closed(s, actor.workshop_id)
    return set_talk_given(s, s.get_one(Workshop, actor.workshop_id), presentation_id, given,
                          by=actor.coordinator_id)


def reveal_prompt(s: Session, prompt: Prompt, revealed: bool, *,
                  by: int | None = None) -> Prompt:
    """Show (or hide again) a statement's or poll's distribution to participants."""
    if prompt.kind not in (PromptKind.STATEMENT, PromptKind.POLL):
        raise Invalid(_l("Vain väitteen tai kyselyn tulokset voi näyttää."), field="prompt_id")
    if prompt.is_revealed != revealed:
        audit.record(s, "prompt.reveal" if revealed else "prompt.unreveal", by=by,
                     workshop_id=prompt.theme.workshop_id, prompt=audit.quote(prompt.text))
    prompt.is_revealed = revealed
    s.flush()
    return prompt


def reveal_prompt_for(s: Session, actor: Actor, prompt_id: int, revealed: bool) -> Prompt:
    """reveal_prompt with the payload checked against the actor's workshop."""
    prompt = _prompt(s, actor, prompt_id)
    require_not_closed(s, actor.workshop_id)
    return reveal_prompt(s, prompt, revealed, by=actor.coordinator_id)


def hide_contribution(s: Session, actor: Actor, contribution_id: int, hidden: bool
                      ) -> Contribution:
    """Hide a contribution from participants (or show it again); it is kept either way."""
    contribution = _contribution(s, actor, contribution_id)
    require_not_closed(s, actor.workshop_id)
    if contribution.is_hidden != hidden:
        audit.record(s, "contribution.hide" if hidden else "contribution.show",
                     by=actor.coordinator_id, workshop_id=actor.workshop_id,
                     contribution=audit.quote(contribution.text))
    contribution.is_hidden = hidden
    s.flush()
    return contribution


def move_contribution(s: Session, actor: Actor, contribution_id: int, theme_id: int
                      ) -> Contribution:
    """Move a contribution under another theme (its prompt goes if it belongs elsewhere)."""
    contribution = _contribution(s, actor, contribution_id)
    theme = _theme(s, actor, theme_id)
    require_not_closed(s, actor.workshop_id)
    if contribution.theme_id != theme.id:
        audit.record(s, "contribution.move", by=actor.coordinator_id,
                     workshop_id=actor.workshop_id, contribution=audit.quote(contribution.text),
                     theme=theme.title)
        contribution.theme_id = theme.id
        contribution.prompt_id = None
        contribution.level = None
    s.flush()
    return contribution


def set_note_taker(s: Session, actor: Actor, registration_id: int, on: bool) -> Registration:
    """Give a participant the note-taker role, or take it away."""
    registration = s.get(Registration, registration_id)
    if registration is None or registration.workshop_id != actor.workshop_id:
        raise NotFound(_l("Osallistujaa ei löydy tästä tilaisuudesta."), field="registration_id")
    require_not_closed(s, actor.workshop_id)
    if registration.is_note_taker != on:
        audit.record(s, "note_taker.on" if on else "note_taker.off", by=actor.coordinator_id,
                     workshop_id=actor.workshop_id, participant=registration.name)
    registration.is_note_taker = on
    s.flush()
    return registration


# --- agreed actions ------------------------------------------------------------------------


def _recording(s: Session, actor: Actor) -> tuple[Workshop, str]:
    """The workshop, if this coordinator or note-taker may record in its room now, and the
    note-taker's name for the log (a coordinator is named by the entry itself)."""
    require_note_taker(s, actor)
    if actor.is_coordinator:
        require_not_closed(s, actor.workshop_id)
        return s.get_one(Workshop, actor.workshop_id), ""
    require_open(s, actor)
    return (s.get_one(Workshop, actor.workshop_id),
            s.get_one(Registration, actor.registration_id).name)


def add_action_for(s: Session, actor: Actor, text: str, owner: str, due: object,
                   theme_id: int | None) -> Action:
    """An action the room agreed, recorded by a coordinator or a note-taker."""
    workshop, recorder = _recording(s, actor)
    return actions.add_action(s, workshop, {"text": text, "owner": owner, "due": due},
                              theme_id=theme_id, by=actor.coordinator_id, recorder=recorder)


def delete_action_for(s: Session, actor: Actor, action_id: int) -> int:
    """Take back an action this room recorded by mistake."""
    workshop, recorder = _recording(s, actor)
    return actions.delete_action(s, workshop, action_id, by=actor.coordinator_id,
                                 recorder=recorder)


def review_action_for(s: Session, actor: Actor, action_id: int,
                      status: ActionStatus | None) -> Action:
    """What the room says of an action agreed earlier in the series."""
    workshop, recorder = _recording(s, actor)
    return actions.review_action(s, workshop, action_id, status, by=actor.coordinator_id,
                                 recorder=recorder)


# --- participants' inputs ------------------------------------------------------------------


def _check_contribution(theme: Theme, prompt: Prompt | None, level: str | None) -> None:
    """Whether a (well-formed) contribution fits its theme and prompt."""
    errors = Collector()
    if prompt is not None and prompt.theme_id != theme.id:
        errors.add("prompt_id", _l("Kysymys ei kuulu tähän teemaan."))
    if prompt is not None and prompt.kind == PromptKind.LEVEL:
        if level is None:
            errors.add("level", LEVEL_REFUSED)
    elif level is not None:
        errors.add("level", _l("Tasoa kysytään vain tasokysymyksissä."))
    elif prompt is not None and prompt.kind != PromptKind.OPEN:
        errors.add("prompt_id", _l("Tähän kysymykseen vastataan valitsemalla, ei tekstillä."))
    errors.raise_if_any()


def add_contribution(s: Session, actor: Actor, theme_id: int, prompt_id: int | None, text: str,
                     level: str | None = None) -> Contribution:
    """A participant's contribution under an unlocked theme of an open room."""
    require_participant(actor)
    theme, prompt = _open_theme(s, actor, theme_id, prompt_id)
    _check_contribution(theme, prompt, level)
    contribution = Contribution(workshop_id=actor.workshop_id, theme_id=theme.id,
                                prompt_id=prompt.id if prompt else None,
                                registration_id=actor.registration_id, text=text, level=level)
    s.add(contribution)
    s.flush()
    return contribution


def _own_contribution(s: Session, actor: Actor, contribution_id: int) -> Contribution:
    require_participant(actor)
    require_open(s, actor)
    contribution = _contribution(s, actor, contribution_id)
    if contribution.registration_id != actor.registration_id:
        raise Forbidden(_l("Voit muokata vain omia puheenvuorojasi."), field="contribution_id")
    _require_unlocked(s.get_one(Theme, contribution.theme_id))
    return contribution


def edit_contribution(s: Session, actor: Actor, contribution_id: int, text: str,
                      level: str | None = None) -> Contribution:
    """The author changes their own contribution."""
    contribution = _own_contribution(s, actor, contribution_id)
    theme = s.get_one(Theme, contribution.theme_id)
    prompt = s.get(Prompt, contribution.prompt_id) if contribution.prompt_id else None
    _check_contribution(theme, prompt, level)
    contribution.text, contribution.level = text, level
    s.flush()
    return contribution


def delete_contribution(s: Session, actor: Actor, contribution_id: int) -> int:
    """The author withdraws their own contribution; returns its id."""
    contribution = _own_contribution(s, actor, contribution_id)
    s.delete(contribution)
    s.flush()
    return contribution.id


def vote(s: Session, actor: Actor, contribution_id: int, up: bool) -> tuple[Contribution, int]:
    """Upvote someone else's contribution, or take the vote back; returns the new count."""
    require_participant(actor)
    require_open(s, actor)
    contribution = _contribution(s, actor, contribution_id)
    if contribution.registration_id == actor.registration_id:
        raise Forbidden(_l("Omaa puheenvuoroa ei voi äänestää."), field="contribution_id")
    _require_unlocked(s.get_one(Theme, contribution.theme_id))
    existing = s.get(Vote, (contribution.id, actor.registration_id))
    if up and existing is None:
        s.add(Vote(contribution_id=contribution.id, registration_id=actor.registration_id))
    elif not up and existing is not None:
        s.delete(existing)
    s.flush()
    return contribution, vote_count(s, contribution.id)


def vote_count(s: Session, contribution_id: int) -> int:
    """Upvotes of one contribution."""
    return s.scalar(select(func.count()).select_from(Vote)
                    .where(Vote.contribution_id == contribution_id)) or 0


def set_answer(s: Session, actor: Actor, prompt_id: int, value: int) -> Answer:
    """Answer a statement (1–5) or a poll (option index); a new answer replaces the old."""
    require_participant(actor)
    require_open(s, actor)
    prompt = _prompt(s, actor, prompt_id)
    _require_unlocked(prompt.theme)
    if prompt.kind == PromptKind.STATEMENT:
        allowed = STATEMENT_SCALE
    elif prompt.kind == PromptKind.POLL:
        allowed = range(len(prompt.options))
    else:
        raise Invalid(_l("Tähän kysymykseen vastataan kirjoittamalla."), field="prompt_id")
    if value not in allowed:
        raise Invalid(ANSWER_REFUSED, field="value")
    answer = s.scalar(select(Answer).where(Answer.prompt_id == prompt.id,
                                           Answer.registration_id == actor.registration_id))
    if answer is None:
        answer = Answer(prompt_id=prompt.id, registration_id=actor.registration_id, value=value)
        s.add(answer)
    else:
        answer.value = value
    s.flush()
    return answer


# --- notes ---------------------------------------------------------------------------------


def edit_note(s: Session, actor: Actor, theme_id: int, base_version: int, ops: textops.Ops,
              change_id: str | None) -> tuple[Note, NoteRevision]:
    """Apply a note-taker's edit, transformed past every edit made since its base version.

    Raises Retry when another edit took the next version first (the caller retries).
    """
    require_note_taker(s, actor)
    require_open(s, actor)
    theme = _theme(s, actor, theme_id)
    # The row lock queues concurrent edits of one note on PostgreSQL: racing for the version
    # instead let a steady typist starve another's edit until it gave up. SQLite ignores it
    # (it has one writer at a time anyway).
    note = s.scalar(select(Note).where(Note.theme_id == theme.id).with_for_update())
    if note is None:
        note = Note(theme_id=theme.id, text="", version=0)
        s.add(note)
        s.flush()  # a concurrent first edit makes this fail; the caller retries
    if base_version > note.version:
        raise Invalid(_l("Muistiinpanolla ei ole versiota %(version)s.", version=base_version),
                      field="base_version")
    # Only up to the version read: under READ COMMITTED a later statement may already see
    # revisions another edit committed since, which the text read does not contain.
    since_base = list(s.scalars(select(NoteRevision.ops).where(
        NoteRevision.note_id == note.id, NoteRevision.version > base_version,
        NoteRevision.version <= note.version).order_by(NoteRevision.version)))
    if len(since_base) != note.version - base_version:
        raise Gone(_l("Muokkaus perustuu muistiinpanon versioon %(version)s, jonka jälkeisiä "
                      "muutoksia ei enää säilytetä. Hae muistiinpano uudelleen.",
                      version=base_version), field="base_version")
    try:
        for applied in since_base:
            _, ops = textops.transform(applied, ops)
        text = textops.apply(note.text, ops)
    except textops.OpsError as error:
        raise Invalid(_l("Muokkaus ei sovi muistiinpanon versioon %(version)s: %(reason)s",
                         version=base_version, reason=str(error)), field="ops") from None
    if len(text.encode()) > NOTE_MAX_BYTES:
        raise Invalid(_l("Muistiinpano olisi liian pitkä: enintään %(limit)s kt.",
                         limit=NOTE_MAX_BYTES // 1000), field="ops")
    version = note.version + 1
    # Only the edit that still sees the version it read may take the next one.
    taken = s.execute(update(Note).where(Note.id == note.id, Note.version == note.version)
                      .values(text=text, version=version, updated_at=now_utc())
                      .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise Retry()
    revision = NoteRevision(note_id=note.id, version=version, ops=ops, change_id=change_id,
                            registration_id=actor.registration_id,
                            coordinator_id=actor.coordinator_id)
    s.add(revision)
    s.execute(delete(NoteRevision).where(NoteRevision.note_id == note.id,
                                         NoteRevision.version <= version - NOTE_HISTORY_KEPT)
              .execution_options(synchronize_session=False))
    s.flush()
    s.refresh(note)
    return note, revision


@dataclass(frozen=True)
class NoteHistory:
    """What a client catching up on a note needs: the edits since its version, or, when those
    are no longer kept, the note's text to rebase onto."""

    version: int
    #: the edits after `since`, in order; None when some of them were folded away
    edits: list[NoteRevision] | None
    #: the text at `version`, given only when `edits` is None
    text: str | None = None
    #: whether the client's edit in flight (`pending`) is already in `text`
    pending_applied: bool | None = None


def note_history(s: Session, actor: Actor, theme_id: int, since: int,
                 pending: str | None = None) -> NoteHistory:
    """The note's version and the edits applied after `since`, for a client catching up."""
    theme = _theme(s, actor, theme_id)
    note = s.scalar(select(Note).where(Note.theme_id == theme.id))
    if note is None:
        return NoteHistory(0, [])
    revisions = list(s.scalars(select(NoteRevision).where(
        NoteRevision.note_id == note.id, NoteRevision.version > since,
        NoteRevision.version <= note.version)
        .order_by(NoteRevision.version)))
    if len(revisions) == max(note.version - since, 0):
        return NoteHistory(note.version, revisions)
    # An edit whose base is this old can no longer be applied, so if it is not in the text
    # now it never will be: the client can safely rebase it.
    applied = pending is not None and find_applied(s, actor, pending, "note.edit") is not None
    return NoteHistory(note.version, None, note.text,
                       applied if pending is not None else None)


def latest_note_edit(s: Session, actor: Actor, theme_id: int, version: int
                     ) -> tuple[Note, NoteRevision] | None:
    """The note and its edit at `version`, if that is still the note's latest version."""
    note = s.scalar(select(Note).where(Note.theme_id == _theme(s, actor, theme_id).id))
    if note is None or note.version != version:
        return None
    revision = s.scalar(select(NoteRevision).where(NoteRevision.note_id == note.id,
                                                   NoteRevision.version == version))
    return (note, revision) if revision is not None else None


# --- presence ------------------------------------------------------------------------------


def enter_rooms(s: Session, entries: dict[str, Actor], now: datetime | None = None) -> None:
    """Record open connections (sid → who); a participant's first marks them present for the
    memo. Written in batches: a join storm costs one transaction, not one per person."""
    if not entries:
        return
    now = now or now_utc()
    s.execute(insert(Presence.__table__), [
        {"sid": sid, "workshop_id": actor.workshop_id, "registration_id": actor.registration_id,
         "coordinator_id": actor.coordinator_id, "last_seen": now}
        for sid, actor in entries.items()])
    registrations = sorted({actor.registration_id for actor in entries.values()
                            if actor.registration_id is not None})
    if registrations:
        s.execute(update(Registration).where(Registration.id.in_(registrations),
                                             Registration.attended_at.is_(None))
                  .values(attended_at=now).execution_options(synchronize_session=False))


def leave_rooms(s: Session, sids: list[str]) -> None:
    """Forget closed connections."""
    if sids:
        s.execute(delete(Presence).where(Presence.sid.in_(sids)))


def refresh_presence(s: Session, sids: list[str], now: datetime | None = None) -> list[int]:
    """Mark this process's connections alive and drop dead ones; returns workshops affected."""
    now = now or now_utc()
    if sids:
        s.execute(update(Presence).where(Presence.sid.in_(sids)).values(last_seen=now))
    stale = select(Presence.workshop_id).where(Presence.last_seen < now - PRESENCE_TTL)
    workshops = sorted(set(s.scalars(stale)))
    if workshops:
        s.execute(delete(Presence).where(Presence.last_seen < now - PRESENCE_TTL))
    return workshops
