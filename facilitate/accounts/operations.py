"""Coordinator accounts: creation, password checks (argon2id) and sign-ins (sessions)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Collector, Conflict, NotFound
from ..models import EMAIL_MAX_CHARS, NAME_MAX_CHARS, Coordinator, SignIn
from ..timeutil import now_utc
from ..validation import clean_email, clean_text

log = logging.getLogger("facilitate.accounts")

PASSWORD_MIN_CHARS = 12
_hasher = PasswordHasher()
# Verifying against this when the address is unknown keeps response times alike.
_DUMMY_HASH = _hasher.hash("not a real password")


def create_coordinator(s: Session, *, email: str, name: str, password: str) -> Coordinator:
    """A new coordinator account; passwords are at least 12 characters."""
    errors = Collector()
    email = clean_email(errors, "email", email)
    name = clean_text(errors, "name", name, max_chars=NAME_MAX_CHARS)
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_CHARS:
        errors.add("password", _l("Salasanassa pitää olla vähintään %(n)s merkkiä.",
                                  n=PASSWORD_MIN_CHARS))
    errors.raise_if_any()
    if s.scalar(select(Coordinator.id).where(Coordinator.email == email)) is not None:
        raise Conflict(_l("Tällä sähköpostiosoitteella on jo tunnus."), field="email")
    coordinator = Coordinator(email=email, name=name, password_hash=_hasher.hash(password))
    s.add(coordinator)
    s.flush()
    return coordinator


def authenticate(s: Session, email: str, password: str) -> Coordinator | None:
    """The active coordinator with this address and password, or None.

    Guessing is slowed by rate limits on the login view (facilitate/ratelimits.py), which
    count failures per address and client.
    """
    email = (email or "").strip().lower()[:EMAIL_MAX_CHARS]
    coordinator = s.scalar(select(Coordinator).where(Coordinator.email == email))
    try:
        _hasher.verify(coordinator.password_hash if coordinator else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if coordinator is None or not coordinator.is_active:
        return None
    if _hasher.check_needs_rehash(coordinator.password_hash):
        coordinator.password_hash = _hasher.hash(password)
    return coordinator


# --- sign-ins (server-side sessions) -------------------------------------------------------

#: How often a sign-in's last use is written: often enough for the idle limit, not per request.
SEEN_EVERY = timedelta(minutes=1)


def start_sign_in(s: Session, coordinator: Coordinator, *, user_agent: str,
                  address: str) -> SignIn:
    """A new sign-in of this coordinator, from this browser."""
    sign_in = SignIn(coordinator_id=coordinator.id, key=secrets.token_urlsafe(32),
                     user_agent=(user_agent or "")[:300], address=(address or "")[:64])
    s.add(sign_in)
    s.flush()
    log.info("coordinator %s signed in (sign-in %s) from %s", coordinator.id, sign_in.id,
             sign_in.address)
    return sign_in


def active_sign_in(s: Session, key: str | None, *, idle: timedelta, longest: timedelta,
                   now: datetime | None = None, record: bool = True) -> SignIn | None:
    """The sign-in behind a session cookie, if it is still on: not ended, used within `idle`,
    begun within `longest`, by an active coordinator. With `record`, marks it used (and an
    expired one ended); the caller commits."""
    if not key:
        return None
    sign_in = s.scalar(select(SignIn).where(SignIn.key == key, SignIn.ended_at.is_(None)))
    if sign_in is None or not _still_on(s, sign_in, idle=idle, longest=longest,
                                        now=now or now_utc(), record=record):
        return None
    return sign_in


def sign_ins_still_on(s: Session, ids: Collection[int], *, idle: timedelta,
                      longest: timedelta, now: datetime | None = None) -> set[int]:
    """Of these sign-ins (the live room's coordinator connections), the ones still on, marked
    used: an open room connection is use. Expired ones are ended; the caller commits."""
    if not ids:
        return set()
    now = now or now_utc()
    found = s.scalars(select(SignIn).where(SignIn.id.in_(ids), SignIn.ended_at.is_(None)))
    return {sign_in.id for sign_in in found
            if _still_on(s, sign_in, idle=idle, longest=longest, now=now, record=True)}


def _still_on(s: Session, sign_in: SignIn, *, idle: timedelta, longest: timedelta,
              now: datetime, record: bool) -> bool:
    if not sign_in.coordinator.is_active:
        return False
    if now - sign_in.last_seen_at > idle or now - sign_in.created_at > longest:
        if record:
            end_sign_in(s, sign_in, now=now, reason="expired")
        return False
    if record and now - sign_in.last_seen_at > SEEN_EVERY:
        sign_in.last_seen_at = now
        s.flush()
    return True


def end_sign_in(s: Session, sign_in: SignIn, *, now: datetime | None = None,
                reason: str = "logged out") -> None:
    """End a sign-in: its cookie no longer logs anyone in."""
    if sign_in.ended_at is None:
        sign_in.ended_at = now or now_utc()
        s.flush()
        log.info("sign-in %s of coordinator %s ended: %s", sign_in.id, sign_in.coordinator_id,
                 reason)


def open_sign_ins(s: Session, coordinator: Coordinator, *, idle: timedelta,
                  longest: timedelta, now: datetime | None = None) -> list[SignIn]:
    """The coordinator's sign-ins that still work, most recently used first."""
    now = now or now_utc()
    return list(s.scalars(
        select(SignIn).where(SignIn.coordinator_id == coordinator.id,
                             SignIn.ended_at.is_(None),
                             SignIn.last_seen_at >= now - idle,
                             SignIn.created_at >= now - longest)
        .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc())))


def end_other_sign_in(s: Session, coordinator: Coordinator, sign_in_id: int) -> None:
    """End one of the coordinator's own sign-ins (another browser); NotFound for others'."""
    sign_in = s.get(SignIn, sign_in_id)
    if sign_in is None or sign_in.coordinator_id != coordinator.id:
        raise NotFound(_l("Kirjautumista ei löydy."))
    end_sign_in(s, sign_in, reason="ended from another sign-in")
