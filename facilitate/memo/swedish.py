"""Every Swedish word of a memo: the sibling of finnish.py, with the same functions.

The generated structure and sentences are Swedish (Finland Swedish, as THL writes it: dates
"29.3.2023", times "kl. 14–16", sizes "352 kB", quotations ”…”). What the coordinator wrote
in Finnish (notes, theme phrases, statements, poll options, talks, attachments) is never
translated by machine: a short text becomes a gap "[[KOMPLETTERA: ”…” på svenska]]", a long
one a fenced ```översätt block holding the Finnish original, and publishing waits until the
coordinator has replaced them all (see phrasing.find_placeholders).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time

from ..export.pages import ATTACHMENT_WORDS
from ..formatting import format_day, format_size, format_time_range
from .gaps import gap

LANGUAGE = "sv"
#: The word of this language's gaps: "[[KOMPLETTERA: what]]".
GAP_WORD = "KOMPLETTERA"
#: The info string of a block of Finnish text waiting for its Swedish translation.
TRANSLATE_INFO = "översätt"
SIZE_UNITS = ("kB", "MB")

HEADING_PREFIX = "Promemoria: "
TIME_PREFIX = "Tid: "
EARLIER_MEMOS_INTRO = "Promemorior från reflektionerna:"
CONTACTS_INTRO = "Mer information:"
#: Before the link to the memo in the other language.
OTHER_LANGUAGE_INTRO = "Promemorian på finska:"

#: The five-step scale of a statement, values 1–5, as a chart labels them.
STATEMENT_LABELS = (
    "Helt av annan åsikt",
    "Delvis av annan åsikt",
    "Varken av samma eller annan åsikt",
    "Delvis av samma åsikt",
    "Helt av samma åsikt",
)
#: A LEVEL prompt's answer tags (models.ANSWER_LEVELS) as a memo writes them.
LEVEL_PHRASES = {
    "kunta": "kommunnivå",
    "hyvinvointialue": "välfärdsområdesnivå",
    "valtakunnallinen": "nationell nivå",
}
#: How a county's Swedish name ends ("Vanda och Kervo välfärdsområde"); the memo lists what
#: comes before it ("Vanda och Kervo") and says "välfärdsområden" once.
COUNTY_SUFFIX = " välfärdsområde"


def placeholder(what: str) -> str:
    """A gap for the coordinator: "[[KOMPLETTERA: what]]"."""
    return gap(GAP_WORD, what)


def own_text(text: str) -> str:
    """A short text the coordinator wrote in Finnish, as a gap asking for it in Swedish."""
    text = " ".join(text.split())
    return placeholder(f"{quote(text)} på svenska") if text else ""


def own_block(text: str) -> str:
    """A long Finnish text (Markdown) in a block to translate: a fence longer than any run of
    backticks inside, so the text cannot close it."""
    text = text.strip("\n")
    if not text:
        return ""
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{TRANSLATE_INFO}\n{text}\n{fence}"


def join_list(items: Sequence[str]) -> str:
    """A Swedish list: "A", "A och B", "A, B och C" (no comma before "och").

    An item with an "och" of its own ("Vanda och Kervo") would blur where the items part, so
    such a list joins its last item with "samt": "Egentliga Finlands, Vanda och Kervo samt
    Satakunta".
    """
    items = [item for item in items if item]
    return _joined(items, "samt" if any(_OWN_OCH.search(item) for item in items) else "och")


def _joined(items: Sequence[str], last: str) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


_OWN_OCH = re.compile(r"\boch\b")

#: Small numbers are written out in running text (up to ten); "en" as "deltagare" is common
#: gender.
_NUMBER_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio")


def number_word(n: int) -> str:
    """A count in running text: "två", "tio", then digits ("11")."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def quote(text: str) -> str:
    """Swedish (Finland) quotation marks, on one line: ”text”."""
    return f"”{' '.join(text.split())}”"


def heading(memo_title: str) -> str:
    """The memo's heading: "Promemoria: <series memo title>"."""
    return f"{HEADING_PREFIX}{memo_title}"


def time_line(day: date, starts: time, ends: time, format: str) -> str:
    """"Tid: 29.3.2023 kl. 14–16, …" (the workshop's format is the coordinator's Finnish)."""
    line = f"{TIME_PREFIX}{format_day(day)} kl. {format_time_range(starts, ends)}"
    return f"{line}, {own_text(format)}" if format.strip() else line


def organisation_words(*, county: bool, project: bool, name_fi: str, name_sv: str | None,
                       genitive: str | None, phrase: str | None,
                       phrase_sv: str | None) -> str:
    """How an attending organisation is named in the attendance sentence: a county by its
    Swedish name without "välfärdsområde" ("Vanda och Kervo"), a project by its Swedish
    phrase ("YEE-projektets anställda"), another by its phrase or Swedish name."""
    name_sv = " ".join((name_sv or "").split())
    if county:
        if name_sv.endswith(COUNTY_SUFFIX):
            return name_sv.removesuffix(COUNTY_SUFFIX)
        return missing_organisation_phrase(name_fi)
    chosen = " ".join((phrase_sv or "").split()) or ("" if project else name_sv)
    return chosen or missing_organisation_phrase(name_fi)


def missing_organisation_phrase(name: str) -> str:
    """A gap for an organisation the memo cannot name in Swedish yet."""
    return placeholder(f"hur {quote(name)} skrivs i deltagarmeningen")


def attendance_sentence(project_phrases: Sequence[str], county_names: Sequence[str],
                        other_phrases: Sequence[str]) -> str:
    """Who attended, by organisation: "Närvarande var YEE-projektets anställda och företrädare
    för Egentliga Finlands, Vanda och Kervo samt Satakunta välfärdsområden och en privat
    aktör." One county keeps its whole name ("Satakunta välfärdsområde")."""
    represented = []
    if county_names:
        noun = "välfärdsområde" if len(county_names) == 1 else "välfärdsområden"
        represented.append(f"{join_list(county_names)} {noun}")
    represented += other_phrases
    parts = []
    if project_phrases:
        parts.append(join_list(project_phrases))
    if represented:
        parts.append(f"företrädare för {_joined(represented, 'och')}")
    if not parts:
        return f"Närvarande var {placeholder('deltagarnas organisationer')}."
    return f"Närvarande var {' och '.join(parts)}."


def opening_sentence(presenter: str, title: str) -> str:
    """Who opened the workshop and on what; both are the coordinator's Finnish."""
    presenter, title = own_text(presenter), own_text(title)
    if not presenter and not title:
        return ""
    if not presenter:
        return f"Tillfället inleddes med ett anförande om {title}."
    if not title:
        return f"{presenter} höll ett inledande anförande."
    return f"{presenter} höll ett inledande anförande om {title}."


def theme_phrase(memo_phrase: str, title: str, proper_nouns: frozenset[str] = frozenset()
                 ) -> str:
    """The bold words of a theme: its Finnish phrase (or title), to be said in Swedish."""
    return own_text(memo_phrase or title)


def theme_sentence(phrase: str, wishes: int) -> str:
    """"Diskussionen gällde **…**."; from wishes "Utifrån ett förhandsönskemål diskuterades
    **…**." (several: "Utifrån förhandsönskemål …")."""
    if wishes == 1:
        return f"Utifrån ett förhandsönskemål diskuterades **{phrase}**."
    if wishes > 1:
        return f"Utifrån förhandsönskemål diskuterades **{phrase}**."
    return f"Diskussionen gällde **{phrase}**."


#: The draft of a workshop whose room recorded no theme.
NO_THEMES_DISCUSSED = placeholder("vad som diskuterades vid tillfället")


def missing_notes(theme_title: str) -> str:
    """A gap for a theme nobody wrote notes on."""
    return placeholder(f"anteckningar om temat {quote(theme_title)}")


def _respondents(count: int) -> str:
    return f"{number_word(count)} deltagare"


#: A statement's answers, values 1–5, after "Av dem var …".
_STATEMENT_PREDICATES = (
    "helt av annan åsikt",
    "delvis av annan åsikt",
    "varken av samma eller annan åsikt",
    "delvis av samma åsikt",
    "helt av samma åsikt",
)


def statement_sentence(text: str, counts: Sequence[int]) -> str:
    """"Påståendet … besvarades av sex deltagare. Av dem var tre helt av samma åsikt, två
    delvis av samma åsikt och en varken av samma eller annan åsikt." (agreement first); one
    answer: "…, som var helt av samma åsikt."."""
    total = sum(counts)
    said = own_text(text)
    if total == 0:
        return f"Påståendet {said} besvarades inte."
    parts = [(count, _STATEMENT_PREDICATES[value])
             for value, count in reversed(list(enumerate(counts))) if count]
    opening = f"Påståendet {said} besvarades av {_respondents(total)}"
    if total == 1:
        return f"{opening}, som var {parts[0][1]}."
    # Swedish puts the verb second ("Av dem var …"), so the shared "var" is said once.
    return f"{opening}. Av dem var {_joined([f'{number_word(c)} {p}' for c, p in parts], 'och')}."


def poll_sentence(text: str, options: Sequence[str], counts: Sequence[int]) -> str:
    """"Frågan … besvarades av sex deltagare. Av dem valde tre alternativet …, två … och en
    …." (most chosen first); one answer: "…, som valde alternativet …"."""
    total = sum(counts)
    said = own_text(text)
    if total == 0:
        return f"Frågan {said} besvarades inte."
    chosen = sorted((index for index, count in enumerate(counts) if count),
                    key=lambda index: -counts[index])
    opening = f"Frågan {said} besvarades av {_respondents(total)}"
    if total == 1:
        return f"{opening}, som valde alternativet {own_text(options[chosen[0]])}."
    first, *rest = chosen
    parts = [f"{number_word(counts[first])} alternativet {own_text(options[first])}"]
    parts += [f"{number_word(counts[index])} {own_text(options[index])}" for index in rest]
    return f"{opening}. Av dem valde {_joined(parts, 'och')}."


#: "i september": when in a series a question was asked before.
_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")


def _when_asked(days: Sequence[date]) -> list[str]:
    months = [(day.year, day.month) for day in days]
    if len(set(months)) < len(months):
        return [f"den {format_day(day)}" for day in days]
    return [f"i {_MONTHS[day.month - 1]} {day.year}" for day in days]


def trend_sentence(earlier: Sequence[tuple[date, int]], now: int,
                   option: str | None = None) -> str:
    """A tracked question's earlier shares beside today's: a statement's agreeing ("I
    september 2022 höll 40 % med, nu 65 %."), a poll's one option ("Alternativet … valdes i
    september 2022 av 40 %, nu av 65 %.")."""
    whens = _when_asked([day for day, _share in earlier])
    shares = [share for _day, share in earlier]
    if option is None:
        parts = [f"{when} höll {share} % med" if index == 0 else f"{when} {share} %"
                 for index, (when, share) in enumerate(zip(whens, shares, strict=True))]
        said = join_list(parts)
        return f"{said[0].upper()}{said[1:]}, nu {now} %."
    parts = [f"{when} av {share} %" for when, share in zip(whens, shares, strict=True)]
    return f"Alternativet {own_text(option)} valdes {join_list(parts)}, nu av {now} %."


def reference_sentence(source: str, responses: int, note: str, percents: Sequence[int],
                       today: Sequence[int], options: Sequence[str] = ()) -> str:
    """Reference figures from elsewhere beside today's shares: a statement's agreeing ("Som
    jämförelse … (95 svar): 60 % höll med, nu 45 %."), a poll's every option in order ("Som
    jämförelse … (95 svar, …): … 60 %, … 18 % och … 24 %; nu 40 %, 40 % respektive 20 %.")."""
    size = f"{responses:,} svar".replace(",", "\u00a0")
    details = ", ".join(part for part in (size, own_text(note)) if part)
    opening = f"Som jämförelse {own_text(source)} ({details}):"
    if not options:
        return f"{opening} {percents[0]} % höll med, nu {today[0]} %."
    then = join_list([f"{own_text(option)} {share} %"
                      for option, share in zip(options, percents, strict=True)])
    now = [f"{share} %" for share in today]
    return f"{opening} {then}; nu {_joined(now, 'respektive')}."


CONTRIBUTIONS_INTRO = ("Deltagarnas kommentarer på originalspråket (de med flest röster "
                       "först):")


def contributions_intro(total: int, shown: int) -> str:
    """The line before a theme's comments, which are quoted as written (not translated)."""
    if total <= shown:
        return CONTRIBUTIONS_INTRO
    return (f"Deltagarna skrev {total} kommentarer till temat; här de {shown} med flest "
            f"röster, på originalspråket:")


def contribution_line(text: str, organisation: str, votes: int, level: str | None) -> str:
    """One participant's comment, attributed to an organisation: "Text (Varha, 3 röster)"."""
    details = [organisation]
    if level:
        details.append(LEVEL_PHRASES.get(level, level))
    if votes:
        details.append("1 röst" if votes == 1 else f"{votes} röster")
    return f"{' '.join(text.split())} ({', '.join(d for d in details if d)})"


def earlier_memo_line(title: str, day: date, fmt: str, size_bytes: int | None, *,
                      in_other_language: bool = False, say_language: bool = True) -> str:
    """"Promemoria: <title> 27.1.2023 (pdf 352 kB)"; an earlier memo without a Swedish
    version is linked in Finnish and says so: "Muistio: <title> 27.1.2023 (på finska, …)"."""
    line = f"{'Muistio: ' if in_other_language else HEADING_PREFIX}{title} {format_day(day)}"
    # Not where the line's own introduction already says it ("Muistio ruotsiksi: …").
    details = ["på finska"] if in_other_language and say_language else []
    if size_bytes is not None:
        details.append(f"{fmt} {format_size(size_bytes, SIZE_UNITS)}")
    return f"{line} ({', '.join(details)})" if details else line


def next_session_sentence(title: str, day: date, starts: time, ends: time, format: str,
                          registration_url: str | None) -> str:
    """The next workshop, with its registration link while registration is open. Its title is
    a name and stays as it is; its format (Finnish) is left out, as this sentence is filled in
    at publishing where no one could translate it."""
    about = f" {quote(title)}" if title.strip() else ""
    sentence = (f"Nästa tillfälle{about} ordnas {format_day(day)} kl. "
                f"{format_time_range(starts, ends)}.")
    if registration_url:
        sentence += f" Anmälan är öppen på adressen <{registration_url}>."
    return sentence


def attachment_heading(number: int, title: str) -> str:
    """"Bilaga 1 …" with the title to be said in Swedish."""
    return f"{ATTACHMENT_WORDS[LANGUAGE]} {number} {own_text(title)}".rstrip()


ACTIONS_INTRO = "Överenskomna åtgärder:"
REVIEWS_INTRO = "Läget för åtgärder som man kom överens om vid tidigare möten:"
#: What a review said, as the memo ends an action's line with it.
REVIEW_WORDS = {"done": "klar", "in_progress": "pågår", "dropped": "slopad"}


def action_line(text: str, owner: str, due: date) -> str:
    """An action agreed: "Text (ansvar: Birkaland, senast 31.3.2023)"; what the room wrote
    in Finnish is a gap to translate."""
    return f"{own_text(text)} (ansvar: {own_text(owner)}, senast {format_day(due)})"


def review_line(text: str, owner: str, agreed_on: date, status: str) -> str:
    """An earlier action as this workshop reviewed it: "Text (ansvar: Birkaland, avtalad
    13.9.2022): pågår"."""
    return (f"{own_text(text)} (ansvar: {own_text(owner)}, avtalad {format_day(agreed_on)}): "
            f"{REVIEW_WORDS[status]}")


def wishes_appendix_heading(number: int) -> str:
    """"Bilaga 2 Förhandsönskemål": the appendix of the wishes received, when published."""
    return f"{ATTACHMENT_WORDS[LANGUAGE]} {number} Förhandsönskemål"


#: Under the heading: what the list is, that it names no one and is quoted as written.
WISHES_APPENDIX_INTRO = ("De anmäldas förhandsönskemål per organisation, utan namn, citerade "
                         "på originalspråket.")


# --- results by organisation (facilitate.results, under the anonymity rule) ---------------

#: The row of the organisations counted together.
OTHERS = "övriga"


def statement_breakdown(rows: Sequence[tuple[str, int, int]]) -> str:
    """A statement's agreeing share by organisation (label, per cent, respondents):
    "Per organisation höll med: Varha 100 % (6 svarande) och övriga 20 % (5 svarande)."."""
    return "Per organisation höll med: " + join_list(
        [f"{label} {share} % ({respondents} svarande)"
         for label, share, respondents in rows]) + "."


def poll_breakdown(options: Sequence[str], rows: Sequence[tuple[str, Sequence[int], int]]
                   ) -> str:
    """A poll's shares by organisation: "Per organisation: Varha (6 svarande) <option>
    50 % och <option> 50 %; övriga (5 svarande) …"; the options the coordinator wrote in
    Finnish are gaps to translate."""
    parts = [f"{label} ({respondents} svarande) " + join_list(
        [f"{own_text(option)} {share} %" for option, share in zip(options, shares, strict=True)])
        for label, shares, respondents in rows]
    return "Per organisation: " + "; ".join(parts) + "."
