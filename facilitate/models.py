"""Typed SQLAlchemy 2 models: series, workshops, registrations, wishes, the agenda, the live
room (contributions, votes, answers, notes and their revisions), accounts, the accessibility
statement and its feedback, privacy notices."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime, time
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .timeutil import UTCDateTime, now_utc

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Limits shared by forms, the API and the operations that enforce them.
WISH_MAX_CHARS = 2000
WISHES_MAX_PER_REGISTRATION = 10
NAME_MAX_CHARS = 200
EMAIL_MAX_CHARS = 254
TITLE_MAX_CHARS = 300
FORMAT_MAX_CHARS = 120
TEXT_MAX_CHARS = 20000
POLL_OPTIONS_MAX = 12
#: A tracked question's key (Prompt.question_key): "oma-tyontekija"; lower-case letters,
#: digits and hyphens, so it reads the same in a plan file, a form and an address.
QUESTION_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{1,59}$"
QUESTION_KEY_MAX_CHARS = 60
#: Reference figures (Prompt.reference_*): results from elsewhere shown beside the room's,
#: e.g. "Kuntakysely 2021", 95 responses, "kattoi 190 kuntaa", 60 / 18 / 24 %.
REFERENCE_SOURCE_MAX_CHARS = 120
REFERENCE_NOTE_MAX_CHARS = 200
REFERENCE_RESPONSES_MAX = 10_000_000
#: A poll's reference shares may miss 100 % by this much: sources publish whole per cents
#: rounded each on its own, and seed 001's survey says 60 + 18 + 24 = 102 %.
REFERENCE_SUM_TOLERANCE = 2
CONTRIBUTION_MAX_CHARS = 2000
NOTE_MAX_BYTES = 100_000
#: A statement's answers, from 1 (fully disagree) to 5 (fully agree).
STATEMENT_SCALE = range(1, 6)
CLIENT_ID_MAX_CHARS = 64
#: A logo's alternative text: what the emblem says and who it names, in a sentence.
LOGO_ALT_MAX_CHARS = 300
#: An agreed action (Action): what is to be done, in a sentence or two, and who owns it
#: (organisations, or a person at THL).
ACTION_TEXT_MAX_CHARS = 500
ACTION_OWNER_MAX_CHARS = 200
#: Accessibility feedback (AccessibilityFeedback): the message, and which page it concerns.
FEEDBACK_MAX_CHARS = 4000
FEEDBACK_PAGE_MAX_CHARS = 300
#: The Act on the Provision of Digital Services (306/2019) gives 14 days to answer it.
FEEDBACK_ANSWER_DAYS = 14
#: The statement is to be reviewed at least once a year; older than this, coordinators are
#: warned.
STATEMENT_REVIEW_DAYS = 365
#: A known accessibility defect's description in one language.
DEFECT_MAX_CHARS = 2000
#: One section of a series' privacy notice (the controller, the purpose, the legal basis).
PRIVACY_TEXT_MAX_CHARS = 5000


class Base(DeclarativeBase):
    """Declarative base with the project's constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OrganisationKind(enum.StrEnum):
    """How an organisation is written in a memo's attendance sentence."""

    COUNTY = "county"  #: a wellbeing services county: listed in genitive + "hyvinvointialueilta"
    PROJECT = "project"  #: organiser's project staff: "YEE-hankkeen työntekijöitä"
    OTHER = "other"  #: city, agency, NGO, private provider: written by its memo phrase


class PromptKind(enum.StrEnum):
    """What participants answer under a theme."""

    OPEN = "open"  #: open question, free-text contributions
    STATEMENT = "statement"  #: väite on a five-step agree–disagree scale
    POLL = "poll"  #: one choice among options
    LEVEL = "level"  #: answers tagged kunta / hyvinvointialue / valtakunnallinen


class RoomStatus(enum.StrEnum):
    """Whether a workshop's live room takes part in the workshop right now."""

    SCHEDULED = "scheduled"  #: not opened yet: participants wait
    OPEN = "open"
    CLOSED = "closed"  #: read-only; everything is kept for the memo


class RoomPhase(enum.StrEnum):
    """Where the coordinator is on the agenda."""

    OPENING = "opening"  #: the talks (alustus), with slides
    THEME = "theme"  #: one theme at a time (Room.theme_id)
    CLOSING = "closing"


class ActionStatus(enum.StrEnum):
    """Where an agreed action stands, as a later workshop of the series reviewed it."""

    OPEN = "open"  #: agreed, not reviewed yet
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


#: The statuses a review can give; an action still open or in progress is followed up again.
REVIEW_STATUSES = (ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.DROPPED)
UNFINISHED_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


#: The levels a LEVEL prompt's answers are tagged with, in display order.
ANSWER_LEVELS = ("kunta", "hyvinvointialue", "valtakunnallinen")


def _enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    # Store the readable values ("county"), as a plain string column on every database.
    return Enum(enum_class, name=name, native_enum=False, length=16,
                values_callable=lambda members: [m.value for m in members])


class Coordinator(UserMixin, Base):
    """A THL staff member who logs in to prepare and run workshops."""

    __tablename__ = "coordinator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_CHARS), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class SignIn(Base):
    """One login of a coordinator, from one browser: what the session cookie points at, so
    that logging out (or expiry, or ending it from another browser) ends it on the server."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(
        ForeignKey("coordinator.id", ondelete="CASCADE"), index=True
    )
    #: random, kept in the signed session cookie
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: shown to the coordinator so that they recognise their own browsers
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    coordinator: Mapped[Coordinator] = relationship()


class AuditEntry(Base):
    """One coordinator action that changed what others see or what is published; written once,
    never changed (audit/operations.py refuses updates and deletes)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    #: who did it; the name is kept as it was, so the entry outlives the account
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL"), index=True)
    who: Mapped[str] = mapped_column(String(200))
    #: the workshop it concerned (None: the series, or gone since)
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop.id", ondelete="SET NULL"), index=True)
    #: one of audit.operations.ACTIONS
    action: Mapped[str] = mapped_column(String(40))
    #: what was acted on (titles, quotations, the fields changed), for the log's sentence
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    workshop: Mapped[Workshop | None] = relationship(lazy="joined")


class Organisation(Base):
    """A county, city, agency, project or private provider that participants come from."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable key: the county code from counties.csv, or a slug for other organisations
    code: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        _enum_column(OrganisationKind, "organisation_kind")
    )
    name_fi: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    name_sv: Mapped[str | None] = mapped_column(String(NAME_MAX_CHARS))
    #: the short name people use ("Varha", "Pohde"); empty when there is none
    brand: Mapped[str | None] = mapped_column(String(80))
    #: counties: the genitive a memo lists ("Varhan", "Kanta-Hämeen")
    memo_genitive: Mapped[str | None] = mapped_column(String(NAME_MAX_CHARS))
    #: projects and others: the phrase a memo uses ("yksityisen toimijan puolelta")
    memo_phrase: Mapped[str | None] = mapped_column(String(NAME_MAX_CHARS))
    #: the same in a Swedish memo, after "företrädare för" ("en privat aktör"); counties need
    #: none (their Swedish name says it), others without one are named by name_sv
    memo_phrase_sv: Mapped[str | None] = mapped_column(String(NAME_MAX_CHARS))
    #: organisations typed in by participants, not yet reviewed by a coordinator
    is_listed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    @property
    def display_name(self) -> str:
        return organisation_label(self.name_fi, self.brand)


def organisation_label(name_fi: str, brand: str | None) -> str:
    """An organisation as the room and lists show it: its name, with its brand if it has one."""
    return f"{name_fi} ({brand})" if brand else name_fi


class Series(Base):
    """A series of workshops (tilaisuussarja) with its organiser, contacts and footer."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS))
    #: the memo heading after "Muistio: " ("valtakunnallinen … vertaisreflektio")
    memo_title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS), default="")
    organiser: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS), default="")
    #: the series paragraph of every memo (Markdown)
    description: Mapped[str] = mapped_column(Text, default="")
    #: contact people, one per line (Markdown)
    contacts: Mapped[str] = mapped_column(Text, default="")
    #: funding footer ("Kestävää kasvua ja työtä -ohjelma")
    funding_footer: Mapped[str] = mapped_column(Text, default="")
    #: the same four texts for the Swedish memo, written by the coordinator (never machine
    #: translated); an empty one leaves a gap to fill in the Swedish draft
    memo_title_sv: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS), default="",
                                               server_default="")
    description_sv: Mapped[str] = mapped_column(Text, default="", server_default="")
    contacts_sv: Mapped[str] = mapped_column(Text, default="", server_default="")
    funding_footer_sv: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="series", order_by="Workshop.day", cascade="all, delete-orphan"
    )
    logos: Mapped[list[SeriesLogo]] = relationship(
        back_populates="series", order_by="SeriesLogo.position", cascade="all, delete-orphan"
    )


class SeriesLogo(Base):
    """A funder's logo (the ESF emblem, say) at the foot of every memo of the series."""

    __tablename__ = "series_logo"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: the alternative text of a Finnish memo; required
    alt_fi: Mapped[str] = mapped_column(String(LOGO_ALT_MAX_CHARS))
    #: the same for a Swedish memo; empty until someone writes it, and a Swedish memo is not
    #: published without it
    alt_sv: Mapped[str] = mapped_column(String(LOGO_ALT_MAX_CHARS), default="")
    #: file name under UPLOADS_DIR (random, as slides are stored)
    stored_as: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    #: in pixels, as the file says: the exports size the logo by them
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    series: Mapped[Series] = relationship(back_populates="logos")


class Workshop(Base):
    """One dated session of a series (tilaisuus); never called `session` in code."""

    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS))
    description: Mapped[str] = mapped_column(Text, default="")
    #: the wall-clock date and times are Finnish local time
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    #: how it is held, as the memo's time line says it ("Teams-keskustelu")
    format: Mapped[str] = mapped_column(String(FORMAT_MAX_CHARS), default="")
    #: the session plan (sessions/<plan>.toml) it was started from, if any
    plan: Mapped[str | None] = mapped_column(String(120))
    #: the secret part of the invitation link that reaches the registration form
    invitation_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: the short code people type or scan on the day (/j/<code>); see facilitate/joining
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    #: whether someone who did not register may join by the code, giving name and address
    walk_ins_allowed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=false())
    registration_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    series: Mapped[Series] = relationship(back_populates="workshops")
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="workshop", order_by="Registration.id", cascade="all, delete-orphan"
    )
    themes: Mapped[list[Theme]] = relationship(
        back_populates="workshop", order_by="Theme.position", cascade="all, delete-orphan"
    )
    presentations: Mapped[list[Presentation]] = relationship(
        back_populates="workshop", order_by="Presentation.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="workshop", order_by="Attachment.position", cascade="all, delete-orphan"
    )


class Registration(Base):
    """A participant's sign-up to one workshop; the participant needs no account."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("workshop_id", "email", name="uq_registration_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: empty once purged (purged_at)
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    #: lower-cased; one registration per address and workshop; None once purged, since NULLs
    #: never clash in uq_registration_email and no made-up address can be someone's real one
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_CHARS))
    #: the language the participant registered in: every mail to them is written in it
    language: Mapped[str] = mapped_column(String(5), default="fi", server_default="fi")
    is_note_taker: Mapped[bool] = mapped_column(Boolean, default=False)
    #: first joined the live room (or marked present by a coordinator): the memo's attendance
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    #: when its personal data was removed (facilitate/retention): by the retention purge, or
    #: on the participant's request; the row stays as an anonymous one (organisation,
    #: attendance) so that counts and the memo's attendance sentence stay as they were
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workshop: Mapped[Workshop] = relationship(back_populates="registrations")
    organisation: Mapped[Organisation] = relationship()
    wishes: Mapped[list[Wish]] = relationship(
        back_populates="registration", order_by="Wish.id", cascade="all, delete-orphan"
    )
    links: Mapped[list[RegistrationLink]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )


class RegistrationLink(Base):
    """One private link to a registration. Each link sent by mail is a new one, and the earlier
    ones keep working: asking for one's link (or registering the same address again) never
    turns off a link the participant already holds."""

    __tablename__ = "registration_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the link's token; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    registration: Mapped[Registration] = relationship(back_populates="links")


class MailKind(enum.StrEnum):
    """Why a participant is mailed."""

    CONFIRMATION = "confirmation"  # registered: private link and calendar event
    LINK = "link"  # asked for their link again (or registered the same address again)
    REMINDER = "reminder"  # the day before, with the room link
    MEMO = "memo"  # the memo of a workshop they attended is published
    ACCESSIBILITY = "accessibility"  # to the service's keepers: accessibility feedback came in


class OutgoingMail(Base):
    """A message to a participant (or, for accessibility feedback, to the service's keepers),
    kept until the mail server takes it and retried while it does not. Its body carries a
    private link or what someone wrote, so it is emptied once sent."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: a message about the whole service (accessibility feedback), not one workshop
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MailKind] = mapped_column(_enum_column(MailKind, "mail_kind"))
    to_address: Mapped[str] = mapped_column(String(EMAIL_MAX_CHARS))
    subject: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS))
    text_body: Mapped[str] = mapped_column(Text, default="")
    html_body: Mapped[str] = mapped_column(Text, default="")
    #: a calendar event (.ics) sent along, if any
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment: Mapped[str | None] = mapped_column(Text)
    #: what makes a message once-only ("reminder:<registration id>"): a second is never queued
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: when the next try is due; None once sent or given up
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: a sender is trying it until then, so two senders never send it twice
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration | None] = relationship()


class Wish(Base):
    """A topic a participant submits before the workshop (ennakkotoive)."""

    __tablename__ = "wish"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    #: the theme the coordinator grouped it into; themes remember their wishes through this
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    #: a theme of a later workshop it was carried to, when it was not discussed in its own
    carried_to_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    registration: Mapped[Registration] = relationship(back_populates="wishes")
    theme: Mapped[Theme | None] = relationship(back_populates="wishes",
                                               foreign_keys=[theme_id])


class Theme(Base):
    """An agenda item of a workshop, possibly grouped from wishes."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS))
    #: the words the memo sets in bold ("palveluiden organisoimisesta")
    memo_phrase: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: 0-based agenda order
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: the coordinator closed it for contributions, votes and answers (notes stay editable)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: when the coordinator first brought it up in the open room; the memo's draft counts a
    #: theme as discussed only if it was opened or has notes or comments
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the agenda item that follows up the actions agreed earlier in the series (added by
    #: facilitate.actions when there are some); the memo lists its reviews, not a discussion
    reviews_actions: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    workshop: Mapped[Workshop] = relationship(back_populates="themes")
    prompts: Mapped[list[Prompt]] = relationship(
        back_populates="theme", order_by="Prompt.position", cascade="all, delete-orphan"
    )
    wishes: Mapped[list[Wish]] = relationship(back_populates="theme", order_by="Wish.id",
                                              foreign_keys="Wish.theme_id")


class Prompt(Base):
    """A question, statement, poll or level-tagged question under a theme."""

    __tablename__ = "prompt"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PromptKind] = mapped_column(
        _enum_column(PromptKind, "prompt_kind")
    )
    text: Mapped[str] = mapped_column(Text)
    #: poll options in order; empty for other kinds
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: statements and polls: participants see the distribution only once this is set
    is_revealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: the same question asked again across a series (QUESTION_KEY_PATTERN): its earlier
    #: results are shown beside today's
    question_key: Mapped[str | None] = mapped_column(String(QUESTION_KEY_MAX_CHARS), index=True)
    #: reference figures from elsewhere (a national survey), shown beside today's results:
    #: where they come from, how many answered and what else to say of their size
    reference_source: Mapped[str | None] = mapped_column(String(REFERENCE_SOURCE_MAX_CHARS))
    reference_responses: Mapped[int | None] = mapped_column(Integer)
    reference_note: Mapped[str | None] = mapped_column(String(REFERENCE_NOTE_MAX_CHARS))
    #: whole per cents: a poll's one per option in order, a statement's one (those agreeing,
    #: STATEMENT_SCALE's top two); None when the prompt has no reference
    reference_percents: Mapped[list[int] | None] = mapped_column(JSON)

    theme: Mapped[Theme] = relationship(back_populates="prompts")


class Presentation(Base):
    """A talk that opens the workshop (alustus), optionally with slides to download."""

    __tablename__ = "presentation"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS))
    #: name and role as the memo writes it ("YEE-hankkeen projektipäällikkö")
    presenter: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: when the coordinator recorded it as given; a talk copied from the plan but never
    #: recorded stays out of the memo's opening
    given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slides_filename: Mapped[str | None] = mapped_column(String(255))
    slides_content_type: Mapped[str | None] = mapped_column(String(120))
    slides_size: Mapped[int | None] = mapped_column(Integer)
    #: file name under UPLOADS_DIR (random, so uploads never collide or leak names)
    slides_stored_as: Mapped[str | None] = mapped_column(String(120))

    workshop: Mapped[Workshop] = relationship(back_populates="presentations")


class Action(Base):
    """An action agreed in a workshop (toimenpide): what, who owns it, by when; the series'
    next workshops review it until it is done or dropped."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the workshop that agreed it
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    #: the theme under discussion when it was agreed
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(ACTION_TEXT_MAX_CHARS))
    #: organisations or a person at THL, as the memo writes it ("Pirkanmaa ja Kanta-Häme")
    owner: Mapped[str] = mapped_column(String(ACTION_OWNER_MAX_CHARS))
    due: Mapped[date] = mapped_column(Date)
    #: as the latest review left it (ActionReview); OPEN until one
    status: Mapped[ActionStatus] = mapped_column(
        _enum_column(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    workshop: Mapped[Workshop] = relationship()
    reviews: Mapped[list[ActionReview]] = relationship(
        back_populates="action", order_by="ActionReview.reviewed_at",
        cascade="all, delete-orphan"
    )


class ActionReview(Base):
    """What a later workshop of the series said of an action: its memo reports it."""

    __tablename__ = "action_review"
    __table_args__ = (UniqueConstraint("action_id", "workshop_id",
                                       name="uq_action_review_workshop"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"),
                                           index=True)
    #: the workshop whose room reviewed it
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ActionStatus] = mapped_column(_enum_column(ActionStatus, "action_status"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    action: Mapped[Action] = relationship(back_populates="reviews")


class Attachment(Base):
    """An appendix of the memo ("Liite 1 …"): Markdown text, optionally a file."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS))
    body: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None] = mapped_column(Integer)
    stored_as: Mapped[str | None] = mapped_column(String(120))

    workshop: Mapped[Workshop] = relationship(back_populates="attachments")


class Room(Base):
    """The live state of a workshop's room: open or not, phase, current theme, timer."""

    __tablename__ = "room"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[RoomStatus] = mapped_column(
        _enum_column(RoomStatus, "room_status"), default=RoomStatus.SCHEDULED
    )
    phase: Mapped[RoomPhase] = mapped_column(
        _enum_column(RoomPhase, "room_phase"), default=RoomPhase.OPENING
    )
    #: the current theme while phase is THEME
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    #: the countdown ends at this moment; clients count down against the server's clock
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_seconds: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: bumped in the same transaction as every change a snapshot shows (room/versions.py), so
    #: a process's cached snapshot is used only while no process has changed the room since;
    #: it starts at random so that a room of a deleted workshop whose id comes back (SQLite
    #: reuses the highest id) does not match the old room's cached version
    version: Mapped[int] = mapped_column(Integer, default=lambda: secrets.randbelow(2**30),
                                         server_default="0")

    workshop: Mapped[Workshop] = relationship()


class Contribution(Base):
    """What a participant posts under a theme; anonymous to other participants."""

    __tablename__ = "contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompt.id", ondelete="SET NULL"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    #: for LEVEL prompts: one of ANSWER_LEVELS
    level: Mapped[str | None] = mapped_column(String(20))
    #: hidden by the coordinator: kept, but shown to nobody but coordinators and the author
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    registration: Mapped[Registration] = relationship()


class Vote(Base):
    """A participant's upvote of someone else's contribution."""

    __tablename__ = "vote"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class Answer(Base):
    """A participant's answer to a statement (1–5) or a poll (option index); one per prompt."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("prompt_id", "registration_id", name="uq_answer_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class Note(Base):
    """The live notes under a theme (Markdown); `version` counts the edits applied."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    revisions: Mapped[list[NoteRevision]] = relationship(
        order_by="NoteRevision.version", cascade="all, delete-orphan", passive_deletes=True
    )


class NoteRevision(Base):
    """One applied edit of a note: what a stale edit is transformed against (textops)."""

    __tablename__ = "note_revision"
    __table_args__ = (UniqueConstraint("note_id", "version", name="uq_note_revision_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"))
    #: the note's version after this edit
    version: Mapped[int] = mapped_column(Integer)
    #: the edit as applied (after transformation), see facilitate.room.textops
    ops: Mapped[list[int | str]] = mapped_column(JSON)
    change_id: Mapped[str | None] = mapped_column(String(CLIENT_ID_MAX_CHARS))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class AppliedChange(Base):
    """A client change id already applied, with its result: resends are answered, not redone."""

    __tablename__ = "applied_change"

    #: "r<registration id>" or "c<coordinator id>": ids are unique per user, not globally
    actor: Mapped[str] = mapped_column(String(24), primary_key=True)
    change_id: Mapped[str] = mapped_column(String(CLIENT_ID_MAX_CHARS), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    result: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class Presence(Base):
    """One open connection to a room; rows not refreshed lately belong to a dead process."""

    __tablename__ = "presence"
    __table_args__ = (
        CheckConstraint("(registration_id IS NULL) <> (coordinator_id IS NULL)",
                        name="one_person"),
    )

    #: the Socket.IO session id
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE")
    )
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinator.id", ondelete="CASCADE")
    )
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


MEMO_MAX_CHARS = 500_000
#: The formats every published memo version is exported to, in the order pages list them.
MEMO_FORMATS = ("pdf", "docx", "md", "html")
#: The languages a memo is written in: Finnish first, and a Swedish version beside it (the
#: Language Act 423/2003 binds the state and the wellbeing services counties to both).
MEMO_LANGUAGES = ("fi", "sv")


class MemoVersion(Base):
    """One saved version of a workshop's memo (Markdown); never changed once saved. The newest
    is the draft unless it is published; a correction is a newer version, published again."""

    __tablename__ = "memo_version"
    __table_args__ = (UniqueConstraint("workshop_id", "language", "number",
                                       name="uq_memo_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    #: one of MEMO_LANGUAGES; each language has its own versions
    language: Mapped[str] = mapped_column(String(8), default="fi", server_default="fi")
    #: 1, 2, 3 … per workshop and language
    number: Mapped[int] = mapped_column(Integer)
    markdown: Mapped[str] = mapped_column(Text)
    #: where each marked paragraph came from: {anchor: {kind: [ids]}}, the anchors being the
    #: `<!-- lähde: … -->` markers in `markdown` (facilitate/memo/sources.py, docs/memo.md)
    sources: Mapped[dict[str, dict[str, list[int]]]] = mapped_column(
        JSON, default=dict, server_default="{}")
    #: published with the appendix of the wishes received (anonymous, by organisation)
    wishes_appendix: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())
    #: what the coordinator said of this version ("korjattu päivämäärä"); may be empty
    comment: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS), default="")
    #: None when compiled by the system (the first draft when the room closed)
    saved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL")
    )
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workshop: Mapped[Workshop] = relationship()
    saved_by: Mapped[Coordinator | None] = relationship(foreign_keys=[saved_by_id])
    published_by: Mapped[Coordinator | None] = relationship(foreign_keys=[published_by_id])
    files: Mapped[list[MemoFile]] = relationship(
        back_populates="version", order_by="MemoFile.id", cascade="all, delete-orphan"
    )


class MemoFile(Base):
    """A published version exported to one format, stored under EXPORTS_DIR."""

    __tablename__ = "memo_file"
    __table_args__ = (UniqueConstraint("version_id", "format", name="uq_memo_file_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("memo_version.id", ondelete="CASCADE"), index=True
    )
    #: one of MEMO_FORMATS
    format: Mapped[str] = mapped_column(String(8))
    #: path under EXPORTS_DIR: <series slug>/<series slug>-<yyyy-mm-dd>-v<n>.<format>
    path: Mapped[str] = mapped_column(String(400))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    version: Mapped[MemoVersion] = relationship(back_populates="files")


class Compliance(enum.StrEnum):
    """How far the service meets the accessibility requirements (WCAG 2.1 A and AA)."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class AssessmentMethod(enum.StrEnum):
    """Who assessed the service's accessibility."""

    SELF = "self"  #: the service's own people (itsearviointi)
    EXTERNAL = "external"  #: a third party


class DefectReason(enum.StrEnum):
    """Why content is not accessible, in the Act's terms (306/2019)."""

    NONCOMPLIANCE = "noncompliance"  #: a defect not fixed yet
    BURDEN = "burden"  #: fixing it would be a disproportionate burden (kohtuuton rasite)
    OUT_OF_SCOPE = "out_of_scope"  #: content the requirements do not cover


class AccessibilityStatement(Base):
    """The service's accessibility statement (saavutettavuusseloste), as the coordinators keep
    it: one row, whose texts the statement page fills in around the Act's fixed parts."""

    __tablename__ = "accessibility_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    compliance: Mapped[Compliance] = mapped_column(_enum_column(Compliance, "compliance"))
    #: when the accessibility was last assessed, and by whom
    assessed_on: Mapped[date] = mapped_column(Date)
    assessment_method: Mapped[AssessmentMethod] = mapped_column(
        _enum_column(AssessmentMethod, "assessment_method"))
    assessor: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS), default="")
    #: where accessibility feedback is answered from (and mailed to, unless
    #: ACCESSIBILITY_FEEDBACK_TO names another address)
    contact_email: Mapped[str] = mapped_column(String(EMAIL_MAX_CHARS))
    #: the day of the latest automated check (axe, in the browser tests) of the version in
    #: use, as a coordinator confirms it: the running app cannot know it by itself
    automated_check_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: saved by a coordinator, who thereby confirms it is up to date; a year later they are
    #: warned (STATEMENT_REVIEW_DAYS)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL"))


class AccessibilityDefect(Base):
    """Content of the service known not to be accessible, with the Act's reason; described in
    Finnish, and in Swedish and English where someone has written it."""

    __tablename__ = "accessibility_defect"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[DefectReason] = mapped_column(_enum_column(DefectReason, "defect_reason"))
    description_fi: Mapped[str] = mapped_column(Text)
    #: empty: the Swedish and English statements show the Finnish text
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class AccessibilityFeedback(Base):
    """A message sent through the accessibility feedback form; to be answered within
    FEEDBACK_ANSWER_DAYS. Shown to coordinators as text, never as markup."""

    __tablename__ = "accessibility_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(Text)
    #: where the sender wants the answer; None: they gave no address
    reply_to: Mapped[str | None] = mapped_column(String(EMAIL_MAX_CHARS))
    #: the page or function it concerns, as the sender named it
    page: Mapped[str] = mapped_column(String(FEEDBACK_PAGE_MAX_CHARS), default="")
    #: the language the form was used in: the answer is written in it
    language: Mapped[str] = mapped_column(String(5), default="fi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL"))

    answered_by: Mapped[Coordinator | None] = relationship()


class PrivacyNotice(Base):
    """A series' own wording of the privacy notice's editable sections in one language; an
    empty section (or no row) reads as the default text."""

    __tablename__ = "privacy_notice"
    __table_args__ = (UniqueConstraint("series_id", "language",
                                       name="uq_privacy_notice_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"),
                                           index=True)
    #: one of the interface's languages (fi, sv, en)
    language: Mapped[str] = mapped_column(String(5))
    #: who is the controller and how to reach them (Markdown)
    controller: Mapped[str] = mapped_column(Text, default="")
    #: why the data is processed (Markdown)
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: on what legal basis (Markdown)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL"))
