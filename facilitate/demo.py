"""Demo data: the seeds' series, its four past workshops and one upcoming, loaded through
the same operations a coordinator and the participants use."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts.operations import create_coordinator
from .agenda.operations import group_wishes
from .models import Coordinator, Organisation, OrganisationKind, Series, Workshop
from .plans import get_plan
from .registration.operations import register
from .series.operations import (
    close_registration,
    create_series,
    create_workshop,
    open_registration,
)
from .timeutil import local_datetime, now_utc, to_local

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


def load_demo(s: Session, today: date | None = None) -> Iterator[str]:
    """Create the demo once; yields lines to print. Running it again changes nothing."""
    if s.scalar(select(Series.id).where(Series.slug == SERIES_SLUG)) is not None:
        yield "Demo data is already loaded."
        yield from _coordinator_lines(s)
        return
    today = today or to_local(now_utc()).date()
    series = create_series(s, SERIES)
    _project_organisation(s)
    for plan_slug, day, talk in PAST_WORKSHOPS:
        workshop = _past_workshop(s, series, plan_slug, day, talk)
        yield f"Workshop {workshop.day.isoformat()}: {workshop.title}"
    upcoming = _upcoming_workshop(s, series, today + timedelta(days=30))
    yield (f"Upcoming workshop {upcoming.day.isoformat()} with registration open: "
           f"/invite/{upcoming.invitation_token}")
    yield from _coordinator_lines(s)


def _coordinator_lines(s: Session) -> Iterator[str]:
    if s.scalar(select(Coordinator.id).where(Coordinator.email == DEMO_EMAIL)) is None:
        create_coordinator(s, email=DEMO_EMAIL, name="Demo-koordinaattori",
                           password=DEMO_PASSWORD)
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
    close_registration(s, workshop, now=opened + timedelta(days=5))
    return workshop


def _attendees_of_29_3(s: Session, workshop: Workshop, at: datetime) -> None:
    wish_ids = []
    for index, (code, name, wish) in enumerate(ATTENDEES_29_3):
        registration, _token, _created = register(s, workshop, {
            "name": name, "email": f"osallistuja{index + 1}@example.fi", "organisation": code,
            "wishes": [wish] if wish else []}, now=at)
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
