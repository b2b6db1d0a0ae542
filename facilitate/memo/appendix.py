"""The appendix of the wishes received ("Liite N Ennakkotoiveet"), added to a memo when it is
published, if the coordinator chooses: every wish of the workshop's registrations, grouped by
organisation, with no one's name or address."""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..export.pages import ATTACHMENT_WORDS
from ..models import Organisation, Registration, Wish, Workshop
from . import phrasing

# An attachment's heading as the memo's Markdown has it (docs/memo.md): "## Liite 1 …".
_ATTACHMENT_HEADING = re.compile(
    r"^## (?:{}) ([0-9]+)\b".format("|".join(ATTACHMENT_WORDS.values())), re.MULTILINE)


def wishes_by_organisation(s: Session, workshop: Workshop, language: str
                           ) -> list[tuple[str, list[str]]]:
    """The workshop's wishes, by organisation in the order they first registered (as the
    attendance sentence lists them), each organisation named as the memo names it in its
    comments ("Varha"); one query."""
    rows = s.execute(
        select(Registration.organisation_id, Organisation.name_fi, Organisation.name_sv,
               Organisation.brand, Wish.text, Registration.id)
        .join(Registration, Registration.id == Wish.registration_id)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.workshop_id == workshop.id)
        .order_by(Wish.id)).all()
    first: dict[int, int] = {}
    names: dict[int, str] = {}
    wishes: dict[int, list[str]] = defaultdict(list)
    for organisation_id, name_fi, name_sv, brand, text, registration_id in rows:
        text = " ".join(text.split())
        if not text:
            continue
        first[organisation_id] = min(first.get(organisation_id, registration_id),
                                     registration_id)
        names[organisation_id] = brand or (name_sv if language == "sv" and name_sv
                                           else name_fi)
        wishes[organisation_id].append(text)
    return [(names[key], wishes[key]) for key in sorted(first, key=first.__getitem__)]


def wishes_appendix(s: Session, workshop: Workshop, markdown: str, language: str) -> str:
    """The appendix of the workshop's wishes as Markdown, numbered after the attachments
    `markdown` already has; "" when nobody sent a wish."""
    return appendix_markdown(wishes_by_organisation(s, workshop, language), markdown, language)


def appendix_markdown(grouped: list[tuple[str, list[str]]], markdown: str,
                      language: str) -> str:
    """"## Liite N Ennakkotoiveet", what it is, then each organisation as a heading over its
    wishes, quoted as written; "" without any."""
    if not grouped:
        return ""
    words = phrasing.of(language)
    number = max((int(n) for n in _ATTACHMENT_HEADING.findall(markdown)), default=0) + 1
    blocks = [f"## {words.wishes_appendix_heading(number)}", words.WISHES_APPENDIX_INTRO]
    for organisation, texts in grouped:
        blocks += [f"### {organisation}", "\n".join(f"- {text}" for text in texts)]
    return "\n\n".join(blocks) + "\n"
