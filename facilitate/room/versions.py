"""The room version: bumped in the transaction of every change that a snapshot shows.

Snapshots are cached per process (room/snapshot.py) and keyed by this version, so a change
committed by any process, over a socket or on a page (a theme renamed mid-session), makes
every process build its next snapshot afresh. The bump is a session event rather than a call
in each operation, so no operation can forget it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, event, inspect, select, update
from sqlalchemy.orm import Session

from ..models import (
    Action,
    ActionReview,
    Answer,
    Contribution,
    Note,
    NoteRevision,
    Organisation,
    Presentation,
    Prompt,
    Registration,
    Room,
    Series,
    Theme,
    Vote,
    Wish,
    Workshop,
)


def _workshops_of(obj: Any) -> tuple[set[int], list[Select[Any]]]:
    """Workshop ids an object belongs to, directly or as a query (for rows found by a key)."""
    if isinstance(obj, Workshop):
        # A workshop moved to another day or time changes which actions the series' other
        # rooms follow up (facilitate.actions): every room of the series shows it.
        moved = inspect(obj).attrs
        if moved.day.history.has_changes() or moved.starts_at.history.has_changes():
            return {obj.id}, [select(Workshop.id).where(Workshop.series_id == obj.series_id)]
        return {obj.id}, []
    if isinstance(obj, Theme | Contribution | Registration | Presentation | Room):
        return {obj.workshop_id}, []
    if isinstance(obj, Prompt | Note):
        return set(), [select(Theme.workshop_id).where(Theme.id == obj.theme_id)]
    if isinstance(obj, NoteRevision):
        return set(), [select(Theme.workshop_id).join(Note, Note.theme_id == Theme.id)
                       .where(Note.id == obj.note_id)]
    if isinstance(obj, Vote | Answer | Wish):
        return set(), [select(Registration.workshop_id)
                       .where(Registration.id == obj.registration_id)]
    if isinstance(obj, Action | ActionReview):
        # An action is listed in every later room of its series that follows it up.
        agreed_in = obj.workshop_id if isinstance(obj, Action) else select(
            Action.workshop_id).where(Action.id == obj.action_id).scalar_subquery()
        series = select(Workshop.series_id).where(Workshop.id == agreed_in).scalar_subquery()
        return set(), [select(Workshop.id).where(Workshop.series_id == series)]
    if isinstance(obj, Series):
        return set(), [select(Workshop.id).where(Workshop.series_id == obj.id)]
    if isinstance(obj, Organisation):
        return set(), [select(Registration.workshop_id)
                       .where(Registration.organisation_id == obj.id)]
    return set(), []


def _bump(session: Session, _context: Any, _instances: Any) -> None:
    ids: set[int] = set()
    queries: list[Select[Any]] = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Room) and not session.is_modified(obj):
            continue
        direct, found = _workshops_of(obj)
        ids |= direct
        queries += found
    with session.no_autoflush:
        for query in queries:
            ids.update(session.scalars(query))
    ids.discard(None)  # type: ignore[arg-type]
    if ids:
        session.execute(update(Room).where(Room.workshop_id.in_(sorted(ids)))
                        .values(version=Room.version + 1)
                        .execution_options(synchronize_session=False))


def track_room_versions(session_factory: Any) -> None:
    """Bump the version of each room whose content a flush of these sessions changes."""
    if not event.contains(session_factory, "before_flush", _bump):  # one app per test
        event.listen(session_factory, "before_flush", _bump)
