"""Statement and poll answers by the respondents' organisation, raw for the coordinator or
under the anonymity rule for anything published."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from ..errors import NotFound
from ..models import (
    STATEMENT_SCALE,
    Answer,
    Organisation,
    Prompt,
    PromptKind,
    Registration,
    Theme,
    Workshop,
)
from .anonymity import Breakdown, Row, publishable

#: The kinds whose answers are counted per value.
COUNTED_KINDS = (PromptKind.STATEMENT, PromptKind.POLL)


class Counted(Protocol):
    """What a breakdown needs of a statement or poll (a Prompt, or the memo's reading of one)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> PromptKind: ...
    @property
    def options(self) -> list[str]: ...


def answer_values(prompt: Counted) -> list[int]:
    """The values a prompt's answers take, in the order its results list them."""
    if prompt.kind == PromptKind.STATEMENT:
        return list(STATEMENT_SCALE)
    return list(range(len(prompt.options or [])))


def counted_prompts(s: Session, workshop: Workshop) -> list[Prompt]:
    """The workshop's statements and polls in agenda order, each with its theme."""
    return list(s.scalars(
        select(Prompt).join(Theme, Theme.id == Prompt.theme_id)
        .options(contains_eager(Prompt.theme))
        .where(Theme.workshop_id == workshop.id, Prompt.kind.in_(COUNTED_KINDS))
        .order_by(Theme.position, Theme.id, Prompt.position, Prompt.id)))


def get_counted_prompt(s: Session, workshop: Workshop, prompt_id: int) -> Prompt:
    """A statement or poll of this workshop, or NotFound."""
    prompt = s.get(Prompt, prompt_id)
    if prompt is None or prompt.theme.workshop_id != workshop.id:
        raise NotFound(_l("Kysymystä ei löydy."))
    if prompt.kind not in COUNTED_KINDS:
        raise NotFound(_l("Vain väitteiden ja kyselyjen vastaukset jaetaan organisaatioittain."))
    return prompt


def breakdowns(s: Session, prompts: Sequence[Counted], *, threshold: int | None,
               others_label: str = "muut") -> dict[int, Breakdown]:
    """Each prompt's answers by organisation, in one query: every organisation on its own
    (`threshold` None, the coordinator's view) or as the anonymity rule lets them out, the
    small ones counted together under `others_label`, worded in the language shown."""
    groups = _counts_by_organisation(s, prompts)
    found = {}
    for prompt in prompts:
        by_label = groups.get(prompt.id, {})
        if threshold is None:
            rows = tuple(Row(label, counts, (label,)) for label, counts in by_label.items()
                         if sum(counts))
            total = tuple(sum(row.counts[i] for row in rows)
                          for i in range(len(answer_values(prompt))))
            found[prompt.id] = Breakdown(rows=rows, total=total, threshold=None)
        else:
            found[prompt.id] = publishable(by_label, threshold, others_label)
    return found


def breakdown(s: Session, prompt: Prompt, *, threshold: int | None,
              others_label: str = "muut") -> Breakdown:
    """One prompt's answers by organisation; see `breakdowns`."""
    return breakdowns(s, [prompt], threshold=threshold, others_label=others_label)[prompt.id]


def _counts_by_organisation(s: Session, prompts: Sequence[Counted]
                            ) -> dict[int, dict[str, tuple[int, ...]]]:
    """prompt id → organisation label → counts per answer value, labels in alphabetical order;
    answers outside the prompt's values (an option since removed) count nowhere, as in the
    room's own results."""
    if not prompts:
        return {}
    raw: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for prompt_id, name, brand, value, count in s.execute(
            select(Answer.prompt_id, Organisation.name_fi, Organisation.brand, Answer.value,
                   func.count())
            .join(Registration, Registration.id == Answer.registration_id)
            .join(Organisation, Organisation.id == Registration.organisation_id)
            .where(Answer.prompt_id.in_([p.id for p in prompts]))
            .group_by(Answer.prompt_id, Organisation.id, Organisation.name_fi,
                      Organisation.brand, Answer.value)):
        # Two organisations of one label are one group: a reader could not tell them apart.
        by_value = raw[prompt_id][brand or name]
        by_value[value] = by_value.get(value, 0) + count
    counted = {}
    for prompt in prompts:
        values = answer_values(prompt)
        by_label = raw.get(prompt.id, {})
        counted[prompt.id] = {
            label: tuple(by_label[label].get(value, 0) for value in values)
            for label in sorted(by_label, key=str.casefold)}
    return counted
