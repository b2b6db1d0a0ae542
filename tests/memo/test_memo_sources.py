"""Where each paragraph of a memo came from: the compiler's markers and sources, their life
through edits and versions, the editor's account of them, and the published files, which
never show a marker and carry the wishes appendix only when the coordinator asks for it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader
from sql_count import counted
from sqlalchemy import select

from facilitate.agenda.operations import group_wishes
from facilitate.extensions import db
from facilitate.memo import operations as memo_ops
from facilitate.memo.appendix import wishes_appendix
from facilitate.memo.compile import compile_memo, memo_markdown, memo_sources
from facilitate.memo.provenance import paragraph_sources
from facilitate.memo.sources import anchors_in, carried_sources, marker, strip_markers
from facilitate.models import (
    Answer,
    AuditEntry,
    Contribution,
    Coordinator,
    MemoVersion,
    Note,
    Registration,
    Vote,
    Wish,
    Workshop,
)
from facilitate.timeutil import now_utc

BASE_URL = "https://facilitate.example"
#: Who registered with wishes: their names and addresses must appear in no published file.
WISHERS = [("Wilma Toivonen", "wilma.toivonen@example.fi", "varsinaissuomi",
            ["Työnkuvat ja erityissosiaaliohjaajan rooli", "Jälkihuollon  mitoitus"]),
           ("Veikko Virtanen", "veikko.virtanen@example.fi", "satakunta",
            ["Yhteistyö aikuissosiaalityön kanssa"])]
PEOPLE = [name for name, *_ in WISHERS] + ["Anna", "Bertta", "Cecilia"]


@dataclass
class Recorded:
    """A closed room with notes, wishes, comments and answers under its first theme."""

    workshop: Workshop
    theme_id: int
    second_theme_id: int
    note_id: int
    wish_ids: list[int]
    contribution_ids: list[int]  #: most voted first, the hidden one left out
    statement_id: int
    answer_ids: list[int]
    poll_id: int
    poll_answer_ids: list[int]


@pytest.fixture
def recorded(make_room: Callable[..., Any], register: Callable[..., tuple[Any, str]]
             ) -> Recorded:
    room = make_room(open=False)
    s = db.session
    workshop = s.get_one(Workshop, room.workshop_id)
    first, second = room.theme_ids
    for name, email, organisation, wishes in WISHERS:
        register(workshop, name=name, email=email, organisation=organisation, wishes=wishes)
    wish_ids = list(s.scalars(select_wishes(workshop)))
    group_wishes(s, workshop, wish_ids[:2], theme_id=first)
    note = Note(theme_id=first, text="Työnkuvista keskusteltiin.", version=1)
    s.add(note)
    people = room.registration_ids
    comments = [Contribution(workshop_id=workshop.id, theme_id=first, registration_id=people[n],
                             text=text, is_hidden=hidden)
                for n, text, hidden in (("anna", "Työparityö toimii", False),
                                        ("bertta", "Ei ääniä", False),
                                        ("cecilia", "Asiaton", True),
                                        ("cecilia", "Yhteinen linjaus", False),
                                        ("anna", "Neljäs kommentti", False))]
    s.add_all(comments)
    s.flush()
    s.add_all([Vote(contribution_id=comments[0].id, registration_id=people["bertta"]),
               Vote(contribution_id=comments[0].id, registration_id=people["cecilia"]),
               Vote(contribution_id=comments[3].id, registration_id=people["anna"])])
    answers = [Answer(prompt_id=room.prompts["statement"], registration_id=people[n], value=v)
               for n, v in (("anna", 5), ("bertta", 4), ("cecilia", 4))]
    poll = [Answer(prompt_id=room.prompts["poll"], registration_id=people["anna"], value=1)]
    s.add_all(answers + poll)
    for registration_id in people.values():
        s.get_one(Registration, registration_id).attended_at = now_utc()
    s.commit()
    return Recorded(workshop, first, second, note.id, wish_ids[:2],
                    [comments[0].id, comments[3].id, comments[1].id, comments[4].id],
                    room.prompts["statement"], [a.id for a in answers], room.prompts["poll"],
                    [a.id for a in poll])


@pytest.fixture
def coordinator(make_coordinator: Callable[..., Coordinator]) -> Coordinator:
    return make_coordinator()


def select_wishes(workshop: Workshop) -> Any:
    return (select(Wish.id).join(Registration).where(Registration.workshop_id == workshop.id)
            .order_by(Wish.id))


def test_the_compiler_records_what_each_paragraph_was_built_from(recorded: Recorded):
    memo = compile_memo(db.session, recorded.workshop, base_url=BASE_URL)
    t, c = f"t{recorded.theme_id}", f"c{recorded.theme_id}"
    q, p = f"q{recorded.statement_id}", f"q{recorded.poll_id}"
    assert memo_sources(memo) == {
        t: {"notes": [recorded.note_id], "wishes": recorded.wish_ids},
        q: {"prompts": [recorded.statement_id], "answers": recorded.answer_ids},
        c: {"contributions": recorded.contribution_ids,
            "quoted": recorded.contribution_ids[:3]},
        # the second theme: no notes, no wishes, only its poll's one answer
        f"t{recorded.second_theme_id}": {"notes": [], "wishes": []},
        p: {"prompts": [recorded.poll_id], "answers": recorded.poll_answer_ids},
    }
    marked = memo_markdown(memo, marked=True)
    assert anchors_in(marked) == [t, q, c, f"t{recorded.second_theme_id}", p]
    # each marker sits after the sentence it marks, in the same line
    assert (f"Ennakkotoiveiden pohjalta **keskusteltiin työnkuvista**. {marker(t, 'fi')} "
            "Työnkuvista keskusteltiin.") in marked
    assert f"samaa mieltä. <!-- lähde: {q} -->\n\n```chart\n" in marked
    assert f"eniten ääniä saaneet 3: <!-- lähde: {c} -->\n\n- Työparityö" in marked
    # without its markers, the text is exactly the memo as it was compiled before markers
    assert strip_markers(marked) == memo_markdown(memo)


def test_the_swedish_draft_is_marked_in_swedish_and_strips_to_the_unmarked(
        recorded: Recorded):
    memo = compile_memo(db.session, recorded.workshop, base_url=BASE_URL, language="sv")
    marked = memo_markdown(memo, marked=True)
    assert f"<!-- källa: t{recorded.theme_id} -->" in marked and "lähde" not in marked
    assert strip_markers(marked) == memo_markdown(memo)
    assert memo_sources(memo) == memo_sources(compile_memo(db.session, recorded.workshop,
                                                           base_url=BASE_URL))


def test_strip_markers_leaves_the_text_around_them_as_it_was():
    assert strip_markers("A. <!-- lähde: t1 --> B\n") == "A. B\n"
    assert strip_markers("<!-- källa: c2 -->  B\n") == "B\n"
    assert strip_markers("A\n<!--lähde:q3-->\nB\n") == "A\nB\n"
    assert strip_markers("A <!-- lähde: t1 -->\n\n- x <!-- lähde: c1 -->\n") == "A\n\n- x\n"
    # other comments are the sanitiser's business, and a look-alike is not a marker
    assert strip_markers("A <!-- huom --> <!-- lähde: muu -->") == \
        "A <!-- huom --> <!-- lähde: muu -->"


def test_sources_survive_edits_moves_and_new_versions(recorded: Recorded,
                                                      coordinator: Coordinator):
    s = db.session
    workshop = recorded.workshop
    first = memo_ops.start_memo(s, workshop, base_url=BASE_URL)
    t, c, q = (f"t{recorded.theme_id}", f"c{recorded.theme_id}", f"q{recorded.statement_id}")
    assert set(first.sources) >= {t, c, q}
    blocks = first.markdown.rstrip("\n").split("\n\n")
    lead = next(b for b in blocks if f"lähde: {t} " in b)
    result = next(i for i, b in enumerate(blocks) if f"lähde: {q} " in b)
    comments = next(b for b in blocks if f"lähde: {c} " in b)
    # The coordinator rewrites the theme's sentence, moves the comments before it, deletes
    # the statement's result (sentence and chart) and writes a paragraph of their own.
    edited_lead = lead.replace("Ennakkotoiveiden pohjalta **keskusteltiin työnkuvista**.",
                               "Työnkuvat puhuttivat.")
    kept = [b for i, b in enumerate(blocks) if i not in (result, result + 1)]
    kept = [edited_lead if b == lead else b for b in kept if b != comments]
    at = kept.index(edited_lead)
    text = "\n\n".join([*kept[:at], comments, *kept[at:], "Kirjoitin tämän itse."])
    second = memo_ops.save_version(s, workshop, coordinator, text, "muokattu", 1)
    assert second is not None
    assert list(second.sources)[:2] == [c, t]
    assert q not in second.sources
    assert second.sources[t] == first.sources[t] and second.sources[c] == first.sources[c]
    assert first.sources[q] == {"prompts": [recorded.statement_id],
                                "answers": recorded.answer_ids}

    # The deleted paragraph, pasted back from version 1 into version 3, finds its sources.
    pasted = second.markdown + "\n" + blocks[result] + "\n"
    third = memo_ops.save_version(s, workshop, coordinator, pasted, "", 2)
    assert third is not None and third.sources[q] == first.sources[q]
    # A marker nobody compiled points at nothing.
    assert carried_sources("X <!-- lähde: t999999 -->", memo_ops.earlier_sources(
        s, workshop)) == {}
    # Compiling again marks the same paragraphs with the same anchors.
    again = memo_ops.recompile(s, workshop, coordinator, base_url=BASE_URL)
    assert again.sources == first.sources and again.markdown == first.markdown


def test_the_editor_says_where_each_paragraph_came_from(recorded: Recorded,
                                                        coordinator: Coordinator):
    s = db.session
    version = memo_ops.start_memo(s, recorded.workshop, base_url=BASE_URL)
    s.commit()
    s.expire_all()
    markdown, found = version.markdown, version.sources
    with counted() as statements:
        paragraphs = paragraph_sources(s, markdown, found)
    assert statements() <= 5
    by_anchor = {p.anchor: p for p in paragraphs}
    lead = by_anchor[f"t{recorded.theme_id}"]
    assert lead.summary == "2 toivetta, muistiinpanot"
    assert lead.excerpt.startswith("Ennakkotoiveiden pohjalta keskusteltiin työnkuvista. "
                                   "Työnkuvista")
    assert [(w.text, w.organisation) for w in lead.wishes] == [
        ("Työnkuvat ja erityissosiaaliohjaajan rooli", "Varha"),
        ("Jälkihuollon  mitoitus", "Varha")]
    assert lead.notes == ("Työnkuvista keskusteltiin.",)
    comments = by_anchor[f"c{recorded.theme_id}"]
    assert comments.summary == "4 kommenttia"
    assert [(c.text, c.in_memo) for c in comments.contributions] == [
        ("Työparityö toimii", True), ("Yhteinen linjaus", True), ("Ei ääniä", True),
        ("Neljäs kommentti", False)]
    result = by_anchor[f"q{recorded.statement_id}"]
    assert result.summary == "3 vastausta"
    assert [(q.text, q.answers) for q in result.questions] == [
        ("VÄITE: Traumaosaaminen on riittämätöntä?", 3)]
    assert by_anchor[f"q{recorded.poll_id}"].summary == "1 vastaus"
    # the second theme's sentence was built from nothing the room wrote: it says so
    assert by_anchor[f"t{recorded.second_theme_id}"].summary == "ei tallennettuja lähteitä"
    # a wish deleted since is no longer listed
    s.delete(s.get_one(Wish, recorded.wish_ids[1]))
    s.flush()
    assert paragraph_sources(s, version.markdown, version.sources)[0].summary == \
        "1 toive, muistiinpanot"
    assert paragraph_sources(s, "Käsin kirjoitettu.", version.sources) == []


def _filled(markdown: str) -> str:
    return re.sub(r"\[\[TÄYDENNÄ:[^\]]*\]\]", "Täydennetty.", markdown)


def _published_texts(app: Any, version: MemoVersion) -> dict[str, str]:
    """Each published file's text as a reader gets it."""
    exports = Path(app.config["EXPORTS_DIR"])
    data = {f.format: (exports / f.path).read_bytes() for f in version.files}
    return {
        "md": data["md"].decode("utf-8"),
        "html": data["html"].decode("utf-8"),
        "docx": "\n".join(p.text for p in docx.Document(io.BytesIO(data["docx"])).paragraphs),
        "pdf": "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data["pdf"])).pages),
    }


def _publish(app: Any, workshop: Workshop, coordinator: Coordinator, markdown: str,
             based_on: int, **options: Any) -> MemoVersion:
    s = db.session
    version = memo_ops.save_version(s, workshop, coordinator, markdown, "", based_on)
    assert version is not None
    memo_ops.publish_version(s, workshop, version, coordinator,
                             exports_dir=app.config["EXPORTS_DIR"],
                             uploads_dir=app.config["UPLOADS_DIR"], base_url=BASE_URL,
                             **options)
    s.commit()
    return version


def test_published_files_have_no_markers_and_the_wishes_appendix_only_when_chosen(
        app: Any, recorded: Recorded, coordinator: Coordinator):
    s = db.session
    workshop = recorded.workshop
    draft = memo_ops.start_memo(s, workshop, base_url=BASE_URL)
    assert "<!-- lähde:" in draft.markdown
    plain = _publish(app, workshop, coordinator, _filled(draft.markdown), draft.number)
    assert plain.sources and not plain.wishes_appendix
    texts = _published_texts(app, plain)
    for fmt, text in texts.items():
        assert "lähde" not in text and "<!--" not in text, fmt
        assert "Ennakkotoiveet" not in text, fmt
    # the Markdown file is the memo as compiled without markers, its gaps filled in
    compiled = memo_markdown(compile_memo(s, workshop, base_url=BASE_URL))
    assert texts["md"].startswith(_filled(compiled).split("```earlier-memos")[0].rstrip())
    # the stored version keeps its markers, so the next edit still shows its sources
    assert "<!-- lähde:" in plain.markdown

    correction = _publish(app, workshop, coordinator, plain.markdown + "\nKorjaus.",
                          plain.number, with_wishes=True)
    assert correction.wishes_appendix
    texts = _published_texts(app, correction)
    assert texts["md"].endswith(
        "## Liite 1 Ennakkotoiveet\n\n"
        "Ilmoittautuneiden lähettämät ennakkotoiveet organisaatioittain, ilman nimiä, "
        "kirjoittajien omin sanoin.\n\n"
        "### Varha\n\n- Työnkuvat ja erityissosiaaliohjaajan rooli\n- Jälkihuollon mitoitus\n\n"
        "### Satakunnan hyvinvointialue\n\n- Yhteistyö aikuissosiaalityön kanssa\n")
    assert '<h2 class="attachment">Liite 1 Ennakkotoiveet</h2>' in texts["html"]
    for fmt, text in texts.items():
        assert "lähde" not in text and "<!--" not in text, fmt
        assert "Yhteistyö aikuissosiaalityön kanssa" in text, fmt
        # anonymous: no registrant's name or address
        for name, email, *_ in WISHERS:
            assert name not in text and email not in text, fmt
        for name in PEOPLE:
            assert name not in text, fmt
    entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "memo.correct")).one()
    assert entry.details["wishes_appendix"] is True


def test_the_appendix_is_numbered_after_the_attachments_and_swedish_in_a_swedish_memo(
        recorded: Recorded):
    s = db.session
    memo = "# Promemoria\n\n## Bilaga 1 Uppgifter\n\nText.\n\n## Bilaga 2 Kontakter\n"
    appendix = wishes_appendix(s, recorded.workshop, memo, "sv")
    assert appendix.startswith(
        "## Bilaga 3 Förhandsönskemål\n\nDe anmäldas förhandsönskemål per organisation, utan "
        "namn, citerade på originalspråket.\n\n### Varha\n\n")
    assert appendix.endswith(
        "### Satakunta välfärdsområde\n\n- Yhteistyö aikuissosiaalityön kanssa\n")
    # nobody sent a wish: no appendix
    s.query(Wish).delete()
    assert wishes_appendix(s, recorded.workshop, memo, "fi") == ""


def test_a_swedish_memo_is_published_without_its_markers_and_with_its_appendix(
        app: Any, recorded: Recorded, coordinator: Coordinator):
    s = db.session
    workshop = recorded.workshop
    draft = memo_ops.start_memo(s, workshop, base_url=BASE_URL, language="sv")
    assert f"<!-- källa: t{recorded.theme_id} -->" in draft.markdown
    translated = re.sub(r"\[\[KOMPLETTERA:[^\]]*\]\]", "arbetsbeskrivningar", draft.markdown)
    translated = re.sub(r"```översätt\n.*?\n```", "Översatt.", translated, flags=re.S)
    version = memo_ops.save_version(s, workshop, coordinator, translated, "", draft.number,
                                    "sv")
    assert version is not None and version.sources == draft.sources
    memo_ops.publish_version(s, workshop, version, coordinator,
                             exports_dir=app.config["EXPORTS_DIR"],
                             uploads_dir=app.config["UPLOADS_DIR"], base_url=BASE_URL,
                             with_wishes=True)
    s.commit()
    texts = _published_texts(app, version)
    assert "## Bilaga 1 Förhandsönskemål" in texts["md"]
    for fmt, text in texts.items():
        assert "källa" not in text and "<!--" not in text, fmt
        assert "Förhandsönskemål" in text and "Wilma" not in text, fmt
