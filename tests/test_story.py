"""The whole story before the room, through HTTP: a coordinator prepares, a leader registers."""

from __future__ import annotations

import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from facilitate.extensions import db
from facilitate.models import Registration, Series, Theme, Wish, Workshop


def _token_from(location: str) -> str:
    return re.fullmatch(r".*/me/([^/]+)", location).group(1)


def test_coordinator_prepares_and_leader_registers(coordinator_client, client):
    web = coordinator_client
    # The series
    response = web.post("/manage/series/new", {
        "title": "Lastensuojelun jälkihuollon johdon vertaisreflektiot",
        "memo_title": "valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio",
        "organiser": "YEE-hanke / THL",
        "contacts": "- Niina Weckroth, projektikoordinaattori",
        "funding_footer": "Kestävää kasvua ja työtä -ohjelma",
        "is_public": "on",
    })
    assert response.status_code == 302
    series = db.session.scalar(select(Series))
    assert series.organiser == "YEE-hanke / THL"
    assert series.funding_footer == "Kestävää kasvua ja työtä -ohjelma"

    # A workshop from the leadership plan: the plan's times and format fill the blanks.
    response = web.post(f"/manage/series/{series.id}/workshops", {
        "plan": "johdon-vertaisreflektio", "title": "", "day": "2030-03-29",
        "starts_at": "", "ends_at": "", "format": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    workshop = db.session.scalar(select(Workshop))
    assert (workshop.day, workshop.starts_at.hour, workshop.ends_at.hour, workshop.format) == (
        date(2030, 3, 29), 14, 16, "Teams-keskustelu")
    plan_titles = [t.title for t in workshop.themes]
    assert "Työnkuvat" in plan_titles and all(t.prompts for t in workshop.themes)
    page = web.get(f"/manage/workshops/{workshop.id}").get_data(as_text=True)
    assert "29.3.2030 klo 14–16, Teams-keskustelu" in page

    # Registration opens; the invitation link is on the page.
    response = web.post(f"/manage/workshops/{workshop.id}/registration", {
        "action": "open", "registration_deadline": "2030-03-27T16:00"})
    assert response.status_code == 302
    page = web.get(f"/manage/workshops/{workshop.id}").get_data(as_text=True)
    invitation = f"/invite/{workshop.invitation_token}"
    assert invitation in page
    assert "27.3.2030 klo 16.00" in page

    # A leader registers without an account, with two wishes.
    form = client.get(invitation)
    assert form.status_code == 200
    assert "Varsinais-Suomen hyvinvointialue (Varha)" in form.get_data(as_text=True)
    response = client.post(invitation, {
        "name": "Maija Meikäläinen", "email": "Maija@Varha.fi", "organisation": "varsinaissuomi",
        "other_organisation": "", "wish": ["Työnkuvat ja tehtävänjako",
                                           "Asiakasmitoitus: montako nuorta työntekijää kohden?"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    token = _token_from(response.headers["Location"])
    own = client.get(f"/me/{token}")
    text = own.get_data(as_text=True)
    assert own.headers["Referrer-Policy"] == "no-referrer"
    assert "Työnkuvat ja tehtävänjako" in text and "Asiakasmitoitus" in text
    registration = db.session.scalar(select(Registration))
    assert registration.email == "maija@varha.fi"
    assert registration.organisation.code == "varsinaissuomi"

    # The calendar event carries the room link.
    ics = client.get(f"/me/{token}/calendar.ics")
    assert ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert str(event["url"]).endswith(f"/room/{token}")
    assert event.decoded("dtstart").isoformat() == "2030-03-29T14:00:00+02:00"

    # A second leader from another organisation.
    response = client.post(invitation, {
        "name": "Pekka Palveluntuottaja", "email": "pekka@example.fi", "organisation": "other",
        "other_organisation": "Nuorten Tuki Oy", "wish": ["Kilpailutukset", ""]})
    assert response.status_code == 302

    # The coordinator sees every wish and groups them.
    page = web.get(f"/manage/workshops/{workshop.id}/agenda").get_data(as_text=True)
    for wish_text in ("Työnkuvat ja tehtävänjako", "Asiakasmitoitus", "Kilpailutukset"):
        assert wish_text in page
    assert "Nuorten Tuki Oy" in page
    wishes = {w.text: w for w in db.session.scalars(select(Wish))}
    tyonkuvat = next(t for t in workshop.themes if t.title == "Työnkuvat")
    response = web.post(f"/manage/workshops/{workshop.id}/agenda/group", {
        "wish_ids": [str(wishes["Työnkuvat ja tehtävänjako"].id)], "theme_id": str(tyonkuvat.id)})
    assert response.status_code == 302
    response = web.post(f"/manage/workshops/{workshop.id}/agenda/group", {
        "wish_ids": [str(wishes["Asiakasmitoitus: montako nuorta työntekijää kohden?"].id),
                     str(wishes["Kilpailutukset"].id)],
        "new_theme_title": "Mitoitus ja hankinnat"})
    assert response.status_code == 302
    db.session.expire_all()
    new_theme = db.session.scalar(select(Theme).where(Theme.title == "Mitoitus ja hankinnat"))
    assert {w.text for w in new_theme.wishes} == {
        "Asiakasmitoitus: montako nuorta työntekijää kohden?", "Kilpailutukset"}
    assert [w.text for w in tyonkuvat.wishes] == ["Työnkuvat ja tehtävänjako"]

    # Reordering: the new theme (last) moves up one place.
    count = len(workshop.themes)
    assert new_theme.position == count - 1
    web.post(f"/manage/workshops/{workshop.id}/themes/{new_theme.id}/move", {"direction": "up"})
    db.session.expire_all()
    assert new_theme.position == count - 2
    assert sorted(t.position for t in workshop.themes) == list(range(count))

    # The participant edits a wish until the deadline; the theme still remembers it.
    wish = wishes["Työnkuvat ja tehtávänjako"] if False else wishes["Työnkuvat ja tehtävänjako"]
    response = client.post(f"/me/{token}/wishes/{wish.id}", {
        "action": "save", "text": "Työnkuvat: sosiaalityöntekijä ja ohjaaja"})
    assert response.status_code == 302
    db.session.expire_all()
    assert tyonkuvat.wishes[0].text == "Työnkuvat: sosiaalityöntekijä ja ohjaaja"

    # Closing by hand ends editing; nothing saved changes.
    web.post(f"/manage/workshops/{workshop.id}/registration", {"action": "close"})
    response = client.post(f"/me/{token}/wishes", {"text": "Myöhästynyt toive"})
    assert response.status_code == 409
    assert "Ilmoittautuminen on päättynyt" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Wish.id))) == 3
    page = client.get(f"/me/{token}").get_data(as_text=True)
    assert "tietoja ei voi enää muuttaa" in page
    assert 'name="text"' not in page

    # The public series page lists the workshop.
    public = client.get(f"/series/{series.slug}").get_data(as_text=True)
    assert "29.3.2030" in public


def test_registration_closes_at_its_deadline(client, make_workshop):
    workshop = make_workshop()
    page = client.get(f"/invite/{workshop.invitation_token}")
    assert 'name="wish"' in page.get_data(as_text=True)
    from facilitate.timeutil import now_utc

    workshop.registration_deadline = now_utc() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/invite/{workshop.invitation_token}").get_data(as_text=True)
    assert "Ilmoittautuminen on päättynyt" in page
    assert 'name="wish"' not in page
    response = client.post(f"/invite/{workshop.invitation_token}", {
        "name": "Myöhäinen", "email": "late@example.fi", "organisation": "lappi"})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(Registration.id))) == 0
