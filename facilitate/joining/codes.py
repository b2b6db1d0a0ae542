"""Join codes: short, easy to read aloud and to type, without characters that look alike."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Workshop

#: No 0/O, 1/I/L, 5/S, 2/Z or 8/B: each character reads one way on a screen and aloud.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6
#: A code as stored: LENGTH characters of ALPHABET (shown in two halves, "KQT-7MX").
_STORED = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code(s: Session) -> str:
    """A code no workshop has (25^6, about 244 million, so a clash is rare and retried)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if s.scalar(select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code


def normalise(typed: str) -> str | None:
    """The code as stored, from what a person typed ("kqt 7mx", "KQT-7MX"); None if it
    cannot be one."""
    code = re.sub(r"[\s-]", "", typed or "").upper()
    return code if _STORED.fullmatch(code) else None


def shown(code: str) -> str:
    """The code as people read it: two halves joined by a hyphen."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"
