"""The API's request bodies, one pydantic model per body: each field's type, limit and message
are checked before an operation runs, and the OpenAPI document is generated from them.

A body's rules across fields (a poll's options, times in order, a plan filling in what is
left out) belong to the operations, which the forms share."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from annotated_types import Ge, Le
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

from ..agenda.operations import (
    CHOOSE_WISHES,
    EVERY_THEME_ONCE,
    KIND_REFUSED,
    PROMPT_TEXT,
    THEME_FIELDS,
)
from ..fields import Flag, Id, Message, ReviewStatus, Text
from ..models import (
    ACTION_OWNER_MAX_CHARS,
    ACTION_TEXT_MAX_CHARS,
    EMAIL_MAX_CHARS,
    NAME_MAX_CHARS,
    POLL_OPTIONS_MAX,
    QUESTION_KEY_MAX_CHARS,
    QUESTION_KEY_PATTERN,
    REFERENCE_NOTE_MAX_CHARS,
    REFERENCE_RESPONSES_MAX,
    REFERENCE_SOURCE_MAX_CHARS,
    REFERENCE_SUM_TOLERANCE,
    WISH_MAX_CHARS,
    WISHES_MAX_PER_REGISTRATION,
    PromptKind,
)
from ..plans import SLUG_MAX_CHARS, SLUG_PATTERN
from ..reference.operations import PERCENTS_REFUSED, RESPONSES_REFUSED
from ..registration.operations import CHOOSE_ORGANISATION
from ..series.operations import CLOCK_PATTERN, SERIES_TEXT_FIELDS, WORKSHOP_TEXT_FIELDS
from ..validation import TEXT_REFUSED

TEXTS_REFUSED = _l("Arvon pitää olla luettelo tekstejä.")

#: A string whose content the operation checks (and words the message for); not text: refused.
_String = Annotated[str, Strict(), Message(TEXT_REFUSED)]
_NullableString = Annotated[Annotated[str, Strict()] | None, Message(TEXT_REFUSED)]
_Clock = Annotated[_String, Field(json_schema_extra={"pattern": f"^{CLOCK_PATTERN}$"})]
_Texts = Annotated[list[Annotated[str, Strict()]] | None, Message(TEXTS_REFUSED)]
_WishIds = Annotated[list[Id], Message(CHOOSE_WISHES)]
_QuestionKey = Annotated[_NullableString, Field(json_schema_extra={
    "pattern": QUESTION_KEY_PATTERN, "maxLength": QUESTION_KEY_MAX_CHARS})]
_Name = Annotated[str, Text(NAME_MAX_CHARS)]
_OrganisationCode = Annotated[
    str, Strict(), StringConstraints(min_length=1), Message(CHOOSE_ORGANISATION)
]


def _text(rule: tuple[int, bool, bool]) -> Any:
    """The type of a text field with an operation's rule (max_chars, required, multiline)."""
    return Annotated[str if rule[1] else str | None, Text(*rule)]


class Body(BaseModel):
    """A request body: a JSON object whose unknown keys are refused. An endpoint passes on
    only the fields the caller sent (`given`), so a PATCH changes just those."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Every body by name, to word a refusal of its unknown keys (pydantic names only the key).
    by_name: ClassVar[dict[str, type[Body]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        Body.by_name[cls.__name__] = cls

    def given(self) -> dict[str, Any]:
        """The fields the caller sent, as the operations take them."""
        return self.model_dump(exclude_unset=True)


class Empty(Body):
    """Nothing, or an empty object."""


class SeriesUpdate(Body):
    """The fields of a series to change."""

    title: _text(SERIES_TEXT_FIELDS["title"]) = Field(None, description="Name of the series")
    memo_title: _text(SERIES_TEXT_FIELDS["memo_title"]) = Field(
        None, description='The memo heading after "Muistio: "'
    )
    organiser: _text(SERIES_TEXT_FIELDS["organiser"]) = Field(
        None, description="Who organises the series"
    )
    description: _text(SERIES_TEXT_FIELDS["description"]) = Field(
        None, description="The series paragraph of every memo (Markdown)"
    )
    contacts: _text(SERIES_TEXT_FIELDS["contacts"]) = Field(
        None, description="Contact people, one per line (Markdown)"
    )
    funding_footer: _text(SERIES_TEXT_FIELDS["funding_footer"]) = Field(
        None, description="Funding footer of the memo"
    )
    memo_title_sv: _text(SERIES_TEXT_FIELDS["memo_title_sv"]) = Field(
        None, description='The Swedish memo heading after "Promemoria: "'
    )
    description_sv: _text(SERIES_TEXT_FIELDS["description_sv"]) = Field(
        None, description="The series paragraph of every Swedish memo (Markdown)"
    )
    contacts_sv: _text(SERIES_TEXT_FIELDS["contacts_sv"]) = Field(
        None, description="Contact people in the Swedish memo (Markdown)"
    )
    funding_footer_sv: _text(SERIES_TEXT_FIELDS["funding_footer_sv"]) = Field(
        None, description="Funding footer of the Swedish memo"
    )
    is_public: Flag = Field(None, description="Listed on the public home page")


class SeriesCreate(SeriesUpdate):
    """A new series."""

    title: _text(SERIES_TEXT_FIELDS["title"]) = Field(description="Name of the series")


class WorkshopUpdate(Body):
    """The fields of a workshop to change."""

    title: _text(WORKSHOP_TEXT_FIELDS["title"]) = Field(None, description="Title of the workshop")
    day: _String = Field(
        None, description="Date (Finnish local)", json_schema_extra={"format": "date"}
    )
    starts_at: _Clock = Field(None, description="Start time HH:MM (Finnish local)")
    ends_at: _Clock = Field(None, description="End time HH:MM, after starts_at")
    format: _text(WORKSHOP_TEXT_FIELDS["format"]) = Field(
        None, description='How it is held ("Teams-keskustelu")'
    )
    description: _text(WORKSHOP_TEXT_FIELDS["description"]) = Field(
        None, description="Description (Markdown)"
    )
    registration_deadline: _NullableString = Field(
        None,
        description="Registration deadline; without an offset it is Finnish local time",
        json_schema_extra={"format": "date-time"},
    )


class WorkshopCreate(WorkshopUpdate):
    """A new workshop; title, starts_at and ends_at are required unless a plan gives them."""

    day: _String = Field(description="Date (Finnish local)", json_schema_extra={"format": "date"})
    plan: Annotated[
        _String,
        Field(json_schema_extra={"pattern": f"^{SLUG_PATTERN}$", "maxLength": SLUG_MAX_CHARS}),
    ] = Field(
        None,
        description="Session plan to start from (sessions/<plan>.toml); its title, "
        "times, format, themes, prompts and talks fill what the body leaves out",
    )


class RegistrationOpen(Body):
    """How registration opens."""

    deadline: _NullableString = Field(
        None,
        description="New deadline, in the future; without one the current deadline (if any) stays",
        json_schema_extra={"format": "date-time"},
    )


class ProfileUpdate(Body):
    """A participant's own details to change."""

    name: _Name = Field(None, description="The participant's name")
    organisation: _OrganisationCode = Field(
        None, description='An organisation code from GET /organisations, or "other"'
    )
    other_organisation: Annotated[str | None, Text(NAME_MAX_CHARS, required=False)] = Field(
        None, description='The organisation\'s name when organisation is "other"'
    )


class RegistrationCreate(ProfileUpdate):
    """A sign-up through the invitation link."""

    name: _Name = Field(description="The participant's name")
    organisation: _OrganisationCode = Field(
        description='An organisation code from GET /organisations, or "other"'
    )
    email: Annotated[str, Text(EMAIL_MAX_CHARS)] = Field(
        description="Address; one registration per address and workshop",
        json_schema_extra={"format": "email"},
    )
    wishes: _Texts = Field(
        None,
        description=f"Topics wished for, each at most {WISH_MAX_CHARS} characters, "
        f"at most {WISHES_MAX_PER_REGISTRATION} in all; registering again adds new ones "
        "and keeps the old",
    )


class WishText(Body):
    """A wish's words."""

    text: Annotated[str, Text(WISH_MAX_CHARS, multiline=True)] = Field(description="The wish")


class ThemeUpdate(Body):
    """The fields of a theme to change."""

    title: _text(THEME_FIELDS["title"]) = Field(None, description="Agenda item title")
    memo_phrase: _text(THEME_FIELDS["memo_phrase"]) = Field(
        None, description='Words the memo sets in bold ("palveluiden organisoimisesta")'
    )
    description: _text(THEME_FIELDS["description"]) = Field(
        None, description="Description (Markdown)"
    )


class ThemeCreate(ThemeUpdate):
    """A new theme at the end of the agenda."""

    title: _text(THEME_FIELDS["title"]) = Field(description="Agenda item title")
    wish_ids: Annotated[list[Id] | None, Message(CHOOSE_WISHES)] = Field(
        None, description="Wishes of this workshop to group into the new theme"
    )


class WishIds(Body):
    """Wishes to act on."""

    wish_ids: _WishIds = Field(description="Wishes of this workshop")


class ActionCreate(Body):
    """An agreed action; the operation checks each field and words its message."""

    text: _String = Field(description="What is to be done", json_schema_extra={
        "maxLength": ACTION_TEXT_MAX_CHARS})
    owner: _String = Field(description="Organisations, or a person at THL", json_schema_extra={
        "maxLength": ACTION_OWNER_MAX_CHARS})
    due: _String = Field(description="YYYY-MM-DD, today (in Finland) or later",
                         json_schema_extra={"format": "date"})
    theme_id: Id | None = Field(None, description="A theme of this workshop")


class ActionReviewSet(Body):
    """What this workshop says of an action agreed earlier in the series."""

    status: ReviewStatus = Field(
        description="done, in_progress or dropped; null takes this workshop's word back")


class AgendaOrder(Body):
    """The agenda's new order."""

    theme_ids: Annotated[list[Id], Message(EVERY_THEME_ONCE)] = Field(
        description="Every theme of the workshop exactly once, in the new order"
    )


class ReferenceFigures(Body):
    """Results from elsewhere shown beside the room's: where from, how many, the shares."""

    source: Annotated[str, Text(REFERENCE_SOURCE_MAX_CHARS)] = Field(
        description="Where the figures come from, e.g. Kuntakysely 2021")
    responses: Annotated[int, Strict(), Ge(1), Le(REFERENCE_RESPONSES_MAX),
                         Message(RESPONSES_REFUSED)] = Field(
        description="How many answered, e.g. 95")
    note: Annotated[str | None, Text(REFERENCE_NOTE_MAX_CHARS, False)] = Field(
        None, description="More on their size, e.g. kattoi 190 kuntaa")
    percents: Annotated[list[Annotated[int, Strict(), Ge(0), Le(100)]],
                        Field(min_length=1, max_length=POLL_OPTIONS_MAX),
                        Message(PERCENTS_REFUSED)] = Field(
        description="Whole per cents: a poll's one per option in order, adding up to 100 "
        f"± {REFERENCE_SUM_TOLERANCE}; a statement's one, the share agreeing")


class PromptUpdate(Body):
    """The fields of a prompt to change."""

    kind: Annotated[PromptKind, Message(KIND_REFUSED)] = Field(
        None,
        description="open question, statement (agree–disagree), poll, or a "
        "question answered by level",
    )
    text: _text(PROMPT_TEXT) = Field(None, description="The question or statement")
    options: _Texts = Field(
        None, description="Poll options (2–12, distinct); empty for other kinds"
    )
    question_key: _QuestionKey = Field(
        None, description="Tracks a statement or poll across the series' workshops: the same "
        "key on the same answer scale shows earlier results beside today's; null for none"
    )
    reference: ReferenceFigures | None = Field(
        None, description="A statement's or poll's results from elsewhere, shown beside "
        "today's in the console, the presenter view and the memo; null for none"
    )


class PromptCreate(PromptUpdate):
    """A new prompt at the end of a theme."""

    kind: Annotated[PromptKind, Message(KIND_REFUSED)] = Field(
        description="open question, statement (agree–disagree), poll, or a question answered "
        "by level"
    )
    text: _text(PROMPT_TEXT) = Field(description="The question or statement")
