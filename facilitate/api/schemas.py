"""The API's shapes: request bodies it accepts (checked before an operation runs) and the
JSON each model is returned as."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..errors import Collector
from ..models import (
    EMAIL_MAX_CHARS,
    FORMAT_MAX_CHARS,
    NAME_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    WISH_MAX_CHARS,
    WISHES_MAX_PER_REGISTRATION,
    Organisation,
    Prompt,
    PromptKind,
    Registration,
    Series,
    Theme,
    Wish,
    Workshop,
)
from ..series.operations import registration_state
from ..timeutil import iso
from ..validation import FLAG_REFUSED, TEXT_REFUSED

#: The largest id a path or body may name; larger numbers overflow the database's integer.
MAX_ID = 2**31 - 1


@dataclasses.dataclass(frozen=True)
class Field:
    """One body field: the JSON type the API insists on, and what the document says of it.

    Only the type is checked here; lengths, required fields and every other rule belong to the
    operations, so forms and the API give the same messages.
    """

    #: "string", "boolean", "string[]" (texts) or "id[]" (positive whole numbers)
    type: str
    description: str = ""
    nullable: bool = False
    max_length: int | None = None
    #: JSON Schema format for the document ("date", "date-time", "email")
    format: str | None = None
    enum: tuple[str, ...] = ()
    pattern: str | None = None

    def accepts(self, value: Any) -> bool:
        """Whether the value has this field's JSON type."""
        if value is None:
            return self.nullable
        if self.type == "string":
            return _is_text(value)
        if self.type == "boolean":
            return isinstance(value, bool)
        if self.type == "string[]":
            return isinstance(value, list) and all(_is_text(item) for item in value)
        if self.type == "id[]":
            return isinstance(value, list) and all(_is_id(item) for item in value)
        raise AssertionError(f"unknown field type {self.type}")

    def type_message(self) -> Any:
        """What the caller is told when the value has the wrong type."""
        return {
            "string": TEXT_REFUSED,
            "boolean": FLAG_REFUSED,
            "string[]": _l("Arvon pitää olla luettelo tekstejä."),
            "id[]": _l("Arvon pitää olla luettelo tunnisteita (positiivisia kokonaislukuja)."),
        }[self.type]


def _is_text(value: Any) -> bool:
    # PostgreSQL refuses NUL in text and the forms could never send one.
    return isinstance(value, str) and "\x00" not in value


def _is_id(value: Any) -> bool:
    # bool is an int in Python, but `true` is not an id.
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


@dataclasses.dataclass(frozen=True)
class Body:
    """A request body: its fields, and the ones the operation will require (for the document)."""

    name: str
    fields: dict[str, Field]
    required: tuple[str, ...] = ()
    description: str = ""

    def check(self, data: dict[str, Any]) -> dict[str, Any]:
        """The body unchanged, or Invalid naming every unknown or wrongly typed field."""
        errors = Collector()
        for key, value in data.items():
            field = self.fields.get(key)
            if field is None:
                errors.add(
                    key,
                    _l(
                        "Tuntematon kenttä. Sallitut kentät: %(fields)s.",
                        fields=", ".join(self.fields) or "-",
                    ),
                )
            elif not field.accepts(value):
                errors.add(key, field.type_message())
        errors.raise_if_any()
        return data

    def partial(self, name: str) -> Body:
        """The same fields, none required: the body of a PATCH."""
        return Body(name, self.fields, (), self.description)


def _text(
    description: str, max_length: int, *, nullable: bool = True, fmt: str | None = None
) -> Field:
    return Field("string", description, nullable=nullable, max_length=max_length, format=fmt)


SERIES = Body(
    "SeriesCreate",
    {
        "title": _text("Name of the series", TITLE_MAX_CHARS, nullable=False),
        "memo_title": _text('The memo heading after "Muistio: "', TITLE_MAX_CHARS),
        "organiser": _text("Who organises the series", TITLE_MAX_CHARS),
        "description": _text("The series paragraph of every memo (Markdown)", TEXT_MAX_CHARS),
        "contacts": _text("Contact people, one per line (Markdown)", TEXT_MAX_CHARS),
        "funding_footer": _text("Funding footer of the memo", TEXT_MAX_CHARS),
        "is_public": Field("boolean", "Listed on the public home page"),
    },
    required=("title",),
)
SERIES_UPDATE = SERIES.partial("SeriesUpdate")

_WORKSHOP_FIELDS = {
    "title": _text("Title of the workshop", TITLE_MAX_CHARS, nullable=False),
    "day": Field("string", "Date (Finnish local)", format="date"),
    "starts_at": Field("string", "Start time HH:MM (Finnish local)", pattern=r"^\d{1,2}[:.]\d{2}$"),
    "ends_at": Field("string", "End time HH:MM, after starts_at", pattern=r"^\d{1,2}[:.]\d{2}$"),
    "format": _text('How it is held ("Teams-keskustelu")', FORMAT_MAX_CHARS),
    "description": _text("Description (Markdown)", TEXT_MAX_CHARS),
    "registration_deadline": Field(
        "string",
        "Registration deadline; without an offset it is Finnish local time",
        nullable=True,
        format="date-time",
    ),
}
WORKSHOP = Body(
    "WorkshopCreate",
    _WORKSHOP_FIELDS
    | {
        "plan": Field(
            "string",
            "Session plan to start from (sessions/<plan>.toml); its title, "
            "times, format, themes, prompts and talks fill what the body leaves out",
            pattern=r"^[a-z0-9-]+$",
        ),
    },
    required=("day",),
    description="title, starts_at and ends_at are required unless a plan gives them",
)
WORKSHOP_UPDATE = Body("WorkshopUpdate", _WORKSHOP_FIELDS)

REGISTRATION_OPEN = Body(
    "RegistrationOpen",
    {
        "deadline": Field(
            "string",
            "New deadline, in the future; without one the current deadline (if any) stays",
            nullable=True,
            format="date-time",
        ),
    },
)

_PROFILE_FIELDS = {
    "name": _text("The participant's name", NAME_MAX_CHARS, nullable=False),
    "organisation": Field("string", 'An organisation code from GET /organisations, or "other"'),
    "other_organisation": _text(
        'The organisation\'s name when organisation is "other"', NAME_MAX_CHARS
    ),
}
REGISTRATION = Body(
    "RegistrationCreate",
    _PROFILE_FIELDS
    | {
        "email": _text(
            "Address; one registration per address and workshop",
            EMAIL_MAX_CHARS,
            nullable=False,
            fmt="email",
        ),
        "wishes": Field(
            "string[]",
            f"Topics wished for, each at most {WISH_MAX_CHARS} characters, "
            f"at most {WISHES_MAX_PER_REGISTRATION} in all; registering again adds new "
            "ones and keeps the old",
            nullable=True,
        ),
    },
    required=("name", "email", "organisation"),
)
PROFILE = Body("ProfileUpdate", _PROFILE_FIELDS)

WISH = Body(
    "WishText",
    {
        "text": _text("The wish", WISH_MAX_CHARS, nullable=False),
    },
    required=("text",),
)

_THEME_FIELDS = {
    "title": _text("Agenda item title", TITLE_MAX_CHARS, nullable=False),
    "memo_phrase": _text(
        'Words the memo sets in bold ("palveluiden organisoimisesta")', TITLE_MAX_CHARS
    ),
    "description": _text("Description (Markdown)", TEXT_MAX_CHARS),
}
THEME = Body(
    "ThemeCreate",
    _THEME_FIELDS
    | {
        "wish_ids": Field(
            "id[]", "Wishes of this workshop to group into the new theme", nullable=True
        ),
    },
    required=("title",),
)
THEME_UPDATE = Body("ThemeUpdate", _THEME_FIELDS)

WISH_IDS = Body(
    "WishIds",
    {
        "wish_ids": Field("id[]", "Wishes of this workshop"),
    },
    required=("wish_ids",),
)

AGENDA = Body(
    "AgendaOrder",
    {
        "theme_ids": Field("id[]", "Every theme of the workshop exactly once, in the new order"),
    },
    required=("theme_ids",),
)

PROMPT = Body(
    "PromptCreate",
    {
        "kind": Field(
            "string",
            "open question, statement (agree–disagree), poll, or a question answered by level",
            enum=tuple(kind.value for kind in PromptKind),
        ),
        "text": _text("The question or statement", TEXT_MAX_CHARS, nullable=False),
        "options": Field(
            "string[]", "Poll options (2–12, distinct); empty for other kinds", nullable=True
        ),
    },
    required=("kind", "text"),
)
PROMPT_UPDATE = PROMPT.partial("PromptUpdate")

#: What endpoints that take no input accept: nothing, or an empty object.
EMPTY = Body("Empty", {})

#: Every request body, for the document's components.
BODIES = (
    SERIES,
    SERIES_UPDATE,
    WORKSHOP,
    WORKSHOP_UPDATE,
    REGISTRATION_OPEN,
    REGISTRATION,
    PROFILE,
    WISH,
    THEME,
    THEME_UPDATE,
    WISH_IDS,
    AGENDA,
    PROMPT,
    PROMPT_UPDATE,
)


# --- responses: one function per model --------------------------------------------------


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    """An organisation as participants choose it."""
    return {
        "code": organisation.code,
        "kind": organisation.kind.value,
        "name": organisation.name_fi,
        "name_sv": organisation.name_sv,
        "brand": organisation.brand,
    }


def series_json(series: Series) -> dict[str, Any]:
    """A series with its memo texts."""
    return {
        "id": series.id,
        "slug": series.slug,
        "title": series.title,
        "memo_title": series.memo_title,
        "organiser": series.organiser,
        "description": series.description,
        "contacts": series.contacts,
        "funding_footer": series.funding_footer,
        "is_public": series.is_public,
        "created_at": iso(series.created_at),
    }


def workshop_json(workshop: Workshop, *, coordinator: bool = True) -> dict[str, Any]:
    """A workshop and where its registration stands; the invitation only for coordinators."""
    body: dict[str, Any] = {
        "id": workshop.id,
        "series_id": workshop.series_id,
        "title": workshop.title,
        "description": workshop.description,
        "day": iso(workshop.day),
        "starts_at": iso(workshop.starts_at),
        "ends_at": iso(workshop.ends_at),
        "format": workshop.format,
        "plan": workshop.plan,
        "registration": {
            "state": registration_state(workshop).value,
            "opened_at": iso(workshop.registration_opened_at),
            "closed_at": iso(workshop.registration_closed_at),
            "deadline": iso(workshop.registration_deadline),
        },
    }
    if coordinator:
        body["invitation_token"] = workshop.invitation_token
        body["invitation_url"] = url_for(
            "registration.register_form", invitation_token=workshop.invitation_token, _external=True
        )
        body["created_at"] = iso(workshop.created_at)
    return body


def wish_json(wish: Wish, *, organisation: bool = False) -> dict[str, Any]:
    """A wish; coordinators also see which organisation sent it."""
    body: dict[str, Any] = {
        "id": wish.id,
        "registration_id": wish.registration_id,
        "theme_id": wish.theme_id,
        "text": wish.text,
        "created_at": iso(wish.created_at),
    }
    if organisation:
        body["organisation"] = organisation_json(wish.registration.organisation)
    return body


def registration_json(registration: Registration) -> dict[str, Any]:
    """A registration with its organisation and wishes; never its link's hash."""
    return {
        "id": registration.id,
        "workshop_id": registration.workshop_id,
        "name": registration.name,
        "email": registration.email,
        "organisation": organisation_json(registration.organisation),
        "is_note_taker": registration.is_note_taker,
        "wishes": [wish_json(wish) for wish in registration.wishes],
        "created_at": iso(registration.created_at),
        "updated_at": iso(registration.updated_at),
    }


def prompt_json(prompt: Prompt) -> dict[str, Any]:
    """A prompt under a theme."""
    return {
        "id": prompt.id,
        "theme_id": prompt.theme_id,
        "kind": prompt.kind.value,
        "text": prompt.text,
        "options": list(prompt.options or []),
        "position": prompt.position,
    }


def theme_json(theme: Theme) -> dict[str, Any]:
    """An agenda item with the wishes it was grouped from and its prompts."""
    return {
        "id": theme.id,
        "workshop_id": theme.workshop_id,
        "title": theme.title,
        "memo_phrase": theme.memo_phrase,
        "description": theme.description,
        "position": theme.position,
        "wish_ids": sorted(wish.id for wish in theme.wishes),
        "prompts": [prompt_json(p) for p in sorted(theme.prompts, key=lambda p: p.position)],
        "created_at": iso(theme.created_at),
    }
