"""Session plans (ohjelmapohjat): sessions/*.toml loaded and validated into typed objects."""

from __future__ import annotations

import datetime
import difflib
import pathlib
import re
import tomllib
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from .models import (
    FORMAT_MAX_CHARS,
    POLL_OPTIONS_MAX,
    QUESTION_KEY_PATTERN,
    REFERENCE_NOTE_MAX_CHARS,
    REFERENCE_RESPONSES_MAX,
    REFERENCE_SOURCE_MAX_CHARS,
    REFERENCE_SUM_TOLERANCE,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    PromptKind,
)
from .reference.operations import Reference, percents_problem

# The plan's name ends up in URLs, in Workshop.plan (String(120)) and in a file path, so it
# is kept to characters that can never climb out of the plans folder.
#: A plan's name: its file name without .toml, also what the API's `plan` field takes.
SLUG_PATTERN = "[a-z0-9-]+"
SLUG_MAX_CHARS = 120
_SLUG = re.compile(SLUG_PATTERN)
_TIME = re.compile(r"(\d\d):(\d\d)")
_TIME_WANTED = 'expected a time "HH:MM", e.g. "14:00"'

# A misspelt optional key would otherwise vanish silently and the plan would run without,
# say, its memo phrase; strings are stripped before their lengths are checked.
_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _problem(message: str, at: str | None = None) -> PydanticCustomError:
    """An error in a plan's words; `at` names the field inside the table being checked."""
    return PydanticCustomError("plan", "{message}", {"message": message, "at": at})


def _single_line(text: str) -> str:
    # Titles, phrases and options are set inside one line of a memo or a button.
    if "\n" in text or "\r" in text:
        raise _problem("must be a single line")
    return text


def _kind(value: object) -> object:
    if not isinstance(value, str):
        raise _problem(f"expected a string, got {_toml_type(value)}")
    if value.strip() not in {kind.value for kind in PromptKind}:
        expected = ", ".join(kind.value for kind in PromptKind)
        raise _problem(f"unknown kind {value.strip()!r}; expected one of {expected}")
    return value.strip()


def _time(value: object) -> datetime.time | None:
    if value is None:  # TOML has no null: this is a plan being built from a validated one
        return None
    if isinstance(value, datetime.time):
        # Workshops are scheduled to the minute; seconds here are most likely a typo.
        if value.second or value.microsecond or value.tzinfo is not None:
            raise _problem(f"{_TIME_WANTED}, got {value.isoformat()}")
        return value
    if not isinstance(value, str):
        raise _problem(f"{_TIME_WANTED}, got {_toml_type(value)}")
    match = _TIME.fullmatch(value.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise _problem(f"{_TIME_WANTED}, got {value!r}")
    return datetime.time(int(match[1]), int(match[2]))


_ONE_LINE = AfterValidator(_single_line)
Title = Annotated[str, StringConstraints(min_length=1, max_length=TITLE_MAX_CHARS), _ONE_LINE]
Line = Annotated[str, StringConstraints(max_length=TITLE_MAX_CHARS), _ONE_LINE]
Format = Annotated[str, StringConstraints(max_length=FORMAT_MAX_CHARS), _ONE_LINE]
LongText = Annotated[str, StringConstraints(max_length=TEXT_MAX_CHARS)]
PromptText = Annotated[str, StringConstraints(min_length=1, max_length=TEXT_MAX_CHARS)]
Time = Annotated[datetime.time | None, BeforeValidator(_time)]


@dataclass(frozen=True, kw_only=True, config=_CONFIG)
class PlanReference:
    """A statement's or poll's results from elsewhere (Prompt.reference_*)."""

    source: Annotated[str, StringConstraints(min_length=1,
                                             max_length=REFERENCE_SOURCE_MAX_CHARS), _ONE_LINE]
    responses: Annotated[int, Field(strict=True, ge=1, le=REFERENCE_RESPONSES_MAX)]
    note: Annotated[str, StringConstraints(max_length=REFERENCE_NOTE_MAX_CHARS), _ONE_LINE] = ""
    #: a poll's whole per cents per option, a statement's one (those agreeing)
    percents: tuple[Annotated[int, Field(strict=True)], ...]

    def figures(self) -> Reference:
        """The figures as a prompt keeps them."""
        return Reference(self.source, self.responses, self.note, self.percents)


#: What a plan's reference percents are told when they do not fit the prompt.
_REFERENCE_PROBLEMS = {
    "kind": "only statements and polls carry reference figures, this one is {kind}",
    "count": "expected {wanted}, got {given}",
    "range": "each share must be 0 to 100",
    "sum": f"a poll's shares must add up to 100 ± {REFERENCE_SUM_TOLERANCE} (rounding), "
           "these add up to {total}",
}


@dataclass(frozen=True, kw_only=True, config=_CONFIG)
class PlanPrompt:
    """A question, statement, poll or level-tagged question under a theme."""

    kind: Annotated[PromptKind, BeforeValidator(_kind)]
    text: PromptText
    options: tuple[Title, ...] = ()
    #: the same question in the series' other workshops (Prompt.question_key)
    key: Annotated[str, StringConstraints(pattern=QUESTION_KEY_PATTERN)] | None = None
    #: results from elsewhere shown beside today's, e.g. a national survey's
    reference: PlanReference | None = None

    @model_validator(mode="before")
    @classmethod
    def _poll_needs_options(cls, data: Any) -> Any:
        # Told apart here, before the default fills it in: a poll without the key at all
        # (unless another key is misspelt, maybe this one: that is the error to report).
        kind = data.get("kind") if isinstance(data, dict) else None
        if isinstance(kind, str) and kind.strip() == PromptKind.POLL.value \
                and "options" not in data and set(data) <= set(cls.__dataclass_fields__):
            raise _problem(f"missing; a poll needs 2 to {POLL_OPTIONS_MAX} options", "options")
        return data

    @model_validator(mode="after")
    def _reference_fits_the_scale(self) -> PlanPrompt:
        if self.reference is None:
            return self
        percents = self.reference.percents
        problem = percents_problem(self.kind, len(self.options), percents)
        if problem is not None:
            wanted = ("one share (those agreeing)" if self.kind is PromptKind.STATEMENT
                      else f"one share per option ({len(self.options)})")
            raise _problem(_REFERENCE_PROBLEMS[problem].format(
                kind=self.kind, wanted=wanted, given=len(percents), total=sum(percents)),
                "reference" if problem == "kind" else "reference.percents")
        return self

    @model_validator(mode="after")
    def _options_fit_the_kind(self) -> PlanPrompt:
        if self.key is not None and self.kind not in (PromptKind.STATEMENT, PromptKind.POLL):
            raise _problem(f"only statements and polls are tracked by a key, this one is "
                           f"{self.kind}", "key")
        if self.kind is not PromptKind.POLL:
            if self.options:
                raise _problem(f"only poll prompts have options, this one is {self.kind}",
                               "options")
            return self
        if not 2 <= len(self.options) <= POLL_OPTIONS_MAX:
            raise _problem(f"a poll needs 2 to {POLL_OPTIONS_MAX} options, "
                           f"got {len(self.options)}", "options")
        # Options that differ only by case would look like the same choice twice on screen.
        seen: set[str] = set()
        for i, option in enumerate(self.options):
            if option.casefold() in seen:
                raise _problem(f"duplicate option {option!r}", f"options[{i}]")
            seen.add(option.casefold())
        return self


@dataclass(frozen=True, kw_only=True, config=_CONFIG)
class PlanTheme:
    """An agenda item with the prompts participants answer under it."""

    title: Title
    memo_phrase: Line = ""
    description: LongText = ""
    prompts: Annotated[tuple[PlanPrompt, ...], Field(min_length=1)]


@dataclass(frozen=True, kw_only=True, config=_CONFIG)
class PlanPresentation:
    """A talk that opens the workshop (alustus)."""

    title: Title
    presenter: Line = ""


@dataclass(frozen=True, kw_only=True, config=_CONFIG)
class PlanFile:
    """What one sessions/<slug>.toml holds."""

    title: Title
    description: LongText = ""
    format: Format = ""
    starts_at: Time = None
    ends_at: Time = None
    source: Line = ""
    presentations: tuple[PlanPresentation, ...] = ()
    themes: Annotated[tuple[PlanTheme, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> PlanFile:
        if self.starts_at is not None and self.ends_at is not None \
                and self.ends_at <= self.starts_at:
            raise _problem(f"{_hhmm(self.ends_at)} is not after starts_at "
                           f"{_hhmm(self.starts_at)}", "ends_at")
        return self


@dataclass(frozen=True, kw_only=True, config=_CONFIG)
class SessionPlan(PlanFile):
    """A plan as the app uses it: the file's contents and its name."""

    slug: str


#: The tables of a plan by their path (without indexes), for naming their allowed keys.
_TABLES: dict[tuple[str, ...], type] = {
    (): PlanFile,
    ("presentations",): PlanPresentation,
    ("themes",): PlanTheme,
    ("themes", "prompts"): PlanPrompt,
}
#: How an array of tables is written in TOML, for the messages about it.
_HEADERS = {"presentations": "[[presentations]]", "themes": "[[themes]]",
            "prompts": "[[themes.prompts]]"}
_PLAN_FILE = TypeAdapter(PlanFile)


class PlanError(ValueError):
    """A plan that cannot be used, naming the file and the field path inside it."""

    def __init__(self, path: pathlib.Path, field: str, message: str) -> None:
        self.path = path
        self.field = field
        self.message = message
        super().__init__(f"{_display(path)}: {field}: {message}")

    # The default would call __init__ with the one formatted string and fail, which breaks
    # errors crossing process boundaries (multiprocessing, pytest-xdist).
    def __reduce__(self) -> tuple[type[PlanError], tuple[pathlib.Path, str, str]]:
        return (PlanError, (self.path, self.field, self.message))


def default_plans_dir() -> pathlib.Path:
    """The repository's sessions/ folder."""
    return pathlib.Path(__file__).resolve().parent.parent / "sessions"


def load_plan(path: pathlib.Path) -> SessionPlan:
    """Read and validate one plan file; raises PlanError naming the first problem found."""
    path = pathlib.Path(path)
    slug = path.stem
    if not _SLUG.fullmatch(slug) or len(slug) > SLUG_MAX_CHARS:
        raise PlanError(
            path,
            "(file name)",
            f"{path.name!r}: a plan's file name must be lower-case letters a-z, digits and "
            f"hyphens (at most {SLUG_MAX_CHARS}) followed by .toml",
        )
    try:
        contents = _PLAN_FILE.validate_python(_read_toml(path))
    except ValidationError as error:
        # An unknown key first: it is often the cause of a "missing" one (a misspelling).
        errors = sorted(error.errors(), key=lambda e: e["type"] != "unexpected_keyword_argument")
        raise PlanError(path, *_explain(errors[0])) from None
    return SessionPlan(slug=slug, **{field: getattr(contents, field)
                                     for field in contents.__dataclass_fields__})


def load_plans(directory: pathlib.Path | None = None) -> dict[str, SessionPlan]:
    """Every *.toml plan in the folder (default: sessions/), keyed by slug in slug order."""
    directory = default_plans_dir() if directory is None else pathlib.Path(directory)
    if not directory.is_dir():
        raise PlanError(directory, "(folder)", "not found or not a folder")
    plans: dict[str, SessionPlan] = {}
    # Editors leave hidden lock and backup files (".#x.toml") beside the real ones.
    for path in sorted(directory.glob("*.toml"), key=lambda p: p.stem):
        if not path.name.startswith("."):
            plans[path.stem] = load_plan(path)
    return plans


def get_plan(slug: str, directory: pathlib.Path | None = None) -> SessionPlan:
    """The plan sessions/<slug>.toml; the slug is checked before it touches the filesystem."""
    directory = default_plans_dir() if directory is None else pathlib.Path(directory)
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug) or len(slug) > SLUG_MAX_CHARS:
        raise PlanError(
            directory,
            "slug",
            f"{slug!r} is not a plan name; use lower-case letters a-z, digits and hyphens",
        )
    path = directory / f"{slug}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in directory.glob("*.toml") if not p.name.startswith("."))
        raise PlanError(
            directory,
            "slug",
            f"no plan {slug!r}; available: {', '.join(known) if known else '(none)'}",
        )
    return load_plan(path)


def _explain(error: Any) -> tuple[str, str]:
    """A pydantic error as the field path and the message a person editing TOML reads."""
    loc = tuple(error["loc"])
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "plan":
        return _path(loc + ((ctx["at"],) if ctx.get("at") else ())), ctx["message"]
    field = _path(loc)
    header = _HEADERS.get(loc[-1]) if loc and isinstance(loc[-1], str) else None
    if kind == "unexpected_keyword_argument":
        allowed = list(_TABLES[_table_of(loc[:-1])].__dataclass_fields__)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return field, f"unknown key; {hint}expected one of {', '.join(allowed)}"
    if kind == "missing":
        return field, f"missing; add at least one {header} table" if header else "missing"
    if kind == "too_short" and header:
        return field, f"empty; add at least one {header} table"
    if kind in ("tuple_type", "list_type"):
        wanted = f"an array of tables written {header}" if header else "an array of strings"
        return field, f"expected {wanted}, got {_toml_type(value)}"
    if kind in ("dataclass_type", "dataclass_args_type", "model_type"):
        return field, f"expected a table, got {_toml_type(value)}"
    if kind == "string_type":
        return field, f"expected a string, got {_toml_type(value)}"
    if kind == "string_too_short":
        return field, "must not be empty"
    if kind == "string_too_long":
        return field, (f"too long: {len(str(value).strip())} characters, "
                       f"at most {ctx['max_length']}")
    return field, error["msg"]


def _table_of(loc: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(part for part in loc if isinstance(part, str))


def _path(loc: tuple[Any, ...]) -> str:
    """("themes", 2, "prompts", 0, "kind") as themes[2].prompts[0].kind."""
    field = ""
    for part in loc:
        field += f"[{part}]" if isinstance(part, int) else f".{part}" if field else part
    return field


def _display(path: pathlib.Path) -> str:
    """The path relative to the working directory when it lies below it, else absolute."""
    try:
        return str(path.resolve().relative_to(pathlib.Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _read_toml(path: pathlib.Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanError(path, "(file)", "file not found") from None
    except OSError as error:
        raise PlanError(path, "(file)", f"cannot be read: {error.strerror}") from None
    try:
        # utf-8-sig: Windows editors may prepend a byte-order mark, which tomllib rejects.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PlanError(
            path, "(file)", f"not UTF-8 text (invalid byte at line {line}); save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message carries the position: "Invalid value (at line 3, column 9)".
        raise PlanError(path, "(file)", f"TOML syntax error: {error}") from None


def _toml_type(value: object) -> str:
    """The TOML name of a parsed value's type, as the person editing the file knows it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.datetime):
        return "a date-time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, datetime.time):
        return "a time"
    return type(value).__name__


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H:%M")
