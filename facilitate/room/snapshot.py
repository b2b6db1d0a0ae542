"""What the room looks like to one person: the snapshot sent on (re)join and the payloads of deltas.

Participants get the public form (no organisations or names on contributions, no hidden ones but
their own, results only once revealed); coordinators get everything.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict, defaultdict
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..actions.operations import agreed_in, review_in, reviewable
from ..formatting import format_when
from ..models import (
    STATEMENT_SCALE,
    Action,
    Answer,
    Contribution,
    Coordinator,
    Note,
    Organisation,
    Presence,
    Presentation,
    Prompt,
    PromptKind,
    Registration,
    Room,
    Theme,
    Vote,
    Wish,
    Workshop,
    organisation_label,
)
from ..reference.operations import reference_of
from ..text import render_markdown
from ..timeutil import iso, now_utc
from ..tracking.operations import earlier_results
from .operations import PRESENCE_TTL, Actor, peek_room
from .payloads import LIMITS
from .wire import Fragment, encode

#: How old the presence in a snapshot may be (seconds); presence.changed corrects it.
PRESENCE_MAX_AGE = 0.5


def room_payload(room: Room) -> dict[str, Any]:
    """Status, phase, current theme and timer."""
    return {"status": room.status.value, "phase": room.phase.value, "theme_id": room.theme_id,
            "timer": timer_payload(room)}


def timer_payload(room: Room) -> dict[str, Any] | None:
    """The running countdown, or None."""
    if room.timer_ends_at is None:
        return None
    return {"ends_at": iso(room.timer_ends_at), "seconds": room.timer_seconds}


@functools.lru_cache(maxsize=128)
def room_html(text: str) -> str:
    """A note's or theme description's sanitised HTML, rendered once per text: every edit's
    broadcast and every snapshot rebuild after any change in the room ask for it again."""
    return str(render_markdown(text))


def note_payload(note: Note | None) -> dict[str, Any]:
    """A note's text, version and sanitised HTML (an empty note is version 0)."""
    if note is None:
        return {"text": "", "version": 0, "html": ""}
    return {"text": note.text, "version": note.version, "html": room_html(note.text)}


def contribution_payload(contribution: Contribution, votes: int, *,
                         author: dict[str, str] | None = None) -> dict[str, Any]:
    """A contribution as participants see it; coordinators' copies add `author` (authors_of)."""
    payload: dict[str, Any] = {
        "id": contribution.id, "theme_id": contribution.theme_id,
        "prompt_id": contribution.prompt_id, "text": contribution.text,
        "level": contribution.level, "votes": votes, "hidden": contribution.is_hidden,
        "created_at": iso(contribution.created_at),
    }
    if author is not None:
        payload.update(author)
    return payload


def action_payload(action: Action, workshop: Workshop) -> dict[str, Any]:
    """An action as a room shows it: agreed in this workshop (`agreed_here`), or agreed earlier
    and followed up here, with what this room said of it (`review`)."""
    review = review_in(action, workshop)
    return {"id": action.id, "text": action.text, "owner": action.owner,
            "due": iso(action.due), "theme_id": action.theme_id,
            "agreed_here": action.workshop_id == workshop.id,
            "agreed_on": iso(action.workshop.day), "status": action.status.value,
            "review": review.value if review else None}


def authors_of(s: Session, workshop_id: int, registration_id: int | None = None
               ) -> dict[int, dict[str, str]]:
    """Name and organisation of a workshop's registrations (or one), as coordinators see them."""
    query = (select(Registration.id, Registration.name, Organisation.name_fi, Organisation.brand)
             .join(Organisation, Organisation.id == Registration.organisation_id)
             .where(Registration.workshop_id == workshop_id))
    if registration_id is not None:
        query = query.where(Registration.id == registration_id)
    return {row.id: {"organisation": organisation_label(row.name_fi, row.brand),
                     "author": row.name} for row in s.execute(query)}


def presence_payload(s: Session, workshop_id: int, *, coordinator: bool = False,
                     now: datetime | None = None) -> list[dict[str, Any]]:
    """Participants in the room by organisation; each person once, however many tabs."""
    since = (now or now_utc()) - PRESENCE_TTL
    present = (Presence.workshop_id == workshop_id, Presence.last_seen >= since)
    if not coordinator:
        # Counts only, grouped by the database: every joining participant gets this, so a
        # row per person present made a room's joining quadratic in its size.
        counts: dict[str, int] = defaultdict(int)
        for org_name, brand, count in s.execute(
                select(Organisation.name_fi, Organisation.brand,
                       func.count(distinct(Registration.id)))
                .join(Registration, Registration.organisation_id == Organisation.id)
                .join(Presence, Presence.registration_id == Registration.id)
                .where(*present)
                .group_by(Organisation.id, Organisation.name_fi, Organisation.brand)):
            counts[organisation_label(org_name, brand)] += count
        return [{"organisation": organisation, "count": counts[organisation]}
                for organisation in sorted(counts)]
    rows = s.execute(
        select(Registration.id, Registration.name, Organisation.name_fi, Organisation.brand)
        .join(Presence, Presence.registration_id == Registration.id)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(*present)
        .distinct()
    ).all()
    groups: dict[str, list[str]] = defaultdict(list)
    for _id, name, org_name, brand in rows:
        groups[organisation_label(org_name, brand)].append(name)
    return [{"organisation": organisation, "count": len(names), "names": sorted(names)}
            for organisation, names in sorted(groups.items())]


_presence: dict[tuple[int, bool], tuple[float, list[dict[str, Any]]]] = {}


def presence_for(s: Session, workshop_id: int, *, coordinator: bool = False,
                 max_age: float = PRESENCE_MAX_AGE) -> list[dict[str, Any]]:
    """presence_payload, reused for `max_age` seconds: a join storm asks for it hundreds of
    times a second, and a `presence.changed` follows every join anyway."""
    key = (workshop_id, coordinator)
    hit = _presence.get(key)
    if hit is not None and time.monotonic() - hit[0] < max_age:
        return hit[1]
    value = presence_payload(s, workshop_id, coordinator=coordinator)
    _presence[key] = (time.monotonic(), value)
    return value


def results_of(s: Session, prompt_ids: list[int]) -> dict[int, dict[int, int]]:
    """Answer counts per prompt and value."""
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    if prompt_ids:
        for prompt_id, value, count in s.execute(
                select(Answer.prompt_id, Answer.value, func.count())
                .where(Answer.prompt_id.in_(prompt_ids))
                .group_by(Answer.prompt_id, Answer.value)):
            counts[prompt_id][value] = count
    return counts


def results_payload(prompt: Prompt, counts: dict[int, int]) -> dict[str, Any]:
    """A distribution in scale (1–5) or option order."""
    if prompt.kind == PromptKind.STATEMENT:
        values = [counts.get(value, 0) for value in STATEMENT_SCALE]
    else:
        values = [counts.get(index, 0) for index in range(len(prompt.options))]
    return {"counts": values, "total": sum(values)}


class SnapshotCache:
    """The shared part of each room's snapshot per audience, built once per room version.

    Per process and bounded; an entry is used only for the very version it was built at, so a
    change committed anywhere makes the next join here build afresh.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, bool], tuple[int, dict[str, Fragment]]] = \
            OrderedDict()
        self._locks: dict[tuple[int, bool], threading.Lock] = defaultdict(threading.Lock)
        #: shared parts built (for tests and the bench's figures)
        self.builds = 0

    def shared(self, s: Session, workshop_id: int, coordinator: bool, version: int
               ) -> dict[str, Fragment]:
        """The shared part at `version`, built by one join while the others wait for it."""
        key = (workshop_id, coordinator)
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            with self._locks[key]:
                entry = self._entries.get(key)
                if entry is None or entry[0] != version:
                    entry = (version, _encoded(build_shared(s, workshop_id, coordinator)))
                    self.builds += 1
                    self._entries[key] = entry
                    if len(self._entries) > self.size:
                        self._entries.popitem(last=False)
        self._entries.move_to_end(key)
        return entry[1]

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()


snapshots = SnapshotCache()


def _encoded(parts: dict[str, Any]) -> dict[str, Fragment]:
    return {key: Fragment(encode(value)) for key, value in parts.items()}


def build_shared(s: Session, workshop_id: int, coordinator: bool) -> dict[str, Any]:
    """Everything in a snapshot that is the same for every participant (or coordinator)."""
    workshop = s.scalars(select(Workshop).options(joinedload(Workshop.series))
                         .where(Workshop.id == workshop_id)).one()
    room = peek_room(s, workshop.id)
    themes = list(s.scalars(select(Theme).options(selectinload(Theme.prompts))
                            .where(Theme.workshop_id == workshop.id).order_by(Theme.position)))
    theme_ids = [theme.id for theme in themes]
    notes = {note.theme_id: note for note in s.scalars(
        select(Note).where(Note.theme_id.in_(theme_ids)))} if theme_ids else {}
    from_wishes = set(s.scalars(select(Wish.theme_id).where(Wish.theme_id.in_(theme_ids))
                                .distinct())) if theme_ids else set()
    prompt_ids = [prompt.id for theme in themes for prompt in theme.prompts]
    counts = results_of(s, prompt_ids)
    before = earlier_results(s, workshop, [(p.id, p.question_key, p.kind, p.options)
                                           for theme in themes for p in theme.prompts])

    def prompt_view(prompt: Prompt) -> dict[str, Any]:
        shown = prompt.kind in (PromptKind.STATEMENT, PromptKind.POLL) and (
            coordinator or prompt.is_revealed)
        # A tracked question's earlier results are for the console and the presenter view,
        # which show them beside today's; participants answer without them.
        earlier = [{"day": r.day.isoformat(), "results": {"counts": list(r.counts),
                                                           "total": r.total}}
                   for r in before.get(prompt.id, ())] if coordinator else []
        # Reference figures are public, but shown with today's results only: seen before
        # answering, a national share could steer the room's own.
        reference = reference_of(prompt) if shown else None
        return {"id": prompt.id, "kind": prompt.kind.value, "text": prompt.text,
                "options": list(prompt.options or []), "revealed": prompt.is_revealed,
                "question_key": prompt.question_key, "earlier": earlier,
                "reference": reference.as_dict() if reference else None,
                "results": results_payload(prompt, counts.get(prompt.id, {})) if shown else None}

    query = select(Contribution).where(Contribution.workshop_id == workshop.id)
    authors = authors_of(s, workshop.id) if coordinator else {}
    if not coordinator:
        query = query.where(Contribution.is_hidden.is_(False))
    votes = dict(s.execute(select(Vote.contribution_id, func.count())
                           .join(Contribution, Contribution.id == Vote.contribution_id)
                           .where(Contribution.workshop_id == workshop.id)
                           .group_by(Vote.contribution_id)).all())
    presentations = list(s.scalars(select(Presentation).where(
        Presentation.workshop_id == workshop.id).order_by(Presentation.position)))
    shared: dict[str, Any] = {
        "workshop": {"id": workshop.id, "title": workshop.title,
                     "when": format_when(workshop.day, workshop.starts_at, workshop.ends_at),
                     "series_title": workshop.series.title},
        "room": room_payload(room),
        "presentations": [{
            "id": p.id, "title": p.title, "presenter": p.presenter, "given": p.given_at is not None,
            "slides_url": url_for("series.slides", presentation_id=p.id)
            if p.slides_stored_as else None,
        } for p in presentations],
        "themes": [{
            "id": theme.id, "title": theme.title,
            "description_html": room_html(theme.description or ""),
            "position": theme.position, "is_locked": theme.is_locked,
            "from_wishes": theme.id in from_wishes,
            "prompts": [prompt_view(prompt) for prompt in theme.prompts],
            "note": note_payload(notes.get(theme.id)),
            "reviews_actions": theme.reviews_actions,
        } for theme in themes],
        # public: what a workshop agreed is in its memo, and follow-ups are news for everyone
        "actions": [action_payload(action, workshop)
                    for action in (*reviewable(s, workshop), *agreed_in(s, workshop))],
        "contributions": [
            contribution_payload(c, votes.get(c.id, 0), author=authors.get(c.registration_id))
            for c in s.scalars(query.order_by(Contribution.id))],
        "limits": LIMITS,
    }
    if coordinator:
        shared["registrations"] = [{
            "id": r.id, "name": r.name, "organisation": r.organisation.display_name,
            "is_note_taker": r.is_note_taker,
        } for r in s.scalars(select(Registration).options(joinedload(Registration.organisation))
                             .where(Registration.workshop_id == workshop.id)
                             .order_by(Registration.name))]
    return shared


def build_snapshot(s: Session, actor: Actor) -> dict[str, Any]:
    """The whole room as this person may see it: the cached shared part and their own."""
    # The version is read before anything else: under READ COMMITTED a shared part built
    # after it is at least as new as the version it is filed under.
    version = s.scalar(select(Room.version).where(Room.workshop_id == actor.workshop_id))
    coordinator = actor.is_coordinator
    if version is None:  # a room never opened has no row to carry a version: built each time
        shared: dict[str, Any] = _encoded(build_shared(s, actor.workshop_id, coordinator))
    else:
        shared = snapshots.shared(s, actor.workshop_id, coordinator, version)
    return {"server_now": iso(now_utc()), "me": _me(s, actor),
            "presence": presence_for(s, actor.workshop_id, coordinator=coordinator),
            **shared}


def _me(s: Session, actor: Actor) -> dict[str, Any]:
    """Who this is and what is theirs: own contributions, votes and answers."""
    if actor.coordinator_id is not None:
        coordinator = s.get_one(Coordinator, actor.coordinator_id)
        return {"role": "coordinator", "coordinator_id": coordinator.id,
                "name": coordinator.name, "is_note_taker": True}
    registration = s.scalars(select(Registration).options(joinedload(Registration.organisation))
                             .where(Registration.id == actor.registration_id)).one()
    own = list(s.scalars(select(Contribution).where(
        Contribution.registration_id == registration.id).order_by(Contribution.id)))
    hidden = [c for c in own if c.is_hidden]
    hidden_votes = dict(s.execute(
        select(Vote.contribution_id, func.count())
        .where(Vote.contribution_id.in_([c.id for c in hidden]))
        .group_by(Vote.contribution_id)).all()) if hidden else {}
    return {"role": "participant", "registration_id": registration.id, "name": registration.name,
            "organisation": registration.organisation.display_name,
            "is_note_taker": registration.is_note_taker,
            "contribution_ids": [c.id for c in own],
            "voted_ids": list(s.scalars(select(Vote.contribution_id).where(
                Vote.registration_id == registration.id).order_by(Vote.contribution_id))),
            "answers": {str(prompt_id): value for prompt_id, value in s.execute(
                select(Answer.prompt_id, Answer.value)
                .where(Answer.registration_id == registration.id))},
            "hidden_contributions": [contribution_payload(c, hidden_votes.get(c.id, 0))
                                     for c in hidden]}
