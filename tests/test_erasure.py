"""Access and erasure: a participant downloads what is stored about them and deletes their
registration from their private page or the API; a coordinator does both on their behalf
(audited by registration id). Stale, foreign and other workshops' addresses change nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from facilitate.extensions import db
from facilitate.models import (
    AuditEntry,
    Base,
    Contribution,
    OutgoingMail,
    Registration,
    RegistrationLink,
    Wish,
)
from facilitate.room import operations as room_ops
from facilitate.room.operations import Actor


def _dump() -> dict[str, list[tuple[Any, ...]]]:
    db.session.expire_all()
    with db.engine.connect() as conn:
        return {table.name: sorted((tuple(r) for r in conn.execute(table.select())), key=repr)
                for table in Base.metadata.sorted_tables}


def _with_contribution(make_room: Any) -> Any:
    room = make_room()
    s = db.session
    anna = Actor(room.workshop_id, registration_id=room.registration_ids["anna"])
    room_ops.add_contribution(s, anna, room.theme_ids[0], room.prompts["open"],
                              "Jälkihuolto kuuluu kaikille.")
    room_ops.set_answer(s, anna, room.prompts["statement"], 5)
    s.add(Wish(registration_id=room.registration_ids["anna"], text="Nuorten ääni"))
    s.add(OutgoingMail(workshop_id=room.workshop_id, registration_id=room.registration_ids["anna"],
                       kind="link", to_address="anna@example.fi", subject="Linkki"))
    s.commit()
    return room


def test_a_participant_downloads_their_data_then_deletes_their_registration(
        client, make_room):
    room = _with_contribution(make_room)
    token = room.tokens["anna"]
    anna = db.session.get_one(Registration, room.registration_ids["anna"])
    page = client.get(f"/me/{token}").get_data(as_text=True)
    assert f"/me/{token}/data.json" in page and f"/me/{token}/delete" in page
    assert "90 päivää" in page

    download = client.get(f"/me/{token}/data.json")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    data = json.loads(download.data)
    assert data["registration"]["name"] == "Anna"
    assert data["registration"]["email"] == anna.email
    assert data["registration"]["organisation"].startswith("Varsinais-Suomen")
    assert [c["text"] for c in data["contributions"]] == ["Jälkihuolto kuuluu kaikille."]
    assert [(a["kind"], a["value"]) for a in data["answers"]] == [("statement", 5)]
    assert [w["text"] for w in data["wishes"]] == ["Nuorten ääni"]
    assert [m["to_address"] for m in data["mails"]] == ["anna@example.fi"]
    assert len(data["links"]) == 1 and "token_hash" not in download.get_data(as_text=True)

    confirm = client.get(f"/me/{token}/delete")
    assert confirm.status_code == 200
    assert "Poista ilmoittautumiseni pysyvästi" in confirm.get_data(as_text=True)
    before = _dump()
    assert client.post(f"/me/{token}/delete", csrf=False).status_code == 400
    assert _dump() == before, "no CSRF token: nothing changed"

    response = client.post(f"/me/{token}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/registration-deleted"
    assert "on poistettu" in client.get("/registration-deleted").get_data(as_text=True)
    db.session.expire_all()
    assert (anna.name, anna.email, anna.organisation_id is not None) == ("", None, True)
    assert anna.purged_at is not None
    assert db.session.scalar(select(func.count()).select_from(RegistrationLink).where(
        RegistrationLink.registration_id == anna.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail).where(
        OutgoingMail.registration_id == anna.id)) == 0
    erased = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "registration.erase_own")).one()
    assert (erased.coordinator_id, erased.details["registration"]) == (None, anna.id)
    assert "Anna" not in json.dumps(erased.details)
    # what Anna contributed stays, anonymous
    assert db.session.scalars(select(Contribution.text).where(
        Contribution.registration_id == anna.id)).all() == ["Jälkihuolto kuuluu kaikille."]
    assert db.session.scalars(select(Wish.text).where(
        Wish.registration_id == anna.id)).all() == ["Nuorten ääni"]
    # the link works no more: every page of it is not found, and nothing changes again
    before = _dump()
    for url in (f"/me/{token}", f"/me/{token}/data.json", f"/me/{token}/delete"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/me/{token}/delete").status_code == 404
    assert _dump() == before


def test_a_stale_or_foreign_token_deletes_nothing(client, make_room):
    room = make_room()
    before = _dump()
    for token in ("x" * 43, "ei-tunniste", room.tokens["anna"][:-2] + "AA"):
        client.get(f"/me/{room.tokens['bertta']}")  # a CSRF token from a page that works
        assert client.post(f"/me/{token}/delete").status_code == 404, token
        assert client.get(f"/me/{token}/data.json").status_code == 404, token
    assert _dump() == before


def test_a_coordinator_downloads_and_deletes_on_a_participants_behalf(
        coordinator_client, make_room, make_workshop, register):
    room = _with_contribution(make_room)
    rid = room.registration_ids["bertta"]
    base = f"/manage/workshops/{room.workshop_id}/registrations/{rid}"
    page = coordinator_client.get(f"/manage/workshops/{room.workshop_id}").get_data(
        as_text=True)
    assert f"{base}/data.json" in page and f"{base}/delete" in page

    download = coordinator_client.get(f"{base}/data.json")
    assert download.status_code == 200
    assert json.loads(download.data)["registration"]["name"] == "Bertta"
    assert "Poistetaanko ilmoittautumisen" in coordinator_client.get(f"{base}/delete").get_data(
        as_text=True)

    # another workshop's address for this registration is not found, and changes nothing
    other = make_workshop(title="Toinen")
    register(other)
    wrong = f"/manage/workshops/{other.id}/registrations/{rid}"
    before = _dump()
    assert coordinator_client.get(f"{wrong}/data.json").status_code == 404
    assert coordinator_client.get(f"{wrong}/delete").status_code == 404
    assert coordinator_client.post(f"{wrong}/delete").status_code == 404
    assert coordinator_client.post(
        f"/manage/workshops/{room.workshop_id}/registrations/999999/delete").status_code == 404
    assert _dump() == before

    response = coordinator_client.post(f"{base}/delete")
    assert response.status_code == 302
    bertta = db.session.get_one(Registration, rid)
    db.session.refresh(bertta)
    assert (bertta.name, bertta.email) == ("", None) and bertta.purged_at is not None
    entries = {e.action: e for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(["registration.export", "registration.erase"])))}
    assert entries["registration.export"].details["registration"] == rid
    assert entries["registration.erase"].details["registration"] == rid
    assert "Bertta" not in json.dumps([e.details for e in entries.values()])
    log = coordinator_client.get(f"/manage/audit/workshops/{room.workshop_id}").get_data(
        as_text=True)
    assert f"poisti ilmoittautumisen #{rid} henkilötiedot" in log
    page = coordinator_client.get(f"/manage/workshops/{room.workshop_id}").get_data(
        as_text=True)
    assert "(tiedot poistettu)" in page and f"{base}/delete" not in page
    # deleting again is a conflict, not a second erasure
    assert coordinator_client.post(f"{base}/delete").status_code == 409


def test_the_api_exports_and_deletes_the_callers_registration(client, make_room):
    room = _with_contribution(make_room)
    anna = {"Authorization": f"Bearer {room.tokens['anna']}"}
    exported = client.get("/api/v1/me/export", headers=anna)
    assert exported.status_code == 200
    assert exported.json["registration"]["name"] == "Anna"
    assert exported.json["contributions"][0]["text"] == "Jälkihuolto kuuluu kaikille."

    before = _dump()
    for token in ("x" * 43, room.tokens["anna"][:-2] + "AA"):
        response = client.delete("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 404, token
    assert client.delete("/api/v1/me").status_code == 401
    assert _dump() == before

    assert client.delete("/api/v1/me", headers=anna).status_code == 204
    assert client.get("/api/v1/me", headers=anna).status_code == 404
    assert client.delete("/api/v1/me", headers=anna).status_code == 404
    registration = db.session.get_one(Registration, room.registration_ids["anna"])
    db.session.refresh(registration)
    assert registration.purged_at is not None and registration.email is None
