"""Sending queued mail: each message is claimed, handed to the mail server and marked sent in
a transaction of its own, so that two senders (a request and `facilitate send-mail`) never
send one twice and a server that is down only delays what is queued."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Response, after_this_request, current_app, has_app_context
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..extensions import mail as mailer
from ..models import OutgoingMail, Workshop
from ..timeutil import now_utc

log = logging.getLogger(__name__)

#: Tries before a message is given up (the coordinator sees it, and can try it again).
MAX_ATTEMPTS = 8
#: A sender that has not finished a message by then is taken to have died with it.
CLAIM = timedelta(minutes=5)


def retry_delay(attempts: int) -> timedelta:
    """How long after its n-th failed try a message is tried again: 1, 2, 4 … 60 minutes."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


@dataclass(frozen=True)
class Delivered:
    """What one round of sending did."""

    sent: int
    failed: int


def due(s: Session, now: datetime | None = None, *, workshop: Workshop | None = None
        ) -> list[int]:
    """The ids of the messages whose (next) try is due, oldest first."""
    now = now or now_utc()
    query = select(OutgoingMail.id).where(OutgoingMail.sent_at.is_(None),
                                          OutgoingMail.due_at <= now)
    if workshop is not None:
        query = query.where(OutgoingMail.workshop_id == workshop.id)
    return list(s.scalars(query.order_by(OutgoingMail.id)))


def deliver(s: Session, mail_ids: Iterable[int], now: datetime | None = None) -> Delivered:
    """Send the given messages that are still due over one connection; commits after each.
    A server that cannot be reached ends the round: the rest wait for `send-mail`."""
    sent = failed = 0
    connection = None
    try:
        for mail_id in mail_ids:
            at = now or now_utc()
            if not _claim(s, mail_id, at):
                continue
            mail = s.get_one(OutgoingMail, mail_id)
            try:
                if connection is None:
                    connection = mailer.get_connection()
                    connection.open()
                _message(mail, connection).send()
            except Exception as error:  # noqa: BLE001  (any refusal is one failed try)
                failed += 1
                _failed(mail, error, at)
                s.commit()
                if isinstance(error, OSError):  # unreachable: the others would wait as long
                    break
                continue
            sent += 1
            mail.attempts += 1
            mail.sent_at, mail.due_at, mail.last_error, mail.claimed_until = at, None, None, None
            # The body holds a working private link: kept no longer than needed.
            mail.text_body = mail.html_body = ""
            mail.attachment = None
            s.commit()
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001  (closing a broken connection)
                log.debug("closing the mail connection failed", exc_info=True)
    return Delivered(sent, failed)


def _failed(mail: OutgoingMail, error: Exception, at: datetime) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:1000]
    # A permanent refusal (5xx: no such mailbox, refused content) is not tried again.
    permanent = isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
    mail.due_at = (at + retry_delay(mail.attempts)
                   if mail.attempts < MAX_ATTEMPTS and not permanent else None)
    mail.claimed_until = None
    log.warning("mail %s to workshop %s not sent (try %s): %s", mail.id, mail.workshop_id,
                mail.attempts, mail.last_error)


def send_after_response(mails: Iterable[OutgoingMail | None]) -> None:
    """Send the messages once this request's response has gone out: the person waits for no
    mail server, and every answer takes as long whether a message was queued or not."""
    mail_ids = [mail.id for mail in mails if mail is not None]
    if not mail_ids:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def send() -> None:
        # A session of its own: the request's has been removed by now. The app context is
        # gone too, except where the caller holds one (a test), whose teardown would remove
        # that caller's session.
        context = nullcontext() if has_app_context() else app.app_context()
        with context, Session(db.engine) as session:
            deliver(session, mail_ids)

    @after_this_request
    def _then(response: Response) -> Response:
        response.call_on_close(send)
        return response


@dataclass(frozen=True)
class MailStatus:
    """A workshop's mail as its coordinator sees it."""

    sent: int
    #: not sent yet: waiting for a (next) try, or given up after MAX_ATTEMPTS
    unsent: list[OutgoingMail]


def status(s: Session, workshop: Workshop) -> MailStatus:
    """How many of a workshop's messages went out, and the ones that did not, oldest first."""
    sent = s.scalar(select(func.count()).select_from(OutgoingMail).where(
        OutgoingMail.workshop_id == workshop.id, OutgoingMail.sent_at.is_not(None)))
    unsent = s.scalars(select(OutgoingMail).where(
        OutgoingMail.workshop_id == workshop.id, OutgoingMail.sent_at.is_(None))
        .order_by(OutgoingMail.id))
    return MailStatus(sent or 0, list(unsent))


def retry(s: Session, workshop: Workshop, now: datetime | None = None) -> int:
    """Make every unsent message of a workshop due now (also those given up); how many."""
    result = s.execute(
        update(OutgoingMail)
        .where(OutgoingMail.workshop_id == workshop.id, OutgoingMail.sent_at.is_(None))
        .values(due_at=now or now_utc()))
    return result.rowcount


def _claim(s: Session, mail_id: int, now: datetime) -> bool:
    claimed = s.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None),
               OutgoingMail.due_at <= now,
               or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
        .values(claimed_until=now + CLAIM)
        .execution_options(synchronize_session=False)).rowcount == 1
    s.commit()
    return claimed


def _message(mail: OutgoingMail, connection: object) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject, body=mail.text_body, to=[mail.to_address], connection=connection,
        # Automatic, so out-of-office replies stay away; nothing in it tracks the reader.
        headers={"Auto-Submitted": "auto-generated"})
    message.attach_alternative(mail.html_body, "text/html")
    if mail.attachment is not None and mail.attachment_name:
        message.attach(mail.attachment_name, mail.attachment, "text/calendar")
    return message
