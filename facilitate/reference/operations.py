"""Reference figures: a statement's or poll's results from elsewhere (a national survey of
municipalities, say), with their source and size, shown beside the room's own results.

The figures are whole per cents on the prompt's own scale, so that they compare as they
stand: a poll has one share per option, in the options' order; a statement has one, the
share agreeing (the scale's top two values, as tracked questions compare), because a source
seldom asks on the same five-step scale but nearly always says how many agreed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..errors import Collector
from ..models import (
    REFERENCE_NOTE_MAX_CHARS,
    REFERENCE_RESPONSES_MAX,
    REFERENCE_SOURCE_MAX_CHARS,
    REFERENCE_SUM_TOLERANCE,
    Prompt,
    PromptKind,
)
from ..tracking.operations import AGREEING, percent
from ..validation import clean_text

#: The kinds that can carry reference figures: those with a scale to compare.
REFERENCE_KINDS = (PromptKind.STATEMENT, PromptKind.POLL)
#: The Prompt columns a reference is kept in, by the name of its part.
COLUMNS = {"source": "reference_source", "responses": "reference_responses",
           "note": "reference_note", "percents": "reference_percents"}

#: Said of a share that is not a whole per cent, and of a count that is not a whole number.
PERCENTS_REFUSED = _l("Anna vertailuluvut kokonaisina prosentteina (esim. 60).")
RESPONSES_REFUSED = _l("Vastausten määrän pitää olla kokonaisluku 1–%(max)s.",
                       max=REFERENCE_RESPONSES_MAX)

# "60", "60 %", "60%": a whole per cent as a form takes it.
_PERCENT = re.compile(r"(\d{1,3})\s*%?")
# A count as people type it, thousands apart or not: "95", "1 200".
_COUNT = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]?\d{3})*")


@dataclass(frozen=True)
class Reference:
    """Results from elsewhere: where from, how many answered, and the shares."""

    source: str
    responses: int
    note: str
    percents: tuple[int, ...]  #: a poll's per option; a statement's one, those agreeing

    def as_dict(self) -> dict[str, Any]:
        """The reference as the room's snapshot and the API give it."""
        return {"source": self.source, "responses": self.responses, "note": self.note,
                "percents": list(self.percents)}


def columns_of(reference: Reference | None) -> dict[str, Any]:
    """The Prompt columns that keep these figures (all None for none)."""
    if reference is None:
        return dict.fromkeys(COLUMNS.values())
    return {COLUMNS["source"]: reference.source, COLUMNS["responses"]: reference.responses,
            COLUMNS["note"]: reference.note or None,
            COLUMNS["percents"]: list(reference.percents)}


def reference_of(prompt: Prompt) -> Reference | None:
    """The prompt's reference figures, or None when it has none."""
    return reference_from(prompt.reference_source, prompt.reference_responses,
                          prompt.reference_note, prompt.reference_percents)


def reference_from(source: str | None, responses: int | None, note: str | None,
                   percents: Sequence[int] | None) -> Reference | None:
    """Reference figures from a prompt's columns (as a query selects them), or None."""
    if percents is None or not source:
        return None
    return Reference(source, responses or 0, note or "", tuple(percents))


def today_percents(kind: PromptKind, counts: Sequence[int]) -> tuple[int, ...]:
    """The room's answers on a reference's scale: a poll's share per option, a statement's
    share agreeing (counts per value 1–5)."""
    total = sum(counts)
    if kind is PromptKind.STATEMENT:
        agreeing = sum(count for value, count in enumerate(counts, start=1) if value in AGREEING)
        return (percent(agreeing, total),)
    return tuple(percent(count, total) for count in counts)


def percents_problem(kind: PromptKind, option_count: int, percents: Sequence[int]
                     ) -> str | None:
    """What is wrong with these shares for a prompt of this kind and options: "kind",
    "count", "range" or "sum"; None when they fit. One rule for forms, the API and plans."""
    if kind not in REFERENCE_KINDS:
        return "kind"
    if len(percents) != (1 if kind is PromptKind.STATEMENT else option_count):
        return "count"
    if any(not 0 <= value <= 100 for value in percents):
        return "range"
    if kind is PromptKind.POLL and abs(sum(percents) - 100) > REFERENCE_SUM_TOLERANCE:
        return "sum"
    return None


def _problem_message(problem: str, kind: PromptKind, option_count: int,
                     percents: Sequence[int]) -> Any:
    if problem == "kind":
        return _l("Vertailuluvut voi antaa vain väitteelle tai äänestykselle.")
    if problem == "count" and kind is PromptKind.STATEMENT:
        return _l("Väitteelle annetaan yksi luku: samaa mieltä olleiden osuus prosentteina.")
    if problem == "count":
        return _l("Anna yksi prosenttiluku kullekin vaihtoehdolle samassa järjestyksessä: "
                  "vaihtoehtoja on %(options)s, lukuja %(given)s.",
                  options=option_count, given=len(percents))
    if problem == "range":
        return _l("Prosenttiluvun pitää olla 0–100.")
    return _l("Vaihtoehtojen osuudet ovat yhteensä %(sum)s %%; niiden pitää olla yhteensä "
              "%(low)s–%(high)s %% (pyöristyksen verran yli tai alle 100).",
              sum=sum(percents), low=100 - REFERENCE_SUM_TOLERANCE,
              high=100 + REFERENCE_SUM_TOLERANCE)


def _percents(errors: Collector, value: object) -> list[int]:
    # A form's text has one share a line (or separated by semicolons); the API's a list.
    items = re.split(r"[\n;]", value) if isinstance(value, str) else value
    if not isinstance(items, list):
        errors.add("reference.percents", PERCENTS_REFUSED)
        return []
    found = []
    for item in items:
        if isinstance(item, str):
            if not item.strip():
                continue
            match = _PERCENT.fullmatch(item.strip())
            item = int(match[1]) if match else None
        if not isinstance(item, int) or isinstance(item, bool):
            errors.add("reference.percents", PERCENTS_REFUSED)
            return []
        found.append(item)
    return found


def _responses(errors: Collector, value: object) -> int | None:
    if isinstance(value, str):
        typed = value.strip()
        value = int(re.sub(r"\D", "", typed)) if _COUNT.fullmatch(typed) else (typed or None)
    if value is None:
        errors.add("reference.responses", _l("Kerro, montako vastausta vertailulukujen "
                                             "takana on."))
        return None
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 1 <= value <= REFERENCE_RESPONSES_MAX:
        errors.add("reference.responses", RESPONSES_REFUSED)
        return None
    return value


def clean_reference(errors: Collector, kind: PromptKind | None, options: Sequence[str],
                    value: object) -> dict[str, Any]:
    """A reference as given (None or every part empty: none) checked against the prompt's
    kind and options, as the Prompt columns to set; problems go to `errors` under the
    API's names of its parts ("reference.percents")."""
    cleared = columns_of(None)
    if value is None:
        return cleared
    if not isinstance(value, dict):
        errors.add("reference.percents", _l("Vertailutiedon pitää olla kokonaisuus: lähde, "
                                            "vastausten määrä ja prosenttiluvut."))
        return cleared
    source = clean_text(errors, "reference.source", value.get("source"),
                        max_chars=REFERENCE_SOURCE_MAX_CHARS, required=False)
    note = clean_text(errors, "reference.note", value.get("note"),
                      max_chars=REFERENCE_NOTE_MAX_CHARS, required=False)
    percents = _percents(errors, value.get("percents"))
    responses = value.get("responses")
    if not (source or note or percents or (responses not in (None, ""))):
        return cleared  # every part left empty: no reference (a form clears it so)
    if not source:
        errors.add("reference.source", _l("Kerro, mistä vertailuluvut ovat (esim. "
                                          "Kuntakysely 2021)."))
    cleaned_responses = _responses(errors, responses)
    if not percents and "reference.percents" not in errors.errors:
        errors.add("reference.percents", _l("Anna vertailuluvut prosentteina."))
    elif percents and kind is not None:
        problem = percents_problem(kind, len(options), percents)
        if problem is not None:
            errors.add("reference.percents",
                       _problem_message(problem, kind, len(options), percents))
    return {COLUMNS["source"]: source, COLUMNS["responses"]: cleaned_responses,
            COLUMNS["note"]: note or None, COLUMNS["percents"]: percents}


def check_kept_reference(errors: Collector, prompt: Prompt, kind: PromptKind | None,
                         options: Sequence[str]) -> None:
    """A prompt's saved reference against a changed kind or options: refused, not dropped,
    when it no longer fits (the coordinator gives new figures or clears them)."""
    kept = reference_of(prompt)
    if kept is None or kind is None:
        return
    problem = percents_problem(kind, len(options), kept.percents)
    if problem is not None:
        errors.add("reference.percents", _l(
            "Tallennetut vertailuluvut eivät sovi muutettuun kysymykseen: %(problem)s Anna "
            "uudet luvut tai poista vertailutieto.",
            problem=_problem_message(problem, kind, len(options), kept.percents)))
