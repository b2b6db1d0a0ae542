"""Demo data: the seeds' series, its four past workshops with published memos and one
upcoming, loaded through the same operations a coordinator and the participants use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from io import BytesIO
from math import cos, pi, sin
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from .accessibility import operations as accessibility
from .accounts.operations import create_coordinator
from .actions import operations as actions
from .agenda.operations import group_wishes
from .memo.operations import publish_version, save_version, start_memo
from .models import (
    ActionStatus,
    Answer,
    Attachment,
    Coordinator,
    Note,
    Organisation,
    OrganisationKind,
    Prompt,
    Series,
    Workshop,
)
from .plans import get_plan
from .registration.operations import new_link, register
from .series.operations import (
    add_logo,
    close_registration,
    create_series,
    create_workshop,
    open_registration,
)
from .timeutil import local_datetime, now_utc, to_local
from .web import site_address

#: The series asks this statement again in every workshop whose plan has it (sessions/*.toml):
#: the demo's past workshops answered it so (values 1–5 per attendee), the shares of agreeing
#: growing from 40 % to 63 %, beside which the upcoming workshop's answers are shown.
TRACKED_KEY = "oma-sosiaalityontekija"
TRACKED_ANSWERS = {date(2022, 9, 13): (5, 4, 3, 2, 2),
                   date(2023, 3, 29): (5, 5, 4, 4, 3, 2, 5, 1)}
#: The 9.11.2022 workshop answered the poll that carries seed 001's national survey of
#: municipalities (sessions/kuntien-valinen-yhteistyo.toml: 60 / 18 / 24 %), one option each
#: by index, so its memo sets the room's shares beside the survey's.
REFERENCE_ANSWERS = {date(2022, 11, 9): (0, 1, 1, 0, 2)}

#: Actions the demo's workshops agreed (text, owner, due date) and what the next one said of
#: them: one done, one still in progress (so open on the series page and reviewed again by
#: the upcoming workshop), and one agreed on 29.3.2023 for the autumn.
AGREED_ACTIONS = {
    date(2023, 1, 27): [
        ("Kootaan hyvinvointialueiden käytännöt jälkihuoltotiedon siirrosta Valviran ohjeen "
         "pohjalta", "YEE-hanke / THL", date(2023, 3, 24)),
        ("Selvitetään, miten jälkihuollon nuorelle nimetään oma sosiaalityöntekijä",
         "Pirkanmaa ja Varha", date(2023, 5, 31)),
    ],
    date(2023, 3, 29): [
        ("Kutsutaan kuntien nuorisopalvelut mukaan syksyn reflektioon", "YEE-hanke / THL",
         date(2023, 9, 29)),
    ],
}
REVIEWED_ACTIONS = {date(2023, 3, 29): (ActionStatus.DONE, ActionStatus.IN_PROGRESS)}

DEMO_EMAIL = "demo@example.fi"
DEMO_PASSWORD = "vertaisreflektio"  # noqa: S105 - printed for the demo on purpose
SERIES_SLUG = "lastensuojelun-jalkihuollon-johdon-vertaisreflektiot"

SERIES = {
    "title": "Lastensuojelun jälkihuollon johdon vertaisreflektiot",
    "memo_title": "valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio",
    "organiser": "YEE-hanke / THL",
    "description": (
        "YEE-hanke on järjestänyt syksyn 2022 ja kevään 2023 aikana neljä lastensuojelun "
        "jälkihuollon johdon vertaisreflektiota alueiden välisen vuoropuhelun vahvistamiseksi "
        "ja hyvinvointialueille siirtymän valmistelun ja toteutuksen tueksi."
    ),
    "contacts": (
        "- Niina Weckroth, projektikoordinaattori, niina.weckroth(at)thl.fi\n"
        "- Silva Sevola, hankekoordinaattori, silva.sevola(at)seamk.fi\n"
        "- Kaisa Eichhorn, koordinaattori, kaisa.eichhorn(at)hdl.fi"
    ),
    "funding_footer": "Kestävää kasvua ja työtä -ohjelma",
}

#: The series' funder's logo, with what it says; the image is drawn by _funder_logo.
LOGO_TEXTS = {"alt_fi": "Euroopan unionin osarahoittama: Vipuvoimaa EU:lta 2014–2020",
              "alt_sv": "Delfinansierat av Europeiska unionen: Hävstång från EU 2014–2020"}
EU_BLUE, EU_YELLOW = (0, 51, 153), (255, 204, 0)

PROJECT = {"code": "yee-hanke", "name_fi": "YEE-hanke (THL)",
           "memo_phrase": "YEE-hankkeen työntekijöitä"}

# (plan, day, talk title and presenter or None)
PAST_WORKSHOPS = [
    ("johdon-vertaisreflektio", date(2022, 9, 13),
     ("Asiakasymmärrys tiedolla johtamisen perustana",
      "Sari Tuominen, aikuissosiaalityön päällikkö, Helsingin sote")),
    ("kuntien-valinen-yhteistyo", date(2022, 11, 9), None),
    ("verkostoyhteistyo", date(2023, 1, 27), ("Valviran ohje tiedon siirtymisestä", "Valvira")),
    ("johdon-vertaisreflektio", date(2023, 3, 29), None),
]

# The organisations that attended 29.3.2023 (seed 002), with a wish each where it had one.
ATTENDEES_29_3 = [
    ("yee-hanke", "Projektipäällikkö YEE", None),
    ("varsinaissuomi", "Varhan edustaja", "Työnkuvat: miten sosiaalityöntekijän ja ohjaajan "
                                          "tehtävät jaetaan?"),
    ("satakunta", "Satakunnan edustaja", "Työnkuvat ja erityissosiaaliohjaajan rooli"),
    ("pirkanmaa", "Pirkanmaan edustaja", None),
    ("pohjanmaa", "Pohjanmaan edustaja", None),
    ("pohjoispohjanmaa", "Pohjois-Pohjanmaan edustaja", "Asiakasmitoitus ja työntekijäresurssit"),
    ("kantahame", "Kanta-Hämeen edustaja", None),
    ("yksityinen", "Yksityisen palveluntuottajan edustaja", None),
]

UPCOMING_WISHES = [
    ("keskisuomi", "Keski-Suomen edustaja",
     ["Nivelvaiheet: miten nuori saatetaan aikuisten palveluihin?",
      "Asumisharjoittelu ja tuettu asuminen"]),
    ("lappi", "Lapin edustaja", ["Pitkät välimatkat ja etätyö jälkihuollossa"]),
    ("vantaakerava", "Vantaan ja Keravan edustaja",
     ["Nuorten osallisuus palvelujen kehittämisessä"]),
]


# Seed 002's memo (29.3.2023): what was said under each theme, by the theme's memo phrase.
NOTES_29_3 = {
    "asiakasmitoitus ja työntekijäresurssit": (
        "Varhan alueella on noin 900 asiakasta. Pyritään siihen, että ohjaajalla olisi 25 "
        "asiakasta ja sosiaalityöntekijällä 50 asiakasta. Tavoitteena Pohjois-Pohjanmaalla 50 "
        "asiakasta sosiaalityöntekijää kohden ja 40 ohjaajaa kohden, (25 olisi ideaali). "
        "Pohjois-Pohjanmaalla asiakkaita on noin 800.\n\n"
        "Järjestämisvastuussa olevalla hyvinvointialueella ja hyvinvointialueella, jossa nuori "
        "asuu, on molemmissa nuorella oltava oma työntekijä. Työn yhteensovittaminen alueiden "
        "välillä nostettiin esille."),
    "työnkuvista": (
        "Satakuntaan pyritään saamaan yksi tai useampi erityissosiaaliohjaaja niiden nuorten "
        "tueksi, jotka tarvitsevat vahvempaa tukea, mutta eivät ole erityisen tuen tarpeessa. "
        "Varhan alueen sosiaalityöntekijöiden ja ohjaajien työtehtävät on koottu liitteeseen 1 "
        "(luonnos versio)."),
    "palveluiden organisoimisesta": (
        "Pirkanmaalla organisoidutaan työikäisten palveluihin. Pohjanmaalla "
        "aikuissosiaalityöhön, jossa nuorisotyön yksikkö erikseen. Eri kuntien väliset erot "
        "vaikuttavat palveluiden organisoimiseen."),
    "palveluiden yhdyspinnat": (
        "Käsiteltiin erityisesti yhteistyötä vammaispalveluiden sekä mielenterveys- ja "
        "päihdepalveluiden kanssa. Yhteistyötä pidettiin tärkeänä varhaisessa vaiheessa ja "
        "etenkin nivelvaiheissa. Vammaispalveluilla on jälkihuoltoa vahvempi velvoite järjestää "
        "palvelua koska jälkihuolto päättyy mutta vammaispalvelut ovat pysyvä tukitoimi. "
        "Yhteistyötä voidaan tehdä esimerkiksi siten, että jälkihuollossa on työpari "
        "vammaispalveluista ja asuminen järjestetään vammaispalvelujen kautta. Päihde- ja "
        "mielenterveys asumispalvelut ovat jälkihuollossa järjestettäviä tukitoimia. "
        "Keskusteltiin mielenterveyspalveluiden asumispalvelun kustannusvastuusta, "
        "Pohjois-Pohjanmaalla jälkihuolto on maksanut tähän liittyvät kustannukset."),
    "siirtymistä ja yhteistyön rakenteista": (
        "Etelä-Pohjanmaan jälkihuollon toimintaohjetta on käytetty toiminnan suunnittelemisen "
        "tukena myös muilla alueilla."),
    "asiakasymmärryksestä ja tietopohjan rakentamisesta": (
        "Hyvinvointialueen jälkihuollon yhteen kokoaminen ja toiminnan ja palveluiden "
        "yhtenäistäminen on ajankohtaista. Tietojärjestelmiä on useita, tämä haastaa toiminnan "
        "ja palveluiden yhtenäistämistä.\n\n"
        "Esimerkiksi eräällä hyvinvointialueella on 6 eri asiakastietojärjestelmää. Kun "
        "yhteinen asiakastietojärjestelmä saadaan, päästään koostamaan kokonaiskuvaa "
        "asiakkuuksista ja asiakkaita voidaan jakaa alueen työntekijöille entistä tasaisemmin."),
    "asiakasraati kehittämistyön tueksi": (
        "Satakunnassa suunnitteilla on asiakasraati, sitä kautta voitaisiin jalostaa myös "
        "ryhmätoimintaa."),
    "kilpailutuksista": (
        "Jälkihuollon kilpailutukset toteutuvat samassa kun muu lastensuojelu. Jälkihuolto "
        "pitäisi kilpailuttaa omana kokonaisuutenaan. Halutaan tarjota laadukasta jälkihuoltoa, "
        "usein kuitenkin sopimukset ovat kiinteähintaisia. Kilpailutusmalli jarruttaa laadun "
        "kehittämistä ja rajoittaa laadukkaan työn tekemistä."),
}

ATTACHMENT_29_3 = (
    "Varhan alueella työstetty tehtävänkuvat 3/2023 (luonnos)",
    "Jälkihuollon sosiaalityöntekijän tehtävät: Virka-aikainen sosiaalityö\n\n"
    "- Erityistä tukea tarvitsevien 18 – 25 vuotiaiden jälkihuollettavien ohjaustyö\n"
    "- Sosiaalihuoltolain ja lastensuojelulain mukaiset arvioinnit\n"
    "- Yhteenvedot, asiakassuunnitelmat, asioiden valmistelut ja päätökset\n"
    "- Asiakas- ja verkostotyö\n\n"
    "Jälkihuollon ohjaajan tehtävät: Virka-aikainen sosiaalityö\n\n"
    "- Täysi-ikäisten jälkihuollettavien ohjaustyö\n"
    "- Ryhmätoiminnot\n"
    "- Tukihenkilötyö\n",
)

#: Who attended the three earlier workshops (the seeds do not say; demo data).
EARLIER_ATTENDEES = ["varsinaissuomi", "pirkanmaa", "pohjoispohjanmaa", "keskisuomi", "yee-hanke"]


def load_demo(s: Session, today: date | None = None) -> Iterator[str]:
    """Create the demo once; yields lines to print. Running it again adds nothing; it only
    gives the two demo participants new room links."""
    if s.scalar(select(Series.id).where(Series.slug == SERIES_SLUG)) is not None:
        yield "Demo data is already loaded."
        yield from _room_lines(s)
        yield from _coordinator_lines(s)
        return
    # The memos need the site's address; asked first, so a refusal leaves no logo file behind.
    site_address()
    today = today or to_local(now_utc()).date()
    coordinator = _coordinator(s)
    series = create_series(s, SERIES)
    add_logo(s, series, LOGO_TEXTS, FileStorage(BytesIO(_funder_logo()),
                                                filename="vipuvoimaa-eu-lta.png"))
    _project_organisation(s)
    for plan_slug, day, talk in PAST_WORKSHOPS:
        workshop = _past_workshop(s, series, plan_slug, day, talk)
        version = _published_memo(s, workshop, coordinator)
        yield (f"Workshop {workshop.day.isoformat()}: {workshop.title}; memo version "
               f"{version.number} published")
    upcoming = _upcoming_workshop(s, series, today + timedelta(days=30))
    _accessibility_statement(s, today)
    yield (f"Upcoming workshop {upcoming.day.isoformat()} with registration open: "
           f"/invite/{upcoming.invitation_token}")
    yield from _room_lines(s)
    yield from _coordinator_lines(s)


def _accessibility_statement(s: Session, today: date) -> None:
    """The statement a coordinator would keep: self-assessed, checked by the test suite's axe
    run, and the one defect the service cannot fix itself (presenters' own slides)."""
    accessibility.save_statement(s, {
        "compliance": "partial", "assessment_method": "self", "assessed_on": today.isoformat(),
        "assessor": "YEE-hanke / THL", "contact_email": "saavutettavuus@example.fi",
        "automated_check_on": today.isoformat()}, by=None)
    accessibility.add_defect(s, {
        "reason": "out_of_scope",
        "description_fi": "Alustusten diat ovat esittäjien omia tiedostoja; niiden "
                          "saavutettavuutta palvelu ei tarkista eikä muuta.",
        "description_sv": "Bilderna till anförandena är föredragshållarnas egna filer; "
                          "tjänsten varken granskar eller ändrar deras tillgänglighet.",
        "description_en": "The talks' slides are the presenters' own files; the service "
                          "neither checks nor changes their accessibility."}, by=None)


def _funder_logo() -> bytes:
    """An emblem-like PNG drawn for the demo: a ring of twelve stars on blue, and "Vipuvoimaa
    EU:lta" beside it. No real emblem file is copied into the project."""
    image = Image.new("RGB", (600, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 200, 150), fill=EU_BLUE)
    for star in range(12):
        draw.polygon(_star(105 + 45 * sin(2 * pi * star / 12), 80 - 45 * cos(2 * pi * star / 12)),
                     fill=EU_YELLOW)
    font = ImageFont.load_default(size=40)
    draw.text((225, 32), "Vipuvoimaa", fill=EU_BLUE, font=font)
    draw.text((225, 82), "EU:lta", fill=EU_BLUE, font=font)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _star(x: float, y: float, radius: float = 9) -> list[tuple[float, float]]:
    """A five-pointed star's corners around (x, y), pointing up."""
    corners = []
    for corner in range(10):
        # the inner corners, between the points, at 40 % of the radius
        distance = radius if corner % 2 == 0 else radius * 0.4
        corners.append((x + distance * sin(pi * corner / 5), y - distance * cos(pi * corner / 5)))
    return corners


def _room_lines(s: Session) -> Iterator[str]:
    """Links into the upcoming workshop's live room: two participants (the second takes notes)
    and the coordinator's console. Private links are stored only as hashes, so the demo issues
    the two participants new ones each time it runs."""
    upcoming = s.scalars(select(Workshop).join(Series).where(Series.slug == SERIES_SLUG)
                         .order_by(Workshop.day.desc())).first()
    if upcoming is None or len(upcoming.registrations) < 2:
        return
    yield f"Live room console (log in first): /manage/workshops/{upcoming.id}/room"
    for index, registration in enumerate(upcoming.registrations[:2]):
        token = new_link(s, registration)
        registration.is_note_taker = index == 1
        role = "note-taker" if index == 1 else "participant"
        yield f"Live room as {registration.name} ({role}): /room/{token}"
    s.flush()


def _coordinator(s: Session) -> Coordinator:
    coordinator = s.scalar(select(Coordinator).where(Coordinator.email == DEMO_EMAIL))
    if coordinator is None:
        coordinator = create_coordinator(s, email=DEMO_EMAIL, name="Demo-koordinaattori",
                                         password=DEMO_PASSWORD)
    return coordinator


def _coordinator_lines(s: Session) -> Iterator[str]:
    _coordinator(s)
    yield f"Demo coordinator: {DEMO_EMAIL} / {DEMO_PASSWORD} (demo only; never in production)"


def _project_organisation(s: Session) -> Organisation:
    organisation = s.scalar(select(Organisation).where(Organisation.code == PROJECT["code"]))
    if organisation is None:
        organisation = Organisation(kind=OrganisationKind.PROJECT, **PROJECT)
        s.add(organisation)
        s.flush()
    return organisation


def _past_workshop(s: Session, series: Series, plan_slug: str, day: date,
                   talk: tuple[str, str] | None) -> Workshop:
    plan = get_plan(plan_slug)
    # Every session of this series ran 14–16 on Teams; plans that do not say so get it here.
    workshop = create_workshop(s, series, {"day": day, "starts_at": time(14), "ends_at": time(16),
                                           "format": "Teams-keskustelu"}, plan=plan)
    if talk is not None:
        workshop.presentations[0].title, workshop.presentations[0].presenter = talk
    # Registration ran in the three weeks before the day, as it would have.
    opened = local_datetime(day - timedelta(days=21), time(9))
    open_registration(s, workshop, local_datetime(day - timedelta(days=2), time(16)), now=opened)
    if day == date(2023, 3, 29):
        _attendees_of_29_3(s, workshop, opened + timedelta(days=1))
    else:
        for index, code in enumerate(EARLIER_ATTENDEES):
            register(s, workshop, {"name": f"Osallistuja {index + 1}", "organisation": code,
                                   "email": f"osallistuja{index + 1}.{day}@example.fi",
                                   "wishes": []}, now=opened + timedelta(days=1))
    close_registration(s, workshop, now=opened + timedelta(days=5))
    # Everyone registered attended; the notes are the seed memo's (29.3.2023) or the themes'
    # own descriptions, as a note-taker would have written them.
    present = local_datetime(day, time(14))
    for registration in workshop.registrations:
        registration.attended_at = present
    for given in workshop.presentations:  # the seeds' memos report each talk as given
        given.given_at = present
    for theme in workshop.themes:
        if theme.reviews_actions:  # the memo lists the reviews themselves
            continue
        text = NOTES_29_3.get(theme.memo_phrase) if day == date(2023, 3, 29) else None
        s.add(Note(theme_id=theme.id, text=text or theme.description or theme.title,
                   version=1))
    if day == date(2023, 3, 29):
        title, body = ATTACHMENT_29_3
        s.add(Attachment(workshop_id=workshop.id, title=title, body=body, position=0))
    _answers(s, workshop, lambda p: p.question_key == TRACKED_KEY, TRACKED_ANSWERS.get(day, ()))
    _answers(s, workshop, lambda p: p.reference_percents is not None,
             REFERENCE_ANSWERS.get(day, ()))
    _actions(s, workshop, local_datetime(day, time(15, 45)))
    s.flush()
    s.refresh(workshop)
    return workshop


def _actions(s: Session, workshop: Workshop, at: datetime) -> None:
    """The earlier actions this workshop reviewed, then those it agreed, as its room would
    have recorded them at the end of the day."""
    statuses = REVIEWED_ACTIONS.get(workshop.day, ())
    for action, status in zip(actions.reviewable(s, workshop), statuses, strict=False):
        actions.review_action(s, workshop, action.id, status, now=at)
    for text, owner, due in AGREED_ACTIONS.get(workshop.day, ()):
        actions.add_action(s, workshop, {"text": text, "owner": owner, "due": due}, now=at)


def _answers(s: Session, workshop: Workshop, asked_here: Callable[[Prompt], bool],
             values: tuple[int, ...]) -> None:
    """The attendees' answers to the workshop's first prompt that `asked_here` picks (the
    tracked statement, the poll with reference figures), one each in order."""
    asked = next((p for theme in workshop.themes for p in theme.prompts if asked_here(p)), None)
    if asked is None:
        return
    for registration, value in zip(workshop.registrations, values, strict=False):
        s.add(Answer(prompt_id=asked.id, registration_id=registration.id, value=value))


def _published_memo(s: Session, workshop: Workshop, coordinator: Coordinator) -> Any:
    """Compile the memo, let the coordinator save it as her version, and publish it."""
    from flask import current_app

    # Published files keep their links: they point at PUBLIC_BASE_URL (`make run` sets it to
    # the address it serves), and the demo refuses to guess one.
    draft = start_memo(s, workshop, base_url=site_address(),
                       anonymity_threshold=current_app.config["ANONYMITY_THRESHOLD"])
    version = save_version(s, workshop, coordinator, draft.markdown, "Tarkistettu",
                           draft.number) or draft
    return publish_version(s, workshop, version, coordinator,
                           exports_dir=current_app.config["EXPORTS_DIR"],
                           uploads_dir=current_app.config["UPLOADS_DIR"],
                           base_url=site_address(),
                           now=local_datetime(workshop.day + timedelta(days=7), time(12)))


def _attendees_of_29_3(s: Session, workshop: Workshop, at: datetime) -> None:
    wish_ids = []
    for index, (code, name, wish) in enumerate(ATTENDEES_29_3):
        registration = register(s, workshop, {
            "name": name, "email": f"osallistuja{index + 1}@example.fi", "organisation": code,
            "wishes": [wish] if wish else []}, now=at).registration
        if wish and "Työnkuvat" in wish:
            wish_ids += [w.id for w in registration.wishes]
    theme = next(t for t in workshop.themes if t.memo_phrase == "työnkuvista")
    group_wishes(s, workshop, wish_ids, theme_id=theme.id)


def _upcoming_workshop(s: Session, series: Series, day: date) -> Workshop:
    workshop = create_workshop(s, series, {"day": day, "title": "Nuorten palvelupolut",
                                           "starts_at": time(9, 30), "ends_at": time(11),
                                           "format": "Teams-keskustelu"},
                               plan=get_plan("palvelupolut"))
    open_registration(s, workshop, local_datetime(day - timedelta(days=7), time(16)))
    for index, (code, name, wishes) in enumerate(UPCOMING_WISHES):
        register(s, workshop, {"name": name, "email": f"tuleva{index + 1}@example.fi",
                               "organisation": code, "wishes": wishes})
    return workshop
