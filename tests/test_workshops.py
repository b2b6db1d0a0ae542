"""Workshop pages: details, the registration window, opening talks with slides."""

from __future__ import annotations

import io

from sqlalchemy import select

from facilitate.extensions import db
from facilitate.models import Presentation
from facilitate.series.operations import RegistrationState, registration_state


def test_opening_with_a_past_deadline_is_refused(coordinator_client, make_workshop):
    workshop = make_workshop(open_registration_now=False)
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    response = coordinator_client.post(f"{url}/registration", {
        "action": "open", "registration_deadline": "2001-01-01T12:00"})
    assert response.status_code == 422
    assert "Ilmoittautumisen takarajan pitää olla tulevaisuudessa." in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert registration_state(workshop) is RegistrationState.NOT_OPEN
    response = coordinator_client.post(f"{url}/registration", {
        "action": "open", "registration_deadline": "huomenna"})
    assert response.status_code == 422


def test_workshop_details_validate(coordinator_client, make_workshop):
    workshop = make_workshop()
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    response = coordinator_client.post(url, {"title": "Uusi", "day": "2030-13-01",
                                             "starts_at": "16:00", "ends_at": "14:00",
                                             "format": "", "description": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Anna päivämäärä muodossa VVVV-KK-PP." in page
    assert "Päättymisajan pitää olla alkamisajan jälkeen." in page
    db.session.expire_all()
    assert workshop.title == "Vertaisreflektio"


def test_slides_upload_and_download(coordinator_client, client, make_workshop):
    workshop = make_workshop()
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    response = coordinator_client.post(f"{url}/presentations", {
        "title": "Ajankohtaista", "presenter": "Projektipäällikkö",
        "slides": (io.BytesIO(b"%PDF-1.4 demo"), "alustus.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    talk = db.session.scalar(select(Presentation).where(Presentation.title == "Ajankohtaista"))
    assert (talk.slides_filename, talk.slides_size) == ("alustus.pdf", 13)
    with client.get(f"/presentations/{talk.id}/slides") as download:
        assert download.status_code == 200
        assert download.data == b"%PDF-1.4 demo"
        assert "alustus.pdf" in download.headers["Content-Disposition"]


def test_slides_must_be_a_presentation(coordinator_client, make_workshop):
    workshop = make_workshop()
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    response = coordinator_client.post(f"{url}/presentations", {
        "title": "Haitallinen", "slides": (io.BytesIO(b"MZ"), "virus.exe")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Diojen pitää olla PDF-" in response.get_data(as_text=True)
    assert db.session.scalar(select(Presentation).where(Presentation.title == "Haitallinen")) \
        is None


def test_slides_of_a_private_series_are_hidden(coordinator_client, client, make_series,
                                               make_workshop):
    workshop = make_workshop(make_series(is_public=False))
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    coordinator_client.post(f"{url}/presentations", {
        "title": "Sisäinen", "slides": (io.BytesIO(b"%PDF"), "s.pdf")},
        content_type="multipart/form-data")
    talk = db.session.scalar(select(Presentation).where(Presentation.title == "Sisäinen"))
    assert client.get(f"/presentations/{talk.id}/slides").status_code == 404
    with coordinator_client.get(f"/presentations/{talk.id}/slides") as download:
        assert download.status_code == 200


def test_removing_a_talk_removes_its_slides(coordinator_client, make_workshop, app):
    from pathlib import Path

    workshop = make_workshop()
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    coordinator_client.post(f"{url}/presentations", {
        "title": "Poistuva", "slides": (io.BytesIO(b"%PDF"), "p.pdf")},
        content_type="multipart/form-data")
    talk = db.session.scalar(select(Presentation).where(Presentation.title == "Poistuva"))
    stored = Path(app.config["UPLOADS_DIR"]) / talk.slides_stored_as
    assert stored.is_file()
    assert coordinator_client.post(f"{url}/presentations/{talk.id}/delete", {}).status_code == 302
    assert not stored.exists()
    db.session.expire_all()
    assert db.session.get(Presentation, talk.id) is None
    assert coordinator_client.post(f"{url}/presentations/{talk.id}/delete", {}).status_code == 404


def test_attendee_list_as_csv(coordinator_client, make_workshop, register):
    workshop = make_workshop()
    register(workshop, name="Maija", email="maija@example.fi", wishes=["Työnkuvat", "Mitoitus"])
    register(workshop, name="=HYPERLINK(\"x\")", email="h@example.fi", organisation="lappi",
             wishes=[])
    response = coordinator_client.get(f"/manage/workshops/{workshop.id}/registrations.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffNimi;Sähköposti;Organisaatio;Ilmoittautunut;Ennakkotoiveet")
    assert "Maija;maija@example.fi;Varsinais-Suomen hyvinvointialue (Varha);" in text
    assert "Työnkuvat | Mitoitus" in text
    assert "'=HYPERLINK" in text  # never a live formula
