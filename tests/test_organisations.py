"""Organisations typed in by participants are reviewed and given the phrase memos use."""

from __future__ import annotations

from sqlalchemy import select

from facilitate.extensions import db
from facilitate.models import Organisation, OrganisationKind


def test_coordinator_reviews_a_typed_in_organisation(coordinator_client, client, make_workshop):
    workshop = make_workshop()
    client.post(f"/invite/{workshop.invitation_token}", {
        "name": "P", "email": "p@example.fi", "organisation": "other",
        "other_organisation": "Nuorten Tuki Oy", "wish": []})
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.name_fi == "Nuorten Tuki Oy"))
    page = coordinator_client.get("/manage/organisations/").get_data(as_text=True)
    assert "Nuorten Tuki Oy" in page and "Odottaa tarkistusta" in page
    url = f"/manage/organisations/{organisation.id}"
    coordinator_client.get(url)
    response = coordinator_client.post(url, {"name_fi": "", "kind": "other", "memo_phrase": ""})
    assert response.status_code == 422
    response = coordinator_client.post(url, {"name_fi": "Nuorten Tuki Oy", "kind": "other",
                                             "memo_phrase": "yksityisen toimijan puolelta",
                                             "name_sv": " Ungdomsstöd Ab ",
                                             "memo_phrase_sv": "en privat aktör",
                                             "is_listed": "on"})
    assert response.status_code == 302
    db.session.expire_all()
    assert organisation.memo_phrase == "yksityisen toimijan puolelta"
    assert (organisation.name_sv, organisation.memo_phrase_sv) == ("Ungdomsstöd Ab",
                                                                  "en privat aktör")
    assert organisation.is_listed
    # Now others can pick it on the registration form.
    form = client.get(f"/invite/{workshop.invitation_token}").get_data(as_text=True)
    assert f'value="{organisation.code}"' in form


def test_counties_are_not_edited_here(coordinator_client):
    varha = db.session.scalar(select(Organisation).where(Organisation.code == "varsinaissuomi"))
    url = f"/manage/organisations/{varha.id}"
    coordinator_client.get("/manage/organisations/")
    response = coordinator_client.post(url, {"name_fi": "Muu", "kind": "other"})
    assert response.status_code == 422
    db.session.expire_all()
    assert (varha.name_fi, varha.kind) == ("Varsinais-Suomen hyvinvointialue",
                                           OrganisationKind.COUNTY)
