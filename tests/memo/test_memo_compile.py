"""A workshop compiled into THL's memo (facilitate.memo.compile), checked against the real memo
of 29.3.2023 (shared/seeds/002) built from structured data in the test database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sql_count import counted

from facilitate.actions.operations import (
    REVIEW_TITLE,
    add_action,
    review_action,
    today_in_finland,
)
from facilitate.agenda.operations import add_prompt, create_theme, group_wishes
from facilitate.extensions import db
from facilitate.memo.addresses import export_path, memo_address
from facilitate.memo.compile import compile_memo, memo_markdown, resolve_series_blocks
from facilitate.memo.finnish import NO_THEMES_DISCUSSED
from facilitate.models import (
    ActionStatus,
    Answer,
    Attachment,
    Contribution,
    Coordinator,
    MemoFile,
    MemoVersion,
    Note,
    Organisation,
    OrganisationKind,
    Presentation,
    Registration,
    Series,
    Theme,
    Vote,
    Workshop,
)
from facilitate.room import operations as room_ops
from facilitate.room.operations import Actor
from facilitate.series.operations import close_registration, set_talk_given
from facilitate.text import render_markdown
from facilitate.timeutil import now_utc

BASE_URL = "https://facilitate.example"
MEMO_TITLE = "valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio"
SERIES_PARAGRAPH = (
    "YEE-hanke on järjestänyt syksyn 2022 ja kevään 2023 aikana neljä lastensuojelun "
    "jälkihuollon johdon vertaisreflektiota alueiden välisen vuoropuhelun vahvistamiseksi ja "
    "hyvinvointialueille siirtymän valmistelun ja toteutuksen tueksi.")
FUNDING = "Kestävää kasvua ja työtä -ohjelma"

# Seed 002's attendees in the order they registered (as facilitate.demo.ATTENDEES_29_3).
ATTENDEES = [
    ("yee-hanke", "Projektipäällikkö YEE", []),
    ("varsinaissuomi", "Varhan edustaja", []),
    ("satakunta", "Satakunnan edustaja", ["Työnkuvat ja erityissosiaaliohjaajan rooli"]),
    ("pirkanmaa", "Pirkanmaan edustaja", []),
    ("pohjanmaa", "Pohjanmaan edustaja", []),
    ("pohjoispohjanmaa", "Pohjois-Pohjanmaan edustaja", []),
    ("kantahame", "Kanta-Hämeen edustaja", []),
    ("yksityinen", "Yksityisen palveluntuottajan edustaja", []),
]

# (title, memo phrase, notes) in agenda order, the notes as seed 002 has them.
THEMES = [
    ("Resurssit ja asiakasmitoitukset", "asiakasmitoitus ja työntekijäresurssit",
     "Varhan alueella on noin 900 asiakasta. Pyritään siihen, että ohjaajalla olisi 25 "
     "asiakasta ja sosiaalityöntekijällä 50 asiakasta.\n\nJärjestämisvastuussa olevalla "
     "hyvinvointialueella ja hyvinvointialueella, jossa nuori asuu, on molemmissa nuorella "
     "oltava oma työntekijä."),
    ("Työnkuvat", "työnkuvista",
     "Satakuntaan pyritään saamaan yksi tai useampi erityissosiaaliohjaaja niiden nuorten "
     "tueksi, jotka tarvitsevat vahvempaa tukea, mutta eivät ole erityisen tuen tarpeessa. "
     "Varhan alueen sosiaalityöntekijöiden ja ohjaajien työtehtävät on koottu liitteeseen 1 "
     "(luonnos versio)."),
    ("Organisoituminen hyvinvointialueilla", "palveluiden organisoimisesta",
     "Pirkanmaalla organisoidutaan työikäisten palveluihin. Pohjanmaalla "
     "aikuissosiaalityöhön, jossa nuorisotyön yksikkö erikseen."),
    ("Palveluiden yhdyspinnat", "palveluiden yhdyspinnat",
     "Käsiteltiin erityisesti yhteistyötä vammaispalveluiden sekä mielenterveys- ja "
     "päihdepalveluiden kanssa."),
    ("Kilpailutukset", "kilpailutuksista",
     "Jälkihuollon kilpailutukset toteutuvat samassa kun muu lastensuojelu."),
]

ATTACHMENT_TITLE = "Varhan alueella työstetty tehtävänkuvat 3/2023 (luonnos)"
ATTACHMENT_BODY = (
    "Jälkihuollon sosiaalityöntekijän tehtävät: Virka-aikainen sosiaalityö\n\n"
    "- Sosiaalihuoltolain ja lastensuojelulain mukaiset arvioinnit\n"
    "- Asiakas- ja verkostotyö")


def publish(workshop: Workshop, number: int, pdf_kt: int | None, *,
            published: bool = True) -> MemoVersion:
    """A saved memo version of a workshop, published or not, with a pdf file of pdf_kt kt."""
    version = MemoVersion(workshop_id=workshop.id, number=number, markdown="# Muistio",
                          published_at=now_utc() if published else None)
    if pdf_kt is not None:
        version.files.append(MemoFile(
            format="pdf", path=export_path(workshop.series.slug, workshop.day, number, "pdf"),
            size=pdf_kt * 1024, sha256="0" * 64))
    db.session.add(version)
    db.session.flush()
    return version


def project_organisation() -> Organisation:
    organisation = Organisation(code="yee-hanke", kind=OrganisationKind.PROJECT,
                                name_fi="YEE-hanke (THL)",
                                memo_phrase="YEE-hankkeen työntekijöitä")
    db.session.add(organisation)
    db.session.commit()
    return organisation


@pytest.fixture
def seed_002(make_series: Callable[..., Series], make_workshop: Callable[..., Workshop],
             register: Callable[..., tuple[Any, str]]) -> Workshop:
    """The series of seed 002: three earlier workshops with published memos, and 29.3.2023."""
    s = db.session
    series = make_series(memo_title=MEMO_TITLE, description=SERIES_PARAGRAPH,
                         funding_footer=FUNDING)
    for day, kt in ((date(2022, 9, 13), 551), (date(2022, 11, 9), 426)):
        earlier = make_workshop(series, day=day, open_registration_now=False)
        publish(earlier, 1, kt)
    # 27.1.2023 was corrected once: the latest published version (2) is linked, not the
    # first one, and not the unpublished draft (3).
    corrected = make_workshop(series, day=date(2023, 1, 27), open_registration_now=False)
    publish(corrected, 1, 300)
    publish(corrected, 2, 352)
    publish(corrected, 3, 999, published=False)

    project_organisation()
    workshop = make_workshop(series, day=date(2023, 3, 29), starts_at=time(14),
                             ends_at=time(16), format="Teams-keskustelu",
                             title="Johdon vertaisreflektio")
    registrations = []
    for index, (code, name, wishes) in enumerate(ATTENDEES):
        registration, _token = register(workshop, name=name, organisation=code, wishes=wishes,
                                        email=f"osallistuja{index}@example.fi")
        registrations.append(registration)
    # Joined the room in the reverse order: the memo keeps the order of registration.
    for minutes, registration in enumerate(reversed(registrations)):
        registration.attended_at = now_utc() + timedelta(minutes=minutes)
    # Registered, never came: not in the memo.
    register(workshop, name="Lapin edustaja", organisation="lappi", wishes=[])

    workshop.presentations.append(Presentation(
        title="Ajankohtaiset asiat", presenter="YEE-hankkeen projektipäällikkö", position=0,
        given_at=now_utc()))
    # planned, never given: not in the memo
    workshop.presentations.append(Presentation(
        title="Kuntaliiton katsaus", presenter="Kuntaliitto", position=1))
    for title, phrase, notes in THEMES:
        theme = create_theme(s, workshop, {"title": title, "memo_phrase": phrase})
        s.add(Note(theme_id=theme.id, text=notes, version=1))
    wish_ids = [wish.id for registration in registrations for wish in registration.wishes]
    group_wishes(s, workshop, wish_ids, theme_id=workshop.themes[1].id)
    workshop.attachments.append(Attachment(title=ATTACHMENT_TITLE, body=ATTACHMENT_BODY,
                                           position=0))
    s.commit()
    return workshop


def paragraphs(markdown: str) -> list[str]:
    """The blocks of a memo's Markdown (which ends with one newline)."""
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")
    return markdown[:-1].split("\n\n")


def test_golden_seed_002(seed_002: Workshop):
    memo = compile_memo(db.session, seed_002, base_url=BASE_URL)
    draft = memo_markdown(memo)
    # the series' other memos stay blocks in the draft, filled in when shown or published
    assert "\n\n```earlier-memos\n```\n\n```next-workshop\n```\n\n" in draft
    markdown = resolve_series_blocks(db.session, seed_002, draft, base_url=BASE_URL)
    blocks = paragraphs(markdown)
    slug = seed_002.series.slug

    assert markdown.startswith("# Muistio: valtakunnallinen lastensuojelun jälkihuollon "
                               "johdon vertaisreflektio\n\n")
    assert blocks[0] == f"# Muistio: {MEMO_TITLE}"
    assert blocks[1] == "Aika: 29.3.2023 klo 14–16, Teams-keskustelu"
    # exactly as in seed 002
    assert blocks[2] == (
        "Paikalla oli YEE-hankkeen työntekijöitä sekä edustus Varhan, Satakunnan, Pirkanmaan, "
        "Pohjanmaan, Pohjois-Pohjanmaan ja Kanta-Hämeen hyvinvointialueilta ja yksityisen "
        "toimijan puolelta.")
    assert blocks[3] == ("YEE-hankkeen projektipäällikkö alusti tilaisuutta aiheesta "
                         "”Ajankohtaiset asiat”.")
    # one paragraph per theme in agenda order, the phrase in bold, the notes following
    assert blocks[4] == ("Keskusteluun nostettiin **asiakasmitoitus ja työntekijäresurssit**. "
                         "Varhan alueella on noin 900 asiakasta. Pyritään siihen, että "
                         "ohjaajalla olisi 25 asiakasta ja sosiaalityöntekijällä 50 asiakasta.")
    assert blocks[5].startswith("Järjestämisvastuussa olevalla hyvinvointialueella")
    assert blocks[6].startswith(
        "Ennakkotoiveen pohjalta **keskusteltiin työnkuvista**. Satakuntaan pyritään saamaan ")
    assert blocks[7] == ("Keskusteltiin **palveluiden organisoimisesta**. Pirkanmaalla "
                         "organisoidutaan työikäisten palveluihin. Pohjanmaalla "
                         "aikuissosiaalityöhön, jossa nuorisotyön yksikkö erikseen.")
    assert blocks[8].startswith("Keskusteluun nostettiin **palveluiden yhdyspinnat**. ")
    assert blocks[9] == ("Keskusteltiin **kilpailutuksista**. Jälkihuollon kilpailutukset "
                         "toteutuvat samassa kun muu lastensuojelu.")
    assert blocks[10] == SERIES_PARAGRAPH
    assert blocks[11] == "Reflektioista on laadittu muistiot:"
    # newest first, each at its stable address, titled with date, format and size
    assert blocks[12].split("\n") == [
        f"- [Muistio: {MEMO_TITLE} 27.1.2023 (pdf 352 kt)]"
        f"({BASE_URL}/series/{slug}/memos/2023-01-27.pdf)",
        f"- [Muistio: {MEMO_TITLE} 9.11.2022 (pdf 426 kt)]"
        f"({BASE_URL}/series/{slug}/memos/2022-11-09.pdf)",
        f"- [Muistio: {MEMO_TITLE} 13.9.2022 (pdf 551 kt)]"
        f"({BASE_URL}/series/{slug}/memos/2022-09-13.pdf)",
    ]
    assert blocks[13] == FUNDING
    assert blocks[14] == f"## Liite 1 {ATTACHMENT_TITLE}"
    assert "\n\n".join(blocks[15:]) == ATTACHMENT_BODY

    # the same as data
    assert [t.phrase for t in memo.themes] == [phrase for _t, phrase, _n in THEMES]
    assert [t.from_wishes for t in memo.themes] == [False, True, False, False, False]
    assert [(m.day, m.version, m.format, m.size_bytes) for m in memo.earlier_memos] == [
        (date(2023, 1, 27), 2, "pdf", 352 * 1024), (date(2022, 11, 9), 1, "pdf", 426 * 1024),
        (date(2022, 9, 13), 1, "pdf", 551 * 1024)]
    assert memo.earlier_memos[0].url == memo_address(BASE_URL, slug, date(2023, 1, 27), "pdf")
    assert memo.next_workshop is None
    assert memo.placeholders == ()
    assert memo.talks_not_given == ("Kuntaliiton katsaus",) and memo.themes_left_out == ()
    assert "Kuntaliitto" not in markdown
    # attendance is by organisation, never by person
    for _code, name, _wishes in ATTENDEES:
        assert name not in markdown
    assert "Lapin" not in markdown


def test_earlier_memos_are_only_those_before_this_workshop(seed_002: Workshop):
    earlier = next(w for w in seed_002.series.workshops if w.day == date(2022, 11, 9))
    memo = compile_memo(db.session, earlier, base_url=BASE_URL)
    assert [m.day for m in memo.earlier_memos] == [date(2022, 9, 13)]
    # the next one is 27.1.2023, whose registration never opened: no link
    assert memo.next_workshop is not None
    assert memo.next_workshop.day == date(2023, 1, 27)
    assert memo.next_workshop.registration_url is None
    assert memo.next_workshop.sentence == (
        "Seuraava tilaisuus ”Vertaisreflektio” järjestetään 27.1.2023 klo 14–16 "
        "(Teams-keskustelu).")


def test_next_workshop_links_to_its_invitation_while_registration_is_open(
        make_series: Callable[..., Series], make_workshop: Callable[..., Workshop]):
    series = make_series()
    this = make_workshop(series, day=date.today(), open_registration_now=False)
    following = make_workshop(series, day=date.today() + timedelta(days=40),
                              title="Nuorten palvelupolut", starts_at=time(9, 30),
                              ends_at=time(11))
    make_workshop(series, day=date.today() + timedelta(days=80), title="Myöhempi")

    memo = compile_memo(db.session, this, base_url=BASE_URL + "/")
    url = f"{BASE_URL}/invite/{following.invitation_token}"
    assert memo.next_workshop is not None
    assert memo.next_workshop.registration_url == url
    draft = memo_markdown(memo)
    shown = resolve_series_blocks(db.session, this, draft, base_url=BASE_URL + "/")
    assert shown.count(f"<{url}>") == 1
    assert "Seuraava tilaisuus ”Nuorten palvelupolut” järjestetään " in shown

    # the same draft, shown after registration closed, no longer offers the link
    close_registration(db.session, following)
    db.session.commit()
    memo = compile_memo(db.session, this, base_url=BASE_URL)
    assert memo.next_workshop is not None and memo.next_workshop.registration_url is None
    shown = resolve_series_blocks(db.session, this, draft, base_url=BASE_URL)
    assert "/invite/" not in shown and "Seuraava tilaisuus ”Nuorten palvelupolut”" in shown


def test_a_workshop_without_attendees_or_notes_compiles_with_placeholders(
        make_workshop: Callable[..., Workshop], register: Callable[..., tuple[Any, str]]):
    workshop = make_workshop(day=date(2023, 3, 29))
    theme = create_theme(db.session, workshop, {"title": "Työnkuvat",
                                                "memo_phrase": "työnkuvista"})
    theme.opened_at = now_utc()  # brought up in the room, nobody wrote notes
    # registered but never joined: not an attendee
    register(workshop, organisation="satakunta", wishes=[])
    db.session.commit()

    memo = compile_memo(db.session, workshop, base_url=BASE_URL)
    markdown = memo_markdown(memo)
    blocks = paragraphs(markdown)
    assert blocks[2] == "Paikalla oli [[TÄYDENNÄ: osallistujien organisaatiot]]."
    assert blocks[3] == ("Keskusteltiin **työnkuvista**. "
                         "[[TÄYDENNÄ: muistiinpanot teemasta ”Työnkuvat”]]")
    assert memo.placeholders == ("osallistujien organisaatiot",
                                 "muistiinpanot teemasta ”Työnkuvat”")
    assert memo.earlier_memos == () and memo.attachments == () and memo.opening == ()
    # nothing else to say: both series blocks vanish without leaving a gap
    shown = resolve_series_blocks(db.session, workshop, markdown, base_url=BASE_URL)
    assert paragraphs(shown) == blocks[:4]


def test_the_draft_only_states_what_the_room_recorded(
        make_room: Callable[..., Any], coordinator: Coordinator):
    """A theme is discussed when opened in the open room or when it has notes, comments or
    answers; a talk opens the memo only when recorded as given."""
    room = make_room(open=False)
    s = db.session
    workshop = s.get_one(Workshop, room.workshop_id)
    first, second = (s.get_one(Theme, theme_id) for theme_id in room.theme_ids)
    talk = Presentation(title="Kuntaliiton katsaus", presenter="Kuntaliitto", position=0)
    workshop.presentations.append(talk)
    s.commit()

    memo = compile_memo(s, workshop, base_url=BASE_URL)
    assert memo.themes == () and memo.opening == ()
    assert memo.themes_left_out == (first.title, second.title)
    assert memo.talks_not_given == ("Kuntaliiton katsaus",)
    markdown = memo_markdown(memo)
    assert NO_THEMES_DISCUSSED in markdown and "Kuntaliitto" not in markdown
    assert "mistä tilaisuudessa keskusteltiin" in memo.placeholders

    # moving through the agenda before the room opens is a rehearsal
    room_ops.set_phase(s, workshop, "theme", second, by=coordinator.id)
    assert second.opened_at is None
    room_ops.open_room(s, workshop, by=coordinator.id)  # opens on the second theme
    assert second.opened_at is not None and first.opened_at is None
    # in the open room, moving to a theme opens it; coming back keeps the first moment
    room_ops.set_phase(s, workshop, "theme", first, by=coordinator.id)
    opened = first.opened_at
    assert opened is not None
    room_ops.set_phase(s, workshop, "theme", second, by=coordinator.id)
    room_ops.set_phase(s, workshop, "theme", first, by=coordinator.id)
    assert first.opened_at == opened
    first.opened_at = None  # as if only the second had been brought up
    set_talk_given(s, workshop, talk.id, True, by=coordinator.id)
    s.commit()
    memo = compile_memo(s, workshop, base_url=BASE_URL)
    assert [t.title for t in memo.themes] == [second.title]
    assert memo.themes_left_out == (first.title,)
    assert memo.opening == ("Kuntaliitto alusti tilaisuutta aiheesta ”Kuntaliiton katsaus”.",)
    assert NO_THEMES_DISCUSSED not in memo_markdown(memo)

    # a comment under a theme never opened is a record of it too
    people = Actor(workshop_id=workshop.id, registration_id=room.registration_ids["anna"])
    room_ops.add_contribution(s, people, first.id, None, "Nivelvaiheet puhuttivat")
    set_talk_given(s, workshop, talk.id, False, by=coordinator.id)
    s.commit()
    memo = compile_memo(s, workshop, base_url=BASE_URL)
    assert [t.title for t in memo.themes] == [first.title, second.title]
    assert memo.opening == () and memo.talks_not_given == ("Kuntaliiton katsaus",)


def test_an_organisation_without_its_memo_phrase_leaves_a_placeholder(
        make_workshop: Callable[..., Workshop], register: Callable[..., tuple[Any, str]]):
    workshop = make_workshop()
    registration, _token = register(workshop, organisation="other",
                                    other_organisation="Kaupunki X", wishes=[])
    registration.attended_at = now_utc()
    db.session.commit()
    memo = compile_memo(db.session, workshop, base_url=BASE_URL)
    assert memo.attendance == ("Paikalla oli edustus [[TÄYDENNÄ: miten ”Kaupunki X” "
                               "kirjoitetaan osallistujalauseeseen]].")
    assert memo.placeholders == ("miten ”Kaupunki X” kirjoitetaan osallistujalauseeseen",
                                 "mistä tilaisuudessa keskusteltiin")


def test_html_in_notes_stays_as_text_for_the_sanitiser(make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    theme = create_theme(db.session, workshop, {"title": "Yhdyspinnat",
                                                "memo_phrase": "yhdyspinnoista"})
    notes = "<script>alert('x')</script>\n\nVarha: <b>yhteistyö</b> <img src=x onerror=alert(1)>"
    db.session.add(Note(theme_id=theme.id, text=notes, version=1))
    db.session.commit()

    markdown = memo_markdown(compile_memo(db.session, workshop, base_url=BASE_URL))
    # Compile copies what was written; render_markdown (nh3) removes what could run.
    assert f"Keskusteltiin **yhdyspinnoista**.\n\n{notes}\n" in markdown
    html = str(render_markdown(markdown))
    assert "<script" not in html and "onerror" not in html and "<img" not in html
    assert "<strong>yhdyspinnoista</strong>" in html


@pytest.fixture
def coordinator(app: Any) -> Coordinator:
    coordinator = Coordinator(email="koordinaattori@thl.fi", name="Niina Koordinaattori",
                              password_hash="not-used")
    db.session.add(coordinator)
    db.session.commit()
    return coordinator


def test_results_charts_and_contributions(make_room: Callable[..., Any],
                                          coordinator: Coordinator):
    room = make_room()
    s = db.session
    people = {name: Actor(workshop_id=room.workshop_id, registration_id=registration_id)
              for name, registration_id in room.registration_ids.items()}
    first, second = room.theme_ids
    s.add(Note(theme_id=first, text="Työnkuvista keskusteltiin.", version=1))
    liked = room_ops.add_contribution(s, people["anna"], first, room.prompts["open"],
                                      "Työparityö   toimii\nhyvin")
    level = room_ops.add_contribution(s, people["cecilia"], first, room.prompts["level"],
                                      "Tarvitaan yhteinen linjaus", "valtakunnallinen")
    hidden = room_ops.add_contribution(s, people["bertta"], first, None, "Asiaton kommentti")
    room_ops.add_contribution(s, people["bertta"], first, None, "Ei ääniä")
    room_ops.vote(s, people["bertta"], liked.id, True)
    room_ops.vote(s, people["cecilia"], liked.id, True)
    room_ops.vote(s, people["anna"], level.id, True)
    room_ops.vote(s, people["anna"], hidden.id, True)
    room_ops.hide_contribution(s, Actor(workshop_id=room.workshop_id,
                                        coordinator_id=coordinator.id), hidden.id, True)
    for name, statement, poll in (("anna", 5, 1), ("bertta", 4, 1), ("cecilia", 4, 0)):
        room_ops.set_answer(s, people[name], room.prompts["statement"], statement)
        room_ops.set_answer(s, people[name], room.prompts["poll"], poll)
    s.commit()

    workshop = s.get_one(Workshop, room.workshop_id)
    memo = compile_memo(s, workshop, base_url=BASE_URL)
    markdown = memo_markdown(memo)
    assert (
        "Keskusteltiin **työnkuvista**. Työnkuvista keskusteltiin.\n\n"
        "Väitteeseen ”VÄITE: Traumaosaaminen on riittämätöntä?” vastasi kolme osallistujaa. "
        "Heistä yksi oli täysin samaa mieltä ja kaksi jokseenkin samaa mieltä.\n\n"
        "```chart\n"
        "VÄITE: Traumaosaaminen on riittämätöntä?\n"
        "Täysin eri mieltä | 0\n"
        "Jokseenkin eri mieltä | 0\n"
        "En samaa enkä eri mieltä | 0\n"
        "Jokseenkin samaa mieltä | 2\n"
        "Täysin samaa mieltä | 1\n"
        "```\n\n"
        "Osallistujien kirjoittamat kommentit (eniten ääniä saaneet ensin):\n\n"
        "- Työparityö toimii hyvin (Varha, 2 ääntä)\n"
        "- Tarvitaan yhteinen linjaus (Pirkanmaan hyvinvointialue, valtakunnallinen taso, "
        "1 ääni)\n"
        "- Ei ääniä (Satakunnan hyvinvointialue)\n\n"
    ) in markdown, markdown
    assert (
        # the title, for want of a memo phrase, mid-sentence without its capital
        "Keskusteluun nostettiin **palveluiden organisointi**. "
        "[[TÄYDENNÄ: muistiinpanot teemasta ”Palveluiden organisointi”]]\n\n"
        "Kysymykseen ”Kuka koordinoi?” vastasi kolme osallistujaa. Heistä kaksi valitsi "
        "vaihtoehdon ”Hyvinvointialue” ja yksi ”Kunta”.\n\n"
        "```chart\nKuka koordinoi?\nKunta | 1\nHyvinvointialue | 2\nValtio | 0\n```\n"
    ) in markdown
    # hidden by the coordinator: left out; people are never named
    assert "Asiaton" not in markdown
    for name in ("Anna", "Bertta", "Cecilia"):
        assert name not in markdown
    theme = memo.themes[0]
    assert [(c.text, c.votes) for c in theme.contributions] == [
        ("Työparityö toimii hyvin", 2), ("Tarvitaan yhteinen linjaus", 1), ("Ei ääniä", 0)]
    # the open and level prompts have no results; the unanswered ones are skipped
    assert [r.kind for r in theme.results] == ["statement"]


def _grow(workshop: Workshop, themes: int, contributions: int) -> None:
    """Themes with a statement, a poll and notes; contributions with votes; answers."""
    s = db.session
    registrations = [r.id for r in workshop.registrations]
    theme_ids, prompt_ids = [], []
    for index in range(themes):
        theme = create_theme(s, workshop, {"title": f"Teema {index}",
                                           "memo_phrase": f"teemasta {index}"})
        statement = add_prompt(s, theme, {"kind": "statement", "text": f"Väite {index}."})
        poll = add_prompt(s, theme, {"kind": "poll", "text": "Kuka?", "options": ["A", "B"]})
        s.add(Note(theme_id=theme.id, text=f"Muistiinpano {index}", version=1))
        theme_ids.append(theme.id)
        prompt_ids += [(statement.id, 4), (poll.id, 1)]
    s.flush()
    for registration_id in registrations:
        s.add_all(Answer(prompt_id=prompt_id, registration_id=registration_id, value=value)
                  for prompt_id, value in prompt_ids)
    added = [Contribution(workshop_id=workshop.id, theme_id=theme_ids[i % themes],
                          registration_id=registrations[i % len(registrations)],
                          text=f"Kommentti {i}", is_hidden=i % 10 == 0)
             for i in range(contributions)]
    s.add_all(added)
    s.flush()
    s.add_all(Vote(contribution_id=c.id, registration_id=registrations[(i + 1) % 3])
              for i, c in enumerate(added[::3]))
    for registration_id in registrations:
        s.get_one(Registration, registration_id).attended_at = now_utc()
    s.commit()


def test_compile_costs_the_same_queries_however_large_the_workshop(
        make_series: Callable[..., Series], make_workshop: Callable[..., Workshop],
        register: Callable[..., tuple[Any, str]]):
    costs = []
    for themes, contributions in ((1, 3), (20, 1000)):
        series = make_series()
        earlier = make_workshop(series, day=date(2023, 1, 27), open_registration_now=False)
        workshop = make_workshop(series, day=date(2023, 3, 29))
        for county in ("varsinaissuomi", "satakunta", "lappi"):
            register(workshop, organisation=county, wishes=[])
        _grow(workshop, themes, contributions)
        for n in range(themes):  # actions agreed in the earlier one, half reviewed in this
            action = add_action(db.session, earlier, {
                "text": f"Toimenpide {n}", "owner": "Lappi",
                "due": (today_in_finland() + timedelta(days=30)).isoformat()})
            if n % 2:
                review_action(db.session, workshop, action.id, ActionStatus.DONE)
            add_action(db.session, workshop, {"text": f"Uusi {n}", "owner": "THL",
                                              "due": today_in_finland().isoformat()})
        publish(earlier, 1, 352)  # after its actions: a published memo freezes them
        db.session.commit()
        db.session.expire_all()
        with counted() as statements:
            memo = compile_memo(db.session, workshop, base_url=BASE_URL, anonymity_threshold=5)
        costs.append(statements())
        assert len(memo.themes) == themes
        assert sum(t.contribution_count for t in memo.themes) == \
            contributions - len(range(0, contributions, 10))
        for theme in memo.themes:
            assert len(theme.contributions) == min(3, theme.contribution_count)
            votes = [c.votes for c in theme.contributions]
            assert votes == sorted(votes, reverse=True)
        assert len(memo.earlier_memos) == 1
        assert (len(memo.actions), len(memo.reviews), len(memo.actions_not_reviewed)) == (
            themes, themes // 2, themes - themes // 2)
    assert costs[0] == costs[1], costs
    assert costs[1] <= 17, costs


def test_theme_and_prompt_rows_are_read_in_agenda_order(make_workshop: Callable[..., Workshop]):
    workshop = make_workshop()
    s = db.session
    for title in ("Kolmas", "Ensimmäinen", "Toinen"):
        create_theme(s, workshop, {"title": title}).opened_at = now_utc()
    themes = {t.title: t for t in workshop.themes}
    themes["Ensimmäinen"].position, themes["Toinen"].position, themes["Kolmas"].position = 0, 1, 2
    s.commit()
    s.expire_all()
    memo = compile_memo(s, s.get_one(Workshop, workshop.id), base_url=BASE_URL)
    assert [t.title for t in memo.themes] == ["Ensimmäinen", "Toinen", "Kolmas"]


def test_a_theme_quotes_its_most_voted_comments_and_counts_the_rest():
    """Under each theme the memo quotes the three most voted comments and says how many there
    were; a theme with three or fewer quotes them all."""
    from facilitate.memo.compile import CONTRIBUTIONS_PER_THEME
    from facilitate.memo.finnish import CONTRIBUTIONS_INTRO, contributions_intro

    assert CONTRIBUTIONS_PER_THEME == 3
    assert contributions_intro(3, 3) == CONTRIBUTIONS_INTRO
    assert contributions_intro(48, 5) == (
        "Osallistujat kirjoittivat teemaan 48 kommenttia; tässä eniten ääniä saaneet 5:")


def test_earlier_memos_are_listed_as_published_when_this_memo_is_published(
        app: Any, seed_002: Workshop, coordinator: Coordinator):
    """The draft is compiled once; a correction of an earlier memo published after that is
    what this memo lists when it is published, and later corrections never change its files."""
    from pathlib import Path

    from facilitate.memo import operations as memo_ops

    s = db.session
    corrected = next(w for w in seed_002.series.workshops if w.day == date(2023, 1, 27))
    draft = memo_ops.start_memo(s, seed_002, base_url=BASE_URL)
    publish(corrected, 4, 400)  # a correction published after the draft was compiled
    published = memo_ops.publish_version(s, seed_002, draft, coordinator,
                                         exports_dir=app.config["EXPORTS_DIR"],
                                         uploads_dir=app.config["UPLOADS_DIR"],
                                         base_url=BASE_URL)
    s.commit()
    md = next(f for f in published.files if f.format == "md")
    path = Path(app.config["EXPORTS_DIR"]) / md.path
    text = path.read_text("utf-8")
    assert f"27.1.2023 (pdf 400 kt)]({BASE_URL}/series/" in text
    assert "```earlier-memos" not in text and "352 kt" not in text

    publish(corrected, 5, 500)
    s.commit()
    assert path.read_text("utf-8") == text  # the published file says what it said
    shown = resolve_series_blocks(s, seed_002, draft.markdown, base_url=BASE_URL)
    assert "27.1.2023 (pdf 500 kt)" in shown  # a new version would list the newest


def test_the_memo_lists_actions_agreed_and_the_reviews_of_earlier_ones(
        make_series: Callable[..., Series], make_workshop: Callable[..., Workshop]):
    s = db.session
    series = make_series()
    first = make_workshop(series, day=date(2023, 1, 27), open_registration_now=False)
    second = make_workshop(series, day=date(2023, 3, 29), open_registration_now=False)
    due = today_in_finland() + timedelta(days=60)
    kept = add_action(s, first, {"text": "Kootaan työnkuvat yhteen", "owner": "Pirkanmaa",
                                 "due": due.isoformat()})
    add_action(s, first, {"text": "Selvitetään rahoitus", "owner": "THL / Kaisa Mäkelä",
                          "due": due.isoformat()})
    review_action(s, second, kept.id, ActionStatus.IN_PROGRESS)
    add_action(s, second, {"text": "Kutsutaan kunnat mukaan", "owner": "Satakunta",
                           "due": due.isoformat()})
    theme = create_theme(s, second, {"title": "Työnkuvat", "memo_phrase": "työnkuvista"})
    room_ops.open_room(s, second)
    room_ops.set_phase(s, second, "theme", theme)
    s.commit()
    assert [t.title for t in second.themes][0] == REVIEW_TITLE
    memo = compile_memo(s, second, base_url=BASE_URL)
    day = f"{due.day}.{due.month}.{due.year}"
    assert memo.reviews == ("Kootaan työnkuvat yhteen (vastuu: Pirkanmaa, sovittu 27.1.2023): "
                            "kesken",)
    assert memo.actions_not_reviewed == ("Selvitetään rahoitus",)
    assert memo.actions == (f"Kutsutaan kunnat mukaan (vastuu: Satakunta, määräaika {day})",)
    # the review theme is not a discussion of its own: only "Työnkuvat" is written as one
    assert [t.title for t in memo.themes] == ["Työnkuvat"]
    markdown = memo_markdown(memo)
    reviews = ("Edellisissä tapaamisissa sovittujen toimenpiteiden tilanne:\n\n"
               "- Kootaan työnkuvat yhteen (vastuu: Pirkanmaa, sovittu 27.1.2023): kesken")
    agreed = f"Sovitut toimenpiteet:\n\n- Kutsutaan kunnat mukaan (vastuu: Satakunta, " \
             f"määräaika {day})"
    assert reviews in markdown and agreed in markdown
    assert markdown.index(reviews) < markdown.index("Keskusteltiin **työnkuvista**") \
        < markdown.index(agreed)
    # the first workshop's memo still says only what it agreed
    assert compile_memo(s, first, base_url=BASE_URL).reviews == ()
    swedish = compile_memo(s, second, base_url=BASE_URL, language="sv")
    assert swedish.reviews == (
        "[[KOMPLETTERA: ”Kootaan työnkuvat yhteen” på svenska]] (ansvar: "
        "[[KOMPLETTERA: ”Pirkanmaa” på svenska]], avtalad 27.1.2023): pågår",)
    assert "Överenskomna åtgärder:" in memo_markdown(swedish)


def test_results_by_organisation_are_written_only_as_the_anonymity_rule_lets_them(
        app, make_workshop: Callable[..., Workshop], register: Callable[..., tuple[Any, str]],
        coordinator_exists):
    from facilitate.memo.operations import publish_version, recompile

    s = db.session
    workshop = make_workshop()
    theme = create_theme(s, workshop, {"title": "Resurssit", "memo_phrase": "resursseista"})
    statement = add_prompt(s, theme, {"kind": "statement", "text": "VÄITE: Resurssit riittävät"})
    poll = add_prompt(s, theme, {"kind": "poll", "text": "Kuka koordinoi?",
                                 "options": ["Kunta", "Alue"]})
    s.commit()
    for county, values in (("varsinaissuomi", [5, 5, 5, 4, 4, 4]),
                           ("pirkanmaa", [1, 2, 3, 4, 5]), ("satakunta", [1, 1, 2]),
                           ("lappi", [3, 3])):
        for value in values:
            registration, _token = register(workshop, organisation=county, wishes=[])
            s.add(Answer(prompt_id=statement.id, registration_id=registration.id, value=value))
            s.add(Answer(prompt_id=poll.id, registration_id=registration.id,
                         value=0 if county == "varsinaissuomi" else 1))
            s.get_one(Registration, registration.id).attended_at = now_utc()
    s.add(Note(theme_id=theme.id, text="Resursseja on liian vähän.", version=1))
    s.commit()
    (result, by_poll) = compile_memo(s, workshop, base_url=BASE_URL,
                                     anonymity_threshold=5).themes[0].results
    # Satakunta (3) and Lappi (2) only ever together, with no figure of their own
    assert result.breakdown == (
        "Organisaatioittain samaa mieltä oli: Pirkanmaan hyvinvointialue 40 % (5 vastaajaa), "
        "Varha 100 % (6 vastaajaa) ja muut 0 % (5 vastaajaa).")
    assert by_poll.breakdown == (
        "Organisaatioittain: Pirkanmaan hyvinvointialue (5 vastaajaa) ”Kunta” 0 % ja ”Alue” "
        "100 %; Varha (6 vastaajaa) ”Kunta” 100 % ja ”Alue” 0 %; muut (5 vastaajaa) ”Kunta” "
        "0 % ja ”Alue” 100 %.")
    # without a threshold (or with one nobody reaches) the memo gives only the totals
    assert compile_memo(s, workshop, base_url=BASE_URL).themes[0].results[0].breakdown == ""
    assert compile_memo(s, workshop, base_url=BASE_URL, anonymity_threshold=17
                        ).themes[0].results[0].breakdown == ""
    # A published memo keeps what it said when the threshold changes later.
    exports, uploads = app.config["EXPORTS_DIR"], app.config["UPLOADS_DIR"]
    version = recompile(s, workshop, coordinator_exists, base_url=BASE_URL,
                        anonymity_threshold=5)
    room_ops.close_room(s, workshop)
    publish_version(s, workshop, version, coordinator_exists, exports_dir=exports,
                    uploads_dir=uploads, base_url=BASE_URL)
    s.commit()
    files = {f.path: (Path(exports) / f.path).read_bytes() for f in version.files}
    assert "Varha 100 % (6 vastaajaa)" in (Path(exports) / next(
        f.path for f in version.files if f.format == "md")).read_text("utf-8")
    newer = recompile(s, workshop, coordinator_exists, base_url=BASE_URL,
                      anonymity_threshold=6)
    s.commit()
    assert "Varha 100 % (6 vastaajaa) ja muut" in newer.markdown
    assert "Pirkanmaan hyvinvointialue 40 %" not in newer.markdown
    assert {f.path: (Path(exports) / f.path).read_bytes() for f in version.files} == files
    assert "Pirkanmaan hyvinvointialue 40 %" in s.get_one(MemoVersion, version.id).markdown
