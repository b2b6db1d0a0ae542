"""Field checks shared by every operation, so forms and the API give the same messages."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from .errors import Collector

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
# Half of a UTF-16 pair on its own: JSON can carry it ("\ud800"), but it is no character,
# and UTF-8 (the database, every export) cannot store it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


#: Said of a value that should be text, or true/false, and is not (forms, the API, the room).
TEXT_REFUSED = _l("Arvon pitää olla tekstiä.")
FLAG_REFUSED = _l("Arvon pitää olla tosi tai epätosi.")
#: Said of a field that must be given and is missing or blank.
REQUIRED = _l("Kenttä on pakollinen.")


def has_lone_surrogate(text: str) -> bool:
    """Whether the text holds a code point that cannot be stored as UTF-8."""
    return _LONE_SURROGATE.search(text) is not None


def clean_text(errors: Collector, field: str, value: Any, *, max_chars: int,
               required: bool = True, multiline: bool = False) -> str:
    """Strip and check a text field; records an error and returns "" when it is unusable."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, TEXT_REFUSED)
        return ""
    if has_lone_surrogate(value):
        errors.add(field, _l("Tekstissä on virheellinen merkki (puolikas UTF-16-merkkipari)."))
        return ""
    text = _CONTROL.sub("", value.replace("\r\n", "\n")).strip()
    if not multiline:
        text = " ".join(text.split())
    if required and not text:
        errors.add(field, REQUIRED)
    elif len(text) > max_chars:
        errors.add(field, _l("Teksti on liian pitkä: %(length)s merkkiä, enintään %(limit)s.",
                             length=len(text), limit=max_chars))
    return text


#: A text field's rule: (max_chars, required, multiline).
TextRule = tuple[int, bool, bool]


def clean_texts(errors: Collector, data: dict[str, Any], rules: dict[str, TextRule], *,
                partial: bool) -> dict[str, str]:
    """Check every text field of `rules`; with `partial`, only those present in `data`."""
    return {
        field: clean_text(errors, field, data.get(field), max_chars=limit, required=required,
                          multiline=multiline)
        for field, (limit, required, multiline) in rules.items()
        if not partial or field in data
    }


def clean_email(errors: Collector, field: str, value: Any) -> str:
    """A syntactically valid address, lower-cased so one person registers once."""
    text = clean_text(errors, field, value, max_chars=254)
    if not text:
        return ""
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors.add(field, _l("Sähköpostiosoite ei ole kelvollinen."))
        return ""


def slugify(text: str, *, max_chars: int = 80) -> str:
    """ASCII slug for addresses: "Pohjois-Pohjanmaa" → "pohjois-pohjanmaa"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")[:max_chars].strip("-") or "x"


#: Years a workshop or deadline may fall in; outside them a date is a typo, and date
#: arithmetic near year 1 or 9999 would overflow.
YEARS = range(2000, 2101)


def check_year(errors: Collector, field: str, moment: date) -> bool:
    """Whether the date falls in YEARS; records the field's error when not."""
    if moment.year in YEARS:
        return True
    errors.add(field, _l("Vuoden pitää olla välillä %(first)s–%(last)s.",
                         first=YEARS.start, last=YEARS.stop - 1))
    return False


def parse_date(errors: Collector, field: str, value: Any) -> date | None:
    """A date as forms and the API give it (YYYY-MM-DD), or None with the field's error."""
    day = None
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and value.strip():
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        errors.add(field, _l("Anna päivämäärä muodossa VVVV-KK-PP."))
        return None
    return day if check_year(errors, field, day) else None
