"""What the memo editor shows beside each marked paragraph: the wishes, notes, comments and
answers it was compiled from, read in a fixed number of queries however many there are."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Answer, Contribution, Note, Organisation, Prompt, Registration, Wish
from .sources import MARKER_RE, Sources

#: How much of a paragraph the editor quotes to say which one it means.
EXCERPT_CHARS = 80
# Markdown's marks, which the quoted opening words leave out.
_MARKUP = re.compile(r"\*\*|__|^[ \t]*(?:[-*+]|#+|>)[ \t]+|[`*_]")


@dataclass(frozen=True)
class Quoted:
    """A wish or comment as the editor lists it: its text and its organisation."""

    text: str
    organisation: str
    in_memo: bool = False  #: a comment the paragraph quotes (not only counts)


@dataclass(frozen=True)
class Question:
    """A statement or poll a paragraph gives the result of, and how many answers it counted."""

    text: str
    answers: int


@dataclass(frozen=True)
class ParagraphSources:
    """One marked paragraph: its opening words, a summary ("2 toivetta, muistiinpanot, 3
    kommenttia, 14 vastausta") and what it was built from."""

    anchor: str
    excerpt: str
    summary: str
    wishes: tuple[Quoted, ...]
    notes: tuple[str, ...]
    contributions: tuple[Quoted, ...]
    questions: tuple[Question, ...]


def _excerpt(markdown: str, start: int, end: int) -> str:
    """The words of the marker's line, without the marker and Markdown's marks."""
    line_start = markdown.rfind("\n", 0, start) + 1
    line_end = markdown.find("\n", end)
    line = markdown[line_start:start] + markdown[end:len(markdown) if line_end < 0 else line_end]
    words = " ".join(_MARKUP.sub("", MARKER_RE.sub("", line)).split())
    return words if len(words) <= EXCERPT_CHARS else words[:EXCERPT_CHARS - 1].rstrip() + "…"


def _ids(found: Sources, kind: str) -> set[int]:
    return {i for entry in found.values() for i in entry.get(kind, ())}


def _summary(wishes: int, notes: int, contributions: int, answers: int) -> str:
    parts = []
    if wishes:
        parts.append(ngettext("%(num)s toive", "%(num)s toivetta", wishes))
    if notes:
        parts.append(_("muistiinpanot"))
    if contributions:
        parts.append(ngettext("%(num)s kommentti", "%(num)s kommenttia", contributions))
    if answers:
        parts.append(ngettext("%(num)s vastaus", "%(num)s vastausta", answers))
    return ", ".join(parts) or _("ei tallennettuja lähteitä")


def paragraph_sources(s: Session, markdown: str, found: Sources) -> list[ParagraphSources]:
    """Each marker of `markdown` whose anchor `found` knows, in the text's order, with the
    texts of its sources as they are now (a wish or comment deleted since is left out);
    five queries at most, none when nothing is marked."""
    marks = [(m[1], m.start(), m.end()) for m in MARKER_RE.finditer(markdown)
             if m[1] in found]
    if not marks:
        return []
    found = {anchor: found[anchor] for anchor, _start, _end in marks}

    def named(name_fi: str, brand: str | None) -> str:
        return brand or name_fi

    wishes, notes, contributions, prompts, answer_ids = (
        _ids(found, kind) for kind in ("wishes", "notes", "contributions", "prompts", "answers"))
    by_organisation = (Organisation, Organisation.id == Registration.organisation_id)
    wish_rows = {wish_id: Quoted(text, named(name, brand)) for wish_id, text, name, brand in
                 s.execute(select(Wish.id, Wish.text, Organisation.name_fi, Organisation.brand)
                           .join(Registration, Registration.id == Wish.registration_id)
                           .join(*by_organisation).where(Wish.id.in_(wishes)))} if wishes else {}
    note_rows = dict(s.execute(select(Note.id, Note.text).where(Note.id.in_(notes))).all()
                     ) if notes else {}
    comment_rows = {cid: (text, named(name, brand)) for cid, text, name, brand in s.execute(
        select(Contribution.id, Contribution.text, Organisation.name_fi, Organisation.brand)
        .join(Registration, Registration.id == Contribution.registration_id)
        .join(*by_organisation).where(Contribution.id.in_(contributions)))
    } if contributions else {}
    prompt_rows = dict(s.execute(select(Prompt.id, Prompt.text).where(Prompt.id.in_(prompts)))
                       .all()) if prompts else {}
    counted: dict[int, set[int]] = defaultdict(set)
    if answer_ids:
        for prompt_id, answer_id in s.execute(select(Answer.prompt_id, Answer.id)
                                              .where(Answer.id.in_(answer_ids))):
            counted[prompt_id].add(answer_id)

    out = []
    for anchor, start, end in marks:
        entry = found[anchor]
        quoted = set(entry.get("quoted", ()))
        paragraph_wishes = tuple(wish_rows[i] for i in entry.get("wishes", ()) if i in wish_rows)
        paragraph_notes = tuple(note_rows[i] for i in entry.get("notes", ()) if i in note_rows)
        paragraph_comments = tuple(
            Quoted(" ".join(comment_rows[i][0].split()), comment_rows[i][1], i in quoted)
            for i in entry.get("contributions", ()) if i in comment_rows)
        mine = set(entry.get("answers", ()))
        questions = tuple(Question(prompt_rows[p], len(counted[p] & mine))
                          for p in entry.get("prompts", ()) if p in prompt_rows)
        out.append(ParagraphSources(
            anchor, _excerpt(markdown, start, end),
            _summary(len(paragraph_wishes), len(paragraph_notes), len(paragraph_comments),
                     sum(q.answers for q in questions)),
            paragraph_wishes, paragraph_notes, paragraph_comments, questions))
    return out
