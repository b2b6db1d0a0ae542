"""Every Finnish word of a memo, in one place, so a Swedish or English memo can follow.

compile.py decides *what* a memo says (from the database); this module decides *how* it is
said in Finnish. Nothing here touches the database or Flask: plain strings in, strings out.

Conventions taken from THL's memo of 29.3.2023 (seed 002): dates "29.3.2023", times
"klo 14–16" / "klo 9.30–11", sizes in kilotavu ("352 kt"), quotations in Finnish quotes
(”…”, the same mark on both sides), lists joined "A, B ja C", small numbers in words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time

from ..export.pages import ATTACHMENT_WORDS
from ..formatting import format_day, format_size, format_when
from .gaps import gap

LANGUAGE = "fi"
#: The word of this language's gaps: "[[TÄYDENNÄ: what]]" (found by phrasing.find_placeholders).
GAP_WORD = "TÄYDENNÄ"
SIZE_UNITS = ("kt", "Mt")

HEADING_PREFIX = "Muistio: "
TIME_PREFIX = "Aika: "
#: Introduces the list of the series' earlier memos (seed 002 had "muistiot :", a typo).
EARLIER_MEMOS_INTRO = "Reflektioista on laadittu muistiot:"
CONTACTS_INTRO = "Lisätietoja:"
#: Before the link to the memo in the other language.
OTHER_LANGUAGE_INTRO = "Muistio ruotsiksi:"
CONTRIBUTIONS_INTRO = "Osallistujien kirjoittamat kommentit (eniten ääniä saaneet ensin):"


def contributions_intro(total: int, shown: int) -> str:
    """The line before a theme's comments; says so when only the most voted are listed."""
    if total <= shown:
        return CONTRIBUTIONS_INTRO
    return (f"Osallistujat kirjoittivat teemaan {total} kommenttia; "
            f"tässä eniten ääniä saaneet {shown}:")

#: The five-step agree–disagree scale of a statement, values 1–5, as a chart labels them
#: (the room shows the same words, see templates/room/_strings.html).
STATEMENT_LABELS = (
    "Täysin eri mieltä",
    "Jokseenkin eri mieltä",
    "En samaa enkä eri mieltä",
    "Jokseenkin samaa mieltä",
    "Täysin samaa mieltä",
)
#: The same scale inside a sentence ("3 täysin samaa mieltä"), values 1–5.
STATEMENT_PHRASES = (
    "täysin eri mieltä",
    "jokseenkin eri mieltä",
    "ei samaa eikä eri mieltä",
    "jokseenkin samaa mieltä",
    "täysin samaa mieltä",
)
#: A LEVEL prompt's answer tags (models.ANSWER_LEVELS) as a memo writes them.
LEVEL_PHRASES = {
    "kunta": "kuntataso",
    "hyvinvointialue": "hyvinvointialueen taso",
    "valtakunnallinen": "valtakunnallinen taso",
}

# Finnish elative (-sta/-stä) answers "keskusteltiin mistä?"; any other case (the seed's
# nominative "asiakasmitoitus ja työntekijäresurssit") needs a verb that takes an object.
_ELATIVE = re.compile(r"(sta|stä)$", re.IGNORECASE)


def placeholder(what: str) -> str:
    """A gap for the coordinator: "[[TÄYDENNÄ: what]]"."""
    return gap(GAP_WORD, what)


def own_text(text: str) -> str:
    """A short text the coordinator wrote (in Finnish, this memo's language), on one line."""
    return " ".join(text.split())


def own_block(text: str) -> str:
    """A long text the coordinator wrote (Markdown), as it is."""
    return text


def join_list(items: Sequence[str]) -> str:
    """A Finnish list: "A", "A ja B", "A, B ja C" (no comma before "ja").

    An item with a "ja" of its own ("Vantaan ja Keravan") would blur where the items part
    ("Varhan, Vantaan ja Keravan ja Satakunnan"), so such a list joins its last item with
    "sekä": "Varhan, Vantaan ja Keravan sekä Satakunnan".
    """
    items = [item for item in items if item]
    return _joined(items, "sekä" if any(_OWN_JA.search(item) for item in items) else "ja")


def _joined(items: Sequence[str], last: str) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


_OWN_JA = re.compile(r"\bja\b")

#: Small numbers are written out in running text, as Finnish style guides ask (up to ten).
_NUMBER_WORDS = ("nolla", "yksi", "kaksi", "kolme", "neljä", "viisi", "kuusi", "seitsemän",
                 "kahdeksan", "yhdeksän", "kymmenen")


def number_word(n: int) -> str:
    """A count in running text: "kaksi", "kymmenen", then digits ("11")."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


#: Words that keep their capital inside a sentence: names and acronyms a title may start
#: with. Callers add the organisations' own names.
PROPER_NOUNS = frozenset({
    "THL", "THL:n", "Kela", "Kelan", "Varha", "Varhan", "Suomi", "Suomen", "Helsinki",
    "Helsingin", "HUS", "HUS:n", "Ahvenanmaa", "Ahvenanmaan", "EU", "EU:n", "Valvira",
    "Valviran", "STM", "STM:n", "Kuntaliitto", "Kuntaliiton",
})


def mid_sentence(title: str, proper_nouns: frozenset[str] = frozenset()) -> str:
    """A title as it reads inside a sentence ("Nivelvaiheet" → "nivelvaiheet"). A title that
    starts with a name or an acronym keeps its capital: "THL:n tietopohja", "Varhan mallit",
    "YEE-hanke" (a capital after the first letter marks an acronym or a name)."""
    title = " ".join(title.split())
    first = title.split(" ", 1)[0].rstrip(",.:;")
    if (not first or first in PROPER_NOUNS or first in proper_nouns
            or any(character.isupper() for character in first[1:])):
        return title
    return title[0].lower() + title[1:]


def quote(text: str) -> str:
    """Finnish quotation marks, on one line: ”text”."""
    return f"”{' '.join(text.split())}”"


def heading(memo_title: str) -> str:
    """The memo's heading: "Muistio: <series memo title>"."""
    return f"{HEADING_PREFIX}{memo_title}"


def time_line(day: date, starts: time, ends: time, format: str) -> str:
    """"Aika: 29.3.2023 klo 14–16, Teams-keskustelu" (no comma when the format is empty)."""
    when = format_when(day, starts, ends)
    return f"{TIME_PREFIX}{when}, {format}" if format.strip() else f"{TIME_PREFIX}{when}"


def organisation_words(*, county: bool, project: bool, name_fi: str, name_sv: str | None,
                       genitive: str | None, phrase: str | None,
                       phrase_sv: str | None) -> str:
    """How an attending organisation is named in the attendance sentence: a county by its
    genitive ("Varhan"), others by their memo phrase ("yksityisen toimijan puolelta")."""
    chosen = genitive if county else phrase
    return " ".join((chosen or "").split()) or missing_organisation_phrase(name_fi)


def missing_organisation_phrase(name: str) -> str:
    """A placeholder for an organisation the memo cannot name yet (no phrase or genitive)."""
    return placeholder(f"miten {quote(name)} kirjoitetaan osallistujalauseeseen")


def attendance_sentence(project_phrases: Sequence[str], county_genitives: Sequence[str],
                        other_phrases: Sequence[str]) -> str:
    """Who attended, by organisation (never by person), as seed 002 writes it.

    project_phrases are partitive plurals ("YEE-hankkeen työntekijöitä"); county_genitives
    ("Varhan", "Kanta-Hämeen") get "hyvinvointialueilta" (one county: "hyvinvointialueelta");
    other_phrases are ablatives that follow "edustus" ("yksityisen toimijan puolelta").
    Callers pass each list in the order it should be read.
    """
    represented = []
    if county_genitives:
        suffix = "hyvinvointialueelta" if len(county_genitives) == 1 else "hyvinvointialueilta"
        represented.append(f"{join_list(county_genitives)} {suffix}")
    represented += other_phrases
    parts = []
    if project_phrases:
        parts.append(join_list(project_phrases))
    if represented:
        # The counties are one item with their own "ja"; "sekä" already joins the staff
        # and the representation, so a second one would read heavily (seed 002 says "ja").
        parts.append(f"edustus {_joined(represented, 'ja')}")
    if not parts:
        return f"Paikalla oli {placeholder('osallistujien organisaatiot')}."
    return f"Paikalla oli {' sekä '.join(parts)}."


def opening_sentence(presenter: str, title: str) -> str:
    """Who opened the workshop and on what (alustus); empty when neither is known."""
    presenter, title = " ".join(presenter.split()), " ".join(title.split())
    if not presenter and not title:
        return ""
    if not presenter:
        return f"Tilaisuus alkoi alustuksella aiheesta {quote(title)}."
    # "Sari Tuominen, päällikkö, Helsingin sote" is an apposition: it is closed with a comma.
    subject = f"{presenter}," if "," in presenter else presenter
    subject = subject[0].upper() + subject[1:]
    if not title:
        return f"{subject} alusti tilaisuutta."
    return f"{subject} alusti tilaisuutta aiheesta {quote(title)}."


def theme_phrase(memo_phrase: str, title: str, proper_nouns: frozenset[str] = frozenset()
                 ) -> str:
    """The bold words of a theme: its memo phrase, or for want of one its title, which stands
    mid-sentence and loses its capital (see mid_sentence)."""
    return " ".join(memo_phrase.split()) or mid_sentence(title, proper_nouns)


def theme_sentence(phrase: str, wishes: int) -> str:
    """The sentence that opens a theme's paragraph, its phrase in bold.

    "Keskusteltiin **palveluiden organisoimisesta**." for an elative phrase; other phrases
    ("asiakasmitoitus ja työntekijäresurssit") are objects: "Keskusteluun nostettiin **…**.".
    A theme grouped from `wishes` says so, bolded as in seed 002, in the singular for one
    wish and the plural for several: "Ennakkotoiveen pohjalta **keskusteltiin työnkuvista**.",
    "Ennakkotoiveiden pohjalta …".
    """
    phrase = " ".join(phrase.split())
    source = ("Ennakkotoiveen pohjalta " if wishes == 1 else
              "Ennakkotoiveiden pohjalta " if wishes > 1 else "")
    if _ELATIVE.search(phrase):
        if source:
            return f"{source}**keskusteltiin {phrase}**."
        return f"Keskusteltiin **{phrase}**."
    if source:
        return f"{source}keskusteluun nostettiin **{phrase}**."
    return f"Keskusteluun nostettiin **{phrase}**."


#: The draft of a workshop whose room recorded no theme: the coordinator writes what was said.
NO_THEMES_DISCUSSED = placeholder("mistä tilaisuudessa keskusteltiin")


def missing_notes(theme_title: str) -> str:
    """A placeholder for a theme nobody wrote notes on."""
    return placeholder(f"muistiinpanot teemasta {quote(theme_title)}")


def _respondents(count: int) -> str:
    # "yksi osallistuja", "seitsemän osallistujaa" (the partitive after a number above one)
    return f"{number_word(count)} {'osallistuja' if count == 1 else 'osallistujaa'}"


def _sentence_text(text: str) -> str:
    # A statement quoted mid-sentence loses its own full stop; ? and ! (and an ellipsis) stay.
    text = " ".join(text.split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return quote(text)


#: A statement's answers, values 1–5, as what the respondents were ("oli … mieltä").
_STATEMENT_PREDICATES = (
    "oli täysin eri mieltä",
    "oli jokseenkin eri mieltä",
    "ei ollut samaa eikä eri mieltä",
    "oli jokseenkin samaa mieltä",
    "oli täysin samaa mieltä",
)


def _predicates(parts: Sequence[tuple[int, str]]) -> str:
    """"kolme oli täysin samaa mieltä, kaksi jokseenkin samaa mieltä ja yksi ei ollut …":
    a repeated "oli" is said once, as Finnish leaves out a verb that the list shares."""
    said = []
    previous = ""
    for count, predicate in parts:
        verb, rest = predicate.split(" ", 1)
        said.append(f"{number_word(count)} {rest if verb == previous == 'oli' else predicate}")
        previous = verb
    return join_list(said)


def statement_sentence(text: str, counts: Sequence[int]) -> str:
    """"Väitteeseen ”…” vastasi seitsemän osallistujaa. Heistä kolme oli täysin samaa mieltä,
    …" (counts for values 1–5, agreement first); one answer: "…, joka oli …"."""
    total = sum(counts)
    if total == 0:
        return f"Väitteeseen {_sentence_text(text)} ei vastattu."
    # Agreement first, as the room's discussion usually starts from it; empty steps left out.
    parts = [(count, _STATEMENT_PREDICATES[value])
             for value, count in reversed(list(enumerate(counts))) if count]
    opening = f"Väitteeseen {_sentence_text(text)} vastasi {_respondents(total)}"
    if total == 1:
        return f"{opening}, joka {parts[0][1]}."
    return f"{opening}. Heistä {_predicates(parts)}."


def poll_sentence(text: str, options: Sequence[str], counts: Sequence[int]) -> str:
    """"Kysymykseen ”…” vastasi kuusi osallistujaa. Heistä kolme valitsi vaihtoehdon ”A”, kaksi
    ”B” ja yksi ”C”." (most chosen first); one answer: "…, joka valitsi vaihtoehdon ”A”."."""
    total = sum(counts)
    if total == 0:
        return f"Kysymykseen {_sentence_text(text)} ei vastattu."
    chosen = sorted((index for index, count in enumerate(counts) if count),
                    key=lambda index: -counts[index])
    opening = f"Kysymykseen {_sentence_text(text)} vastasi {_respondents(total)}"
    if total == 1:
        return f"{opening}, joka valitsi vaihtoehdon {quote(options[chosen[0]])}."
    first, *rest = chosen
    parts = [f"{number_word(counts[first])} valitsi vaihtoehdon {quote(options[first])}"]
    parts += [f"{number_word(counts[index])} {quote(options[index])}" for index in rest]
    # The options are quoted, so an option's own "ja" blurs nothing: a plain "ja".
    return f"{opening}. Heistä {_joined(parts, 'ja')}."


#: "syyskuussa": when in a series a question was asked before.
_MONTHS = ("tammikuussa", "helmikuussa", "maaliskuussa", "huhtikuussa", "toukokuussa",
           "kesäkuussa", "heinäkuussa", "elokuussa", "syyskuussa", "lokakuussa",
           "marraskuussa", "joulukuussa")


def _when_asked(days: Sequence[date]) -> list[str]:
    # The month reads as people remember a series' sessions; two in one month need dates.
    months = [(day.year, day.month) for day in days]
    if len(set(months)) < len(months):
        return [format_day(day) for day in days]
    return [f"{_MONTHS[day.month - 1]} {day.year}" for day in days]


def trend_sentence(earlier: Sequence[tuple[date, int]], now: int,
                   option: str | None = None) -> str:
    """A tracked question's earlier shares beside today's: a statement's agreeing
    ("Syyskuussa 2022 samaa mieltä oli 40 %, nyt 65 %."), a poll's one option ("Vaihtoehdon
    ”A” valitsi syyskuussa 2022 40 % vastanneista, nyt 65 %.")."""
    whens = _when_asked([day for day, _share in earlier])
    shares = [share for _day, share in earlier]
    if option is None:
        # The verb once, with the first: "Syyskuussa 2022 samaa mieltä oli 40 % ja …".
        parts = [f"{when} samaa mieltä oli {share} %" if index == 0 else f"{when} {share} %"
                 for index, (when, share) in enumerate(zip(whens, shares, strict=True))]
        said = join_list(parts)
        return f"{said[0].upper()}{said[1:]}, nyt {now} %."
    parts = [f"{when} {share} %" for when, share in zip(whens, shares, strict=True)]
    return f"Vaihtoehdon {quote(option)} valitsi {join_list(parts)} vastanneista, nyt {now} %."


def reference_sentence(source: str, responses: int, note: str, percents: Sequence[int],
                       today: Sequence[int], options: Sequence[str] = ()) -> str:
    """Reference figures from elsewhere beside today's shares: a statement's agreeing
    ("Vertailuksi Kuntakysely 2021 (95 vastausta): samaa mieltä oli 60 %, nyt 45 %."), a
    poll's every option in order ("Vertailuksi Kuntakysely 2021 (95 vastausta, kattoi 190
    kuntaa): ”A” 60 %, ”B” 18 % ja ”C” 24 %; nyt vastaavasti 40 %, 40 % ja 20 %.")."""
    size = "1 vastaus" if responses == 1 else f"{responses:,} vastausta".replace(",", "\u00a0")
    details = ", ".join(part for part in (size, own_text(note)) if part)
    # The source's name stays in the nominative: a name cannot be inflected reliably.
    opening = f"Vertailuksi {own_text(source)} ({details}):"
    if not options:
        return f"{opening} samaa mieltä oli {percents[0]} %, nyt {today[0]} %."
    then = join_list([f"{quote(option)} {share} %"
                      for option, share in zip(options, percents, strict=True)])
    now = join_list([f"{share} %" for share in today])
    return f"{opening} {then}; nyt vastaavasti {now}."


def contribution_line(text: str, organisation: str, votes: int, level: str | None) -> str:
    """One participant's comment, attributed to an organisation: "Teksti (Varha, 3 ääntä)"."""
    details = [organisation]
    if level:
        details.append(LEVEL_PHRASES.get(level, level))
    if votes:
        details.append("1 ääni" if votes == 1 else f"{votes} ääntä")
    return f"{' '.join(text.split())} ({', '.join(d for d in details if d)})"


def earlier_memo_line(title: str, day: date, fmt: str, size_bytes: int | None, *,
                      in_other_language: bool = False, say_language: bool = True) -> str:
    """"Muistio: <memo title> 27.1.2023 (pdf 352 kt)", as the memo's own heading reads;
    without a size, no parenthesis. An earlier memo published only in Swedish is linked as
    "Promemoria: <title> … (ruotsiksi, pdf 80 kt)"."""
    line = f"{'Promemoria: ' if in_other_language else HEADING_PREFIX}{title} {format_day(day)}"
    # Not where the line's own introduction already says it ("Muistio ruotsiksi: …").
    details = ["ruotsiksi"] if in_other_language and say_language else []
    if size_bytes is not None:
        details.append(f"{fmt} {format_size(size_bytes, SIZE_UNITS)}")
    return f"{line} ({', '.join(details)})" if details else line


def next_session_sentence(title: str, day: date, starts: time, ends: time, format: str,
                          registration_url: str | None) -> str:
    """The next workshop of the series, with its registration link while registration is open."""
    where = f" ({format.strip()})" if format.strip() else ""
    about = f" {quote(title)}" if title.strip() else ""
    sentence = f"Seuraava tilaisuus{about} järjestetään {format_when(day, starts, ends)}{where}."
    if registration_url:
        sentence += f" Ilmoittautuminen on auki osoitteessa <{registration_url}>."
    return sentence


def attachment_heading(number: int, title: str) -> str:
    """"Liite 1 <title>"."""
    return f"{ATTACHMENT_WORDS['fi']} {number} {' '.join(title.split())}".rstrip()


ACTIONS_INTRO = "Sovitut toimenpiteet:"
REVIEWS_INTRO = "Edellisissä tapaamisissa sovittujen toimenpiteiden tilanne:"
#: What a review said, as the memo ends an action's line with it.
REVIEW_WORDS = {"done": "valmis", "in_progress": "kesken", "dropped": "luovuttiin"}


def action_line(text: str, owner: str, due: date) -> str:
    """An action agreed: "Teksti (vastuu: Pirkanmaa, määräaika 31.3.2023)"."""
    return f"{own_text(text)} (vastuu: {own_text(owner)}, määräaika {format_day(due)})"


def review_line(text: str, owner: str, agreed_on: date, status: str) -> str:
    """An earlier action as this workshop reviewed it: "Teksti (vastuu: Pirkanmaa, sovittu
    13.9.2022): kesken"."""
    return (f"{own_text(text)} (vastuu: {own_text(owner)}, sovittu {format_day(agreed_on)}): "
            f"{REVIEW_WORDS[status]}")


# --- the series summary (facilitate.summary) ----------------------------------------------

SUMMARY_TRACKED_HEADING = "Seuratut kysymykset"
SUMMARY_NOTHING_YET = "Sarjan muistioita ei ole vielä julkaistu."


def summary_heading(title: str) -> str:
    """"Yhteenveto: <the series' memo title>"."""
    return f"Yhteenveto: {' '.join(title.split())}"


def summary_span(days: Sequence[date], organisations: int) -> str:
    """"Sarjassa on pidetty neljä tilaisuutta 13.9.2022–29.3.2023; niihin osallistui
    edustajia 9 organisaatiosta."; empty before the first."""
    if not days:
        return ""
    if len(days) == 1:
        held = f"Sarjassa on pidetty yksi tilaisuus {format_day(days[0])}"
    else:
        held = (f"Sarjassa on pidetty {number_word(len(days))} tilaisuutta "
                f"{format_day(min(days))}–{format_day(max(days))}")
    if not organisations:
        return f"{held}."
    who = "yhdestä organisaatiosta" if organisations == 1 else \
        f"{organisations} organisaatiosta"
    return f"{held}; {'siihen' if len(days) == 1 else 'niihin'} osallistui edustajia {who}."


def summary_statement_line(day: date, share: int, respondents: int) -> str:
    """"13.9.2022: samaa mieltä 40 % (viisi osallistujaa)"."""
    return f"{format_day(day)}: samaa mieltä {share} % ({_respondents(respondents)})"


def summary_poll_line(day: date, options: Sequence[str], shares: Sequence[int],
                      respondents: int) -> str:
    """"13.9.2022: Kunta 40 %, Hyvinvointialue 60 % (viisi osallistujaa)"."""
    parts = ", ".join(f"{' '.join(o.split())} {share} %"
                      for o, share in zip(options, shares, strict=True))
    return f"{format_day(day)}: {parts} ({_respondents(respondents)})"


def wishes_appendix_heading(number: int) -> str:
    """"Liite 2 Ennakkotoiveet": the appendix of the wishes received, when published."""
    return f"{ATTACHMENT_WORDS['fi']} {number} Ennakkotoiveet"


#: Under the heading: what the list is, and that it names no one.
WISHES_APPENDIX_INTRO = ("Ilmoittautuneiden lähettämät ennakkotoiveet organisaatioittain, "
                         "ilman nimiä, kirjoittajien omin sanoin.")


# --- results by organisation (facilitate.results, under the anonymity rule) ---------------

#: The row of the organisations counted together.
OTHERS = "muut"


def _with_size(label: str, respondents: int) -> str:
    return f"{label} ({respondents} vastaajaa)"


def statement_breakdown(rows: Sequence[tuple[str, int, int]]) -> str:
    """A statement's agreeing share by organisation (label, per cent, respondents):
    "Organisaatioittain samaa mieltä oli: Varha 100 % (6 vastaajaa) ja muut 20 % (5
    vastaajaa)."."""
    return "Organisaatioittain samaa mieltä oli: " + join_list(
        [f"{label} {share} % ({respondents} vastaajaa)"
         for label, share, respondents in rows]) + "."


def poll_breakdown(options: Sequence[str], rows: Sequence[tuple[str, Sequence[int], int]]
                   ) -> str:
    """A poll's shares by organisation: "Organisaatioittain: Varha (6 vastaajaa) ”Kunta”
    50 % ja ”Valtio” 50 %; muut (5 vastaajaa) ”Kunta” 20 % ja ”Valtio” 80 %."."""
    parts = [f"{_with_size(label, respondents)} " + join_list(
        [f"{quote(option)} {share} %" for option, share in zip(options, shares, strict=True)])
        for label, shares, respondents in rows]
    return "Organisaatioittain: " + "; ".join(parts) + "."
