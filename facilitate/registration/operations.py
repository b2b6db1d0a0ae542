"""Rules for sign-up without an account: organisations, registrations, private links, wishes."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..errors import Collector, Conflict, Gone, Invalid, NotFound
from ..models import (
    NAME_MAX_CHARS,
    WISH_MAX_CHARS,
    WISHES_MAX_PER_REGISTRATION,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationLink,
    Wish,
    Workshop,
)
from ..series.operations import RegistrationState, is_token, registration_state
from ..timeutil import local_datetime, now_utc
from ..validation import TEXT_REFUSED, clean_email, clean_text, slugify

_CODE = re.compile(r"[a-z0-9-]{1,80}")
#: The organisation field's value for "another organisation" (name typed in).
OTHER_ORGANISATION = "other"
#: Participant links work this long after their workshop ends, unless configured otherwise.
DEFAULT_LINK_DAYS_AFTER_WORKSHOP = 60


def hash_token(token: str) -> str:
    """What is stored of a private link: a leaked database does not leak working links."""
    return hashlib.sha256(token.encode()).hexdigest()


def list_organisations(s: Session) -> list[Organisation]:
    """Organisations a participant can choose: the counties, then reviewed others, by name."""
    return list(s.scalars(
        select(Organisation)
        .where(Organisation.is_listed.is_(True))
        .order_by(Organisation.kind != OrganisationKind.COUNTY, Organisation.name_fi)
    ))


#: Said when no organisation is chosen (or the choice is not a code at all).
CHOOSE_ORGANISATION = _l("Valitse organisaatio.")


def resolve_organisation(s: Session, errors: Collector, code: Any,
                         other_name: Any) -> Organisation | None:
    """The chosen organisation, or a typed-in one (found again by name, never duplicated)."""
    if code == OTHER_ORGANISATION:
        name = clean_text(errors, "other_organisation", other_name, max_chars=NAME_MAX_CHARS)
        if not name:
            return None
        existing = s.scalar(select(Organisation).where(
            func.lower(Organisation.name_fi) == name.lower()))
        if existing is not None:
            return existing
        base = f"org-{slugify(name, max_chars=60)}"
        slug, n = base, 2
        while s.scalar(select(Organisation.id).where(Organisation.code == slug)) is not None:
            slug, n = f"{base}-{n}", n + 1
        organisation = Organisation(code=slug, kind=OrganisationKind.OTHER, name_fi=name,
                                    is_listed=False)
        s.add(organisation)
        return organisation
    if not isinstance(code, str) or not code:
        errors.add("organisation", CHOOSE_ORGANISATION)
        return None
    organisation = s.scalar(select(Organisation).where(
        Organisation.code == code, Organisation.is_listed.is_(True))) \
        if _CODE.fullmatch(code) else None
    if organisation is None:
        errors.add("organisation", _l("Tuntematon organisaatio. Valitse listasta tai "
                                      "valitse ”Muu organisaatio” ja kirjoita nimi."))
    return organisation


def _clean_wishes(errors: Collector, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        errors.add("wishes", _l("Toiveiden pitää olla luettelo tekstejä."))
        return []
    wishes: list[str] = []
    for index, item in enumerate(value):
        field = f"wishes.{index}"
        # its own collector: a wish has its own wording for "too long"
        item_errors = Collector()
        text = clean_text(item_errors, field, item, max_chars=WISH_MAX_CHARS, required=False,
                          multiline=True) if isinstance(item, str) else None
        if text is None:
            errors.add(field, TEXT_REFUSED)
        elif len(text) > WISH_MAX_CHARS:
            errors.add(field, _l(
                "Toive on liian pitkä: %(length)s merkkiä, enintään %(limit)s.",
                length=len(text), limit=WISH_MAX_CHARS))
        elif item_errors.errors:
            errors.add(field, item_errors.errors[field])
        elif text:
            wishes.append(text)
    if len(wishes) > WISHES_MAX_PER_REGISTRATION:
        errors.add("wishes", _l("Enintään %(limit)s toivetta.", limit=WISHES_MAX_PER_REGISTRATION))
    return wishes


def require_open(workshop: Workshop, now: datetime) -> None:
    """Registration and wish edits happen only while registration is open."""
    state = registration_state(workshop, now)
    if state is RegistrationState.NOT_OPEN:
        raise Conflict(_l("Ilmoittautuminen ei ole vielä auki."))
    if state is RegistrationState.CLOSED:
        raise Conflict(_l("Ilmoittautuminen on päättynyt. Tallennettuja tietoja ei voi enää "
                          "muuttaa; ota yhteyttä järjestäjään."))


@dataclass(frozen=True)
class Registered:
    """What registering did: a new registration, or none (the address was registered
    already); either way a new private link, to be mailed to that address."""

    registration: Registration
    token: str
    created: bool


def register(s: Session, workshop: Workshop, data: dict[str, Any], *, language: str = "fi",
             walk_in: bool = False, now: datetime | None = None) -> Registered:
    """Sign up while registration is open, or on the day as a walk-in (the joining rules
    decide when). An address that is already registered changes nothing: whoever typed it
    only gets a new link mailed to that address, so nobody takes over another's
    registration."""
    now = now or now_utc()
    if not walk_in:
        require_open(workshop, now)
    errors = Collector()
    name = clean_text(errors, "name", data.get("name"), max_chars=NAME_MAX_CHARS)
    email = clean_email(errors, "email", data.get("email"))
    organisation = resolve_organisation(s, errors, data.get("organisation"),
                                        data.get("other_organisation"))
    wishes = _clean_wishes(errors, data.get("wishes"))
    errors.raise_if_any()

    with s.no_autoflush:
        registration = s.scalar(select(Registration).where(
            Registration.workshop_id == workshop.id, Registration.email == email))
    if registration is not None:
        if organisation in s.new:
            s.expunge(organisation)  # typed in, but nothing is changed
        return Registered(registration, new_link(s, registration), created=False)
    registration = Registration(workshop=workshop, email=email, name=name,
                                organisation=organisation, language=language,
                                wishes=[Wish(text=text) for text in dict.fromkeys(wishes)])
    s.add(registration)
    return Registered(registration, new_link(s, registration), created=True)


def new_link(s: Session, registration: Registration) -> str:
    """A new private link to the registration (its token); the earlier links keep working."""
    token = secrets.token_urlsafe(32)
    registration.links.append(RegistrationLink(token_hash=hash_token(token)))
    s.flush()
    return token


def link_expires_at(workshop: Workshop, days_after: int = DEFAULT_LINK_DAYS_AFTER_WORKSHOP
                    ) -> datetime:
    """When a participant's private link stops working."""
    return local_datetime(workshop.day, workshop.ends_at) + timedelta(days=days_after)


def find_registration(s: Session, token: Any, now: datetime | None = None,
                      days_after: int = DEFAULT_LINK_DAYS_AFTER_WORKSHOP) -> Registration:
    """The registration a private link belongs to; wrong, replaced and expired links fail."""
    now = now or now_utc()
    if not is_token(token):
        raise NotFound(_l("Linkki ei ole voimassa. Tarkista, että kopioit sen kokonaan."))
    registration = s.scalar(
        select(Registration).join(RegistrationLink)
        .where(RegistrationLink.token_hash == hash_token(token))
        # the workshop decides whether the link has expired; wishes load when a page uses them
        # (joining the room, the busiest caller, never does)
        .options(joinedload(Registration.workshop))
    )
    if registration is None:
        raise NotFound(_l("Linkki ei ole voimassa. Tarkista, että kopioit sen kokonaan."))
    if link_expires_at(registration.workshop, days_after) <= now:
        raise Gone(_l("Linkki on vanhentunut, koska tilaisuus on päättynyt."))
    return registration


def update_registration(s: Session, registration: Registration, data: dict[str, Any],
                        now: datetime | None = None) -> Registration:
    """Change name or organisation while registration is open; the address stays."""
    now = now or now_utc()
    require_open(registration.workshop, now)
    errors = Collector()
    if "name" in data:
        name = clean_text(errors, "name", data.get("name"), max_chars=NAME_MAX_CHARS)
    if "organisation" in data:
        organisation = resolve_organisation(s, errors, data.get("organisation"),
                                            data.get("other_organisation"))
    errors.raise_if_any()
    if "name" in data:
        registration.name = name
    if "organisation" in data and organisation is not None:
        registration.organisation = organisation
    s.flush()
    return registration


def _clean_wish_text(text: Any) -> str:
    errors = Collector()
    cleaned = clean_text(errors, "text", text, max_chars=WISH_MAX_CHARS, multiline=True)
    errors.raise_if_any()
    return cleaned


def _own_wish(registration: Registration, wish_id: Any) -> Wish:
    for wish in registration.wishes:
        if wish.id == wish_id:
            return wish
    raise NotFound(_l("Toivetta ei löydy."))


def add_wish(s: Session, registration: Registration, text: Any,
             now: datetime | None = None) -> Wish:
    """A further wish from the participant, while registration is open."""
    require_open(registration.workshop, now or now_utc())
    cleaned = _clean_wish_text(text)
    if len(registration.wishes) >= WISHES_MAX_PER_REGISTRATION:
        raise Invalid(_l("Enintään %(limit)s toivetta.", limit=WISHES_MAX_PER_REGISTRATION),
                      field="text")
    wish = Wish(text=cleaned)
    registration.wishes.append(wish)
    s.flush()
    return wish


def update_wish(s: Session, registration: Registration, wish_id: Any, text: Any,
                now: datetime | None = None) -> Wish:
    """Reword one's own wish while registration is open."""
    require_open(registration.workshop, now or now_utc())
    wish = _own_wish(registration, wish_id)
    wish.text = _clean_wish_text(text)
    s.flush()
    return wish


def delete_wish(s: Session, registration: Registration, wish_id: Any,
                now: datetime | None = None) -> None:
    """Withdraw one's own wish, unless the coordinator has already built a theme on it."""
    require_open(registration.workshop, now or now_utc())
    wish = _own_wish(registration, wish_id)
    if wish.theme_id is not None:
        raise Conflict(_l("Järjestäjä on jo ottanut toiveen ohjelmaan, joten sitä ei voi "
                          "poistaa. Voit muokata sen tekstiä."))
    registration.wishes.remove(wish)
    s.flush()


def list_registrations(s: Session, workshop: Workshop) -> list[Registration]:
    """A workshop's registrations with organisation and wishes, oldest first."""
    return list(s.scalars(
        select(Registration)
        .where(Registration.workshop_id == workshop.id)
        .options(selectinload(Registration.organisation), selectinload(Registration.wishes))
        .order_by(Registration.id)
    ))


#: Columns of the attendee list, as a coordinator reads them.
TABLE_HEADER = ("Nimi", "Sähköposti", "Organisaatio", "Ilmoittautunut", "Ennakkotoiveet")


def registrations_table(registrations: list[Registration]) -> str:
    """The attendee list as CSV text for spreadsheets (semicolon-separated, with a BOM)."""
    from ..formatting import format_moment

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(TABLE_HEADER)
    for r in registrations:
        writer.writerow([_cell(text) for text in (
            r.name, r.email or "", r.organisation.display_name, str(format_moment(r.created_at)),
            " | ".join(w.text.replace("\n", " ") for w in r.wishes))])
    return "\ufeff" + out.getvalue()


#: What makes a spreadsheet read a cell as a formula (OWASP's list): = + - @, and a tab or
#: carriage return before them. An e-mail address may start with any of = + - (RFC 5322).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    # Every cell, not only the free-text ones: a quote first makes it plain text.
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
