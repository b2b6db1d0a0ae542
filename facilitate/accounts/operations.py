"""Coordinator accounts: creation and password checks (argon2id)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Collector, Conflict
from ..models import NAME_MAX_CHARS, Coordinator
from ..validation import clean_email, clean_text

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
    """The active coordinator with this address and password, or None."""
    coordinator = s.scalar(
        select(Coordinator).where(Coordinator.email == (email or "").strip().lower()))
    try:
        _hasher.verify(coordinator.password_hash if coordinator else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if coordinator is None or not coordinator.is_active:
        return None
    if _hasher.check_needs_rehash(coordinator.password_hash):
        coordinator.password_hash = _hasher.hash(password)
    return coordinator
