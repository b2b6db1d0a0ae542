"""A workshop compiled into THL's memo (muistio): first plain data (`Memo`), then Markdown.

`compile_memo` reads everything a memo says in a fixed number of queries, however many themes,
prompts, contributions or attendees there are (see `compile_memo`). `memo_markdown` writes the
Markdown the coordinator edits and the exporters read (conventions in docs/memo.md): line 1
"# Muistio: …", plain paragraphs, statement and poll results as ```chart blocks, attachments
from "## Liite 1 …".

Text written by people (notes, contributions, titles) is copied into the Markdown as it is:
HTML or script in a note stays there as text, and is made harmless where the Markdown is
rendered (`facilitate.text.render_markdown` sanitises with nh3), never here, so that the
coordinator edits exactly what was written.

Every word the memo itself says comes from the phrasing module of its language
(`facilitate.memo.finnish`, `facilitate.memo.swedish`, chosen in `facilitate.memo.phrasing`);
this module decides what is said, in any language.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from types import ModuleType

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ..actions.operations import follows_up
from ..export.charts import Chart
from ..models import (
    MEMO_FORMATS,
    MEMO_LANGUAGES,
    STATEMENT_SCALE,
    Action,
    ActionReview,
    Answer,
    Attachment,
    Contribution,
    MemoFile,
    MemoVersion,
    Note,
    Organisation,
    OrganisationKind,
    Presentation,
    Prompt,
    PromptKind,
    Registration,
    Series,
    Theme,
    Vote,
    Wish,
    Workshop,
)
from ..reference.operations import Reference, reference_from, today_percents
from ..results.anonymity import Breakdown
from ..results.operations import breakdowns
from ..series.operations import RegistrationState, registration_state
from ..tracking.operations import (
    AGREEING,
    AskedResult,
    earlier_results,
    headline_share,
    percent,
)
from . import phrasing, sources
from .addresses import memo_address

#: A memo is read in a few pages: under each theme it quotes this many of the participants'
#: comments, the most voted first, and says how many there were in all.
CONTRIBUTIONS_PER_THEME = 3
#: The format an earlier memo is linked in when its version has that file (as THL links them).
PREFERRED_FORMAT = "pdf"


@dataclass(frozen=True)
class Result:
    """An answered statement or poll: the sentence with counts, and its chart."""

    prompt_id: int
    kind: str  #: "statement" or "poll"
    text: str
    sentence: str
    chart: Chart
    answer_ids: tuple[int, ...] = ()  #: the answers counted
    #: the answers by organisation as the anonymity rule publishes them, or "" (no threshold
    #: given, or fewer than two rows: then the breakdown would only repeat the total)
    breakdown: str = ""


@dataclass(frozen=True)
class MemoContribution:
    """A participant's comment, attributed to an organisation, never to a person."""

    contribution_id: int
    text: str
    organisation: str
    votes: int
    level: str | None
    line: str  #: as the memo lists it: "Teksti (Varha, 3 ääntä)"


@dataclass(frozen=True)
class MemoTheme:
    """One theme's paragraph(s), in agenda order."""

    theme_id: int
    title: str
    phrase: str  #: the bold words (the theme's memo_phrase, or its title when that is empty)
    from_wishes: bool
    sentence: str  #: "Keskusteltiin **palveluiden organisoimisesta**."
    notes: str  #: Markdown as written; a placeholder when nobody wrote notes
    results: tuple[Result, ...]
    contributions: tuple[MemoContribution, ...]  #: the most voted (not hidden), most first
    contribution_count: int  #: all the theme's comments that are not hidden
    note_id: int | None = None  #: the theme's notes, when somebody wrote any
    wish_ids: tuple[int, ...] = ()  #: the wishes grouped into the theme
    contribution_ids: tuple[int, ...] = ()  #: every comment counted, most voted first


@dataclass(frozen=True)
class EarlierMemo:
    """An earlier workshop's latest published memo, linked at its stable address."""

    workshop_id: int
    day: date
    version: int
    format: str
    size_bytes: int | None  #: the file's size; None when the version has no file yet
    url: str
    text: str  #: "Muistio … 27.1.2023 (pdf 352 kt)"


@dataclass(frozen=True)
class NextWorkshop:
    """The series' next workshop after this one."""

    workshop_id: int
    title: str
    day: date
    registration_url: str | None  #: the invitation link, only while registration is open
    sentence: str


@dataclass(frozen=True)
class MemoAttachment:
    """An appendix: "Liite 1 <title>" and its Markdown body."""

    number: int
    title: str
    heading: str
    body: str


@dataclass(frozen=True)
class Memo:
    """Everything a workshop's memo says, as plain data in the memo's order."""

    workshop_id: int
    series_slug: str
    language: str  #: one of MEMO_LANGUAGES
    day: date
    title: str  #: the series' memo title
    heading: str  #: "Muistio: <title>"
    time_line: str  #: "Aika: 29.3.2023 klo 14–16, Teams-keskustelu"
    attendance: str  #: "Paikalla oli …" (a placeholder inside when nobody attended)
    opening: tuple[str, ...]  #: one sentence per talk recorded as given (alustus)
    themes: tuple[MemoTheme, ...]  #: the themes discussed (see `compile_memo`)
    series_paragraph: str  #: the series' description (Markdown)
    earlier_memos: tuple[EarlierMemo, ...]  #: newest first
    next_workshop: NextWorkshop | None
    contacts: str  #: Markdown
    funding_footer: str
    attachments: tuple[MemoAttachment, ...]
    #: agenda themes left out because the room recorded nothing of them (titles)
    themes_left_out: tuple[str, ...] = ()
    #: talks planned but never recorded as given (titles)
    talks_not_given: tuple[str, ...] = ()
    #: the actions this workshop agreed, one line each ("Sovitut toimenpiteet")
    actions: tuple[str, ...] = ()
    #: the actions agreed earlier in the series that this workshop reviewed, one line each
    reviews: tuple[str, ...] = ()
    #: actions this workshop was to review but did not (texts), for the editor to show
    actions_not_reviewed: tuple[str, ...] = ()
    #: what each placeholder left in the memo asks for; publishing waits until it is empty
    placeholders: tuple[str, ...] = ()


def compile_memo(s: Session, workshop: Workshop, *, base_url: str,
                 now: datetime | None = None, language: str = "fi",
                 anonymity_threshold: int | None = None) -> Memo:
    """The workshop's memo as data in `language`; `now` decides whether the next workshop's
    registration is open. Issues a fixed number of queries however large the workshop, never
    one per theme, prompt, contribution or action: 17 at most (with results by
    organisation), tested in
    tests/memo/test_memo_compile.py (the series' published memo versions included, and the
    workshop and its series when they are not loaded yet).

    The draft states only what the room recorded: a theme is discussed when it was opened in
    the room (Theme.opened_at), has notes, comments or answers; a talk opens the memo only when
    it was recorded as given (Presentation.given_at). What is left out is listed in
    `themes_left_out` and `talks_not_given` for the editor to show.

    Attendance counts the registrations marked attended (Registration.attended_at), by
    organisation. Organisations are listed in the order they first registered (the lowest
    registration id): stable, independent of the agenda and of who joined the room first, and
    the order of seed 002, which the demo reproduces.

    In Swedish, the series' own Swedish texts are used where the coordinator wrote them, and
    whatever else the coordinator wrote in Finnish is left to translate (swedish.own_text,
    swedish.own_block): nothing is translated by machine.
    """
    words = phrasing.of(language)
    series = s.get_one(Series, workshop.series_id)
    links = _series_links(s, workshop, series, base_url, now, language)
    opening, talks_not_given = _opening(s, workshop, words)
    themes, themes_left_out = _themes(s, workshop, words, anonymity_threshold)
    agreed, reviews, not_reviewed = _actions(s, workshop, words)
    title = (series_text(series, "memo_title", language, block=False)
             or words.own_text(series.title))
    memo = Memo(
        workshop_id=workshop.id,
        series_slug=series.slug,
        language=language,
        day=workshop.day,
        title=title,
        heading=words.heading(title),
        time_line=words.time_line(workshop.day, workshop.starts_at, workshop.ends_at,
                                  workshop.format),
        attendance=_attendance(s, workshop, words),
        opening=opening,
        themes=themes,
        series_paragraph=series_text(series, "description", language),
        earlier_memos=links.earlier,
        next_workshop=links.following,
        contacts=series_text(series, "contacts", language),
        funding_footer=series_text(series, "funding_footer", language),
        attachments=_attachments(s, workshop, words),
        themes_left_out=themes_left_out,
        talks_not_given=talks_not_given,
        actions=agreed,
        reviews=reviews,
        actions_not_reviewed=not_reviewed,
    )
    return replace(memo, placeholders=tuple(phrasing.find_placeholders(memo_markdown(memo))))


def series_text(series: Series, field: str, language: str, *, block: bool = True) -> str:
    """One of the series' memo texts in a memo language: the Swedish field where the
    coordinator wrote one ("description_sv"), else the Finnish text left to translate."""
    finnish_text = _markdown_text(getattr(series, field))
    if language == "fi":
        return finnish_text
    own = _markdown_text(getattr(series, f"{field}_{language}"))
    if own or not finnish_text:
        return own
    words = phrasing.of(language)
    return words.own_block(finnish_text) if block else words.own_text(finnish_text)


# --- reading -------------------------------------------------------------------------------


def _markdown_text(text: str | None) -> str:
    # One newline convention, and no blank lines at either end that would merge paragraphs.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()


def _attendance(s: Session, workshop: Workshop, words: ModuleType) -> str:
    first = func.min(Registration.id).label("first")
    named = (Organisation.kind, Organisation.name_fi, Organisation.name_sv,
             Organisation.memo_genitive, Organisation.memo_phrase, Organisation.memo_phrase_sv)
    rows = s.execute(
        select(*named, first)
        .join(Registration, Registration.organisation_id == Organisation.id)
        .where(Registration.workshop_id == workshop.id, Registration.attended_at.is_not(None))
        .group_by(Organisation.id, *named)
        .order_by(first)
    ).all()
    lists: dict[OrganisationKind, list[str]] = defaultdict(list)
    for kind, name_fi, name_sv, genitive, phrase, phrase_sv, _first in rows:
        lists[kind].append(words.organisation_words(
            county=kind == OrganisationKind.COUNTY, project=kind == OrganisationKind.PROJECT,
            name_fi=name_fi, name_sv=name_sv, genitive=genitive, phrase=phrase,
            phrase_sv=phrase_sv))
    others = [item for kind, items in lists.items()
              if kind not in (OrganisationKind.COUNTY, OrganisationKind.PROJECT)
              for item in items]
    return words.attendance_sentence(lists[OrganisationKind.PROJECT],
                                     lists[OrganisationKind.COUNTY], others)


def _opening(s: Session, workshop: Workshop, words: ModuleType
             ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The opening sentences of the talks given, and the titles of those never recorded."""
    rows = s.execute(select(Presentation.presenter, Presentation.title, Presentation.given_at)
                     .where(Presentation.workshop_id == workshop.id)
                     .order_by(Presentation.position, Presentation.id)).all()
    sentences = (words.opening_sentence(presenter or "", title or "")
                 for presenter, title, given_at in rows if given_at is not None)
    return (tuple(sentence for sentence in sentences if sentence),
            tuple(title for _presenter, title, given_at in rows if given_at is None))


def _attachments(s: Session, workshop: Workshop, words: ModuleType
                 ) -> tuple[MemoAttachment, ...]:
    rows = s.execute(select(Attachment.title, Attachment.body)
                     .where(Attachment.workshop_id == workshop.id)
                     .order_by(Attachment.position, Attachment.id)).all()
    return tuple(MemoAttachment(number, title, words.attachment_heading(number, title),
                                words.own_block(_markdown_text(body)))
                 for number, (title, body) in enumerate(rows, start=1))


#: A statement or poll as the memo counts it: id, kind, text, options, reference figures.
_CountedPrompt = tuple[int, PromptKind, str, list[str], Reference | None]


@dataclass(frozen=True)
class _Counted:
    """What a breakdown needs of a prompt (results.operations.Counted)."""

    id: int
    kind: PromptKind
    options: list[str]


def _breakdown(found: Breakdown | None, prompt: _CountedPrompt, words: ModuleType) -> str:
    """The sentence of a published breakdown; "" when it would add nothing to the total."""
    if found is None or found.suppressed or len(found.rows) < 2:
        return ""
    _id, kind, _text, options, _reference = prompt
    rows = [(row.label, row.counts) for row in found.rows]
    if kind == PromptKind.STATEMENT:
        agreeing = [i for i, value in enumerate(STATEMENT_SCALE) if value in AGREEING]
        return words.statement_breakdown(
            [(label, percent(sum(counts[i] for i in agreeing), sum(counts)), sum(counts))
             for label, counts in rows])
    return words.poll_breakdown(options, [
        (label, [percent(count, sum(counts)) for count in counts], sum(counts))
        for label, counts in rows])


def _themes(s: Session, workshop: Workshop, words: ModuleType, threshold: int | None
            ) -> tuple[tuple[MemoTheme, ...], tuple[str, ...]]:
    """The themes discussed, in agenda order, and the titles of the others; with a
    `threshold`, each result with its answers by organisation under the anonymity rule."""
    of_workshop = Theme.workshop_id == workshop.id
    themes = s.execute(select(Theme.id, Theme.title, Theme.memo_phrase, Theme.opened_at,
                              Theme.reviews_actions)
                       .where(of_workshop).order_by(Theme.position, Theme.id)).all()
    prompts: dict[int, list[_CountedPrompt]] = defaultdict(list)
    keyed = []
    for prompt_id, theme_id, kind, text, options, key, *reference in s.execute(
            select(Prompt.id, Prompt.theme_id, Prompt.kind, Prompt.text, Prompt.options,
                   Prompt.question_key, Prompt.reference_source, Prompt.reference_responses,
                   Prompt.reference_note, Prompt.reference_percents)
            .join(Theme, Theme.id == Prompt.theme_id).where(of_workshop)
            .where(Prompt.kind.in_((PromptKind.STATEMENT, PromptKind.POLL)))
            .order_by(Prompt.position, Prompt.id)):
        prompts[theme_id].append((prompt_id, kind, text, list(options or []),
                                  reference_from(*reference)))
        keyed.append((prompt_id, key, kind, options))
    before = earlier_results(s, workshop, keyed)
    by_organisation = breakdowns(
        s, [_Counted(p[0], p[1], p[3]) for listed in prompts.values() for p in listed],
        threshold=threshold, others_label=words.OTHERS) if threshold is not None else {}
    notes = {theme_id: (note_id, text) for theme_id, note_id, text in s.execute(
        select(Note.theme_id, Note.id, Note.text)
        .join(Theme, Theme.id == Note.theme_id).where(of_workshop))}
    wishes: dict[int, list[int]] = defaultdict(list)
    for theme_id, wish_id in s.execute(select(Wish.theme_id, Wish.id)
                                       .join(Theme, Theme.id == Wish.theme_id)
                                       .where(of_workshop).order_by(Wish.id)):
        wishes[theme_id].append(wish_id)
    names = _proper_nouns(s)
    # One row per answer, not a count per value: the memo keeps which answers it counted.
    answers: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    answer_ids: dict[int, list[int]] = defaultdict(list)
    for prompt_id, answer_id, value in s.execute(
            select(Answer.prompt_id, Answer.id, Answer.value)
            .join(Prompt, Prompt.id == Answer.prompt_id)
            .join(Theme, Theme.id == Prompt.theme_id).where(of_workshop)
            .where(Prompt.kind.in_((PromptKind.STATEMENT, PromptKind.POLL)))
            .order_by(Answer.id)):
        answers[prompt_id][value] += 1
        answer_ids[prompt_id].append(answer_id)
    contributions = _contributions(s, workshop, words)

    out, left_out = [], []
    for theme_id, title, memo_phrase, opened_at, reviews_actions in themes:
        results = tuple(replace(result, answer_ids=tuple(answer_ids[prompt[0]]),
                                breakdown=_breakdown(by_organisation.get(prompt[0]), prompt,
                                                     words))
                        for prompt in prompts[theme_id]
                        if (result := _result(prompt, answers[prompt[0]], words,
                                              before.get(prompt[0], ()))) is not None)
        note_id, note_text = notes.get(theme_id, (None, None))
        note = _markdown_text(note_text)
        recorded = note or results or contributions[theme_id]
        if reviews_actions and not recorded:
            continue  # the review of actions speaks for itself (Memo.reviews)
        if opened_at is None and not recorded:
            # Planned but never brought up: writing "Keskusteltiin …" would be untrue.
            left_out.append(title)
            continue
        phrase = words.theme_phrase(memo_phrase or "", title, names)
        wish_ids = tuple(wishes[theme_id])
        out.append(MemoTheme(
            theme_id=theme_id, title=title, phrase=phrase, from_wishes=bool(wish_ids),
            sentence=words.theme_sentence(phrase, len(wish_ids)),
            notes=words.own_block(note) if note else words.missing_notes(title),
            results=results,
            contributions=tuple(contributions[theme_id][:CONTRIBUTIONS_PER_THEME]),
            contribution_count=len(contributions[theme_id]),
            note_id=note_id if note else None, wish_ids=wish_ids,
            contribution_ids=tuple(c.contribution_id for c in contributions[theme_id])))
    return tuple(out), tuple(left_out)


def _actions(s: Session, workshop: Workshop, words: ModuleType
             ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The lines of the actions agreed here and of those reviewed here, and the texts of the
    earlier actions left unreviewed; two queries."""
    agreed = tuple(words.action_line(text, owner, due) for text, owner, due in s.execute(
        select(Action.text, Action.owner, Action.due)
        .where(Action.workshop_id == workshop.id).order_by(Action.id)))
    reviews, not_reviewed = [], []
    # The earlier actions of the series, with what this workshop said of each (if anything):
    # those it reviewed, and those unfinished when it began.
    here = aliased(ActionReview)
    for text, owner, agreed_on, status in s.execute(
            select(Action.text, Action.owner, Workshop.day, here.status)
            .join(Workshop, Workshop.id == Action.workshop_id)
            .outerjoin(here, (here.action_id == Action.id) & (here.workshop_id == workshop.id))
            .where(follows_up(workshop))
            .order_by(Workshop.day, Action.id)):
        if status is None:
            not_reviewed.append(text)
        else:
            reviews.append(words.review_line(text, owner, agreed_on, status.value))
    return agreed, tuple(reviews), tuple(not_reviewed)


def _proper_nouns(s: Session) -> frozenset[str]:
    """The capitalised words organisations are named by ("Varsinais-Suomen", "Vantaan",
    "Keravan", "Varha"), which keep their capital when a theme's title starting with one is
    used mid-sentence."""
    words: set[str] = set()
    for name, genitive, brand in s.execute(
            select(Organisation.name_fi, Organisation.memo_genitive, Organisation.brand)):
        for text in (name, genitive, brand):
            words.update(word for word in (text or "").split() if word[:1].isupper())
    return frozenset(words)


def _result(prompt: _CountedPrompt, counts: dict[int, int],
            words: ModuleType, earlier: tuple[AskedResult, ...]) -> Result | None:
    prompt_id, kind, text, options, reference = prompt
    if kind == PromptKind.STATEMENT:
        values = [counts.get(value, 0) for value in STATEMENT_SCALE]
        labels: tuple[str, ...] | list[str] = words.STATEMENT_LABELS
        sentence = words.statement_sentence(text, values)
    else:
        values = [counts.get(index, 0) for index in range(len(options))]
        labels = [words.own_text(option) for option in options]
        sentence = words.poll_sentence(text, options, values)
    if not sum(values):
        # A prompt nobody answered was not taken up in the workshop; the memo skips it.
        return None
    if earlier:
        # A tracked question: its earlier shares beside today's, on the share that leads
        # today (agreeing, or the most chosen option).
        today = AskedResult(0, date.min, kind, tuple(options), tuple(values))
        option = None if kind == PromptKind.STATEMENT else values.index(max(values))
        sentence += " " + words.trend_sentence(
            [(r.day, headline_share(r, option)) for r in earlier],
            headline_share(today, option), None if option is None else options[option])
    if reference is not None:
        # Figures from elsewhere (a national survey), compared on their own scale.
        sentence += " " + words.reference_sentence(
            reference.source, reference.responses, reference.note, reference.percents,
            today_percents(kind, values), options if kind is PromptKind.POLL else ())
    chart = Chart(words.own_text(text), tuple(zip(labels, values, strict=True)))
    return Result(prompt_id, kind.value, text, sentence, chart)


def _contributions(s: Session, workshop: Workshop, words: ModuleType
                   ) -> dict[int, list[MemoContribution]]:
    votes = (select(Vote.contribution_id, func.count().label("votes"))
             .join(Contribution, Contribution.id == Vote.contribution_id)
             .where(Contribution.workshop_id == workshop.id)
             .group_by(Vote.contribution_id).subquery())
    vote_count = func.coalesce(votes.c.votes, 0)
    rows = s.execute(
        select(Contribution.theme_id, Contribution.id, Contribution.text, Contribution.level,
               Organisation.name_fi, Organisation.name_sv, Organisation.brand, vote_count)
        .join(Registration, Registration.id == Contribution.registration_id)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .outerjoin(votes, votes.c.contribution_id == Contribution.id)
        .where(Contribution.workshop_id == workshop.id, Contribution.is_hidden.is_(False))
        .order_by(vote_count.desc(), Contribution.id)
    ).all()
    out: dict[int, list[MemoContribution]] = defaultdict(list)
    for theme_id, contribution_id, text, level, name_fi, name_sv, brand, count in rows:
        text = " ".join(text.split())
        if not text:
            continue
        # Attributed to the organisation by the short name people use ("Varha"), never a name;
        # quoted as written, in whichever language the participant wrote.
        organisation = brand or (name_sv if words.LANGUAGE == "sv" and name_sv else name_fi)
        out[theme_id].append(MemoContribution(
            contribution_id, text, organisation, count, level,
            words.contribution_line(text, organisation, count, level)))
    return out


@dataclass(frozen=True)
class SeriesLinks:
    """What a memo says of the series' other memos: the earlier workshops' (newest first),
    the next workshop, and this workshop's memo in another language."""

    earlier: tuple[EarlierMemo, ...]
    following: NextWorkshop | None
    other_language: EarlierMemo | None


def _title_in(series: Series, language: str) -> str:
    # A link's title in a block filled in at publishing, where no gap could be filled: the
    # Finnish title stands in for a Swedish one the coordinator has not written.
    own = series.memo_title_sv.strip() if language == "sv" else ""
    return own or series.memo_title.strip() or series.title


def _series_links(s: Session, workshop: Workshop, series: Series, base_url: str,
                  now: datetime | None, language: str) -> SeriesLinks:
    """The series' published memos around this one; two queries."""
    words = phrasing.of(language)

    def key(w: Workshop) -> tuple[date, time, int]:
        return (w.day, w.starts_at, w.id)

    others = list(s.scalars(select(Workshop).where(Workshop.series_id == series.id,
                                                   Workshop.id != workshop.id)))
    here = key(workshop)
    earlier = sorted((w for w in others if key(w) < here), key=key, reverse=True)
    later = sorted((w for w in others if key(w) > here), key=key)

    following = None
    if later:
        nxt = later[0]
        url = None
        if registration_state(nxt, now) is RegistrationState.OPEN:
            # The same address the registration blueprint serves (/invite/<token>).
            url = f"{base_url.rstrip('/')}/invite/{nxt.invitation_token}"
        following = NextWorkshop(nxt.id, nxt.title, nxt.day, url, words.next_session_sentence(
            nxt.title, nxt.day, nxt.starts_at, nxt.ends_at, nxt.format, url))

    # Every published version with its files, of the earlier workshops and of this one (in
    # the other languages); the latest published one per workshop and language wins.
    latest: dict[tuple[int, str], int] = {}
    files: dict[tuple[int, str, int], dict[str, int]] = defaultdict(dict)
    for workshop_id, lang, number, fmt, size in s.execute(
            select(MemoVersion.workshop_id, MemoVersion.language, MemoVersion.number,
                   MemoFile.format, MemoFile.size)
            .outerjoin(MemoFile, MemoFile.version_id == MemoVersion.id)
            .where(MemoVersion.workshop_id.in_([w.id for w in earlier] + [workshop.id]),
                   MemoVersion.published_at.is_not(None))):
        latest[(workshop_id, lang)] = max(latest.get((workshop_id, lang), 0), number)
        if fmt is not None:
            files[(workshop_id, lang, number)][fmt] = size

    def linked(w: Workshop, lang: str, *, say_language: bool = True) -> EarlierMemo:
        number = latest[(w.id, lang)]
        sizes = files[(w.id, lang, number)]
        fmt = next((f for f in (PREFERRED_FORMAT, *MEMO_FORMATS) if f in sizes),
                   PREFERRED_FORMAT)
        size = sizes.get(fmt)
        return EarlierMemo(
            w.id, w.day, number, fmt, size,
            memo_address(base_url, series.slug, w.day, fmt, language=lang),
            words.earlier_memo_line(_title_in(series, lang), w.day, fmt, size,
                                    in_other_language=lang != language,
                                    say_language=say_language))

    memos = []
    for w in earlier:
        # in this memo's language where there is one, else in the one it was published in
        lang = next((lang for lang in (language, *MEMO_LANGUAGES) if (w.id, lang) in latest),
                    None)
        if lang is not None:
            memos.append(linked(w, lang))
    translated = next((lang for lang in MEMO_LANGUAGES
                       if lang != language and (workshop.id, lang) in latest), None)
    return SeriesLinks(tuple(memos), following,
                       linked(workshop, translated, say_language=False)
                       if translated else None)


# --- writing -------------------------------------------------------------------------------

# A notes text that starts with one of these begins with its own block (a list, heading,
# quote, code, table); a theme's sentence then stands as a paragraph of its own before it.
_BLOCK_START = re.compile(r"[-*+#>|<\s]|```|~~~|\d+[.)](\s|$)")


def _lead(sentence: str, notes: str) -> str:
    """The theme's sentence and its notes: one paragraph when the notes begin with prose,
    as in seed 002 ("Keskusteltiin **…**. Pirkanmaalla …")."""
    if _BLOCK_START.match(notes):
        return f"{sentence}\n\n{notes}"
    return f"{sentence} {notes}"


def _chart_line(text: str) -> str:
    # One line, and never a backtick run that would close the fence early.
    return " ".join(text.split()).replace("`", "'")


def chart_block(chart: Chart) -> str:
    """A ```chart block: the caption, then one "label | count" line per row."""
    lines = ["```chart", _chart_line(chart.caption)]
    # "|" separates label and count, so a label keeps none of its own.
    lines += [f"{_chart_line(label).replace('|', '/')} | {count}" for label, count in chart.rows]
    lines.append("```")
    return "\n".join(lines)


def link_text(text: str) -> str:
    """Text made safe inside a Markdown link's brackets."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def memo_markdown(memo: Memo, *, marked: bool = False) -> str:
    """The memo as the Markdown the exporters read; `marked`, as the coordinator edits it,
    with each paragraph built from the room marked with its anchor (see `memo_sources`).
    Without its markers (sources.strip_markers) the marked text is the unmarked one."""
    words = phrasing.of(memo.language)

    def mark(text: str, anchor: str) -> str:
        return f"{text} {sources.marker(anchor, memo.language)}" if marked else text

    blocks = [f"# {memo.heading}", memo.time_line, memo.attendance]
    if memo.opening:
        blocks.append(" ".join(memo.opening))
    if memo.reviews:  # the agenda opens with them (facilitate.actions)
        blocks += [words.REVIEWS_INTRO, "\n".join(f"- {line}" for line in memo.reviews)]
    if not memo.themes and not memo.reviews:
        blocks.append(words.NO_THEMES_DISCUSSED)
    for theme in memo.themes:
        # After the theme's sentence, not at the end of the notes: whatever the notes are
        # (a list, a fenced block to translate), the sentence is one line of prose.
        blocks.append(_lead(mark(theme.sentence, sources.theme_anchor(theme.theme_id)),
                            theme.notes))
        for result in theme.results:
            blocks += [mark(result.sentence, sources.result_anchor(result.prompt_id)),
                       chart_block(result.chart)]
            if result.breakdown:
                blocks.append(result.breakdown)
        if theme.contributions:
            blocks.append(mark(words.contributions_intro(theme.contribution_count,
                                                         len(theme.contributions)),
                               sources.comments_anchor(theme.theme_id)))
            blocks.append("\n".join(f"- {c.line}" for c in theme.contributions))
    if memo.actions:
        blocks += [words.ACTIONS_INTRO, "\n".join(f"- {line}" for line in memo.actions)]
    if memo.series_paragraph:
        blocks.append(memo.series_paragraph)
    # The series' other memos change after this one is drafted (an earlier memo published
    # or corrected, the next workshop's registration opened): placeholders for them stay in
    # the text and are filled in whenever a version is shown or published.
    blocks += [f"```{block}\n```" for block in SERIES_BLOCKS]
    if memo.contacts:
        blocks += [words.CONTACTS_INTRO, memo.contacts]
    if memo.funding_footer:
        blocks.append(memo.funding_footer)
    for attachment in memo.attachments:
        blocks.append(f"## {attachment.heading}")
        if attachment.body:
            blocks.append(attachment.body)
    return "\n\n".join(blocks) + "\n"


def memo_sources(memo: Memo) -> sources.Sources:
    """What each marker of `memo_markdown(memo, marked=True)` stands for: the ids of the
    notes and wishes of a theme's paragraph, the answers of a result, the comments counted
    and quoted under a theme."""
    out: sources.Sources = {}
    for theme in memo.themes:
        out[sources.theme_anchor(theme.theme_id)] = {
            "notes": [theme.note_id] if theme.note_id is not None else [],
            "wishes": list(theme.wish_ids)}
        for result in theme.results:
            out[sources.result_anchor(result.prompt_id)] = {
                "prompts": [result.prompt_id], "answers": list(result.answer_ids)}
        if theme.contributions:
            out[sources.comments_anchor(theme.theme_id)] = {
                "contributions": list(theme.contribution_ids),
                "quoted": [c.contribution_id for c in theme.contributions]}
    return out


#: The info strings of the blocks `resolve_series_blocks` fills in (docs/memo.md).
EARLIER_MEMOS = "earlier-memos"
NEXT_WORKSHOP = "next-workshop"
OTHER_LANGUAGE = "other-language"
SERIES_BLOCKS = (EARLIER_MEMOS, NEXT_WORKSHOP, OTHER_LANGUAGE)
_SERIES_BLOCK = re.compile(
    rf"^```({'|'.join(SERIES_BLOCKS)})[ \t]*\n```[ \t]*(?P<after>\n+|\Z)", re.MULTILINE)
#: Any fence naming a series block, however it was typed: what is left of these once the
#: blocks are filled in was edited into something they cannot fill (text inside, another
#: fence), which publishing refuses rather than print an empty code block.
_SERIES_FENCE = re.compile(
    rf"^ {{0,3}}(?:`{{3,}}|~{{3,}})[ \t]*({'|'.join(SERIES_BLOCKS)})\b", re.MULTILINE | re.I)


def series_blocks(links: SeriesLinks, language: str) -> dict[str, str]:
    """The Markdown each series block stands for; empty when there is nothing to say."""
    words = phrasing.of(language)
    listed = ""
    if links.earlier:
        listed = "\n\n".join([words.EARLIER_MEMOS_INTRO, "\n".join(
            f"- [{link_text(m.text)}]({m.url})" for m in links.earlier)])
    other = links.other_language
    return {EARLIER_MEMOS: listed,
            NEXT_WORKSHOP: links.following.sentence if links.following else "",
            OTHER_LANGUAGE: f"{words.OTHER_LANGUAGE_INTRO} [{link_text(other.text)}]"
                            f"({other.url})" if other else ""}


def resolve_series_blocks(s: Session, workshop: Workshop, markdown: str, *, base_url: str,
                          now: datetime | None = None, language: str = "fi") -> str:
    """The Markdown with its series blocks replaced by the series' current published memos
    (their newest versions and sizes), its next workshop and this memo in the other
    language; two queries when it has any."""
    markdown = phrasing.normalised(markdown)
    if not _SERIES_BLOCK.search(markdown):
        return markdown
    series = s.get_one(Series, workshop.series_id)
    texts = series_blocks(_series_links(s, workshop, series, base_url, now, language),
                          language)
    # A block with nothing to say goes with the blank lines after it, leaving no gap; one with
    # something is a paragraph of its own (and at the end, the text ends with one newline).
    resolved = _SERIES_BLOCK.sub(
        lambda match: texts[match[1]] + "\n\n" if texts[match[1]] else "", markdown)
    return resolved.rstrip("\n") + "\n" if markdown.endswith("\n") else resolved


def unfilled_series_blocks(markdown: str) -> list[str]:
    """The series blocks left in Markdown after `resolve_series_blocks`: edited so that they
    can no longer be filled in."""
    return [match[1].lower() for match in _SERIES_FENCE.finditer(markdown)]
