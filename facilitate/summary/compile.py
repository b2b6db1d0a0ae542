"""A series summary (yhteenveto): what the series' published memos said, gathered into one
document, as the four-workshop series of seed 004 needed. For each workshop with a published
Finnish memo: its themes and key sentences, the actions it agreed and what it said of earlier
ones, and a link to the memo; then the tracked questions' results over those workshops.

The summary says only what was published: its sentences and action lines are taken from the
published memos' text (as the coordinator edited it before publishing), and its figures only
from workshops whose memo is published. It is Markdown in the memo's conventions
(docs/memo.md), so every memo format exports it under the same accessibility rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..formatting import format_day
from ..memo import finnish as words
from ..memo.addresses import memo_address
from ..memo.compile import PREFERRED_FORMAT, link_text
from ..memo.operations import published_memos
from ..memo.sources import strip_markers
from ..models import Organisation, PromptKind, Registration, Series
from ..tracking.operations import headline_share, series_tracked

#: A workshop's key sentences: the opening sentences of its memo's theme paragraphs, at most
#: this many sentences of each.
SENTENCES_PER_THEME = 2
_FENCE = re.compile(r"^(`{3,}|~{3,})")
#: A sentence ends at . ! or ? before a space and a capital (or a digit, or a bold mark).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9*])")


@dataclass(frozen=True)
class SummaryWorkshop:
    """A workshop of the summary: its day, title, memo link and key sentences."""

    workshop_id: int
    day: date
    title: str
    memo_url: str
    memo_text: str  #: the link's text: "Muistio: … 29.3.2023 (pdf 352 kt)"
    key_sentences: tuple[str, ...]
    actions: tuple[str, ...] = ()  #: its memo's "Sovitut toimenpiteet" lines
    reviews: tuple[str, ...] = ()  #: its memo's lines on earlier actions


@dataclass(frozen=True)
class SeriesSummary:
    """Everything the summary says, in its order."""

    series_slug: str
    title: str
    heading: str
    description: str
    span: str  #: "Neljä tilaisuutta 13.9.2022–29.3.2023, osallistujia 9 organisaatiosta."
    workshops: tuple[SummaryWorkshop, ...]
    tracked: tuple[tuple[str, tuple[str, ...]], ...]  #: question text, one line per workshop


def _paragraphs(markdown: str) -> list[str]:
    """The Markdown's paragraphs outside fenced blocks (charts, series blocks), each on one
    line."""
    paragraphs: list[str] = []
    current: list[str] = []
    fence = None
    for line in [*markdown.splitlines(), ""]:
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        opening = _FENCE.match(stripped)
        if opening or not stripped:
            if current:
                paragraphs.append(" ".join(" ".join(current).split()))
            current = []
            fence = opening[1] if opening else None
            continue
        current.append(stripped)
    return paragraphs


def key_sentences(markdown: str) -> tuple[str, ...]:
    """The opening sentences of a published memo's theme paragraphs: those whose first
    sentence sets the theme in bold ("Keskusteltiin **…**."), as the compiler writes them."""
    out = []
    for paragraph in _paragraphs(strip_markers(markdown)):
        sentences = _SENTENCE_END.split(paragraph)
        if paragraph.startswith(("#", "- ", "* ", ">", "|")) or "**" not in sentences[0]:
            continue
        out.append(" ".join(sentences[:SENTENCES_PER_THEME]))
    return tuple(out)


def listed_under(markdown: str, intro: str) -> tuple[str, ...]:
    """The items of the list that follows the paragraph `intro` in a published memo ("Sovitut
    toimenpiteet:"), as the memo writes them; nothing when the coordinator removed it."""
    blocks = re.split(r"\n[ \t]*\n", strip_markers(markdown))
    for block, following in zip(blocks, blocks[1:], strict=False):
        if block.strip() == intro:
            return tuple(" ".join(line[2:].split()) for line in following.splitlines()
                         if line.startswith(("- ", "* ")))
    return ()


def compile_summary(s: Session, series: Series, *, base_url: str) -> SeriesSummary:
    """The series' summary from its published Finnish memos; a fixed number of queries."""
    memos = published_memos(s, series)
    held = [w for w in series.workshops if w.id in memos]
    published = {w.id for w in held}
    title = series.memo_title or series.title
    workshops = []
    for workshop in held:
        version = memos[workshop.id].version
        files = {f.format: f for f in version.files}
        fmt = PREFERRED_FORMAT if PREFERRED_FORMAT in files else next(iter(files), "md")
        workshops.append(SummaryWorkshop(
            workshop_id=workshop.id, day=workshop.day, title=workshop.title,
            memo_url=memo_address(base_url, series.slug, workshop.day, fmt),
            memo_text=words.earlier_memo_line(title, workshop.day, fmt,
                                              files[fmt].size if fmt in files else None),
            key_sentences=key_sentences(version.markdown),
            actions=listed_under(version.markdown, words.ACTIONS_INTRO),
            reviews=listed_under(version.markdown, words.REVIEWS_INTRO)))
    return SeriesSummary(
        series_slug=series.slug, title=title, heading=words.summary_heading(title),
        description=(series.description or "").strip(),
        span=words.summary_span([w.day for w in held], _organisations(s, published)),
        workshops=tuple(workshops), tracked=_tracked(s, series, published))


def _organisations(s: Session, workshop_ids: set[int]) -> int:
    if not workshop_ids:
        return 0
    return s.scalar(select(func.count(func.distinct(Organisation.id)))
                    .join(Registration, Registration.organisation_id == Organisation.id)
                    .where(Registration.workshop_id.in_(workshop_ids),
                           Registration.attended_at.is_not(None))) or 0


def _tracked(s: Session, series: Series, published: set[int]
             ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for question in series_tracked(s, series, only=published):
        results = question.results
        if len(results) < 2:  # a question asked once is no trend
            continue
        lines = tuple(
            words.summary_statement_line(r.day, headline_share(r), r.total)
            if question.kind == PromptKind.STATEMENT else
            words.summary_poll_line(r.day, question.options, r.percents, r.total)
            for r in results)
        out.append((question.text, lines))
    return tuple(out)


def summary_markdown(summary: SeriesSummary) -> str:
    """The summary as Markdown in the memo's conventions."""
    blocks = [f"# {summary.heading}"]
    if summary.description:
        blocks.append(summary.description)
    blocks.append(summary.span)
    for workshop in summary.workshops:
        blocks.append(f"## {format_day(workshop.day)}: {' '.join(workshop.title.split())}")
        if workshop.key_sentences:
            blocks.append("\n".join(f"- {sentence}" for sentence in workshop.key_sentences))
        for intro, lines in ((words.REVIEWS_INTRO, workshop.reviews),
                             (words.ACTIONS_INTRO, workshop.actions)):
            if lines:
                blocks += [intro, "\n".join(f"- {line}" for line in lines)]
        blocks.append(f"[{link_text(workshop.memo_text)}]({workshop.memo_url})")
    if summary.tracked:
        blocks.append(f"## {words.SUMMARY_TRACKED_HEADING}")
        for text, lines in summary.tracked:
            blocks += [f"**{' '.join(text.split())}**", "\n".join(f"- {line}" for line in lines)]
    if not summary.workshops:
        blocks.append(words.SUMMARY_NOTHING_YET)
    return "\n\n".join(blocks) + "\n"
