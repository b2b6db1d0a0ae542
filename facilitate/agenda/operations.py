"""Rules for the agenda: themes grouped from wishes, their order, and the prompts under them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..audit import operations as audit
from ..errors import Collector, Invalid, NotFound
from ..models import (
    POLL_OPTIONS_MAX,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    Prompt,
    PromptKind,
    Registration,
    Theme,
    Wish,
    Workshop,
)
from ..reference.operations import check_kept_reference, clean_reference, reference_of
from ..tracking.operations import check_linkable, clean_question_key
from ..validation import clean_text, clean_texts

#: Said of a prompt kind that is not one of PromptKind.
KIND_REFUSED = _l("Tuntematon kysymystyyppi. Valitse avoin kysymys, väite, äänestys tai "
                  "kysymys tasoittain.")
#: Said when no wish is chosen, and of a list that does not name wishes at all.
CHOOSE_WISHES = _l("Valitse vähintään yksi toive.")
#: Said of an agenda order that does not name every theme once.
EVERY_THEME_ONCE = _l("Järjestyksessä pitää olla tilaisuuden jokainen teema kerran.")
#: A prompt's text: (max_chars, required, multiline), as THEME_FIELDS.
PROMPT_TEXT = (TEXT_MAX_CHARS, True, True)

THEME_FIELDS = {
    # field: (max_chars, required, multiline)
    "title": (TITLE_MAX_CHARS, True, False),
    "memo_phrase": (TITLE_MAX_CHARS, False, False),
    "description": (TEXT_MAX_CHARS, False, True),
}


def list_wishes(s: Session, workshop: Workshop) -> list[Wish]:
    """Every wish of a workshop with who sent it, in the order they arrived."""
    return list(s.scalars(
        select(Wish)
        .join(Registration)
        .where(Registration.workshop_id == workshop.id)
        .options(selectinload(Wish.registration).selectinload(Registration.organisation))
        .order_by(Wish.id)
    ))


def list_themes(s: Session, workshop: Workshop) -> list[Theme]:
    """The agenda in order, with its prompts and wishes (and who sent them) loaded at once."""
    return list(s.scalars(
        select(Theme)
        .where(Theme.workshop_id == workshop.id)
        .order_by(Theme.position)
        .options(
            selectinload(Theme.prompts),
            selectinload(Theme.wishes).selectinload(Wish.registration)
            .selectinload(Registration.organisation),
        )
    ))


def get_theme(s: Session, workshop: Workshop, theme_id: Any) -> Theme:
    """A theme of this workshop; a theme of another workshop is not found."""
    theme = s.get(Theme, theme_id) if isinstance(theme_id, int) else None
    if theme is None or theme.workshop_id != workshop.id:
        raise NotFound(_l("Teemaa ei löydy."))
    return theme


def get_prompt(s: Session, theme: Theme, prompt_id: Any) -> Prompt:
    """A prompt of this theme, or NotFound."""
    prompt = s.get(Prompt, prompt_id) if isinstance(prompt_id, int) else None
    if prompt is None or prompt.theme_id != theme.id:
        raise NotFound(_l("Kysymystä ei löydy."))
    return prompt


def _clean_theme(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors = Collector()
    cleaned = clean_texts(errors, data, THEME_FIELDS, partial=partial)
    errors.raise_if_any()
    return cleaned


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items):
        item.position = position


def create_theme(s: Session, workshop: Workshop, data: dict[str, Any]) -> Theme:
    """A new theme at the end of the agenda."""
    theme = Theme(position=len(workshop.themes), **_clean_theme(data, partial=False))
    workshop.themes.append(theme)
    s.flush()
    return theme


def update_theme(s: Session, theme: Theme, data: dict[str, Any]) -> Theme:
    """Change a theme's title, memo phrase or description."""
    for field, value in _clean_theme(data, partial=True).items():
        setattr(theme, field, value)
    s.flush()
    return theme


def delete_theme(s: Session, theme: Theme, *, by: int | None = None) -> None:
    """Remove a theme; its wishes go back to the ungrouped list, nothing a participant wrote
    is lost."""
    workshop = theme.workshop
    audit.record(s, "theme.delete", by=by, workshop_id=workshop.id, theme=theme.title)
    for wish in list(theme.wishes):
        wish.theme = None
    workshop.themes.remove(theme)  # delete-orphan: removing it deletes it and its prompts
    _renumber(workshop.themes)
    s.flush()


def _workshop_wishes(s: Session, workshop: Workshop, wish_ids: Sequence[int]) -> list[Wish]:
    if not wish_ids:
        raise Invalid(CHOOSE_WISHES, field="wish_ids")
    wishes = list(s.scalars(
        select(Wish).join(Registration)
        .where(Wish.id.in_(wish_ids), Registration.workshop_id == workshop.id)
    ))
    if len(wishes) != len(set(wish_ids)):
        raise NotFound(_l("Osaa valituista toiveista ei löydy tästä tilaisuudesta."))
    return wishes


def group_wishes(s: Session, workshop: Workshop, wish_ids: Sequence[int], *,
                 theme_id: int | None = None,
                 new_theme: dict[str, Any] | None = None) -> Theme:
    """Put wishes under an existing theme or a new one; the theme remembers where it came from."""
    wishes = _workshop_wishes(s, workshop, wish_ids)
    if new_theme is not None:
        theme = create_theme(s, workshop, new_theme)
    elif theme_id is not None:
        theme = get_theme(s, workshop, theme_id)
    else:
        raise Invalid(_l("Valitse teema tai anna uudelle teemalle nimi."), field="theme_id")
    for wish in wishes:
        wish.theme = theme
    s.flush()
    return theme


def ungroup_wishes(s: Session, workshop: Workshop, wish_ids: Sequence[int]) -> None:
    """Take wishes out of their themes, back to the ungrouped list."""
    for wish in _workshop_wishes(s, workshop, wish_ids):
        wish.theme = None
    s.flush()


def reorder_themes(s: Session, workshop: Workshop, theme_ids: Sequence[int]) -> list[Theme]:
    """Set the agenda order; the list must name every theme of the workshop exactly once."""
    current = {theme.id: theme for theme in workshop.themes}
    if (len(theme_ids) != len(current)
            or set(theme_ids) != set(current)):
        raise Invalid(EVERY_THEME_ONCE, field="theme_ids")
    ordered = [current[theme_id] for theme_id in theme_ids]
    _renumber(ordered)
    s.flush()
    s.expire(workshop, ["themes"])
    return ordered


def move_theme(s: Session, theme: Theme, offset: int) -> None:
    """Move a theme up (-1) or down (+1) in the agenda; at either end nothing changes."""
    themes = list(theme.workshop.themes)
    index = themes.index(theme)
    target = index + offset
    if 0 <= target < len(themes):
        themes[index], themes[target] = themes[target], themes[index]
        _renumber(themes)
        s.flush()
        s.expire(theme.workshop, ["themes"])


def _clean_prompt(data: dict[str, Any], *, current: Prompt | None = None) -> dict[str, Any]:
    errors = Collector()
    cleaned: dict[str, Any] = {}
    kind_value = data.get("kind", current.kind if current else None)
    try:
        kind = PromptKind(kind_value)
    except ValueError:
        errors.add("kind", KIND_REFUSED)
        kind = None
    cleaned["kind"] = kind
    if current is None or "text" in data:
        limit, required, multiline = PROMPT_TEXT
        cleaned["text"] = clean_text(errors, "text", data.get("text"), max_chars=limit,
                                     required=required, multiline=multiline)
    options_value = data.get("options", current.options if current else [])
    if options_value is None:
        options_value = []
    if isinstance(options_value, str):
        options_value = [line for line in options_value.splitlines()]
    options: list[str] = []
    if not isinstance(options_value, list):
        errors.add("options", _l("Vaihtoehtojen pitää olla luettelo tekstejä."))
    else:
        for item in options_value:
            text = clean_text(errors, "options", item, max_chars=TITLE_MAX_CHARS, required=False)
            if text:
                options.append(text)
    if kind is PromptKind.POLL:
        if len(options) < 2 or len(options) > POLL_OPTIONS_MAX:
            errors.add("options", _l("Äänestyksessä pitää olla %(low)s–%(high)s vaihtoehtoa.",
                                     low=2, high=POLL_OPTIONS_MAX))
        elif len({o.casefold() for o in options}) != len(options):
            errors.add("options", _l("Vaihtoehdot eivät saa toistua."))
    elif kind is not None and options:
        errors.add("options", _l("Vain äänestyksellä on vaihtoehtoja."))
    cleaned["options"] = options
    if current is None or "question_key" in data:
        cleaned["question_key"] = clean_question_key(errors, data.get("question_key"))
    if current is None or "reference" in data:
        cleaned.update(clean_reference(errors, kind, options, data.get("reference")))
    else:
        check_kept_reference(errors, current, kind, options)
    errors.raise_if_any()
    return cleaned


def _audit_reference(s: Session, prompt: Prompt, before: object, by: int | None) -> None:
    # Reference figures go into the memo as published facts: who changed them is recorded.
    if reference_of(prompt) != before:
        audit.record(s, "prompt.reference", by=by, workshop_id=prompt.theme.workshop_id,
                     prompt=audit.quote(prompt.text))


def add_prompt(s: Session, theme: Theme, data: dict[str, Any], *,
               by: int | None = None) -> Prompt:
    """A new question, statement, poll or level-tagged question at the end of a theme, with
    reference figures if given."""
    cleaned = _clean_prompt(data)
    check_linkable(s, theme.workshop, cleaned["kind"], cleaned["options"],
                   cleaned.get("question_key"))
    prompt = Prompt(position=len(theme.prompts), **cleaned)
    theme.prompts.append(prompt)
    s.flush()
    _audit_reference(s, prompt, None, by)
    return prompt


def update_prompt(s: Session, prompt: Prompt, data: dict[str, Any], *,
                  by: int | None = None) -> Prompt:
    """Change a prompt's kind, text, options, tracking key or reference figures."""
    cleaned = _clean_prompt(data, current=prompt)
    check_linkable(s, prompt.theme.workshop, cleaned["kind"], cleaned["options"],
                   cleaned.get("question_key", prompt.question_key), prompt_id=prompt.id)
    before = reference_of(prompt)
    for field, value in cleaned.items():
        setattr(prompt, field, value)
    s.flush()
    _audit_reference(s, prompt, before, by)
    return prompt


def delete_prompt(s: Session, prompt: Prompt, *, by: int | None = None) -> None:
    """Remove a prompt from its theme."""
    theme = prompt.theme
    audit.record(s, "prompt.delete", by=by, workshop_id=theme.workshop_id,
                 prompt=audit.quote(prompt.text))
    theme.prompts.remove(prompt)  # delete-orphan
    _renumber(theme.prompts)
    s.flush()


def move_prompt(s: Session, prompt: Prompt, offset: int) -> None:
    """Move a prompt up (-1) or down (+1) within its theme."""
    prompts = list(prompt.theme.prompts)
    index = prompts.index(prompt)
    target = index + offset
    if 0 <= target < len(prompts):
        prompts[index], prompts[target] = prompts[target], prompts[index]
        _renumber(prompts)
        s.flush()
        s.expire(prompt.theme, ["prompts"])
