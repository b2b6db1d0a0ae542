"""The messages a participant gets, each composed in the participant's language as plain text
(from templates/mail/<kind>.txt) with an HTML version rendered from it, and queued as an
OutgoingMail in the caller's unit of work."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..formatting import format_day
from ..memo.addresses import memo_address
from ..models import (
    FEEDBACK_ANSWER_DAYS,
    TITLE_MAX_CHARS,
    AccessibilityFeedback,
    MailKind,
    OutgoingMail,
    Registration,
    Room,
    RoomStatus,
    Workshop,
)
from ..ratelimits import LINK_MAILS_PER_HOUR
from ..registration.calendar import workshop_event
from ..registration.operations import Registered, new_link
from ..text import render_markdown
from ..timeutil import now_utc, to_local
from ..web import external_url, site_address


def after_registration(s: Session, registered: Registered) -> OutgoingMail | None:
    """A new registration's confirmation (private link, room link, calendar event), or, for
    an address registered already, a new link to that address (see `link`)."""
    registration, token = registered.registration, registered.token
    if not registered.created:
        return _link(s, registration, token)
    return _queue(s, registration, MailKind.CONFIRMATION, token=token, calendar=True)


def link_mailed_notice(email: str) -> str:
    """What the person who asked is told: only that a message went to the address, never
    whether it is registered."""
    return _("Lähetimme osoitteeseen %(email)s viestin, jossa on henkilökohtainen linkkisi. "
             "Sillä voit tarkistaa ilmoittautumisesi.", email=email)


def link(s: Session, registration: Registration) -> OutgoingMail | None:
    """A new private link, for someone who asked for theirs; None once the address has had
    LINK_MAILS_PER_HOUR of them within the hour, however they were asked for (join page,
    registering again, walking in), so nobody floods another's inbox."""
    return _link(s, registration, None)


def _link(s: Session, registration: Registration, token: str | None) -> OutgoingMail | None:
    hour_ago = now_utc() - timedelta(hours=1)
    recent = s.scalar(select(func.count()).select_from(OutgoingMail).where(
        OutgoingMail.kind == MailKind.LINK, OutgoingMail.to_address == registration.email,
        OutgoingMail.created_at > hour_ago))
    if recent >= LINK_MAILS_PER_HOUR:
        return None
    return _queue(s, registration, MailKind.LINK, token=token or new_link(s, registration))


def reminder(s: Session, registration: Registration) -> OutgoingMail | None:
    """The day-before reminder with the room link; None if this registration has had it
    (also when another sender queued it meanwhile: its once-key is taken)."""
    key = f"reminder:{registration.id}"
    if _queued(s, key):
        return None
    try:
        with s.begin_nested():
            return _queue(s, registration, MailKind.REMINDER,
                          token=new_link(s, registration), once_key=key)
    except IntegrityError:
        return None


def reminders(s: Session, day: date) -> list[OutgoingMail]:
    """The reminders of every workshop on `day` whose room has not been closed, each
    registration's once."""
    workshops = s.scalars(select(Workshop).outerjoin(Room).where(
        Workshop.day == day, or_(Room.status.is_(None), Room.status != RoomStatus.CLOSED)))
    return [mail for workshop in workshops for registration in workshop.registrations
            if registration.purged_at is None
            and (mail := reminder(s, registration)) is not None]


def memo_published(s: Session, workshop: Workshop) -> list[OutgoingMail]:
    """The published memo's address to everyone who attended, once (a correction is not
    mailed again)."""
    series = workshop.series
    attended = s.scalars(select(Registration).where(
        Registration.workshop_id == workshop.id, Registration.attended_at.is_not(None),
        Registration.purged_at.is_(None))  # an anonymous row has no address to mail
        .order_by(Registration.id))
    url = memo_address(site_address(), series.slug, workshop.day, "html")
    queued = []
    for registration in attended:
        key = f"memo:{registration.id}"
        if not _queued(s, key):
            queued.append(_queue(s, registration, MailKind.MEMO, memo_url=url, once_key=key))
    return queued


def accessibility_feedback(s: Session, feedback: AccessibilityFeedback,
                           to_address: str) -> OutgoingMail:
    """New accessibility feedback, to the address that answers it: in Finnish (the service's
    keepers work in it), with the message as typed and the last day to answer."""
    due_on = format_day(to_local(feedback.created_at).date()
                        + timedelta(days=FEEDBACK_ANSWER_DAYS))
    with force_locale("fi"):
        values = {"due_on": due_on, "days": FEEDBACK_ANSWER_DAYS, "language": feedback.language,
                  "list_url": external_url("accessibility.feedback_list")}
        typed = {"message": feedback.message, "page": feedback.page,
                 "reply_to": feedback.reply_to or ""}
        template = "mail/accessibility.txt"
        text = render_template(template, **values, **typed)
        as_text = {key: _markdown_text(value) for key, value in typed.items()}
        # The message's own line breaks stay line breaks in the HTML version.
        as_text["message"] = as_text["message"].replace("\n", "  \n")
        source = render_template(template, **values, **as_text)
        html = render_template("mail/message.html", body=render_markdown(source), language="fi")
        subject = _("Saavutettavuuspalaute: vastattava viimeistään %(day)s", day=due_on)
    mail = OutgoingMail(workshop_id=None, kind=MailKind.ACCESSIBILITY, to_address=to_address,
                        subject=subject, text_body=text, html_body=html, due_at=now_utc())
    s.add(mail)
    s.flush()
    return mail


#: A subject is cut to fit its column (OutgoingMail.subject).
SUBJECT_MAX_CHARS = TITLE_MAX_CHARS

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
        # What people typed (a name, a title) is text in the mail, never Markdown: a name
        # such as "[Vahvista](https://…)" must not become a link in the HTML version.
        typed = {"name": registration.name, "series_title": workshop.series.title,
                 "workshop_title": workshop.title, "format": workshop.format}
        template = f"mail/{kind.value}.txt"
        text = render_template(template, workshop=workshop, **typed, **urls)
        source = render_template(template, workshop=workshop, **urls,
                                 **{key: _markdown_text(value) for key, value in typed.items()})
        html = render_template("mail/message.html", body=render_markdown(source),
                               language=registration.language)
        subject = _subject(_SUBJECTS[kind](f"{workshop.series.title}: {workshop.title}"))
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


def _markdown_text(value: str) -> str:
    """`value` as Markdown that reads as the text itself."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", html.escape(value or "", quote=False))


_MARKDOWN_PUNCTUATION = re.compile(r"[\\`*_{}\[\]()#+\-.!|]")


def _subject(text: str) -> str:
    # Two titles of up to 300 characters each do not fit a subject line (or its column).
    return text if len(text) <= SUBJECT_MAX_CHARS else text[:SUBJECT_MAX_CHARS - 1] + "…"


def _queued(s: Session, once_key: str) -> bool:
    return s.scalar(select(OutgoingMail.id).where(OutgoingMail.once_key == once_key)) is not None


