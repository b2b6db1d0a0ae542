"""Agreed actions and what a series carries forward: an action recorded in one workshop's
room is reviewed in the series' next workshops (done, in progress, dropped) until it is
done or dropped, and wishes a workshop did not get to are offered to the next one's agenda.

An action belongs to the workshop that agreed it; its reviews belong to the workshops that
made them, so each memo says what its own room agreed and what it reviewed, and a later
review never changes what an earlier memo says.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from ..audit import operations as audit
from ..errors import Collector, Conflict, Invalid, NotFound
from ..models import (
    ACTION_OWNER_MAX_CHARS,
    ACTION_TEXT_MAX_CHARS,
    REVIEW_STATUSES,
    TITLE_MAX_CHARS,
    UNFINISHED_STATUSES,
    Action,
    ActionReview,
    ActionStatus,
    Answer,
    Contribution,
    MemoVersion,
    Note,
    Prompt,
    Registration,
    Room,
    RoomStatus,
    Series,
    Theme,
    Wish,
    Workshop,
)
from ..timeutil import now_utc, to_local
from ..validation import REQUIRED, clean_text, parse_date

TEXT_REQUIRED = _l("Kirjoita, mitä sovittiin.")
OWNER_REQUIRED = _l("Kirjoita, kuka toimenpiteestä vastaa: organisaatio(t) tai THL:n henkilö.")
DUE_REQUIRED = _l("Anna määräaika muodossa VVVV-KK-PP.")
STATUS_REFUSED = _l("Tilan pitää olla valmis, kesken tai luovuttu.")

#: The review theme's title and memo phrase (the memo is Finnish first; the Swedish memo
#: translates the theme's title as it does every title the coordinator wrote).
REVIEW_TITLE = "Edellisten tapaamisten toimenpiteet"
REVIEW_PHRASE = "edellisissä tapaamisissa sovittujen toimenpiteiden tilanteesta"
#: A theme made from a carried wish takes its title from the wish's first words.
CARRIED_TITLE_CHARS = 120


def today_in_finland(now: datetime | None = None) -> date:
    """Today's date where the workshops are held: a due date is compared with it."""
    return to_local(now or now_utc()).date()


def clean_action(data: dict[str, object], *, today: date) -> dict[str, object]:
    """An action's text, owner and due date, checked: all three are needed, and the due
    date may not be past."""
    errors = Collector()
    text = clean_text(errors, "text", data.get("text"), max_chars=ACTION_TEXT_MAX_CHARS)
    owner = clean_text(errors, "owner", data.get("owner"), max_chars=ACTION_OWNER_MAX_CHARS)
    # The generic "required" says too little here: the rule is the point.
    for field, message in (("text", TEXT_REQUIRED), ("owner", OWNER_REQUIRED)):
        if errors.errors.get(field) is REQUIRED:
            errors.errors[field] = message
    due = None
    if data.get("due") in (None, ""):
        errors.add("due", DUE_REQUIRED)
    else:
        due = parse_date(errors, "due", data.get("due"))
    if due is not None and due < today:
        errors.add("due", _l("Määräaika %(day)s on jo mennyt: anna tämä päivä tai myöhempi.",
                             day=f"{due.day}.{due.month}.{due.year}"))
    errors.raise_if_any()
    return {"text": text, "owner": owner, "due": due}


def parse_status(value: object) -> ActionStatus | None:
    """A review's status ("done", "in_progress", "dropped"), or None to take it back."""
    if value is None:
        return None
    try:
        status = ActionStatus(value)
    except ValueError:
        raise Invalid(STATUS_REFUSED, field="status") from None
    if status not in REVIEW_STATUSES:
        raise Invalid(STATUS_REFUSED, field="status")
    return status


# --- reading -------------------------------------------------------------------------------


def agreed_in(s: Session, workshop: Workshop) -> list[Action]:
    """The actions a workshop agreed, in the order they were recorded."""
    return list(s.scalars(select(Action).where(Action.workshop_id == workshop.id)
                          .options(selectinload(Action.reviews), joinedload(Action.workshop))
                          .order_by(Action.id)))


def held_before(workshop: Workshop, other: type[Workshop] | Any = Workshop
                ) -> ColumnElement[bool]:
    """The condition on `other` (Workshop or an alias) of the series' workshops held before
    this one: by day, then starting time, then id, so two on one day follow each other."""
    same_day = other.day == workshop.day
    return (other.series_id == workshop.series_id) & or_(
        other.day < workshop.day,
        and_(same_day, other.starts_at < workshop.starts_at),
        and_(same_day, other.starts_at == workshop.starts_at, other.id < workshop.id))


def held_after(workshop: Workshop, other: type[Workshop] | Any = Workshop
               ) -> ColumnElement[bool]:
    """The condition on `other` of the series' workshops held after this one."""
    same_day = other.day == workshop.day
    return (other.series_id == workshop.series_id) & or_(
        other.day > workshop.day,
        and_(same_day, other.starts_at > workshop.starts_at),
        and_(same_day, other.starts_at == workshop.starts_at, other.id > workshop.id))


def series_order(other: type[Workshop] | Any = Workshop) -> tuple[Any, ...]:
    """The order a series' workshops are held in (`held_before`)."""
    return (other.day, other.starts_at, other.id)


def follows_up(workshop: Workshop) -> ColumnElement[bool]:
    """The condition on Action of the actions a workshop follows up: agreed earlier in its
    series, and unfinished when it began (the latest earlier review, if any, left it open or
    in progress) or reviewed in it, whatever it said. A later review changes nothing here."""
    agreeing, reviewer = aliased(Workshop), aliased(Workshop)
    agreed_before = exists().where(agreeing.id == Action.workshop_id,
                                   held_before(workshop, agreeing))
    latest_before = (
        select(ActionReview.status).join(reviewer, reviewer.id == ActionReview.workshop_id)
        .where(ActionReview.action_id == Action.id, held_before(workshop, reviewer))
        .order_by(*(column.desc() for column in series_order(reviewer)))
        .limit(1).scalar_subquery())
    reviewed_here = exists().where(ActionReview.action_id == Action.id,
                                   ActionReview.workshop_id == workshop.id)
    unfinished_then = func.coalesce(latest_before, ActionStatus.OPEN.value).in_(
        [status.value for status in UNFINISHED_STATUSES])
    return agreed_before & (reviewed_here | unfinished_then)


def reviewable(s: Session, workshop: Workshop) -> list[Action]:
    """The actions a workshop follows up (`follows_up`), oldest first."""
    return list(s.scalars(
        select(Action).join(Workshop, Workshop.id == Action.workshop_id)
        .where(follows_up(workshop))
        .options(selectinload(Action.reviews), joinedload(Action.workshop))
        .order_by(*series_order(), Action.id)))


def review_in(action: Action, workshop: Workshop) -> ActionStatus | None:
    """What the workshop's room said of the action, if anything."""
    return next((r.status for r in action.reviews if r.workshop_id == workshop.id), None)


def published_workshops(s: Session, series: Series) -> dict[int, tuple[Any, ...]]:
    """The series' workshops with a published Finnish memo, each with its place in the
    series order: what the public may read of actions is what those memos said."""
    return {workshop_id: (day, starts_at, workshop_id)
            for workshop_id, day, starts_at in s.execute(
                select(Workshop.id, Workshop.day, Workshop.starts_at).distinct()
                .join(MemoVersion, MemoVersion.workshop_id == Workshop.id)
                .where(Workshop.series_id == series.id, MemoVersion.language == "fi",
                       MemoVersion.published_at.is_not(None)))}


def published_status(action: Action, published: dict[int, tuple[Any, ...]]
                     ) -> tuple[ActionStatus, int | None]:
    """Where an action stands as the published memos say: the latest published review's
    status and its workshop, or open and None."""
    said = [r for r in action.reviews if r.workshop_id in published]
    if not said:
        return ActionStatus.OPEN, None
    latest = max(said, key=lambda r: published[r.workshop_id])
    return latest.status, latest.workshop_id


def open_actions(s: Session, series: Series) -> list[tuple[Action, Workshop, ActionStatus]]:
    """The actions the series' published memos agreed and have not said are done or dropped,
    by due date, with where agreed and how they stand."""
    published = published_workshops(s, series)
    rows = s.execute(
        select(Action, Workshop).join(Workshop, Workshop.id == Action.workshop_id)
        .where(Workshop.id.in_(published))
        .options(selectinload(Action.reviews))
        .order_by(Action.due, Action.id)).all()
    out = []
    for action, workshop in rows:
        status, _reviewed_in = published_status(action, published)
        if status in UNFINISHED_STATUSES:
            out.append((action, workshop, status))
    return out


def series_actions(s: Session, series: Series) -> list[tuple[Action, Workshop]]:
    """Every action of the series, by the day agreed, with its workshop and reviews."""
    return list(s.execute(
        select(Action, Workshop).join(Workshop, Workshop.id == Action.workshop_id)
        .where(Workshop.series_id == series.id)
        .options(selectinload(Action.reviews))
        .order_by(*series_order(), Action.id)).all())


def _previous(s: Session, workshop: Workshop) -> Workshop | None:
    return s.scalar(select(Workshop).where(held_before(workshop))
                    .order_by(*(column.desc() for column in series_order())).limit(1))


def _next_unused(s: Session, workshop: Workshop) -> Workshop | None:
    """The first later workshop of the series whose room has not been used: the one whose
    agenda can still open with a review."""
    used = exists().where(Room.workshop_id == Workshop.id, Room.status != RoomStatus.SCHEDULED)
    return s.scalar(select(Workshop).where(held_after(workshop), ~used)
                    .order_by(*series_order()).limit(1))


def _room_used(s: Session, workshop: Workshop) -> bool:
    return s.scalar(select(Room.status).where(Room.workshop_id == workshop.id)) not in (
        None, RoomStatus.SCHEDULED)


def undiscussed_wishes(s: Session, workshop: Workshop) -> list[Wish]:
    """The previous workshop's wishes it did not get to (no theme, or a theme its memo leaves
    out as not discussed), not yet carried anywhere: offered to this agenda."""
    previous = _previous(s, workshop)
    if previous is None or not _room_used(s, previous):
        return []
    # The memo's rule (memo/compile.py `_themes`): a theme was discussed if it was opened in
    # the room or has notes, comments or answers.
    recorded = or_(exists().where(Note.theme_id == Theme.id, Note.text != ""),
                   exists().where(Contribution.theme_id == Theme.id),
                   exists().where(Answer.prompt_id == Prompt.id, Prompt.theme_id == Theme.id))
    not_discussed = select(Theme.id).where(Theme.workshop_id == previous.id,
                                           Theme.opened_at.is_(None), ~recorded)
    return list(s.scalars(
        select(Wish).join(Registration, Registration.id == Wish.registration_id)
        .where(Registration.workshop_id == previous.id, Wish.carried_to_theme_id.is_(None),
               Wish.theme_id.is_(None) | Wish.theme_id.in_(not_discussed))
        .options(joinedload(Wish.registration).joinedload(Registration.organisation))
        .order_by(Wish.id)))


# --- changing ------------------------------------------------------------------------------


def require_changeable(s: Session, workshop: Workshop) -> None:
    """A workshop's actions and reviews change until its memo is published: after that the
    memo, the series page and the summary say what they were."""
    published = s.scalar(select(exists().where(
        MemoVersion.workshop_id == workshop.id, MemoVersion.published_at.is_not(None))))
    if published:
        raise Conflict(_l("Tilaisuuden muistio on jo julkaistu, joten sen toimenpiteitä ei voi "
                          "enää muuttaa."))


def add_action(s: Session, workshop: Workshop, data: dict[str, object], *,
               theme_id: int | None = None, by: int | None = None, recorder: str = "",
               now: datetime | None = None) -> Action:
    """Record an action the workshop agreed; the series' next workshop, if its room has not
    been used yet, gets the review of open actions on its agenda."""
    cleaned = clean_action(data, today=today_in_finland(now))
    require_changeable(s, workshop)
    if theme_id is not None and s.scalar(select(Theme.workshop_id).where(
            Theme.id == theme_id)) != workshop.id:
        raise NotFound(_l("Teemaa ei löydy tästä tilaisuudesta."), field="theme_id")
    action = Action(workshop_id=workshop.id, theme_id=theme_id, status=ActionStatus.OPEN,
                    created_at=now or now_utc(), **cleaned)
    s.add(action)
    s.flush()
    audit.record(s, "action.add", by=by, workshop_id=workshop.id,
                 what=audit.quote(action.text), **({"recorder": recorder} if recorder else {}))
    following = _next_unused(s, workshop)
    if following is not None:
        ensure_review_theme(s, following)
    s.flush()
    return action


def _own_action(s: Session, workshop: Workshop, action_id: int) -> Action:
    action = s.get(Action, action_id)
    if action is None or action.workshop_id != workshop.id:
        raise NotFound(_l("Toimenpidettä ei löydy tästä tilaisuudesta."), field="action_id")
    return action


def delete_action(s: Session, workshop: Workshop, action_id: int, *,
                  by: int | None = None, recorder: str = "") -> int:
    """Take back an action recorded by mistake, unless a later workshop already reviewed it
    (its memo says so)."""
    action = _own_action(s, workshop, action_id)
    require_changeable(s, workshop)
    if action.reviews:
        raise Conflict(_l("Toimenpide on jo käsitelty myöhemmässä tilaisuudessa, joten sitä ei "
                          "voi poistaa."), field="action_id")
    audit.record(s, "action.delete", by=by, workshop_id=workshop.id,
                 what=audit.quote(action.text), **({"recorder": recorder} if recorder else {}))
    s.delete(action)
    s.flush()
    following = _next_unused(s, workshop)
    if following is not None:
        _drop_idle_review_theme(s, following)
    return action_id


def review_action(s: Session, workshop: Workshop, action_id: int,
                  status: ActionStatus | None, *, by: int | None = None, recorder: str = "",
                  now: datetime | None = None) -> Action:
    """What this workshop says of an earlier action (done, in progress, dropped; None takes
    its word back). The action's status is what the latest workshop to review it said."""
    action = next((a for a in reviewable(s, workshop) if a.id == action_id), None)
    if action is None:
        raise NotFound(_l("Toimenpidettä ei löydy tämän tilaisuuden seurattavista."),
                       field="action_id")
    require_changeable(s, workshop)
    review = next((r for r in action.reviews if r.workshop_id == workshop.id), None)
    if (review.status if review else None) == status:
        return action
    if status is None:
        action.reviews.remove(review)  # delete-orphan
    elif review is None:
        action.reviews.append(ActionReview(workshop_id=workshop.id, status=status,
                                           reviewed_at=now or now_utc()))
    else:
        review.status, review.reviewed_at = status, now or now_utc()
    s.flush()
    order = {row[-1]: tuple(row) for row in s.execute(select(*series_order()).where(
        Workshop.id.in_([r.workshop_id for r in action.reviews])))}
    latest = max(action.reviews, key=lambda r: order[r.workshop_id], default=None)
    action.status = latest.status if latest else ActionStatus.OPEN
    audit.record(s, "action.review", by=by, workshop_id=workshop.id,
                 what=audit.quote(action.text), status=(status or ActionStatus.OPEN).value,
                 **({"recorder": recorder} if recorder else {}))
    # Still unfinished as this workshop leaves it: the next unused agenda reviews it again.
    following = _next_unused(s, workshop)
    if following is not None and (status or ActionStatus.OPEN) in UNFINISHED_STATUSES:
        ensure_review_theme(s, following)
    s.flush()
    return action


def ensure_review_theme(s: Session, workshop: Workshop) -> Theme | None:
    """Open the agenda with a review of the actions agreed earlier in the series, when there
    are unfinished ones and the agenda has no review yet; a room already in use keeps its
    agenda as it is."""
    if any(theme.reviews_actions for theme in workshop.themes) or _room_used(s, workshop):
        return None
    if not reviewable(s, workshop):  # of an unused room: the unfinished ones
        return None
    theme = Theme(title=REVIEW_TITLE, memo_phrase=REVIEW_PHRASE, reviews_actions=True,
                  description="")
    workshop.themes.insert(0, theme)
    for position, each in enumerate(workshop.themes):
        each.position = position
    s.flush()
    return theme


def _drop_idle_review_theme(s: Session, workshop: Workshop) -> None:
    """Take the review theme off an unused agenda when nothing is left for it to review and
    nothing was added to it."""
    theme = next((t for t in workshop.themes if t.reviews_actions), None)
    if theme is None or _room_used(s, workshop) or theme.prompts or theme.wishes:
        return
    if reviewable(s, workshop):
        return
    workshop.themes.remove(theme)  # delete-orphan
    for position, each in enumerate(workshop.themes):
        each.position = position
    s.flush()


def carry_wishes(s: Session, workshop: Workshop, wish_ids: Sequence[int], *,
                 by: int | None = None) -> Theme:
    """A theme on this agenda from wishes the previous workshop did not get to: its title
    from the first wish, the wishes' texts as its description."""
    offered = {wish.id: wish for wish in undiscussed_wishes(s, workshop)}
    chosen = [offered[wish_id] for wish_id in dict.fromkeys(wish_ids) if wish_id in offered]
    if not chosen or len(chosen) != len(set(wish_ids)):
        raise Invalid(_l("Valitse toiveet, joita edellisessä tapaamisessa ei käsitelty."),
                      field="wish_ids")
    first = " ".join(chosen[0].text.split())
    limit = min(CARRIED_TITLE_CHARS, TITLE_MAX_CHARS)
    title = first if len(first) <= limit else first[:limit - 1].rstrip() + "…"
    theme = Theme(title=title, description="\n\n".join(w.text for w in chosen),
                  position=len(workshop.themes))
    workshop.themes.append(theme)
    s.flush()
    for wish in chosen:
        wish.carried_to_theme_id = theme.id
    audit.record(s, "wish.carry", by=by, workshop_id=workshop.id, theme=theme.title,
                 count=len(chosen))
    s.flush()
    return theme
