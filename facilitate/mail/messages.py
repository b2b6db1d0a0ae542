"""The messages a participant gets, each composed in the participant's language as plain text
(from templates/mail/<kind>.txt) with an HTML version rendered from it, and queued as an
OutgoingMail in the caller's unit of work."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..memo.addresses import memo_address
from ..models import MailKind, OutgoingMail, Registration, Room, RoomStatus, Workshop
from ..registration.calendar import workshop_event
from ..registration.operations import Registered, new_link
from ..text import render_markdown
from ..timeutil import now_utc
from ..web import external_url, site_address


def after_registration(s: Session, registered: Registered) -> OutgoingMail:
    """A new registration's confirmation (private link, room link, calendar event), or, for
    an address registered already, a new link to that address and nothing else."""
    registration, token = registered.registration, registered.token
    if not registered.created:
        return _queue(s, registration, MailKind.LINK, token=token)
    return _queue(s, registration, MailKind.CONFIRMATION, token=token, calendar=True)


def link_mailed_notice(email: str) -> str:
    """What the person who asked is told: only that a message went to the address, never
    whether it is registered."""
    return _("Lähetimme osoitteeseen %(email)s viestin, jossa on henkilökohtainen linkkisi. "
             "Sillä voit tarkistaa ilmoittautumisesi.", email=email)


def link(s: Session, registration: Registration) -> OutgoingMail:
    """A new private link, for someone who asked for theirs."""
    return _queue(s, registration, MailKind.LINK, token=new_link(s, registration))


def reminder(s: Session, registration: Registration) -> OutgoingMail | None:
    """The day-before reminder with the room link; None if this registration has had it."""
    key = f"reminder:{registration.id}"
    if _queued(s, key):
        return None
    return _queue(s, registration, MailKind.REMINDER, token=new_link(s, registration),
                  once_key=key)


def reminders(s: Session, day: date) -> list[OutgoingMail]:
    """The reminders of every workshop on `day` whose room has not been closed, each
    registration's once."""
    workshops = s.scalars(select(Workshop).outerjoin(Room).where(
        Workshop.day == day, or_(Room.status.is_(None), Room.status != RoomStatus.CLOSED)))
    return [mail for workshop in workshops for registration in workshop.registrations
            if (mail := reminder(s, registration)) is not None]


def memo_published(s: Session, workshop: Workshop) -> list[OutgoingMail]:
    """The published memo's address to everyone who attended, once (a correction is not
    mailed again)."""
    series = workshop.series
    attended = s.scalars(select(Registration).where(
        Registration.workshop_id == workshop.id, Registration.attended_at.is_not(None))
        .order_by(Registration.id))
    url = memo_address(site_address(), series.slug, workshop.day, "html")
    queued = []
    for registration in attended:
        key = f"memo:{registration.id}"
        if not _queued(s, key):
            queued.append(_queue(s, registration, MailKind.MEMO, memo_url=url, once_key=key))
    return queued


#: Each kind's subject, worded in the participant's language when composed.
_SUBJECTS = {
    MailKind.CONFIRMATION: lambda title: _("Ilmoittautuminen vastaanotettu: %(title)s",
                                           title=title),
    MailKind.LINK: lambda title: _("Henkilökohtainen linkkisi: %(title)s", title=title),
    MailKind.REMINDER: lambda title: _("Muistutus huomisesta: %(title)s", title=title),
    MailKind.MEMO: lambda title: _("Muistio julkaistu: %(title)s", title=title),
}


def _queue(s: Session, registration: Registration, kind: MailKind, *, token: str | None = None,
           memo_url: str | None = None, once_key: str | None = None,
           calendar: bool = False) -> OutgoingMail:
    workshop = registration.workshop
    with force_locale(registration.language):
        urls: dict[str, str] = {}
        if token is not None:
            urls = {"page_url": external_url("registration.own_page", token=token),
                    "room_url": external_url("room.join", token=token)}
        if memo_url is not None:
            urls["memo_url"] = memo_url
        text = render_template(f"mail/{kind.value}.txt", registration=registration,
                               workshop=workshop, series=workshop.series, **urls)
        html = render_template("mail/message.html", body=render_markdown(text),
                               language=registration.language)
        subject = _SUBJECTS[kind](f"{workshop.series.title}: {workshop.title}")
    mail = OutgoingMail(
        workshop_id=workshop.id, registration=registration, kind=kind,
        to_address=registration.email, subject=subject, text_body=text, html_body=html,
        once_key=once_key, due_at=now_utc())
    if calendar and token is not None:
        mail.attachment_name = f"tilaisuus-{workshop.day.isoformat()}.ics"
        mail.attachment = workshop_event(workshop, room_url=urls["room_url"],
                                         page_url=urls["page_url"]).decode()
    s.add(mail)
    s.flush()
    return mail


def _queued(s: Session, once_key: str) -> bool:
    return s.scalar(select(OutgoingMail.id).where(OutgoingMail.once_key == once_key)) is not None


