"""The API's answers, one pydantic model per shape, built from the database rows with `of`;
the OpenAPI document is generated from the same models."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Self

from flask import url_for
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, RootModel, WithJsonSchema

from .. import models
from ..fields import Id
from ..models import ANSWER_LEVELS, ActionStatus, OrganisationKind, PromptKind
from ..reference.operations import reference_of
from ..results import anonymity
from ..series.operations import RegistrationState, registration_state
from ..timeutil import iso

Position = Annotated[int, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
#: A moment in UTC to the millisecond with a Z, as timeutil.iso writes it.
Moment = Annotated[
    datetime,
    PlainSerializer(iso, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "description": "ISO 8601 with offset (UTC)"}
    ),
]
Day = Annotated[date, PlainSerializer(iso, return_type=str)]
Clock = Annotated[
    time,
    PlainSerializer(iso, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{2}:\d{2}$", "description": "HH:MM, Finnish time"}
    ),
]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]


class Closed(BaseModel):
    """An answer's shape: no key beyond those documented, every key present."""

    # pydantic says "additionalProperties: false" only of input models.
    model_config = ConfigDict(extra="forbid", json_schema_extra={"additionalProperties": False})


class Answer(Closed):
    """The answer for one kind of database row."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, row: Any) -> Self:
        """The answer for a database row, read from its attributes of the same names."""
        return cls.model_validate(row)

    @classmethod
    def _with(cls, row: Any, **computed: Any) -> Self:
        """The answer for `row` with the `computed` fields, the rest read from its attributes."""
        return cls.model_validate(
            {name: getattr(row, name) for name in cls.model_fields if name not in computed}
            | computed
        )


class Error(Closed):
    """Every error's body."""

    error: str = Field(
        description="Stable code: invalid, not_found, forbidden, conflict, gone, "
        "unauthorized, csrf, bad_request, unsupported_media_type, …"
    )
    message: str = Field(description="Readable, in the user's language")
    field: str | None = Field(None, description="The body field it concerns")
    errors: dict[str, str] | None = Field(
        None, description="Every field's message, when several are wrong"
    )


class Organisation(Answer):
    """An organisation as participants choose it."""

    code: str
    kind: OrganisationKind
    name: str = Field(validation_alias="name_fi")
    name_sv: str | None
    brand: str | None


class Series(Answer):
    """A series with its memo texts."""

    id: Id
    slug: str
    title: str
    memo_title: str
    organiser: str
    description: str
    contacts: str
    funding_footer: str
    memo_title_sv: str
    description_sv: str
    contacts_sv: str
    funding_footer_sv: str
    is_public: bool
    created_at: Moment


class RegistrationWindow(Closed):
    """Open between opening and the deadline or a manual close."""

    state: RegistrationState
    opened_at: Moment | None
    closed_at: Moment | None
    deadline: Moment | None


class WorkshopSummary(Answer):
    """A workshop as its participant sees it."""

    id: Id
    series_id: Id
    title: str
    description: str
    day: Day
    starts_at: Clock
    ends_at: Clock
    format: str
    plan: str | None
    registration: RegistrationWindow

    @classmethod
    def of(cls, row: models.Workshop, **computed: Any) -> Self:
        """The workshop with where its registration stands now."""
        window = RegistrationWindow(
            state=registration_state(row),
            opened_at=row.registration_opened_at,
            closed_at=row.registration_closed_at,
            deadline=row.registration_deadline,
        )
        return cls._with(row, registration=window, **computed)


class Workshop(WorkshopSummary):
    """A workshop as its coordinator sees it, with the invitation participants get."""

    invitation_token: str
    invitation_url: Url = Field(description="The registration form participants get")
    created_at: Moment

    @classmethod
    def of(cls, row: models.Workshop, **computed: Any) -> Self:
        """The workshop with its registration form's address."""
        url = url_for("registration.register_form", invitation_token=row.invitation_token,
                      _external=True)
        return super().of(row, invitation_url=url, **computed)


class Wish(Answer):
    """A wish."""

    id: Id
    registration_id: Id
    theme_id: Id | None
    text: str
    created_at: Moment


class WishWithOrganisation(Wish):
    """A wish with the organisation that sent it, as coordinators see it."""

    organisation: Organisation

    @classmethod
    def of(cls, row: models.Wish) -> Self:
        """The wish and its registration's organisation."""
        return cls._with(row, organisation=row.registration.organisation)


class Registration(Answer):
    """A registration with its organisation and wishes; never its link's hash."""

    id: Id
    workshop_id: Id
    name: str = Field(description="Empty once its personal data is removed")
    email: str | None = Field(json_schema_extra={"format": "email"},
                              description="None once its personal data is removed")
    organisation: Organisation
    is_note_taker: bool
    wishes: list[Wish]
    created_at: Moment
    updated_at: Moment
    purged_at: Moment | None = Field(
        description="When its personal data was removed (retention or erasure); the row "
        "stays, anonymous, for counts and attendance")


class Me(Registration):
    """The caller's own registration."""

    workshop: WorkshopSummary

    @classmethod
    def of(cls, row: models.Registration) -> Self:
        """The registration with its workshop as the participant sees it."""
        return cls._with(row, workshop=WorkshopSummary.of(row.workshop))


class ExportedWorkshop(Closed):
    """The workshop a registration is for, in a participant's data export."""

    id: Id
    series: str
    title: str
    day: Day
    starts_at: Clock
    ends_at: Clock


class ExportedRegistration(Closed):
    """The registration itself, in a participant's data export."""

    id: Id
    workshop: ExportedWorkshop
    name: str
    email: str | None
    organisation: str
    language: str
    is_note_taker: bool
    created_at: Moment
    updated_at: Moment
    attended_at: Moment | None = Field(description="When they first joined the room")
    purged_at: Moment | None


class ExportedLink(Closed):
    """A private link (only its hash is stored)."""

    created_at: Moment


class ExportedWish(Closed):
    """A wish, with the theme it was grouped into."""

    id: Id
    text: str
    theme: str | None
    created_at: Moment


class ExportedContribution(Closed):
    """A contribution in the room."""

    id: Id
    theme: str
    text: str
    level: str | None
    is_hidden: bool
    created_at: Moment
    updated_at: Moment


class ExportedAnswer(Closed):
    """An answer to a statement (1–5) or a poll (the option's index and text)."""

    prompt: str
    kind: PromptKind
    value: int
    option: str | None
    updated_at: Moment


class ExportedVote(Closed):
    """An upvote of a contribution."""

    contribution_id: Id
    created_at: Moment


class ExportedNoteEdit(Closed):
    """An edit of a theme's notes, as note-taker."""

    theme: str
    version: Count
    created_at: Moment


class ExportedMail(Closed):
    """A message queued or sent to the participant (its text is removed once sent)."""

    kind: str
    to_address: str
    subject: str
    created_at: Moment
    sent_at: Moment | None


class PersonalData(Closed):
    """Everything stored about the caller (facilitate/retention/operations.personal_data)."""

    exported_at: Moment
    registration: ExportedRegistration
    links: list[ExportedLink]
    wishes: list[ExportedWish]
    contributions: list[ExportedContribution]
    answers: list[ExportedAnswer]
    votes: list[ExportedVote]
    note_edits: list[ExportedNoteEdit]
    mails: list[ExportedMail]


class RegistrationCreated(Closed):
    """A sign-up's answer: the registration and the private link."""

    registration: Registration
    token: str = Field(
        description="The private link's token: send it as Authorization: Bearer. A later "
        "registration with the same address replaces it."
    )
    page_url: Url = Field(description="The participant's own page")


class MailSent(Closed):
    """A message was mailed to the address given; nothing else is told."""

    message: str = Field(description="Readable, in the user's language")


class ReferenceFigures(Closed):
    """Results from elsewhere shown beside the room's."""

    source: str
    responses: int
    note: str
    percents: list[int] = Field(
        description="A poll's whole per cents per option; a statement's one, those agreeing")


class Prompt(Answer):
    """A prompt under a theme."""

    id: Id
    theme_id: Id
    kind: PromptKind = Field(description=f"level: answers tagged {', '.join(ANSWER_LEVELS)}")
    text: str
    options: list[str]
    position: Position
    question_key: str | None = Field(description="The series-wide key it is tracked by")
    reference: ReferenceFigures | None = Field(description="Results from elsewhere, if any")

    @classmethod
    def of(cls, row: models.Prompt) -> Self:
        """The prompt; a kind without options has an empty list."""
        reference = reference_of(row)
        return cls._with(row, options=row.options or [],
                         reference=reference.as_dict() if reference else None)


class Theme(Answer):
    """An agenda item with the wishes it was grouped from and its prompts."""

    id: Id
    workshop_id: Id
    title: str
    memo_phrase: str
    description: str
    position: Position
    wish_ids: list[Id] = Field(description="The wishes it was grouped from")
    prompts: list[Prompt]
    created_at: Moment

    @classmethod
    def of(cls, row: models.Theme) -> Self:
        """The theme, its wishes' ids in order and its prompts in their order."""
        return cls._with(
            row,
            wish_ids=sorted(wish.id for wish in row.wishes),
            prompts=[Prompt.of(p) for p in sorted(row.prompts, key=lambda p: p.position)],
        )


class BreakdownRow(Closed):
    """One published row of a breakdown: an organisation, or the organisations counted
    together as "Muut"."""

    label: str = Field(description="The organisation's short name, else its name; the "
                       "merged row's label in the caller's language")
    merged: bool = Field(description="The organisations under the threshold counted together "
                         "(and, when they alone are under it, the smallest one otherwise "
                         "shown); which they are is not told")
    counts: list[Count] = Field(description="Answers of each value: a statement's 1–5 in "
                                "order, a poll's options by index")
    respondents: Count = Field(description="The sum of counts: at least the threshold")

    @classmethod
    def of(cls, row: anonymity.Row) -> Self:
        """The row without the organisations it stands for."""
        return cls(label=row.label, merged=row.merged, counts=list(row.counts),
                   respondents=row.respondents)


class Breakdown(Closed):
    """A statement's or poll's answers by the respondents' organisation, as the anonymity
    rule lets them be published (README: ANONYMITY_THRESHOLD; docs/memo.md)."""

    prompt_id: Id
    kind: PromptKind = Field(description="statement or poll")
    threshold: int = Field(ge=1, description="The fewest respondents a row may have")
    suppressed: bool = Field(description="Fewer than the threshold answered in all: no rows "
                             "and no total")
    rows: list[BreakdownRow]
    total: list[Count] | None = Field(description="The rows' counts summed; null when "
                                      "suppressed")

    @classmethod
    def of(cls, prompt: models.Prompt, breakdown: anonymity.Breakdown) -> Self:
        """The prompt's published breakdown."""
        if breakdown.threshold is None:
            raise ValueError("only a breakdown under the anonymity rule is answered")
        return cls(prompt_id=prompt.id, kind=prompt.kind, threshold=breakdown.threshold,
                   suppressed=breakdown.suppressed,
                   rows=[BreakdownRow.of(row) for row in breakdown.rows],
                   total=None if breakdown.total is None else list(breakdown.total))


class ActionReview(Closed):
    """What one later workshop of the series said of an action."""

    workshop_id: Id
    day: Day = Field(description="The reviewing workshop's day")
    status: ActionStatus


class Action(Answer):
    """An agreed action (toimenpide) with what the series' later workshops said of it."""

    id: Id
    workshop_id: Id = Field(description="The workshop that agreed it")
    agreed_on: Day = Field(description="That workshop's day")
    theme_id: Id | None = Field(description="The theme under discussion when it was agreed")
    text: str
    owner: str = Field(description="Organisations, or a person at THL")
    due: Day
    status: ActionStatus = Field(description="As the latest review left it; open until one")
    reviews: list[ActionReview] = Field(description="Oldest workshop first")
    created_at: Moment

    @classmethod
    def of(cls, row: models.Action, days: dict[int, date]) -> Self:  # type: ignore[override]
        """The action with its reviews; `days` are the series' workshops' days by id."""
        reviews = sorted((ActionReview(workshop_id=r.workshop_id, day=days[r.workshop_id],
                                       status=r.status) for r in row.reviews),
                         key=lambda r: r.day)
        return cls._with(row, agreed_on=days[row.workshop_id], reviews=reviews)


class ActionList(Closed):
    """A series' actions by the day agreed."""

    actions: list[Action]


class TrackedResult(Closed):
    """A tracked question's answers in one workshop."""

    workshop_id: Id
    day: Day
    counts: list[Count] = Field(description="A statement's 1–5 in order, a poll's options")
    total: Count
    percents: list[Count] = Field(description="Each count's share in whole per cent")


class TrackedQuestion(Closed):
    """A statement or poll asked in several workshops of the series under one key."""

    key: str
    text: str = Field(description="As last worded")
    kind: PromptKind
    options: list[str]
    results: list[TrackedResult] = Field(description="Oldest workshop first")


class TrackedQuestionList(Closed):
    """A series' tracked questions."""

    questions: list[TrackedQuestion]


class SummaryWorkshop(Closed):
    """A workshop of the series summary, as its published memo said it."""

    workshop_id: Id
    day: Day
    title: str
    memo_url: Url = Field(description="The published memo (PDF when there is one)")
    key_sentences: list[str] = Field(description="The opening sentences of its theme "
                                     "paragraphs (Markdown, the theme in bold)")
    actions: list[str] = Field(description="Its memo's lines of the actions it agreed")
    reviews: list[str] = Field(description="Its memo's lines on earlier actions")


class SummaryQuestion(Closed):
    """A tracked question in the summary: one line per workshop with a published memo."""

    text: str
    lines: list[str]


class Summary(Closed):
    """The series summary: what its published Finnish memos said (docs/memo.md)."""

    heading: str
    description: str
    span: str = Field(description="How many workshops, when, and how many organisations")
    workshops: list[SummaryWorkshop]
    tracked: list[SummaryQuestion]
    markdown: str = Field(description="The whole summary as the downloads are made from it")
    files: dict[str, Url] = Field(description="The summary's downloads by format")


class CsrfToken(Closed):
    """The token a logged-in coordinator sends as X-CSRFToken on unsafe requests."""

    csrf_token: str


class OrganisationList(Closed):
    """Organisations a participant can choose."""

    organisations: list[Organisation]


class SeriesList(Closed):
    """Every series."""

    series: list[Series]


class WorkshopList(Closed):
    """A series' workshops."""

    workshops: list[Workshop]


class RegistrationList(Closed):
    """A workshop's registrations."""

    registrations: list[Registration]


class WishList(Closed):
    """A workshop's wishes."""

    wishes: list[WishWithOrganisation]


class ThemeList(Closed):
    """The agenda in order."""

    themes: list[Theme]


class PromptList(Closed):
    """A theme's prompts in order."""

    prompts: list[Prompt]


class OpenApiDocument(RootModel[dict[str, Any]]):
    """An OpenAPI 3.1 document."""
