"""What each live-room event carries: one pydantic model per event, and the limits the room,
the documents and the browser (the snapshot's `limits`) all read from here."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from flask_babel import lazy_gettext as _l
from pydantic import PlainValidator, Strict

from ..fields import (
    CHANGE_ID_PATTERN,
    ChangeId,
    Flag,
    Id,
    Message,
    Payload,
    ReviewStatus,
    Text,
    refuse,
)
from ..models import (
    ACTION_OWNER_MAX_CHARS,
    ACTION_TEXT_MAX_CHARS,
    ANSWER_LEVELS,
    CONTRIBUTION_MAX_CHARS,
    NOTE_MAX_BYTES,
    REVIEW_STATUSES,
    STATEMENT_SCALE,
    RoomPhase,
)
from ..tracking.operations import AGREEING
from ..validation import TEXT_REFUSED
from . import textops

#: Timer bounds in seconds: ten seconds to two hours.
TIMER_MIN_SECONDS = 10
TIMER_MAX_SECONDS = 7200

#: What the browser checks before it sends, served in every snapshot as `limits`.
LIMITS: dict[str, Any] = {
    "contribution_chars": CONTRIBUTION_MAX_CHARS,
    "note_bytes": NOTE_MAX_BYTES,
    "statement_values": list(STATEMENT_SCALE),
    # the values a tracked statement's earlier results are compared on ("samaa mieltä")
    "agreeing_values": sorted(AGREEING),
    "levels": list(ANSWER_LEVELS),
    "timer_seconds": [TIMER_MIN_SECONDS, TIMER_MAX_SECONDS],
    "change_id_pattern": CHANGE_ID_PATTERN,
    "note_edit_components": textops.MAX_COMPONENTS,
    "action_text_chars": ACTION_TEXT_MAX_CHARS,
    "action_owner_chars": ACTION_OWNER_MAX_CHARS,
    "review_statuses": [status.value for status in REVIEW_STATUSES],
}


def _note_ops(value: Any) -> textops.Ops:
    try:
        return textops.validate(value)
    except textops.OpsError as error:
        raise refuse(_l("Muokkaus on virheellinen: %(reason)s", reason=str(error))) from None


ContributionText = Annotated[str, Text(CONTRIBUTION_MAX_CHARS, multiline=True)]
#: Said of a level that is not one of ANSWER_LEVELS, and of a missing one (room/operations.py).
LEVEL_REFUSED = _l("Valitse taso: kunta, hyvinvointialue tai valtakunnallinen.")
Level = Annotated[Literal[ANSWER_LEVELS], Message(LEVEL_REFUSED)]  # type: ignore[valid-type]
NoteVersion = Annotated[int, Strict(), Ge(0),
                        Message(_l("Muistiinpanon versio puuttuu tai on virheellinen."))]
NoteOps = Annotated[textops.Ops, PlainValidator(_note_ops, json_schema_input_type=list[int | str])]
#: A statement's value on its scale, or a poll option's index; which fits is the prompt's.
#: Said of an answer that is not a whole number, and of one outside the prompt's choices.
ANSWER_REFUSED = _l("Valitse yksi vaihtoehdoista.")
AnswerValue = Annotated[int, Strict(), Message(ANSWER_REFUSED)]
Seconds = Annotated[int, Strict(), Ge(TIMER_MIN_SECONDS), Le(TIMER_MAX_SECONDS), Message(
    _l("Ajastimen pituus on %(low)s–%(high)s sekuntia.", low=TIMER_MIN_SECONDS,
       high=TIMER_MAX_SECONDS))]
Phase = Annotated[RoomPhase, Message(_l("Tuntematon vaihe."))]
#: What an action says is checked by its operation (actions/operations.py), which words the
#: message for each rule; here only that each is text.
_ActionString = Annotated[Annotated[str, Strict()] | None, Message(TEXT_REFUSED)]


class Change(Payload):
    """Every change carries an id the client makes up; a resend with it is applied once."""

    id: ChangeId


# --- connecting and reading ---------------------------------------------------------------


class CoordinatorJoin(Payload):
    """The `auth` of a coordinator's connection (with the login cookie): whose room."""

    workshop_id: Id



class Sync(Payload):
    """`sync`: nothing."""


class NoteHistory(Payload):
    """`note.history`: the edits of a theme's note since a version; `pending` is the client's
    edit in flight, if any."""

    theme_id: Id
    since: NoteVersion
    pending: ChangeId | None = None


# --- participants --------------------------------------------------------------------------


class AddContribution(Change):
    """`contribution.add`: under a theme, optionally answering one of its prompts."""

    theme_id: Id
    prompt_id: Id | None = None
    text: ContributionText
    level: Level | None = None


class EditContribution(Change):
    """`contribution.edit`: the author's new text (and level)."""

    contribution_id: Id
    text: ContributionText
    level: Level | None = None


class DeleteContribution(Change):
    """`contribution.delete`."""

    contribution_id: Id


class Vote(Change):
    """`contribution.vote`: `up` true to upvote, false to take the vote back."""

    contribution_id: Id
    up: Flag


class SetAnswer(Change):
    """`answer.set`: a statement's value or a poll option's index."""

    prompt_id: Id
    value: AnswerValue


class EditNote(Change):
    """`note.edit`: text operations (textops) based on a version of the theme's note."""

    theme_id: Id
    base_version: NoteVersion
    ops: NoteOps


# --- the coordinator -----------------------------------------------------------------------


class RoomChange(Change):
    """`room.open`, `room.close`, `timer.stop`: nothing but the id."""


class SetPhase(Change):
    """`phase.set`: the opening, a theme (named) or the closing."""

    phase: Phase
    theme_id: Id | None = None


class StartTimer(Change):
    """`timer.start`: a countdown of `seconds`."""

    seconds: Seconds


class LockTheme(Change):
    """`theme.lock`."""

    theme_id: Id
    locked: Flag


class SetTalkGiven(Change):
    """`talk.given`: record that a talk of the opening was given, or take it back."""

    presentation_id: Id
    given: Flag


class AddAction(Change):
    """`action.add`: an action the room agreed: what (`text`), who owns it (`owner`), by when
    (`due`, YYYY-MM-DD, today or later), under the theme being discussed (`theme_id`)."""

    text: _ActionString
    owner: _ActionString
    due: _ActionString
    theme_id: Id | None = None


class DeleteAction(Change):
    """`action.delete`: take back an action this room recorded."""

    action_id: Id


class ReviewAction(Change):
    """`action.review`: what the room says of an action agreed earlier in the series:
    `done`, `in_progress` or `dropped`; null takes the room's word back."""

    action_id: Id
    status: ReviewStatus


class RevealPrompt(Change):
    """`prompt.reveal`: show a statement's or poll's results to everyone, or hide them."""

    prompt_id: Id
    revealed: Flag


class HideContribution(Change):
    """`contribution.hide`."""

    contribution_id: Id
    hidden: Flag


class MoveContribution(Change):
    """`contribution.move`: under another theme of the workshop."""

    contribution_id: Id
    theme_id: Id


class SetNoteTaker(Change):
    """`note_taker.set`: give (`on`) or take a participant's note-taker role."""

    registration_id: Id
    on: Flag
