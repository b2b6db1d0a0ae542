"""Session plans (ohjelmapohjat): sessions/*.toml loaded and validated into typed objects."""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import pathlib
import re
import tomllib
from typing import Any

from .models import POLL_OPTIONS_MAX, TEXT_MAX_CHARS, TITLE_MAX_CHARS, PromptKind

# The plan's name ends up in URLs, in Workshop.plan (String(120)) and in a file path, so it
# is kept to characters that can never climb out of the plans folder.
_SLUG = re.compile(r"[a-z0-9-]+")
_SLUG_MAX_CHARS = 120
# Workshop.format is a String(120) column; a longer format would fail only at insert time.
_FORMAT_MAX_CHARS = 120
_KIND_MAX_CHARS = 16
_TIME = re.compile(r"(\d\d):(\d\d)")

_PLAN_KEYS = (
    "title",
    "description",
    "format",
    "starts_at",
    "ends_at",
    "source",
    "presentations",
    "themes",
)
_PRESENTATION_KEYS = ("title", "presenter")
_THEME_KEYS = ("title", "memo_phrase", "description", "prompts")
_PROMPT_KEYS = ("kind", "text", "options")


@dataclasses.dataclass(frozen=True)
class PlanPrompt:
    """A question, statement, poll or level-tagged question under a theme."""

    kind: PromptKind
    text: str
    options: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class PlanTheme:
    """An agenda item with the prompts participants answer under it."""

    title: str
    memo_phrase: str
    description: str
    prompts: tuple[PlanPrompt, ...]


@dataclasses.dataclass(frozen=True)
class PlanPresentation:
    """A talk that opens the workshop (alustus)."""

    title: str
    presenter: str


@dataclasses.dataclass(frozen=True)
class SessionPlan:
    """One sessions/<slug>.toml: what a workshop is started from."""

    slug: str
    title: str
    description: str
    format: str
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    source: str
    presentations: tuple[PlanPresentation, ...]
    themes: tuple[PlanTheme, ...]


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
    if not _SLUG.fullmatch(slug) or len(slug) > _SLUG_MAX_CHARS:
        raise PlanError(
            path,
            "(file name)",
            f"{path.name!r}: a plan's file name must be lower-case letters a-z, digits and "
            f"hyphens (at most {_SLUG_MAX_CHARS}) followed by .toml",
        )
    return _Reader(path).plan(slug, _read_toml(path))


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
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug) or len(slug) > _SLUG_MAX_CHARS:
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


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


class _Reader:
    """Walks one parsed file, so every error can name the file without passing it around."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def error(self, field: str, message: str) -> PlanError:
        return PlanError(self.path, field, message)

    def plan(self, slug: str, data: dict[str, Any]) -> SessionPlan:
        self.known_keys(data, "", _PLAN_KEYS)
        title = self.string(data, "", "title", max_chars=TITLE_MAX_CHARS, required=True)
        starts_at = self.time(data, "starts_at")
        ends_at = self.time(data, "ends_at")
        if starts_at is not None and ends_at is not None and ends_at <= starts_at:
            raise self.error(
                "ends_at", f"{_hhmm(ends_at)} is not after starts_at {_hhmm(starts_at)}"
            )
        presentations = tuple(
            self.presentation(table, where)
            for table, where in self.tables(
                data, "", "presentations", "[[presentations]]", required=False
            )
        )
        themes = tuple(
            self.theme(table, where)
            for table, where in self.tables(data, "", "themes", "[[themes]]")
        )
        return SessionPlan(
            slug=slug,
            title=title,
            description=self.string(
                data, "", "description", max_chars=TEXT_MAX_CHARS, multiline=True
            ),
            format=self.string(data, "", "format", max_chars=_FORMAT_MAX_CHARS),
            starts_at=starts_at,
            ends_at=ends_at,
            source=self.string(data, "", "source"),
            presentations=presentations,
            themes=themes,
        )

    def presentation(self, table: dict[str, Any], where: str) -> PlanPresentation:
        self.known_keys(table, where, _PRESENTATION_KEYS)
        return PlanPresentation(
            title=self.string(table, where, "title", required=True),
            presenter=self.string(table, where, "presenter"),
        )

    def theme(self, table: dict[str, Any], where: str) -> PlanTheme:
        self.known_keys(table, where, _THEME_KEYS)
        title = self.string(table, where, "title", required=True)
        memo_phrase = self.string(table, where, "memo_phrase")
        description = self.string(
            table, where, "description", max_chars=TEXT_MAX_CHARS, multiline=True
        )
        prompts = tuple(
            self.prompt(prompt, prompt_where)
            for prompt, prompt_where in self.tables(table, where, "prompts", "[[themes.prompts]]")
        )
        return PlanTheme(title, memo_phrase, description, prompts)

    def prompt(self, table: dict[str, Any], where: str) -> PlanPrompt:
        self.known_keys(table, where, _PROMPT_KEYS)
        raw_kind = self.string(table, where, "kind", max_chars=_KIND_MAX_CHARS, required=True)
        try:
            kind = PromptKind(raw_kind)
        except ValueError:
            expected = ", ".join(kind.value for kind in PromptKind)
            raise self.error(
                _join(where, "kind"), f"unknown kind {raw_kind!r}; expected one of {expected}"
            ) from None
        text = self.string(
            table, where, "text", max_chars=TEXT_MAX_CHARS, required=True, multiline=True
        )
        return PlanPrompt(kind, text, self.options(table, where, kind))

    def options(self, table: dict[str, Any], where: str, kind: PromptKind) -> tuple[str, ...]:
        field = _join(where, "options")
        raw = table.get("options")
        if raw is not None and not isinstance(raw, list):
            raise self.error(field, f"expected an array of strings, got {_toml_type(raw)}")
        if kind is not PromptKind.POLL:
            if raw:
                raise self.error(field, f"only poll prompts have options, this one is {kind}")
            return ()
        wanted = f"a poll needs 2 to {POLL_OPTIONS_MAX} options"
        if raw is None:
            raise self.error(field, f"missing; {wanted}")
        if not 2 <= len(raw) <= POLL_OPTIONS_MAX:
            raise self.error(field, f"{wanted}, got {len(raw)}")
        options: list[str] = []
        # Options that differ only by case would look like the same choice twice on screen.
        seen: set[str] = set()
        for i, value in enumerate(raw):
            option = self.clean(f"{field}[{i}]", value, TITLE_MAX_CHARS, required=True)
            if option.casefold() in seen:
                raise self.error(f"{field}[{i}]", f"duplicate option {option!r}")
            seen.add(option.casefold())
            options.append(option)
        return tuple(options)

    def known_keys(self, table: dict[str, Any], where: str, allowed: tuple[str, ...]) -> None:
        # A misspelt optional key would otherwise vanish silently and the plan would run
        # without, say, its memo phrase.
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise self.error(
                    _join(where, key), f"unknown key; {hint}expected one of {', '.join(allowed)}"
                )

    def tables(
        self, data: dict[str, Any], where: str, key: str, header: str, *, required: bool = True
    ) -> list[tuple[dict[str, Any], str]]:
        """The tables of an array of tables, each with its field path ("themes[2]")."""
        field = _join(where, key)
        if key not in data:
            if required:
                raise self.error(field, f"missing; add at least one {header} table")
            return []
        value = data[key]
        if not isinstance(value, list):
            raise self.error(
                field, f"expected an array of tables written {header}, got {_toml_type(value)}"
            )
        if required and not value:
            raise self.error(field, f"empty; add at least one {header} table")
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(f"{field}[{i}]", f"expected a table, got {_toml_type(item)}")
        return [(item, f"{field}[{i}]") for i, item in enumerate(value)]

    def string(
        self,
        table: dict[str, Any],
        where: str,
        key: str,
        *,
        max_chars: int = TITLE_MAX_CHARS,
        required: bool = False,
        multiline: bool = False,
    ) -> str:
        field = _join(where, key)
        if key not in table:
            if required:
                raise self.error(field, "missing")
            return ""
        return self.clean(field, table[key], max_chars, required=required, multiline=multiline)

    def clean(
        self, field: str, value: object, max_chars: int, *, required: bool, multiline: bool = False
    ) -> str:
        if not isinstance(value, str):
            raise self.error(field, f"expected a string, got {_toml_type(value)}")
        text = value.strip()
        if required and not text:
            raise self.error(field, "must not be empty")
        if len(text) > max_chars:
            raise self.error(field, f"too long: {len(text)} characters, at most {max_chars}")
        # Titles, phrases and options are set inside one line of a memo or a button.
        if not multiline and ("\n" in text or "\r" in text):
            raise self.error(field, "must be a single line")
        return text

    def time(self, data: dict[str, Any], key: str) -> datetime.time | None:
        if key not in data:
            return None
        value = data[key]
        wanted = 'expected a time "HH:MM", e.g. "14:00"'
        if isinstance(value, datetime.time):
            # Workshops are scheduled to the minute; seconds here are most likely a typo.
            if value.second or value.microsecond or value.tzinfo is not None:
                raise self.error(key, f"{wanted}, got {value.isoformat()}")
            return value
        if not isinstance(value, str):
            raise self.error(key, f"{wanted}, got {_toml_type(value)}")
        match = _TIME.fullmatch(value.strip())
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise self.error(key, f"{wanted}, got {value!r}")
        return datetime.time(int(match[1]), int(match[2]))
