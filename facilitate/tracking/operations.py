"""Tracked questions: a statement or poll asked in several workshops of one series shares a
key (Prompt.question_key), and its earlier results are shown beside today's.

A key links questions only within a series, and only questions with the same answer scale:
statements with statements, polls with polls of the same options in the same order, since a
share of "samaa mieltä" or of one option compares only on the same scale.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Collector, Invalid
from ..formatting import format_day
from ..models import (
    QUESTION_KEY_MAX_CHARS,
    QUESTION_KEY_PATTERN,
    STATEMENT_SCALE,
    Answer,
    Prompt,
    PromptKind,
    Series,
    Theme,
    Workshop,
)

#: The kinds a key can track: those with a scale to compare.
TRACKED_KINDS = (PromptKind.STATEMENT, PromptKind.POLL)
#: The statement values that count as agreeing ("jokseenkin" and "täysin samaa mieltä").
AGREEING = frozenset(STATEMENT_SCALE[-2:])

_KEY_RE = re.compile(QUESTION_KEY_PATTERN)


@dataclass(frozen=True)
class AskedResult:
    """A tracked question's answers in one workshop of the series."""

    workshop_id: int
    day: date
    kind: PromptKind
    options: tuple[str, ...]
    counts: tuple[int, ...]  #: per statement value 1–5, or per poll option

    @property
    def total(self) -> int:
        """How many answered."""
        return sum(self.counts)

    @property
    def percents(self) -> tuple[int, ...]:
        """Each value's or option's share in whole per cent."""
        return tuple(percent(count, self.total) for count in self.counts)


@dataclass(frozen=True)
class TrackedQuestion:
    """A key's question as last worded, and its results workshop by workshop (oldest first)."""

    key: str
    text: str
    kind: PromptKind
    options: tuple[str, ...]
    results: tuple[AskedResult, ...]


def percent(part: int, whole: int) -> int:
    """A share in whole per cent, rounded half up (as Finnish style guides round)."""
    if not whole:
        return 0
    return int((Decimal(part) * 100 / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def headline_share(result: AskedResult, option: int | None = None) -> int:
    """The share a trend compares: agreeing for a statement, one option's for a poll."""
    if result.kind is PromptKind.STATEMENT:
        agreeing = sum(count for value, count in zip(STATEMENT_SCALE, result.counts, strict=True)
                       if value in AGREEING)
        return percent(agreeing, result.total)
    return percent(result.counts[option or 0], result.total)


def normalised_text(text: str) -> str:
    """A question's words for comparing: case, punctuation, spacing and a "VÄITE:" label
    left out, so "VÄITE: Oma työntekijä." matches "oma työntekijä"."""
    words = re.sub(r"[^\w]+", " ", text.casefold()).split()
    if words[:1] == ["väite"]:
        words = words[1:]
    return " ".join(words)


def clean_question_key(errors: Collector, value: object) -> str | None:
    """A key as typed (spaces around it dropped), or None for none; refuses a bad form."""
    if value is None:
        return None
    if not isinstance(value, str):
        errors.add("question_key", _l("Seurantatunnuksen pitää olla tekstiä."))
        return None
    key = value.strip()
    if not key:
        return None
    if len(key) > QUESTION_KEY_MAX_CHARS or not _KEY_RE.fullmatch(key):
        errors.add("question_key", _l(
            "Seurantatunnuksessa saa olla pieniä kirjaimia a–z, numeroita ja yhdysmerkkejä "
            "(2–%(max)s merkkiä), esim. oma-tyontekija.", max=QUESTION_KEY_MAX_CHARS))
        return None
    return key


def _series_prompts(s: Session, series_id: int, key: str) -> list[tuple[Prompt, Workshop]]:
    return list(s.execute(
        select(Prompt, Workshop).join(Theme, Theme.id == Prompt.theme_id)
        .join(Workshop, Workshop.id == Theme.workshop_id)
        .where(Workshop.series_id == series_id, Prompt.question_key == key)
        .order_by(Workshop.day, Workshop.starts_at, Prompt.id)).all())


def check_linkable(s: Session, workshop: Workshop, kind: PromptKind | None,
                   options: Iterable[str], key: str | None, *,
                   prompt_id: int | None = None) -> None:
    """Refuse a key on a kind with no scale, or on a question whose scale differs from that of
    the series' other questions with the same key (with which one, and where)."""
    if key is None:
        return
    if kind not in TRACKED_KINDS:
        raise Invalid(_l("Vain väitteitä ja äänestyksiä voi seurata tilaisuudesta toiseen."),
                      field="question_key")
    options = tuple(options)
    for other, where in _series_prompts(s, workshop.series_id, key):
        if other.id == prompt_id:
            continue
        if other.kind is not kind or (kind is PromptKind.POLL
                                      and tuple(other.options or ()) != options):
            raise Invalid(_l(
                "Seurantatunnus %(key)s on jo kysymyksellä ”%(text)s” (%(day)s), jonka "
                "vastausasteikko on eri. Sama tunnus yhdistää vain samanlaiset kysymykset: "
                "väitteet keskenään tai äänestykset, joilla on samat vaihtoehdot samassa "
                "järjestyksessä.", key=key, text=other.text, day=format_day(where.day)),
                field="question_key")


def suggested_keys(s: Session, workshop: Workshop,
                   asked: Iterable[tuple[int, PromptKind, str]]) -> dict[int, tuple[str, date]]:
    """For each (prompt id, kind, text) worded as an earlier keyed question of the series
    (normalised_text), that question's key and the day it was asked, the latest first; one
    query however many prompts."""
    wanted = {prompt_id: (kind, normalised_text(text)) for prompt_id, kind, text in asked
              if kind in TRACKED_KINDS and normalised_text(text)}
    if not wanted:
        return {}
    earlier: dict[tuple[PromptKind, str], tuple[str, date]] = {}
    for key, kind, text, day in s.execute(
            select(Prompt.question_key, Prompt.kind, Prompt.text, Workshop.day)
            .join(Theme, Theme.id == Prompt.theme_id)
            .join(Workshop, Workshop.id == Theme.workshop_id)
            .where(Workshop.series_id == workshop.series_id, Workshop.id != workshop.id,
                   Prompt.question_key.is_not(None))
            .order_by(Workshop.day.desc())):
        earlier.setdefault((kind, normalised_text(text)), (key, day))
    return {prompt_id: earlier[found] for prompt_id, found in wanted.items()
            if found in earlier}


#: What a workshop's prompt is to a trend: its id, key, kind and poll options.
KeyedPrompt = tuple[int, str | None, PromptKind, Iterable[str]]


def earlier_results(s: Session, workshop: Workshop, prompts: Iterable[KeyedPrompt]
                    ) -> dict[int, tuple[AskedResult, ...]]:
    """For each keyed prompt of this workshop, its key's results in the series' earlier
    workshops (oldest first), on the same scale; two queries however many prompts."""
    keyed = {prompt_id: (key, kind, tuple(options or ()))
             for prompt_id, key, kind, options in prompts if key and kind in TRACKED_KINDS}
    if not keyed:
        return {}
    found = _results(s, workshop.series_id, {key for key, _k, _o in keyed.values()},
                     before=workshop)
    return {prompt_id: tuple(r for r in found.get(key, ())
                             if r.kind is kind and (kind is not PromptKind.POLL
                                                    or r.options == options))
            for prompt_id, (key, kind, options) in keyed.items()}


def series_tracked(s: Session, series: Series, *, only: Iterable[int] | None = None
                   ) -> list[TrackedQuestion]:
    """Every key asked in the series, worded as it was last asked, with its results in each
    workshop that asked it; with `only`, as asked in those workshops alone (those with a
    published memo, say); three queries."""
    only = None if only is None else sorted(set(only))
    query = (select(Prompt.question_key, Prompt.text).join(Theme, Theme.id == Prompt.theme_id)
             .join(Workshop, Workshop.id == Theme.workshop_id)
             .where(Workshop.series_id == series.id, Prompt.question_key.is_not(None)))
    if only is not None:
        query = query.where(Workshop.id.in_(only))
    texts = dict(s.execute(query.order_by(Workshop.day, Workshop.starts_at, Prompt.id)).all())
    found = _results(s, series.id, set(texts), before=None, only=only)
    return [TrackedQuestion(key, texts[key], found[key][-1].kind, found[key][-1].options,
                            found[key]) for key in sorted(found)]


def _results(s: Session, series_id: int, keys: set[str], *, before: Workshop | None,
             only: list[int] | None = None) -> dict[str, tuple[AskedResult, ...]]:
    if not keys:
        return {}
    query = (select(Prompt.id, Prompt.question_key, Prompt.kind, Prompt.options, Workshop.id,
                    Workshop.day)
             .join(Theme, Theme.id == Prompt.theme_id)
             .join(Workshop, Workshop.id == Theme.workshop_id)
             .where(Workshop.series_id == series_id, Prompt.question_key.in_(sorted(keys))))
    if before is not None:
        query = query.where((Workshop.day < before.day)
                            | ((Workshop.day == before.day)
                               & (Workshop.starts_at < before.starts_at)))
    if only is not None:
        query = query.where(Workshop.id.in_(only))
    prompts = s.execute(query.order_by(Workshop.day, Workshop.starts_at, Prompt.id)).all()
    if not prompts:
        return {}
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for prompt_id, value, count in s.execute(
            select(Answer.prompt_id, Answer.value, func.count())
            .where(Answer.prompt_id.in_([row[0] for row in prompts]))
            .group_by(Answer.prompt_id, Answer.value)):
        counts[prompt_id][value] = count
    found: dict[str, list[AskedResult]] = defaultdict(list)
    for prompt_id, key, kind, options, workshop_id, day in prompts:
        options = tuple(options or ())
        values = STATEMENT_SCALE if kind is PromptKind.STATEMENT else range(len(options))
        result = AskedResult(workshop_id, day, kind, options,
                             tuple(counts[prompt_id].get(value, 0) for value in values))
        if result.total:  # a workshop where nobody answered has nothing to compare
            found[key].append(result)
    return {key: tuple(results) for key, results in found.items()}
