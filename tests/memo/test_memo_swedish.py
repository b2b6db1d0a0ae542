"""The Swedish memo: its phrasing (facilitate.memo.swedish) rule by rule, and a workshop's
Swedish version compiled, refused while untranslated, published beside the Finnish one."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from facilitate.agenda.operations import add_prompt, create_theme, group_wishes
from facilitate.errors import Invalid
from facilitate.extensions import db
from facilitate.memo import operations as memo_ops
from facilitate.memo import phrasing, swedish
from facilitate.memo.compile import compile_memo, memo_markdown, resolve_series_blocks
from facilitate.models import Answer, Coordinator, Note, Series, Workshop
from facilitate.timeutil import now_utc

BASE_URL = "https://facilitate.example"

# --- phrasing ------------------------------------------------------------------------------


def test_gaps_and_untranslated_blocks_are_what_publishing_waits_for():
    gap = swedish.own_text("Teams-keskustelu")
    assert gap == "[[KOMPLETTERA: ”Teams-keskustelu” på svenska]]"
    # brackets in the Finnish text cannot end the gap early
    assert phrasing.find_placeholders(swedish.own_text("A [1] B")) == ["”A (1) B” på svenska"]
    block = swedish.own_block("Varhan alueella on 900 asiakasta.\n\n```\nkoodi\n```")
    assert block.startswith("````översätt\nVarhan") and block.endswith("```\n````")
    found = phrasing.find_placeholders(f"Text {gap}\n\n{block}\n\n[[täydennä: x]]\n")
    assert found == ["”Teams-keskustelu” på svenska",
                     "översätt: ”Varhan alueella on 900 asiakasta.”", "x"]
    # however the block was typed or sent, it still counts: other fences, a capital, an
    # indent, extra words, no closing fence, a browser's CRLF, decomposed letters
    for typed in ("~~~översätt\nText\n~~~", "```Översätt\nText\n```", "   ```översätt\nText",
                  "```översätt sv\n```", "Intro\r\n\r\n```översätt\r\nText\r\n```",
                  "```o\u0308versa\u0308tt\nText\n```"):
        assert len(phrasing.find_placeholders(typed)) == 1, typed
    # a bracket in a Finnish gap (a title typed by someone) cannot hide it either
    assert phrasing.find_placeholders(phrasing.of("fi").missing_notes("Teema [luonnos]")) == [
        "muistiinpanot teemasta ”Teema (luonnos)”"]
    # the Finnish phrasing leaves the coordinator's own text as it is
    assert phrasing.of("fi").own_text(" Teams-\nkeskustelu ") == "Teams- keskustelu"


@pytest.mark.parametrize(("items", "expected"), [
    (["Egentliga Finlands"], "Egentliga Finlands"),
    (["Egentliga Finlands", "Satakunta"], "Egentliga Finlands och Satakunta"),
    # a county with an "och" of its own: the last joint is "samt"
    (["Egentliga Finlands", "Vanda och Kervo", "Satakunta"],
     "Egentliga Finlands, Vanda och Kervo samt Satakunta"),
])
def test_lists_join_with_samt_when_an_item_has_its_own_och(items: list[str], expected: str):
    assert swedish.join_list(items) == expected


def test_counties_are_named_by_their_swedish_names():
    def county(name_sv: str | None) -> str:
        return swedish.organisation_words(county=True, project=False, name_fi="X",
                                          name_sv=name_sv, genitive="X", phrase=None,
                                          phrase_sv=None)

    assert county("Vanda och Kervo välfärdsområde") == "Vanda och Kervo"
    assert county("Egentliga Finlands välfärdsområde") == "Egentliga Finlands"
    assert county(None) == "[[KOMPLETTERA: hur ”X” skrivs i deltagarmeningen]]"
    other = swedish.organisation_words(county=False, project=False, name_fi="Helsingin kaupunki",
                                       name_sv="Helsingfors stad", genitive=None, phrase="…",
                                       phrase_sv=None)
    assert other == "Helsingfors stad"
    project = swedish.organisation_words(county=False, project=True, name_fi="YEE-hanke",
                                         name_sv="YEE-projektet", genitive=None, phrase="…",
                                         phrase_sv=None)
    assert project.startswith("[[KOMPLETTERA: hur ”YEE-hanke”")


def test_attendance_sentence():
    assert swedish.attendance_sentence(
        ["YEE-projektets anställda"], ["Egentliga Finlands", "Vanda och Kervo", "Satakunta"],
        ["en privat aktör"]) == (
        "Närvarande var YEE-projektets anställda och företrädare för Egentliga Finlands, "
        "Vanda och Kervo samt Satakunta välfärdsområden och en privat aktör.")
    assert swedish.attendance_sentence([], ["Satakunta"], []) == \
        "Närvarande var företrädare för Satakunta välfärdsområde."
    assert swedish.attendance_sentence([], [], []) == \
        "Närvarande var [[KOMPLETTERA: deltagarnas organisationer]]."


def test_statement_and_poll_sentences_have_a_verb_and_the_statement_left_to_translate():
    said = "[[KOMPLETTERA: ”Onko näin?” på svenska]]"
    assert swedish.statement_sentence("Onko näin?", [0, 1, 0, 2, 3]) == (
        f"Påståendet {said} besvarades av sex deltagare. Av dem var tre helt av samma åsikt, "
        "två delvis av samma åsikt och en delvis av annan åsikt.")
    assert swedish.statement_sentence("Onko näin?", [0, 0, 0, 0, 1]) == (
        f"Påståendet {said} besvarades av en deltagare, som var helt av samma åsikt.")
    assert swedish.statement_sentence("Onko näin?", [0] * 5) == \
        f"Påståendet {said} besvarades inte."
    assert swedish.poll_sentence("Kuka?", ["Kunta", "Valtio"], [1, 2]) == (
        "Frågan [[KOMPLETTERA: ”Kuka?” på svenska]] besvarades av tre deltagare. Av dem valde "
        "två alternativet [[KOMPLETTERA: ”Valtio” på svenska]] och en "
        "[[KOMPLETTERA: ”Kunta” på svenska]].")


def test_themes_from_wishes_and_other_sentences():
    assert swedish.theme_sentence("arbetsbeskrivningar", 0) == \
        "Diskussionen gällde **arbetsbeskrivningar**."
    assert swedish.theme_sentence("arbetsbeskrivningar", 1) == \
        "Utifrån ett förhandsönskemål diskuterades **arbetsbeskrivningar**."
    assert swedish.theme_sentence("arbetsbeskrivningar", 2) == \
        "Utifrån förhandsönskemål diskuterades **arbetsbeskrivningar**."
    assert swedish.time_line(date(2023, 3, 29), time(9, 30), time(11), "") == \
        "Tid: 29.3.2023 kl. 9.30–11"
    assert swedish.earlier_memo_line("ledningsreflektion", date(2023, 1, 27), "pdf",
                                     2560) == "Promemoria: ledningsreflektion 27.1.2023 (pdf 3 kB)"
    assert swedish.earlier_memo_line("vertaisreflektio", date(2023, 1, 27), "pdf", 1024 * 1536,
                                     in_other_language=True) == \
        "Muistio: vertaisreflektio 27.1.2023 (på finska, pdf 1,5 MB)"
    assert swedish.contribution_line("Bra", "Varha", 1, "hyvinvointialue") == \
        "Bra (Varha, välfärdsområdesnivå, 1 röst)"
    assert swedish.attachment_heading(1, "Tehtävänkuvat") == \
        "Bilaga 1 [[KOMPLETTERA: ”Tehtävänkuvat” på svenska]]"
    assert [swedish.number_word(n) for n in (1, 2, 10, 11)] == ["en", "två", "tio", "11"]


# --- a workshop in both languages ----------------------------------------------------------


@pytest.fixture
def coordinator(make_coordinator: Callable[..., Coordinator]) -> Coordinator:
    return make_coordinator()


@pytest.fixture
def bilingual(make_series: Callable[..., Series], make_workshop: Callable[..., Workshop],
              register: Callable[..., tuple[Any, str]]) -> Workshop:
    """Varha, Vantaa–Kerava, Satakunta and a private provider attend; one theme from a wish,
    with a statement and a poll answered."""
    s = db.session
    series = make_series(description="YEE-hanke järjestää vertaisreflektioita.",
                         memo_title_sv="nationell ledningsreflektion inom eftervården",
                         description_sv="YEE-projektet ordnar kollegiala reflektioner.")
    workshop = make_workshop(series, day=date(2023, 3, 29), format="Teams-keskustelu")
    people = []
    for code, wishes in (("varsinaissuomi", []), ("vantaakerava", ["Työnkuvat ja roolit"]),
                         ("satakunta", []), ("yksityinen", [])):
        registration, _token = register(workshop, organisation=code, wishes=wishes)
        registration.attended_at = now_utc()
        people.append(registration)
    theme = create_theme(s, workshop, {"title": "Työnkuvat", "memo_phrase": "työnkuvista"})
    group_wishes(s, workshop, [w.id for p in people for w in p.wishes], theme_id=theme.id)
    s.add(Note(theme_id=theme.id, text="Varhassa työnkuvat on koottu liitteeseen.", version=1))
    statement = add_prompt(s, theme, {"kind": "statement",
                                      "text": "Jokaisella nuorella on oma työntekijä."})
    poll = add_prompt(s, theme, {"kind": "poll", "text": "Kuka koordinoi?",
                                 "options": ["Hyvinvointialue", "Kunta"]})
    for person, agree, choice in zip(people, (5, 5, 4, 2), (0, 0, 1, 0), strict=True):
        s.add_all([Answer(prompt_id=statement.id, registration_id=person.id, value=agree),
                   Answer(prompt_id=poll.id, registration_id=person.id, value=choice)])
    s.commit()
    return workshop


def test_the_workshop_in_finnish_and_swedish(bilingual: Workshop):
    finnish = memo_markdown(compile_memo(db.session, bilingual, base_url=BASE_URL))
    assert ("Paikalla oli edustus Varhan, Vantaan ja Keravan sekä Satakunnan "
            "hyvinvointialueilta ja yksityisen toimijan puolelta.") in finnish
    assert "Ennakkotoiveen pohjalta **keskusteltiin työnkuvista**." in finnish
    assert ("Väitteeseen ”Jokaisella nuorella on oma työntekijä” vastasi neljä osallistujaa. "
            "Heistä kaksi oli täysin samaa mieltä, yksi jokseenkin samaa mieltä ja yksi "
            "jokseenkin eri mieltä.") in finnish

    memo = compile_memo(db.session, bilingual, base_url=BASE_URL, language="sv")
    text = memo_markdown(memo)
    assert text.startswith("# Promemoria: nationell ledningsreflektion inom eftervården\n\n"
                           "Tid: 29.3.2023 kl. 14–16, "
                           "[[KOMPLETTERA: ”Teams-keskustelu” på svenska]]\n\n")
    assert ("Närvarande var företrädare för Egentliga Finlands, Vanda och Kervo samt "
            "Satakunta välfärdsområden och en privat aktör.") in text
    assert ("Utifrån ett förhandsönskemål diskuterades "
            "**[[KOMPLETTERA: ”työnkuvista” på svenska]]**.") in text
    assert "```översätt\nVarhassa työnkuvat on koottu liitteeseen.\n```" in text
    assert ("Påståendet [[KOMPLETTERA: ”Jokaisella nuorella on oma työntekijä.” på svenska]] "
            "besvarades av fyra deltagare. Av dem var två helt av samma åsikt, en delvis av "
            "samma åsikt och en delvis av annan åsikt.") in text
    assert "Helt av samma åsikt | 2" in text  # the chart's scale in Swedish
    assert "YEE-projektet ordnar kollegiala reflektioner." in text  # the series' own Swedish
    assert "YEE-hanke järjestää" not in text
    # nothing is machine translated: every Finnish text the coordinator wrote waits for them
    # (the format, the phrase, the notes, the statement and the poll with its options, each
    # in its sentence and its chart)
    assert len(memo.placeholders) == 11, memo.placeholders


def test_a_swedish_version_is_refused_until_translated_and_then_published_beside_the_finnish(
        app: Any, bilingual: Workshop, coordinator: Coordinator, client: Any):
    s = db.session
    exports = app.config["EXPORTS_DIR"]
    draft = memo_ops.start_memo(s, bilingual, base_url=BASE_URL, language="sv")
    assert (draft.language, draft.number) == ("sv", 1)
    with pytest.raises(Invalid) as refused:
        memo_ops.publish_version(s, bilingual, draft, coordinator, exports_dir=exports,
                                 uploads_dir=app.config["UPLOADS_DIR"], base_url=BASE_URL)
    assert "11 kohtaa" in str(refused.value.message)
    assert draft.published_at is None

    translated = re.sub(r"\[\[KOMPLETTERA:[^\]]*\]\]", "arbetsbeskrivningar", draft.markdown)
    translated = re.sub(r"```översätt\n.*?\n```", "I Egentliga Finland finns en bilaga.",
                        translated, flags=re.S)
    version = memo_ops.save_version(s, bilingual, coordinator, translated, "översatt", 1, "sv")
    swedish_version = memo_ops.publish_version(s, bilingual, version, coordinator,
                                               exports_dir=exports,
                                               uploads_dir=app.config["UPLOADS_DIR"],
                                               base_url=BASE_URL)
    s.commit()
    paths = sorted(f.path for f in swedish_version.files)
    assert all(re.search(r"-2023-03-29-sv-v2\.(pdf|docx|md|html)$", p) for p in paths), paths
    md = (Path(exports) / next(p for p in paths if p.endswith(".md"))).read_text("utf-8")
    assert phrasing.find_placeholders(md) == []
    assert "Promemorian på finska:" not in md  # the Finnish one is not published yet

    # the Finnish memo, numbered on its own, links the Swedish one at its stable address
    finnish = memo_ops.start_memo(s, bilingual, base_url=BASE_URL)
    assert (finnish.language, finnish.number) == ("fi", 1)
    slug = bilingual.series.slug
    shown = resolve_series_blocks(s, bilingual, finnish.markdown, base_url=BASE_URL)
    # the introduction says which language; the link's text does not say it again
    assert ("Muistio ruotsiksi: [Promemoria: nationell ledningsreflektion inom eftervården "
            "29.3.2023 (pdf ") in shown
    assert f"]({BASE_URL}/series/{slug}/memos/2023-03-29/sv.pdf)" in shown

    with client.client.get(f"/series/{slug}/memos/2023-03-29/sv.html") as page:
        assert page.status_code == 200 and 'lang="sv"' in page.get_data(as_text=True)
    with client.client.get(f"/series/{slug}/memos/2023-03-29.html") as page:
        assert page.status_code == 404  # the Finnish one is not published
    archive = client.get(f"/series/{slug}").get_data(as_text=True)
    assert f"/series/{slug}/memos/2023-03-29/sv.pdf" in archive
    assert "Promemoria på svenska" in archive
