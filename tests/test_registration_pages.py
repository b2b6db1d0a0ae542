"""Bad input and access on the participant pages: clear messages, and nothing saved changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from facilitate.extensions import db
from facilitate.models import MailKind, Organisation, OutgoingMail, Registration, Wish
from facilitate.timeutil import now_utc


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _form(**fields):
    return {"name": "Maija Meikäläinen", "email": "maija@example.fi",
            "organisation": "varsinaissuomi", "other_organisation": "",
            "wish": ["Työnkuvat"]} | fields


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"name": ""}, "name", "Kenttä on pakollinen."),
    ({"name": "x" * 201}, "name", "Teksti on liian pitkä: 201 merkkiä, enintään 200."),
    ({"email": "ei-osoite"}, "email", "Sähköpostiosoite ei ole kelvollinen."),
    ({"email": ""}, "email", "Kenttä on pakollinen."),
    ({"organisation": "atlantis"}, "organisation", "Tuntematon organisaatio."),
    ({"organisation": ""}, "organisation", "Valitse organisaatio."),
    ({"organisation": "other"}, "other_organisation", "Kenttä on pakollinen."),
    ({"wish": ["x" * 2001]}, "wish-1", "Toive on liian pitkä: 2001 merkkiä, enintään 2000."),
])
def test_bad_registration_is_refused_with_a_message(client, make_workshop, fields, field_id,
                                                    message):
    workshop = make_workshop()
    response = client.post(f"/invite/{workshop.invitation_token}", _form(**fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field_id}-error"' in page  # tied to its field for screen readers
    assert 'role="alert"' in page
    assert _count(Registration) == 0 and _count(Wish) == 0


def test_posted_values_are_kept_after_an_error(client, make_workshop):
    workshop = make_workshop()
    response = client.post(f"/invite/{workshop.invitation_token}",
                           _form(email="bad", wish=["Ensimmäinen toive", "Toinen toive"]))
    page = response.get_data(as_text=True)
    assert "Ensimmäinen toive" in page and "Toinen toive" in page
    assert 'value="Maija Meikäläinen"' in page


def test_registration_without_csrf_token_is_refused(client, make_workshop):
    workshop = make_workshop()
    response = client.post(f"/invite/{workshop.invitation_token}", _form(), csrf=False)
    assert response.status_code == 400
    assert "turvatarkiste" in response.get_data(as_text=True)
    assert _count(Registration) == 0


def test_wrong_invitation_link_is_not_found(client, make_workshop):
    make_workshop()
    response = client.get("/invite/not-the-right-token")
    assert response.status_code == 404
    assert "Kutsulinkki ei ole voimassa" in response.get_data(as_text=True)


def test_registration_not_yet_open(client, make_workshop):
    workshop = make_workshop(open_registration_now=False)
    page = client.get(f"/invite/{workshop.invitation_token}").get_data(as_text=True)
    assert "Ilmoittautuminen ei ole vielä auki." in page
    response = client.post(f"/invite/{workshop.invitation_token}", _form())
    assert response.status_code == 409
    assert _count(Registration) == 0


def test_registering_an_address_again_changes_nothing_and_mails_it_a_link(client,
                                                                         make_workshop):
    workshop = make_workshop()
    url = f"/invite/{workshop.invitation_token}"
    first = client.post(url, _form(wish=["Työnkuvat", "Kilpailutukset"]))
    own_token = first.headers["Location"].rsplit("/", 1)[1]
    # Anyone with the invitation link may type another's address: they get nothing of it.
    second = client.post(url, _form(name="Kaappaaja", email="MAIJA@example.fi",
                                    organisation="satakunta", wish=["Asiakasraati"]))
    assert second.status_code == 302 and second.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "Lähetimme osoitteeseen maija@example.fi viestin" in page
    assert _count(Registration) == 1
    registration = db.session.scalar(select(Registration))
    db.session.refresh(registration)
    assert (registration.name, registration.organisation.code) == ("Maija Meikäläinen",
                                                                   "varsinaissuomi")
    assert [w.text for w in registration.wishes] == ["Työnkuvat", "Kilpailutukset"]
    # The link the participant holds keeps working; the new one went to their address only.
    assert client.get(f"/me/{own_token}").status_code == 200
    mails = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert [(m.kind, m.to_address) for m in mails] == [
        (MailKind.CONFIRMATION, "maija@example.fi"), (MailKind.LINK, "maija@example.fi")]


def test_other_organisation_is_stored_once(client, make_workshop):
    workshop = make_workshop()
    url = f"/invite/{workshop.invitation_token}"
    client.post(url, _form(organisation="other", other_organisation="Nuorten Tuki Oy"))
    client.post(url, _form(email="toinen@example.fi", organisation="other",
                           other_organisation="nuorten tuki oy"))
    organisations = db.session.scalars(
        select(Organisation).where(func.lower(Organisation.name_fi) == "nuorten tuki oy")).all()
    assert len(organisations) == 1
    assert organisations[0].is_listed is False  # waits for a coordinator's review
    assert _count(Registration) == 2


def test_tampered_and_expired_links(client, make_workshop, register):
    workshop = make_workshop()
    _registration, token = register(workshop)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(f"/me/{tampered}")
    assert response.status_code == 404
    assert "Linkki ei ole voimassa" in response.get_data(as_text=True)
    assert client.get("/me/short").status_code == 404

    workshop.day = date.today() - timedelta(days=400)
    db.session.commit()
    for url in (f"/me/{token}", f"/me/{token}/calendar.ics", f"/room/{token}"):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "vanhentunut" in response.get_data(as_text=True)


def test_participant_cannot_touch_another_registration(client, make_workshop, register):
    workshop = make_workshop()
    _mine, my_token = register(workshop, email="oma@example.fi")
    theirs, _their_token = register(workshop, email="toinen@example.fi", wishes=["Heidän toive"])
    their_wish = theirs.wishes[0]
    client.get(f"/me/{my_token}")
    response = client.post(f"/me/{my_token}/wishes/{their_wish.id}",
                           {"action": "save", "text": "Muutettu"})
    assert response.status_code == 404
    response = client.post(f"/me/{my_token}/wishes/{their_wish.id}", {"action": "delete"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Wish, their_wish.id).text == "Heidän toive"
    # And the own page shows only one's own data.
    page = client.get(f"/me/{my_token}").get_data(as_text=True)
    assert "toinen@example.fi" not in page and "Heidän toive" not in page


def test_wish_edits_validate_and_keep_the_old_text(client, make_workshop, register):
    workshop = make_workshop()
    registration, token = register(workshop, wishes=["Alkuperäinen"])
    wish_id = registration.wishes[0].id
    client.get(f"/me/{token}")
    for text, message in (("", "Kenttä on pakollinen."),
                          ("y" * 2001, "Teksti on liian pitkä: 2001 merkkiä, enintään 2000.")):
        response = client.post(f"/me/{token}/wishes/{wish_id}", {"action": "save", "text": text})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Wish, wish_id).text == "Alkuperäinen"


def test_participant_adds_and_withdraws_wishes(client, make_workshop, register):
    workshop = make_workshop()
    registration, token = register(workshop, wishes=["Eka"])
    client.get(f"/me/{token}")
    assert client.post(f"/me/{token}/wishes", {"text": "Toka"}).status_code == 302
    db.session.expire_all()
    texts = [w.text for w in db.session.get(Registration, registration.id).wishes]
    assert texts == ["Eka", "Toka"]
    first = db.session.get(Registration, registration.id).wishes[0]
    assert client.post(f"/me/{token}/wishes/{first.id}", {"action": "delete"}).status_code == 302
    db.session.expire_all()
    assert [w.text for w in db.session.get(Registration, registration.id).wishes] == ["Toka"]


def test_a_wish_in_the_agenda_cannot_be_withdrawn(client, make_workshop, register):
    from facilitate.agenda.operations import group_wishes

    workshop = make_workshop()
    registration, token = register(workshop, wishes=["Työnkuvat"])
    group_wishes(db.session, workshop, [registration.wishes[0].id],
                 new_theme={"title": "Työnkuvat"})
    db.session.commit()
    client.get(f"/me/{token}")
    response = client.post(f"/me/{token}/wishes/{registration.wishes[0].id}",
                           {"action": "delete"})
    assert response.status_code == 409
    assert "ottanut toiveen ohjelmaan" in response.get_data(as_text=True)
    assert _count(Wish) == 1


def test_own_page_changes_name_and_organisation(client, make_workshop, register):
    workshop = make_workshop()
    registration, token = register(workshop)
    client.get(f"/me/{token}")
    response = client.post(f"/me/{token}", {"name": "", "organisation": "lappi"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).organisation.code == "varsinaissuomi"
    response = client.post(f"/me/{token}", {"name": "Uusi Nimi", "organisation": "lappi"})
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Registration, registration.id)
    assert (changed.name, changed.organisation.code) == ("Uusi Nimi", "lappi")


def test_after_the_deadline_the_own_page_is_read_only(client, make_workshop, register):
    workshop = make_workshop()
    registration, token = register(workshop, wishes=["Tallessa"])
    workshop.registration_deadline = now_utc() - timedelta(seconds=1)
    db.session.commit()
    page = client.get(f"/me/{token}").get_data(as_text=True)
    assert "Tallessa" in page and 'name="text"' not in page
    response = client.post(f"/me/{token}/wishes/{registration.wishes[0].id}",
                           {"action": "save", "text": "Muutos"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Wish, registration.wishes[0].id).text == "Tallessa"


def test_too_many_wishes_points_to_the_wish_fields(client, make_workshop):
    workshop = make_workshop()
    url = f"/invite/{workshop.invitation_token}"
    response = client.post(url, _form(wish=[f"Toive {number}" for number in range(11)]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<a href="#wishes">Enintään 10 toivetta.</a>' in page
    assert 'id="wishes"' in page  # the summary's link lands on the wish fields
    assert _count(Wish) == 0


@pytest.mark.parametrize("url", ["/invite/abc%00def", "/invite/" + "a" * 300, "/me/abc%00def",
                                 "/me/%E2%80%AE" + "a" * 30, "/room/x%00" + "b" * 30])
def test_odd_links_are_simply_not_found(client, make_workshop, url):
    make_workshop()
    assert client.get(url).status_code == 404


def test_odd_organisation_codes_are_unknown(client, make_workshop):
    workshop = make_workshop()
    for code in ("varsinais\x00suomi", "VARSINAISSUOMI", "x" * 500):
        response = client.post(f"/invite/{workshop.invitation_token}", _form(organisation=code))
        assert response.status_code == 422
        assert "Tuntematon organisaatio." in response.get_data(as_text=True)
    assert _count(Registration) == 0


def test_far_away_years_are_refused(coordinator_client, make_workshop):
    workshop = make_workshop()
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    for day, deadline in (("9999-12-31", ""), ("2030-01-01", "0001-01-01T00:00")):
        response = coordinator_client.post(url, {"title": "T", "day": day, "starts_at": "14:00",
                                                 "ends_at": "16:00",
                                                 "registration_deadline": deadline})
        assert response.status_code == 422
        assert "Vuoden pitää olla välillä 2000–2100." in response.get_data(as_text=True)


def test_one_address_cannot_flood_the_registration(client, make_workshop):
    workshop = make_workshop()
    url = f"/invite/{workshop.invitation_token}"
    flood = {"REMOTE_ADDR": "203.0.113.9"}
    client.get(url)
    for index in range(10):
        response = client.post(url, _form(email=f"robotti{index}@example.fi"),
                               environ_base=flood)
        assert response.status_code == 302, index
    refused = client.post(url, _form(email="robotti10@example.fi"), environ_base=flood)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert ("Liian monta ilmoittautumista lyhyessä ajassa. Yritä hetken kuluttua uudelleen."
            in refused.get_data(as_text=True))
    # the API shares the budget: the same address is refused there too ...
    api = client.client.post(f"/api/v1/invitations/{workshop.invitation_token}/registrations",
                             json={"name": "Robotti", "email": "robotti11@example.fi",
                                   "organisation": "varsinaissuomi", "wishes": []},
                             environ_base=flood)
    assert api.status_code == 429
    assert api.json["error"] == "too_many_requests" and "Retry-After" in api.headers
    assert _count(Registration) == 10
    # ... and a leader registering from elsewhere is not affected
    assert client.post(url, _form(), environ_base={"REMOTE_ADDR": "198.51.100.20"}) \
        .status_code == 302
    assert _count(Registration) == 11
