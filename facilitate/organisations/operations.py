"""Rules for organisations: counties are fixed data; others are reviewed by a coordinator."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Collector, Invalid, NotFound
from ..models import NAME_MAX_CHARS, Organisation, OrganisationKind
from ..validation import clean_text


def list_all(s: Session) -> list[Organisation]:
    """Every organisation: those waiting for review first, then the rest by kind and name."""
    return list(s.scalars(select(Organisation).order_by(
        Organisation.is_listed, Organisation.kind != OrganisationKind.COUNTY,
        Organisation.name_fi)))


def get_organisation(s: Session, organisation_id: int) -> Organisation:
    """An organisation by id, or NotFound."""
    organisation = s.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("Organisaatiota ei löydy."))
    return organisation


def update_organisation(s: Session, organisation: Organisation,
                        data: dict[str, Any]) -> Organisation:
    """Names, kind and memo phrases (Finnish and Swedish) of a non-county organisation, and
    whether others may pick it.

    Counties come from the national list and are not edited here.
    """
    if organisation.kind is OrganisationKind.COUNTY:
        raise Invalid(_l("Hyvinvointialueiden tiedot tulevat valtakunnallisesta luettelosta "
                         "eikä niitä muokata täällä."), field="kind")
    errors = Collector()
    name = clean_text(errors, "name_fi", data.get("name_fi"), max_chars=NAME_MAX_CHARS)
    phrase = clean_text(errors, "memo_phrase", data.get("memo_phrase"),
                        max_chars=NAME_MAX_CHARS, required=False)
    name_sv = clean_text(errors, "name_sv", data.get("name_sv"), max_chars=NAME_MAX_CHARS,
                         required=False)
    phrase_sv = clean_text(errors, "memo_phrase_sv", data.get("memo_phrase_sv"),
                           max_chars=NAME_MAX_CHARS, required=False)
    try:
        kind = OrganisationKind(data.get("kind"))
    except ValueError:
        kind = None
    if kind not in (OrganisationKind.PROJECT, OrganisationKind.OTHER):
        errors.add("kind", _l("Valitse hanke tai muu organisaatio."))
    errors.raise_if_any()
    organisation.name_fi, organisation.memo_phrase, organisation.kind = name, phrase, kind
    organisation.name_sv, organisation.memo_phrase_sv = name_sv or None, phrase_sv or None
    organisation.is_listed = bool(data.get("is_listed"))
    s.flush()
    return organisation
