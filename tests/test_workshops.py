"""Workshop pages: details, the registration window, opening talks with slides."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from facilitate.extensions import db
from facilitate.models import Presentation, Workshop
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


def _presentation_zip(first: str, content: str) -> bytes:
    # the first entries are what tells an OOXML or OpenDocument presentation from other zips
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(first, content)
        archive.writestr("content.xml", "<c/>")
    return out.getvalue()


def test_slides_are_checked_by_their_content_not_only_their_name(coordinator_client,
                                                                 make_workshop):
    workshop = make_workshop()
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    odp = _presentation_zip("mimetype", "application/vnd.oasis.opendocument.presentation")
    pptx = _presentation_zip("ppt/presentation.xml", "<p/>")
    docx = _presentation_zip("word/document.xml", "<w/>")
    for title, content, name, accepted in (
            ("Exe nimellä pdf", b"MZ\x90\x00" + bytes(200), "alustus.pdf", False),
            ("Word nimellä pptx", docx, "alustus.pptx", False),
            ("ODP nimellä pdf", odp, "alustus.pdf", False),
            ("Oikea ODP", odp, "alustus.odp", True),
            ("Oikea PPTX", pptx, "Alustus.PPTX", True)):
        response = coordinator_client.post(f"{url}/presentations", {
            "title": title, "slides": (io.BytesIO(content), name)},
            content_type="multipart/form-data")
        assert response.status_code == (302 if accepted else 422), title
        if not accepted:
            assert "Diojen pitää olla PDF-" in response.get_data(as_text=True)
        saved = db.session.scalar(select(Presentation).where(Presentation.title == title))
        assert (saved is not None) == accepted, title
    assert len(list(Path(coordinator_client.application.config["UPLOADS_DIR"]).iterdir())) == 2


def test_only_the_slides_form_takes_large_bodies(coordinator_client, client, make_workshop):
    workshop = make_workshop()
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    # encoded in memory: the test client's own spooling to a temporary file never closes it
    boundary, body = encode_multipart({
        "csrf_token": coordinator_client.token, "title": "Iso esitys",
        "slides": FileStorage(io.BytesIO(b"%PDF-1.7\n" + bytes(2 * 1024 * 1024)), "iso.pdf")})
    # a stranger is held to the small limit even there
    client.get("/login")
    response = client.client.post(f"{url}/presentations", data=body,
                                  content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    response = coordinator_client.client.post(
        f"{url}/presentations", data=body,
        content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    # any other form is refused before its CSRF check reads it, and nothing changes
    response = coordinator_client.post(url, {"title": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "Tiedosto tai lomake on liian suuri." in response.get_data(as_text=True)
    db.session.expire_all()
    assert workshop.title != "x" * (1024 * 1024 + 1)


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


def test_no_cell_of_the_attendee_list_is_a_formula(coordinator_client, make_workshop,
                                                    register) -> None:
    workshop = make_workshop()
    # a valid address (RFC 5322 allows = + - | ' / ! in its local part) that is a formula
    register(workshop, name="@SUM(1+1)", email="=1+2+cmd|'/Ccalc'!A0@example.fi",
             wishes=["-2+3", "+tärkeä"])
    register(workshop, name="Tavallinen", email="-x@example.fi", wishes=["=A1"])
    response = coordinator_client.get(f"/manage/workshops/{workshop.id}/registrations.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == 3 and "'=1+2+cmd|'/ccalc'!a0@example.fi" in cells  # stored in lower case
    assert "'@SUM(1+1)" in cells and "'-x@example.fi" in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_a_workshop_from_a_plan_takes_the_plans_times_when_left_blank(coordinator_client,
                                                                      make_series):
    series = make_series()
    url = f"/manage/series/{series.id}"
    coordinator_client.get(url)
    blank = {"title": "", "starts_at": "", "ends_at": "", "format": "", "description": "",
             "day": "2030-03-29"}
    response = coordinator_client.post(f"{url}/workshops",
                                       blank | {"plan": "johdon-vertaisreflektio"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    workshop = db.session.scalars(select(Workshop).where(Workshop.series_id == series.id)).one()
    assert (workshop.starts_at.hour, workshop.ends_at.hour) == (14, 16)
    # A plan that names no times: each error says which time is missing.
    response = coordinator_client.post(f"{url}/workshops", blank | {"plan": "verkostoyhteistyo"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Anna alkamisaika muodossa TT:MM, esimerkiksi 14:00." in page
    assert "Anna päättymisaika muodossa TT:MM, esimerkiksi 16:00." in page
