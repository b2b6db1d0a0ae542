"""A series' funders' logos: uploaded on the series' management page (PNG or JPEG with its
alternative text), served at a public address, deleted, and read for a memo's language."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import url_for
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from facilitate.audit.operations import describe
from facilitate.errors import Invalid
from facilitate.extensions import db
from facilitate.memo.addresses import logo_address
from facilitate.models import AuditEntry, Series, SeriesLogo
from facilitate.series import operations as ops

EU = "Euroopan unionin osarahoittama: Vipuvoimaa EU:lta 2014–2020"
EU_SV = "Delfinansierat av Europeiska unionen: Hävstång från EU 2014–2020"


def image(width: int = 40, height: int = 20, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 51, 153)).save(buffer, fmt)
    return buffer.getvalue()


def _stored(app) -> list[str]:
    folder = Path(app.config["UPLOADS_DIR"])
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def _upload(coordinator_client, series: Series, content: bytes, name: str = "eu.png",
            **texts: str):
    url = f"/manage/series/{series.id}"
    coordinator_client.get(url)
    return coordinator_client.post(f"{url}/logos", {
        "alt_fi": EU, "alt_sv": "", **texts, "logo": (io.BytesIO(content), name)},
        content_type="multipart/form-data")


def test_a_logo_is_uploaded_listed_and_served(coordinator_client, client, make_series, app):
    series = make_series()
    response = _upload(coordinator_client, series, image(400, 120), alt_sv=EU_SV)
    assert response.status_code == 302
    logo = db.session.scalar(select(SeriesLogo))
    assert (logo.alt_fi, logo.alt_sv, logo.content_type, logo.width, logo.height,
            logo.position) == (EU, EU_SV, "image/png", 400, 120, 0)
    assert _stored(app) == [logo.stored_as] and logo.stored_as.endswith(".png")
    page = coordinator_client.get(f"/manage/series/{series.id}").get_data(as_text=True)
    # beside its texts, the thumbnail is not read out again
    assert f'<img src="/logos/{logo.id}" alt="" width="400" height="120">' in page
    assert f"{EU}<br>" in page
    with client.client.get(f"/logos/{logo.id}") as served:
        assert served.status_code == 200 and served.mimetype == "image/png"
        assert served.data == image(400, 120)
    # a second logo comes after the first, a JPEG is as welcome
    assert _upload(coordinator_client, series, image(fmt="JPEG"), "ohjelma.jpg",
                   alt_fi="Kestävää kasvua ja työtä").status_code == 302
    db.session.expire_all()
    logos = db.session.get(Series, series.id).logos
    assert [(each.alt_fi, each.content_type) for each in logos] == [
        (EU, "image/png"), ("Kestävää kasvua ja työtä", "image/jpeg")]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[-1]
    assert entry.action == "series_logo.add"
    assert describe(entry) == (f"lisäsi sarjaan {series.title} logon ”Kestävää kasvua ja "
                               "työtä”")


@pytest.mark.parametrize(("content", "name", "texts", "messages"), [
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "eu.gif", {}, ["Logon pitää olla PNG- tai JPEG"]),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "eu.png", {}, ["Logon pitää olla PNG-"]),
    (image()[:40], "eu.png", {}, ["Logon pitää olla PNG- tai JPEG-kuva."]),
    (image(4001, 10), "eu.png", {}, ["enintään 4000 kuvapistettä"]),
    (b"", "", {"alt_fi": " "}, ["Valitse logon kuvatiedosto.", "Kenttä on pakollinen."]),
    (image(), "eu.png", {"alt_fi": ""}, ["Kenttä on pakollinen."]),
])
def test_anything_but_a_described_png_or_jpeg_is_refused(coordinator_client, make_series, app,
                                                          content, name, texts, messages):
    series = make_series()
    response = _upload(coordinator_client, series, content, name, **texts)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in messages:
        assert message in page
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(select(SeriesLogo)) is None
    assert _stored(app) == []


def test_a_logo_over_the_limit_is_refused_by_name(coordinator_client, make_series, app):
    series = make_series()
    url = f"/manage/series/{series.id}"
    coordinator_client.get(url)
    # encoded in memory: the test client's own spooling to a temporary file never closes it
    boundary, body = encode_multipart({
        "csrf_token": coordinator_client.token, "alt_fi": EU,
        "logo": FileStorage(io.BytesIO(image() + bytes(1024 * 1024)), "iso.png")})
    response = coordinator_client.client.post(
        f"{url}/logos", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422
    assert "Logon kuvatiedosto on liian suuri: enintään 1,0 Mt." in response.get_data(
        as_text=True)
    assert _stored(app) == []


def test_deleting_a_logo_removes_its_file(coordinator_client, client, make_series, app):
    series = make_series()
    _upload(coordinator_client, series, image(), alt_fi="Ensimmäinen")
    _upload(coordinator_client, series, image(), alt_fi="Toinen")
    first, second = db.session.get(Series, series.id).logos
    response = coordinator_client.post(f"/manage/series/{series.id}/logos/{first.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert [(each.alt_fi, each.position) for each in db.session.get(Series, series.id).logos] == [
        ("Toinen", 0)]
    assert _stored(app) == [second.stored_as]
    assert client.get(f"/logos/{first.id}").status_code == 404
    assert db.session.scalars(select(AuditEntry.action)).all()[-1] == "series_logo.delete"
    # another series' logo is not this one's to delete
    other = make_series(title="Toinen sarja")
    assert coordinator_client.post(
        f"/manage/series/{other.id}/logos/{second.id}/delete").status_code == 404


def test_a_private_series_logo_is_hidden_from_the_public(coordinator_client, client,
                                                          make_series):
    series = make_series(is_public=False)
    _upload(coordinator_client, series, image())
    logo = db.session.scalar(select(SeriesLogo))
    assert client.get(f"/logos/{logo.id}").status_code == 404
    with coordinator_client.client.get(f"/logos/{logo.id}") as served:
        assert served.status_code == 200


def test_logos_for_a_language_need_its_text(coordinator_client, make_series, app):
    series = make_series()
    _upload(coordinator_client, series, image(400, 120))
    series = db.session.get(Series, series.id)
    (logo,) = ops.logos_for(series, "fi", app.config["UPLOADS_DIR"], "https://example.fi/")
    assert (logo.alt, logo.media_type, logo.width, logo.height, logo.data) == (
        EU, "image/png", 400, 120, image(400, 120))
    assert logo.url == f"https://example.fi/logos/{series.logos[0].id}"
    with pytest.raises(Invalid, match="puuttuu ruotsinkielinen vaihtoehtoinen teksti"):
        ops.logos_for(series, "sv", app.config["UPLOADS_DIR"], "https://example.fi")
    series.logos[0].alt_sv = EU_SV
    assert ops.logos_for(series, "sv", app.config["UPLOADS_DIR"], "https://example.fi")[0].alt \
        == EU_SV
    with pytest.raises(ValueError, match="'en'"):
        ops.logos_for(series, "en", app.config["UPLOADS_DIR"], "https://example.fi")


def test_the_logo_address_is_the_route(app):
    with app.test_request_context(base_url="https://example.fi"):
        assert logo_address("https://example.fi/", 7) == url_for("series.logo", logo_id=7,
                                                                 _external=True)


def test_a_logos_texts_are_edited_on_the_series_page(coordinator_client, make_series, app):
    series = make_series()
    _upload(coordinator_client, series, image(400, 120))
    logo = db.session.get(Series, series.id).logos[0]
    url = f"/manage/series/{series.id}/logos/{logo.id}"
    # the Finnish text stays required; the typed Swedish one comes back with the refusal
    refused = coordinator_client.post(url, {"alt_fi": " ", "alt_sv": EU_SV})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="logo-{logo.id}-alt_fi"' in page and 'aria-invalid="true"' in page
    assert f'value="{EU_SV}"' in page
    saved = coordinator_client.post(url, {"alt_fi": EU, "alt_sv": EU_SV})
    assert saved.status_code == 302
    db.session.expire_all()
    series = db.session.get(Series, series.id)
    assert (series.logos[0].alt_fi, series.logos[0].alt_sv) == (EU, EU_SV)
    assert ops.logos_for(series, "sv", app.config["UPLOADS_DIR"], "https://example.fi")[0].alt \
        == EU_SV  # the Swedish memo can now be published
