"""Coordinator accounts: creation and password checks (argon2id)."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import Collector, Conflict, TooManyAttempts
from ..models import EMAIL_MAX_CHARS, NAME_MAX_CHARS, Coordinator, LoginAttempt
from ..timeutil import now_utc
from ..validation import clean_email, clean_text

PASSWORD_MIN_CHARS = 12
FAILURES_ALLOWED = 5
THROTTLE_WINDOW = timedelta(minutes=15)
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


def authenticate(s: Session, email: str, password: str,
                 now: datetime | None = None) -> Coordinator | None:
    """The active coordinator with this address and password, or None (a failure is recorded).

    After FAILURES_ALLOWED failures for one address within THROTTLE_WINDOW, further tries are
    refused until the window has passed, whatever the password.
    """
    now = now or now_utc()
    email = (email or "").strip().lower()[:EMAIL_MAX_CHARS]
    since = now - THROTTLE_WINDOW
    failures = s.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.email == email, LoginAttempt.at > since))
    if failures >= FAILURES_ALLOWED:
        raise TooManyAttempts(_l("Liian monta epäonnistunutta kirjautumista. Yritä uudelleen "
                                 "%(minutes)s minuutin kuluttua.",
                                 minutes=int(THROTTLE_WINDOW.total_seconds() // 60)))
    coordinator = s.scalar(select(Coordinator).where(Coordinator.email == email))
    try:
        _hasher.verify(coordinator.password_hash if coordinator else _DUMMY_HASH, password or "")
        valid = coordinator is not None and coordinator.is_active
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid:
        s.add(LoginAttempt(email=email, at=now))
        s.flush()
        return None
    s.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    if _hasher.check_needs_rehash(coordinator.password_hash):
        coordinator.password_hash = _hasher.hash(password)
    return coordinator
