"""The rules of joining by code: which workshop a code names and until when, asking for
one's link by mail, and walking in."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import operations as audit
from ..errors import Collector, Forbidden, Gone, NotFound
from ..mail import messages
from ..models import OutgoingMail, Registration, Workshop
from ..registration.operations import Registered, register
from ..timeutil import local_datetime, now_utc, to_local
from ..validation import clean_email
from . import codes


def code_expires_at(workshop: Workshop) -> datetime:
    """A code works until the end of its workshop's day (Finnish time)."""
    return local_datetime(workshop.day + timedelta(days=1), time(0))


def get_workshop_by_code(s: Session, typed: str, now: datetime | None = None) -> Workshop:
    """The workshop a typed or scanned code names, while the code is valid."""
    code = codes.normalise(typed)
    workshop = (s.scalar(select(Workshop).where(Workshop.join_code == code))
                if code is not None else None)
    if workshop is None:
        raise NotFound(_l("Tällä koodilla ei löydy tilaisuutta. Tarkista koodi: siinä on kuusi "
                          "merkkiä, esimerkiksi KQT-7MX."))
    if code_expires_at(workshop) <= (now or now_utc()):
        raise Gone(_l("Tilaisuus on päättynyt, joten sen koodi ei ole enää voimassa."))
    return workshop


def request_link(s: Session, workshop: Workshop, email: Any) -> tuple[str, OutgoingMail | None]:
    """A new link mailed to a registered address: (the address as understood, the message or
    None). An address that is not registered gets nothing, and the caller tells both the
    same (and sends after answering), so the page does not reveal who registered."""
    errors = Collector()
    address = clean_email(errors, "email", email)
    errors.raise_if_any()
    registration = s.scalar(select(Registration).where(
        Registration.workshop_id == workshop.id, Registration.email == address))
    return address, (messages.link(s, registration) if registration is not None else None)


def walk_ins_open(workshop: Workshop, now: datetime | None = None) -> bool:
    """Whether a newcomer may join by the code now: where allowed, on the workshop's day."""
    return workshop.walk_ins_allowed and to_local(now or now_utc()).date() == workshop.day


def walk_in(s: Session, workshop: Workshop, data: dict[str, Any], *, language: str,
            now: datetime | None = None) -> Registered:
    """Someone who did not register joins on the day, where the coordinator allows it."""
    now = now or now_utc()
    if not workshop.walk_ins_allowed:
        raise Forbidden(_l("Tähän tilaisuuteen pääsee vain ilmoittautuneena. Jos "
                           "ilmoittauduit, pyydä linkkisi sähköpostiisi."))
    if not walk_ins_open(workshop, now):
        raise Forbidden(_l("Ilmoittautumatta voi liittyä vasta tilaisuuspäivänä. Sitä ennen "
                           "ilmoittaudu kutsulinkin kautta."))
    return register(s, workshop, {**data, "wishes": []}, language=language, walk_in=True,
                    now=now)


def set_walk_ins(s: Session, workshop: Workshop, allowed: bool, *, by: int | None = None) -> None:
    """Let people who did not register join by the code, or stop letting them."""
    if workshop.walk_ins_allowed != allowed:
        workshop.walk_ins_allowed = allowed
        audit.record(s, "walk_ins.on" if allowed else "walk_ins.off", by=by,
                     workshop_id=workshop.id)
    s.flush()
