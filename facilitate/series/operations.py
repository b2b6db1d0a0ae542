"""Rules for series and workshops: creation, editing, starting from a plan, registration window."""

from __future__ import annotations

import enum
import re
import secrets
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .. import uploads
from ..actions.operations import ensure_review_theme
from ..audit import operations as audit
from ..errors import Collector, Conflict, Invalid, NotFound
from ..export import Logo
from ..joining import codes as join_codes
from ..memo.addresses import logo_address
from ..models import (
    FORMAT_MAX_CHARS,
    LOGO_ALT_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    Presentation,
    Prompt,
    Registration,
    Series,
    SeriesLogo,
    Theme,
    Workshop,
)
from ..reference.operations import columns_of
from ..timeutil import now_utc
from ..tracking.operations import check_linkable
from ..validation import check_year, clean_text, clean_texts, parse_date, slugify

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

    from ..plans import SessionPlan
    from ..uploads import StoredFile

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")


def is_token(value: Any) -> bool:
    """Shaped like the links' random parts (URL-safe base64); anything else is not looked up."""
    return isinstance(value, str) and _TOKEN.fullmatch(value) is not None


SERIES_TEXT_FIELDS = {
    # field: (max_chars, required, multiline)
    "title": (TITLE_MAX_CHARS, True, False),
    "memo_title": (TITLE_MAX_CHARS, False, False),
    "organiser": (TITLE_MAX_CHARS, False, False),
    "description": (TEXT_MAX_CHARS, False, True),
    "contacts": (TEXT_MAX_CHARS, False, True),
    "funding_footer": (TEXT_MAX_CHARS, False, True),
    "memo_title_sv": (TITLE_MAX_CHARS, False, False),
    "description_sv": (TEXT_MAX_CHARS, False, True),
    "contacts_sv": (TEXT_MAX_CHARS, False, True),
    "funding_footer_sv": (TEXT_MAX_CHARS, False, True),
}


LOGO_TEXT_FIELDS = {
    "alt_fi": (LOGO_ALT_MAX_CHARS, True, False),
    # optional until the series has a Swedish memo to publish (logos_for)
    "alt_sv": (LOGO_ALT_MAX_CHARS, False, False),
}

#: The column of a logo's alternative text by the memo's language.
_LOGO_ALT_COLUMNS = {"fi": "alt_fi", "sv": "alt_sv"}


WORKSHOP_TEXT_FIELDS = {
    "title": (TITLE_MAX_CHARS, True, False),
    "format": (FORMAT_MAX_CHARS, False, False),
    "description": (TEXT_MAX_CHARS, False, True),
}


class RegistrationState(enum.StrEnum):
    """Where a workshop's registration stands at a given moment."""

    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


def list_series(s: Session, *, public_only: bool = False) -> list[Series]:
    """All series by title; only the public ones for anonymous readers."""
    query = select(Series).order_by(Series.title).options(selectinload(Series.workshops))
    if public_only:
        query = query.where(Series.is_public.is_(True))
    return list(s.scalars(query))


def get_series(s: Session, series_id: int) -> Series:
    """A series by id, or NotFound."""
    series = s.get(Series, series_id)
    if series is None:
        raise NotFound(_l("Tilaisuussarjaa ei löydy."))
    return series


def get_series_by_slug(s: Session, slug: str, *, public_only: bool = False) -> Series:
    """A series by its address; private series are hidden from the public."""
    series = s.scalar(select(Series).where(Series.slug == slug))
    if series is None or (public_only and not series.is_public):
        raise NotFound(_l("Tilaisuussarjaa ei löydy."))
    return series


def _clean_series_fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors = Collector()
    cleaned: dict[str, Any] = clean_texts(errors, data, SERIES_TEXT_FIELDS, partial=partial)
    if "is_public" in data:  # a bool: the form's checkbox, or the API's typed body
        cleaned["is_public"] = data["is_public"]
    errors.raise_if_any()
    return cleaned


def _unique_slug(s: Session, base: str, *, exclude_id: int | None = None) -> str:
    slug, n = base, 2
    while True:
        existing = s.scalar(select(Series.id).where(Series.slug == slug))
        if existing is None or existing == exclude_id:
            return slug
        slug, n = f"{base}-{n}", n + 1


def create_series(s: Session, data: dict[str, Any]) -> Series:
    """A new series; its address is derived from the title and kept unique."""
    cleaned = _clean_series_fields(data, partial=False)
    series = Series(slug=_unique_slug(s, slugify(cleaned["title"])), **cleaned)
    s.add(series)
    s.flush()
    return series


def update_series(s: Session, series: Series, data: dict[str, Any], *,
                  by: int | None = None) -> Series:
    """Change the given fields; the address stays, so links already shared keep working."""
    changed = _changed(series, _clean_series_fields(data, partial=True))
    if changed:
        audit.record(s, "series.update", by=by, series=series.title, fields=sorted(changed))
    for field, value in changed.items():
        setattr(series, field, value)
    s.flush()
    return series


def list_workshops(s: Session, series: Series) -> list[Workshop]:
    """A series' workshops by day, with their talks loaded at once."""
    return list(s.scalars(
        select(Workshop).where(Workshop.series_id == series.id).order_by(Workshop.day)
        .options(selectinload(Workshop.presentations))))


def registration_counts(s: Session, series: Series) -> dict[int, int]:
    """How many have registered, by workshop id, in one query."""
    return dict(s.execute(
        select(Registration.workshop_id, func.count(Registration.id))
        .join(Workshop).where(Workshop.series_id == series.id)
        .group_by(Registration.workshop_id)).all())


def get_workshop(s: Session, workshop_id: int) -> Workshop:
    """A workshop by id, or NotFound."""
    workshop = s.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound(_l("Tilaisuutta ei löydy."))
    return workshop


def get_workshop_by_invitation(s: Session, invitation_token: str) -> Workshop:
    """The workshop an invitation link points at; a wrong link tells nothing about others."""
    workshop = s.scalar(select(Workshop).where(
        Workshop.invitation_token == invitation_token)) if is_token(invitation_token) else None
    if workshop is None:
        raise NotFound(_l("Kutsulinkki ei ole voimassa. Tarkista linkki järjestäjältä."))
    return workshop


#: A wall-clock time as forms and the API take it: "14:00", or "9.30" as Finns write it.
CLOCK_PATTERN = r"(\d{1,2})[:.](\d{2})"
_CLOCK = re.compile(CLOCK_PATTERN)


#: Each time field's message, naming it: both appear on one form.
_CLOCK_REFUSED = {
    "starts_at": _l("Anna alkamisaika muodossa TT:MM, esimerkiksi 14:00."),
    "ends_at": _l("Anna päättymisaika muodossa TT:MM, esimerkiksi 16:00."),
}


def _parse_time(errors: Collector, field: str, value: Any) -> time | None:
    # "14:00" from forms and the API, "9.30" as Finns write it.
    if isinstance(value, time):
        return value
    if isinstance(value, str) and (match := _CLOCK.fullmatch(value.strip())):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    errors.add(field, _CLOCK_REFUSED[field])
    return None


def parse_deadline(errors: Collector, field: str, value: Any) -> datetime | None:
    """An aware deadline; naive input is Finnish local time (what a form sends)."""
    from ..timeutil import LOCAL_TZ

    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, _l("Anna aika muodossa VVVV-KK-PP TT:MM."))
            return None
    else:
        errors.add(field, _l("Anna aika muodossa VVVV-KK-PP TT:MM."))
        return None
    if not check_year(errors, field, moment):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment


def _clean_workshop_fields(data: dict[str, Any], *, partial: bool,
                           current: Workshop | None = None) -> dict[str, Any]:
    errors = Collector()
    cleaned: dict[str, Any] = clean_texts(errors, data, WORKSHOP_TEXT_FIELDS, partial=partial)
    if not partial or "day" in data:
        cleaned["day"] = parse_date(errors, "day", data.get("day"))
    for field in ("starts_at", "ends_at"):
        if not partial or field in data:
            cleaned[field] = _parse_time(errors, field, data.get(field))
    if "registration_deadline" in data:
        cleaned["registration_deadline"] = parse_deadline(
            errors, "registration_deadline", data.get("registration_deadline"))
    starts = cleaned.get("starts_at", current.starts_at if current else None)
    ends = cleaned.get("ends_at", current.ends_at if current else None)
    if starts and ends and ends <= starts and "ends_at" not in errors.errors:
        errors.add("ends_at", _l("Päättymisajan pitää olla alkamisajan jälkeen."))
    errors.raise_if_any()
    return cleaned


def create_workshop(s: Session, series: Series, data: dict[str, Any],
                    plan: SessionPlan | None = None) -> Workshop:
    """A workshop in a series; with a plan, its themes, prompts and talks are copied in, and
    when the series has unfinished actions its agenda opens with their review."""
    data = dict(data)
    if plan is not None:
        data.setdefault("title", plan.title)
        data.setdefault("format", plan.format)
        data.setdefault("description", plan.description)
        if plan.starts_at:
            data.setdefault("starts_at", plan.starts_at)
        if plan.ends_at:
            data.setdefault("ends_at", plan.ends_at)
    cleaned = _clean_workshop_fields(data, partial=False)
    workshop = Workshop(series=series, invitation_token=secrets.token_urlsafe(24),
                        join_code=join_codes.new_code(s),
                        plan=plan.slug if plan else None, **cleaned)
    s.add(workshop)
    if plan is not None:
        apply_plan(s, workshop, plan)
    s.flush()
    ensure_review_theme(s, workshop)
    return workshop


def apply_plan(s: Session, workshop: Workshop, plan: SessionPlan) -> None:
    """Append a plan's talks and themes (with prompts) after what the workshop already has."""
    first_theme = len(workshop.themes)
    for offset, plan_theme in enumerate(plan.themes):
        theme = Theme(title=plan_theme.title, memo_phrase=plan_theme.memo_phrase,
                      description=plan_theme.description, position=first_theme + offset)
        for p in plan_theme.prompts:
            check_linkable(s, workshop, p.kind, p.options, p.key)
        theme.prompts = [
            Prompt(kind=p.kind, text=p.text, options=list(p.options), position=i,
                   question_key=p.key,
                   **columns_of(p.reference.figures() if p.reference else None))
            for i, p in enumerate(plan_theme.prompts)
        ]
        workshop.themes.append(theme)
    first_talk = len(workshop.presentations)
    for offset, talk in enumerate(plan.presentations):
        workshop.presentations.append(
            Presentation(title=talk.title, presenter=talk.presenter, position=first_talk + offset)
        )
    workshop.plan = workshop.plan or plan.slug
    s.flush()


def update_workshop(s: Session, workshop: Workshop, data: dict[str, Any], *,
                    by: int | None = None) -> Workshop:
    """Change the given fields of a workshop."""
    changed = _changed(workshop, _clean_workshop_fields(data, partial=True, current=workshop))
    if changed:
        audit.record(s, "workshop.update", by=by, workshop_id=workshop.id,
                     fields=sorted(changed))
    for field, value in changed.items():
        setattr(workshop, field, value)
    s.flush()
    return workshop


def _changed(row: Any, fields: dict[str, Any]) -> dict[str, Any]:
    return {field: value for field, value in fields.items() if getattr(row, field) != value}


def registration_state(workshop: Workshop, now: datetime | None = None) -> RegistrationState:
    """Open between opening and the deadline or a manual close, whichever comes first."""
    now = now or now_utc()
    if workshop.registration_opened_at is None:
        return RegistrationState.NOT_OPEN
    if workshop.registration_closed_at is not None and workshop.registration_closed_at <= now:
        return RegistrationState.CLOSED
    if workshop.registration_deadline is not None and workshop.registration_deadline <= now:
        return RegistrationState.CLOSED
    return RegistrationState.OPEN


def open_registration(s: Session, workshop: Workshop, deadline: Any = None,
                      now: datetime | None = None, *, by: int | None = None) -> Workshop:
    """Open (or reopen) registration; a deadline, if given, must lie in the future."""
    now = now or now_utc()
    errors = Collector()
    if deadline not in (None, ""):
        workshop_deadline = parse_deadline(errors, "registration_deadline", deadline)
        errors.raise_if_any()
    else:
        workshop_deadline = workshop.registration_deadline
    if workshop_deadline is not None and workshop_deadline <= now:
        raise Invalid(_l("Ilmoittautumisen takarajan pitää olla tulevaisuudessa."),
                      field="registration_deadline")
    audit.record(s, "registration.open", by=by, workshop_id=workshop.id)
    workshop.registration_deadline = workshop_deadline
    workshop.registration_opened_at = now
    workshop.registration_closed_at = None
    s.flush()
    return workshop


def close_registration(s: Session, workshop: Workshop, now: datetime | None = None, *,
                       by: int | None = None) -> Workshop:
    """Close registration by hand; what participants saved stays as it is."""
    now = now or now_utc()
    if registration_state(workshop, now) is not RegistrationState.OPEN:
        raise Conflict(_l("Ilmoittautuminen ei ole auki."))
    audit.record(s, "registration.close", by=by, workshop_id=workshop.id)
    workshop.registration_closed_at = now
    s.flush()
    return workshop


def add_presentation(s: Session, workshop: Workshop, data: dict[str, Any],
                     slides: StoredFile | None = None) -> Presentation:
    """An opening talk, with its slides if a file was stored for it."""
    errors = Collector()
    title = clean_text(errors, "title", data.get("title"), max_chars=TITLE_MAX_CHARS)
    presenter = clean_text(errors, "presenter", data.get("presenter"),
                           max_chars=TITLE_MAX_CHARS, required=False)
    errors.raise_if_any()
    talk = Presentation(title=title, presenter=presenter, position=len(workshop.presentations))
    if slides is not None:
        talk.slides_stored_as, talk.slides_filename = slides.stored_as, slides.filename
        talk.slides_content_type, talk.slides_size = slides.content_type, slides.size
    workshop.presentations.append(talk)
    s.flush()
    return talk


def set_talk_given(s: Session, workshop: Workshop, presentation_id: int, given: bool, *,
                   by: int | None = None, now: datetime | None = None) -> Presentation:
    """Record that a talk was given (or take it back): only given talks open the memo."""
    talk = next((t for t in workshop.presentations if t.id == presentation_id), None)
    if talk is None:
        raise NotFound(_l("Alustusta ei löydy."))
    if (talk.given_at is not None) != given:
        audit.record(s, "presentation.given" if given else "presentation.not_given", by=by,
                     workshop_id=workshop.id, presentation=audit.quote(talk.title))
        talk.given_at = (now or now_utc()) if given else None
    s.flush()
    return talk


def delete_presentation(s: Session, workshop: Workshop, presentation_id: int, *,
                        by: int | None = None) -> str | None:
    """Remove a talk; returns its slides' stored name so the caller can delete the file."""
    talk = next((t for t in workshop.presentations if t.id == presentation_id), None)
    if talk is None:
        raise NotFound(_l("Alustusta ei löydy."))
    audit.record(s, "presentation.delete", by=by, workshop_id=workshop.id,
                 presentation=audit.quote(talk.title))
    stored = talk.slides_stored_as
    workshop.presentations.remove(talk)  # delete-orphan
    for position, other in enumerate(workshop.presentations):
        other.position = position
    s.flush()
    return stored


def add_logo(s: Session, series: Series, data: dict[str, Any], upload: FileStorage | None, *,
             by: int | None = None) -> SeriesLogo:
    """A funder's logo after the series' others, its file checked and kept under UPLOADS_DIR;
    the Finnish alternative text is required, the Swedish one may wait."""
    errors = Collector()
    texts = clean_texts(errors, data, LOGO_TEXT_FIELDS, partial=False)
    try:
        stored = uploads.save_logo(upload)
    except Invalid as error:  # reported with the texts' errors, so one try shows them all
        for field, message in error.errors.items():
            errors.add(field, message)
        errors.raise_if_any()
    if errors.errors:
        uploads.discard(stored)
        errors.raise_if_any()
    logo = SeriesLogo(position=len(series.logos), stored_as=stored.stored_as,
                      content_type=stored.content_type, width=stored.width,
                      height=stored.height, size=stored.size, **texts)
    series.logos.append(logo)
    audit.record(s, "series_logo.add", by=by, series=series.title, logo=audit.quote(logo.alt_fi))
    s.flush()
    return logo


def get_logo(s: Session, logo_id: int, *, public_only: bool = False) -> SeriesLogo:
    """A logo by id; a private series' logos are hidden from the public, as its memos are."""
    logo = s.get(SeriesLogo, logo_id)
    if logo is None or (public_only and not logo.series.is_public):
        raise NotFound(_l("Logoa ei löydy."))
    return logo


def update_logo(s: Session, series: Series, logo_id: int, data: dict[str, Any], *,
                by: int | None = None) -> SeriesLogo:
    """Change a logo's alternative texts (published memos keep the texts they were given)."""
    logo = next((logo for logo in series.logos if logo.id == logo_id), None)
    if logo is None:
        raise NotFound(_l("Logoa ei löydy."))
    errors = Collector()
    texts = clean_texts(errors, data, LOGO_TEXT_FIELDS, partial=False)
    errors.raise_if_any()
    if (logo.alt_fi, logo.alt_sv) != (texts["alt_fi"], texts["alt_sv"]):
        audit.record(s, "series_logo.edit", by=by, series=series.title,
                     logo=audit.quote(texts["alt_fi"]))
    logo.alt_fi, logo.alt_sv = texts["alt_fi"], texts["alt_sv"]
    s.flush()
    return logo


def delete_logo(s: Session, series: Series, logo_id: int, *, by: int | None = None) -> str:
    """Remove a logo from the series (memos published already keep theirs); returns its
    stored name so the caller can delete the file."""
    logo = next((logo for logo in series.logos if logo.id == logo_id), None)
    if logo is None:
        raise NotFound(_l("Logoa ei löydy."))
    audit.record(s, "series_logo.delete", by=by, series=series.title,
                 logo=audit.quote(logo.alt_fi))
    series.logos.remove(logo)  # delete-orphan
    for position, other in enumerate(series.logos):
        other.position = position
    s.flush()
    return logo.stored_as


def logos_for(series: Series, language: str, uploads_dir: str | Path,
              base_url: str) -> tuple[Logo, ...]:
    """The series' logos for a memo in `language` ("fi" or "sv"), read from `uploads_dir`,
    each with its address at `base_url`; refused while one lacks its text in that language."""
    if language not in _LOGO_ALT_COLUMNS:
        raise ValueError(f"logos have alternative text in {sorted(_LOGO_ALT_COLUMNS)} only, "
                         f"not {language!r}")
    logos = []
    for logo in series.logos:
        alt = getattr(logo, _LOGO_ALT_COLUMNS[language])
        if not alt:
            # The Finnish text is required on upload, so only a Swedish one can be missing.
            raise Invalid(_l("Logolta ”%(logo)s” puuttuu ruotsinkielinen vaihtoehtoinen "
                             "teksti. Kirjoita se sarjan hallintasivulla (Muokkaa tekstejä) "
                             "ennen ruotsinkielisen muistion julkaisua.",
                             logo=logo.alt_fi), field="logos")
        data = (Path(uploads_dir) / Path(logo.stored_as).name).read_bytes()
        logos.append(Logo(data, logo.content_type, alt, logo.width, logo.height,
                          logo_address(base_url, logo.id)))
    return tuple(logos)
