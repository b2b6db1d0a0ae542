"""The privacy notice: the defaults in three languages with the retention setting, linked
where personal data is given, a series' own wording (its Finnish standing in for a missing
language), reachable for a private series without naming it."""

from __future__ import annotations

from sqlalchemy import select

from facilitate.extensions import db
from facilitate.models import PRIVACY_TEXT_MAX_CHARS, AuditEntry, PrivacyNotice
from facilitate.series.operations import update_series


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_the_default_notice_states_controller_purpose_basis_data_retention_and_rights(
        app, client):
    app.config["RETENTION_DAYS"] = 45
    page = _page(client.get("/tietosuoja"))
    assert "Terveyden ja hyvinvoinnin laitos (THL), PL 30" in page and "tietosuoja@thl.fi" in page
    assert "6 artiklan 1 kohdan e alakohta" in page and "668/2008" in page
    for collected in ("nimi ja sähköpostiosoite", "organisaatio", "ennakkotoiveet",
                      "kommentit", "verkkohuoneessa"):
        assert collected in page
    assert "poistetaan 45 päivän kuluttua siitä, kun tilaisuuden muistio on julkaistu" in page
    for right in ("pääsy tietoihisi", "oikaisemiseen", "poistamiseen", "vastustaa",
                  "tietosuojavaltuutetulle"):
        assert right in page
    swedish = _page(client.get("/tietosuoja?lang=sv"))
    assert "artikel 6.1 e" in swedish and "raderas 45 dagar efter" in swedish
    english = _page(client.get("/tietosuoja?lang=en"))
    assert "Article 6(1)(e)" in english and "Data Protection Ombudsman" in english
    assert "deleted 45 days after" in english


def test_the_registration_form_and_the_join_pages_link_their_notice(client, make_workshop):
    workshop = make_workshop()
    slug = workshop.series.slug
    form = _page(client.get(f"/invite/{workshop.invitation_token}"))
    assert f'href="/series/{slug}/privacy"' in form
    assert 'href="/tietosuoja"' in _page(client.get("/j")).split("<footer")[0]
    join = _page(client.get(f"/j/{workshop.join_code}"))
    assert f'href="/series/{slug}/privacy"' in join


def test_a_series_words_its_own_sections_and_its_finnish_stands_in_for_other_languages(
        client, coordinator_client, make_series):
    series = make_series()
    coordinator_client.get(f"/manage/series/{series.id}/privacy")
    response = coordinator_client.post(f"/manage/series/{series.id}/privacy", {
        "controller_fi": "**YEE-hanke** ja THL, yee@example.fi",
        "purpose_sv": "Egen text om ändamålet."})
    assert response.status_code == 302
    finnish = _page(client.get(f"/series/{series.slug}/privacy"))
    assert "<strong>YEE-hanke</strong> ja THL" in finnish
    assert "Käsittelemme tietojasi vertaisreflektiotilaisuuksien" in finnish  # the default
    assert series.title in finnish
    swedish = _page(client.get(f"/series/{series.slug}/privacy?lang=sv"))
    assert 'lang="fi"><p><strong>YEE-hanke</strong>' in swedish
    assert "Egen text om ändamålet." in swedish
    assert "Behandlingen grundar sig på" in swedish  # the default legal basis, in Swedish
    # the site's own notice keeps the defaults
    assert "YEE-hanke" not in _page(client.get("/tietosuoja"))

    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert entry.action == "privacy_notice.update" and entry.details["languages"] == "fi, sv"
    # Saving the same texts again changes nothing and logs nothing.
    coordinator_client.post(f"/manage/series/{series.id}/privacy", {
        "controller_fi": "**YEE-hanke** ja THL, yee@example.fi",
        "purpose_sv": "Egen text om ändamålet."})
    assert len(db.session.scalars(select(AuditEntry)).all()) == 1
    # Emptied, the default comes back.
    coordinator_client.post(f"/manage/series/{series.id}/privacy", {})
    assert "YEE-hanke" not in _page(client.get(f"/series/{series.slug}/privacy"))


def test_a_too_long_section_is_refused_and_what_was_typed_is_kept(
        coordinator_client, make_series):
    series = make_series()
    coordinator_client.get(f"/manage/series/{series.id}/privacy")
    text = "x" * (PRIVACY_TEXT_MAX_CHARS + 1)
    response = coordinator_client.post(f"/manage/series/{series.id}/privacy", {
        "controller_en": text, "purpose_fi": "Oma tarkoitus"})
    assert response.status_code == 422
    page = _page(response)
    assert "Teksti on liian pitkä" in page and text in page and "Oma tarkoitus" in page
    assert db.session.scalar(select(PrivacyNotice)) is None


def test_a_private_series_notice_is_reachable_without_naming_the_series(
        client, make_series):
    series = make_series(title="Suljettu sarja")
    update_series(db.session, series, {"is_public": False})
    db.session.commit()
    response = client.get(f"/series/{series.slug}/privacy")
    assert response.status_code == 200
    assert "Suljettu sarja" not in _page(response)
    assert client.get("/series/ei-ole/privacy").status_code == 404
