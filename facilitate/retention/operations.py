"""Rules for participants' personal data: when it is removed (retention), removing one
registration's (the purge, and erasure on request) and what a participant can download."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from ..audit import operations as audit
from ..errors import Conflict, NotFound
from ..models import (
    Answer,
    Contribution,
    MemoVersion,
    Note,
    NoteRevision,
    OutgoingMail,
    Presence,
    Prompt,
    PromptKind,
    Registration,
    RegistrationLink,
    Theme,
    Vote,
    Wish,
    Workshop,
)
from ..timeutil import iso, local_datetime, now_utc


@dataclass
class Removal:
    """What removing personal data removes (or would), counted."""

    registrations: int = 0  #: registrations made anonymous: their names removed
    emails: int = 0  #: e-mail addresses removed
    links: int = 0  #: private links removed (their hashes)
    mails: int = 0  #: queued or sent messages removed (their address and text)
    pending_mails: int = 0  #: of those, not sent yet
    presence: int = 0  #: open room connections forgotten
    audit_names: int = 0  #: names blanked in audit entries

    def __add__(self, other: Removal) -> Removal:
        return Removal(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                          for f in fields(self)})

    def as_dict(self) -> dict[str, int]:
        """The counts by name, for the audit entry and the command's report."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Due:
    """A workshop whose participants' personal data is past its retention time."""

    workshop: Workshop
    #: when its memo was first published; None: never, and the workshop's day counts
    published_at: datetime | None
    due_at: datetime


def retention_starts(workshop: Workshop, published_at: datetime | None) -> datetime:
    """Where the retention time is counted from: the memo's first publication (a correction
    does not restart it), or the workshop's end when no memo has been published."""
    return published_at or local_datetime(workshop.day, workshop.ends_at)


def due_workshops(s: Session, days: int, now: datetime | None = None) -> list[Due]:
    """Workshops past their retention time that still hold personal data, oldest first."""
    now = now or now_utc()
    first_published = (
        select(MemoVersion.workshop_id, func.min(MemoVersion.published_at).label("at"))
        .where(MemoVersion.published_at.is_not(None))
        .group_by(MemoVersion.workshop_id).subquery())
    holding = or_(
        exists().where(Registration.workshop_id == Workshop.id,
                       Registration.purged_at.is_(None)),
        exists().where(OutgoingMail.workshop_id == Workshop.id))
    rows = s.execute(
        select(Workshop, first_published.c.at)
        .outerjoin(first_published, first_published.c.workshop_id == Workshop.id)
        .where(holding).order_by(Workshop.day, Workshop.id))
    due = [Due(workshop, published_at,
               retention_starts(workshop, published_at) + timedelta(days=days))
           for workshop, published_at in rows]
    return [d for d in due if d.due_at <= now]


def _left(s: Session, workshop: Workshop) -> list[Registration]:
    return list(s.scalars(select(Registration).where(
        Registration.workshop_id == workshop.id, Registration.purged_at.is_(None))
        .order_by(Registration.id)))


def _count(s: Session, model: Any, *where: Any) -> int:
    return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def count_removal(s: Session, workshop: Workshop,
                  registrations: list[Registration] | None = None,
                  *, all_mail: bool = False) -> Removal:
    """What purging these registrations of a workshop (default: every one not purged yet)
    would remove, counted without changing anything; `all_mail` counts every message of
    the workshop, as the workshop's purge removes them."""
    registrations = _left(s, workshop) if registrations is None else registrations
    ids = [r.id for r in registrations]
    mail_of = (OutgoingMail.workshop_id == workshop.id) if all_mail \
        else OutgoingMail.registration_id.in_(ids)
    return Removal(
        registrations=len(registrations),
        emails=sum(1 for r in registrations if r.email is not None),
        links=_count(s, RegistrationLink, RegistrationLink.registration_id.in_(ids)),
        mails=_count(s, OutgoingMail, mail_of),
        pending_mails=_count(s, OutgoingMail, mail_of, OutgoingMail.sent_at.is_(None)),
        presence=_count(s, Presence, Presence.registration_id.in_(ids)),
        audit_names=len(audit.entries_naming(s, workshop.id, {r.name for r in registrations})),
    )


def purge_registration(s: Session, registration: Registration,
                       now: datetime | None = None) -> Removal:
    """Remove one registration's personal data: its name, address, private links, the
    messages to it and its room connections; the row stays, anonymous, with its organisation
    and attendance, and so do its wishes, contributions, answers and votes, which name it
    only by id. Names in the audit log go too (audit.forget_names). Used by the retention
    purge and by erasure on request alike."""
    if registration.purged_at is not None:
        raise Conflict(_l("Ilmoittautumisen henkilötiedot on jo poistettu."))
    removal = count_removal(s, registration.workshop, [registration])
    audit.forget_names(s, registration.workshop_id, {registration.name})
    registration.links.clear()
    s.execute(delete(OutgoingMail).where(OutgoingMail.registration_id == registration.id),
              execution_options={"synchronize_session": False})
    s.execute(delete(Presence).where(Presence.registration_id == registration.id),
              execution_options={"synchronize_session": False})
    registration.name = ""
    registration.email = None
    registration.purged_at = now or now_utc()
    s.flush()
    return removal


def purge_workshop(s: Session, workshop: Workshop, now: datetime | None = None) -> Removal:
    """Purge every registration of a workshop past its retention time, and every message of
    it that is left; recorded in the audit log as done from the command line."""
    removal = count_removal(s, workshop, all_mail=True)
    for registration in _left(s, workshop):
        purge_registration(s, registration, now)
    s.execute(delete(OutgoingMail).where(OutgoingMail.workshop_id == workshop.id),
              execution_options={"synchronize_session": False})
    audit.record(s, "purge", by=None, workshop_id=workshop.id, **removal.as_dict())
    return removal


def erase_registration(s: Session, registration: Registration, *,
                       by: int | None = None) -> Removal:
    """A participant's registration erased at their request: by themselves from their private
    page or the API (by=None), or by coordinator `by` on their behalf; audited either way by
    registration id, never by name."""
    removal = purge_registration(s, registration)
    audit.record(s, "registration.erase" if by is not None else "registration.erase_own",
                 by=by, workshop_id=registration.workshop_id, registration=registration.id,
                 audit_names=removal.audit_names)
    return removal


def purged_among(s: Session, registration_ids: set[int]) -> set[int]:
    """Those of these registrations whose personal data has been removed (or that are gone)."""
    if not registration_ids:
        return set()
    left = set(s.scalars(select(Registration.id).where(
        Registration.id.in_(registration_ids), Registration.purged_at.is_(None))))
    return registration_ids - left


def get_registration(s: Session, workshop: Workshop, registration_id: int) -> Registration:
    """One registration of this workshop (a coordinator's address names both)."""
    registration = s.get(Registration, registration_id)
    if registration is None or registration.workshop_id != workshop.id:
        raise NotFound(_l("Ilmoittautumista ei löydy tästä tilaisuudesta."))
    return registration


def _theme_titles(s: Session, theme_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in theme_ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row.title for row in s.execute(
        select(Theme.id, Theme.title).where(Theme.id.in_(wanted)))}


def personal_data(s: Session, registration: Registration,
                  now: datetime | None = None) -> dict[str, Any]:
    """Everything stored about a participant, as JSON-ready data: their registration, links
    (when made; only hashes are kept), wishes, contributions, answers, votes, note edits and
    the messages sent to them."""
    rid = registration.id
    workshop = registration.workshop
    wishes = list(s.scalars(select(Wish).where(Wish.registration_id == rid).order_by(Wish.id)))
    contributions = list(s.scalars(select(Contribution).where(
        Contribution.registration_id == rid).order_by(Contribution.id)))
    answers = list(s.execute(select(Answer, Prompt).join(Prompt, Prompt.id == Answer.prompt_id)
                             .where(Answer.registration_id == rid).order_by(Answer.id)))
    votes = s.scalars(select(Vote).where(Vote.registration_id == rid)
                      .order_by(Vote.contribution_id))
    edits = list(s.execute(select(NoteRevision, Note.theme_id)
                           .join(Note, Note.id == NoteRevision.note_id)
                           .where(NoteRevision.registration_id == rid)
                           .order_by(NoteRevision.id)))
    mails = s.scalars(select(OutgoingMail).where(OutgoingMail.registration_id == rid)
                      .order_by(OutgoingMail.id))
    links = s.scalars(select(RegistrationLink.created_at).where(
        RegistrationLink.registration_id == rid).order_by(RegistrationLink.id))
    themes = _theme_titles(s, [w.theme_id for w in wishes]
                           + [c.theme_id for c in contributions] + [t for _e, t in edits])
    return {
        "exported_at": iso(now or now_utc()),
        "registration": {
            "id": rid,
            "workshop": {"id": workshop.id, "series": workshop.series.title,
                         "title": workshop.title, "day": iso(workshop.day),
                         "starts_at": iso(workshop.starts_at), "ends_at": iso(workshop.ends_at)},
            "name": registration.name,
            "email": registration.email,
            "organisation": registration.organisation.display_name,
            "language": registration.language,
            "is_note_taker": registration.is_note_taker,
            "created_at": iso(registration.created_at),
            "updated_at": iso(registration.updated_at),
            "attended_at": iso(registration.attended_at),
            "purged_at": iso(registration.purged_at),
        },
        "links": [{"created_at": iso(at)} for at in links],
        "wishes": [{"id": w.id, "text": w.text, "theme": themes.get(w.theme_id),
                    "created_at": iso(w.created_at)} for w in wishes],
        "contributions": [{"id": c.id, "theme": themes[c.theme_id], "text": c.text,
                           "level": c.level, "is_hidden": c.is_hidden,
                           "created_at": iso(c.created_at), "updated_at": iso(c.updated_at)}
                          for c in contributions],
        "answers": [{"prompt": p.text, "kind": p.kind.value, "value": a.value,
                     "option": _option(p, a.value), "updated_at": iso(a.updated_at)}
                    for a, p in answers],
        "votes": [{"contribution_id": v.contribution_id, "created_at": iso(v.created_at)}
                  for v in votes],
        "note_edits": [{"theme": themes[theme_id], "version": e.version,
                        "created_at": iso(e.created_at)} for e, theme_id in edits],
        "mails": [{"kind": m.kind.value, "to_address": m.to_address, "subject": m.subject,
                   "created_at": iso(m.created_at), "sent_at": iso(m.sent_at)}
                  for m in mails],
    }


def _option(prompt: Prompt, value: int) -> str | None:
    # A poll's answer is the index of its option: the option's text says what was chosen.
    if prompt.kind is PromptKind.POLL and 0 <= value < len(prompt.options):
        return prompt.options[value]
    return None
