"""Typed SQLAlchemy 2 models: series, workshops, registrations, wishes, the agenda, accounts."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
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


#: The levels a LEVEL prompt's answers are tagged with, in display order.
ANSWER_LEVELS = ("kunta", "hyvinvointialue", "valtakunnallinen")


def _enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    # Store the readable values ("county"), as a plain string column on every database.
    return Enum(enum_class, name=name, native_enum=False, length=16,
                values_callable=lambda members: [m.value for m in members])


class Coordinator(Base):
    """A THL staff member who logs in to prepare and run workshops."""

    __tablename__ = "coordinator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_CHARS), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class LoginAttempt(Base):
    """A failed coordinator login; recent ones slow down password guessing."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the address tried, lower-cased (whether or not an account has it)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_CHARS), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)


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
    #: organisations typed in by participants, not yet reviewed by a coordinator
    is_listed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    @property
    def display_name(self) -> str:
        return f"{self.name_fi} ({self.brand})" if self.brand else self.name_fi


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
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="series", order_by="Workshop.day", cascade="all, delete-orphan"
    )


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
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    #: lower-cased; one registration per address and workshop
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_CHARS))
    #: SHA-256 of the private link's token; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_note_taker: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    workshop: Mapped[Workshop] = relationship(back_populates="registrations")
    organisation: Mapped[Organisation] = relationship()
    wishes: Mapped[list[Wish]] = relationship(
        back_populates="registration", order_by="Wish.id", cascade="all, delete-orphan"
    )


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    registration: Mapped[Registration] = relationship(back_populates="wishes")
    theme: Mapped[Theme | None] = relationship(back_populates="wishes")


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    workshop: Mapped[Workshop] = relationship(back_populates="themes")
    prompts: Mapped[list[Prompt]] = relationship(
        back_populates="theme", order_by="Prompt.position", cascade="all, delete-orphan"
    )
    wishes: Mapped[list[Wish]] = relationship(back_populates="theme", order_by="Wish.id")


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
    slides_filename: Mapped[str | None] = mapped_column(String(255))
    slides_content_type: Mapped[str | None] = mapped_column(String(120))
    slides_size: Mapped[int | None] = mapped_column(Integer)
    #: file name under UPLOADS_DIR (random, so uploads never collide or leak names)
    slides_stored_as: Mapped[str | None] = mapped_column(String(120))

    workshop: Mapped[Workshop] = relationship(back_populates="presentations")


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
