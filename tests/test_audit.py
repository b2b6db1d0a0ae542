"""The audit log: coordinator actions recorded append-only, with who and when, and shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitate.audit.operations import ACTIONS, describe, forget_names, list_entries
from facilitate.extensions import db
from facilitate.models import AuditEntry, Coordinator, Workshop
from facilitate.room import operations as room_ops
from facilitate.series import operations as series_ops


def _actions(workshop_id: int) -> list[str]:
    db.session.expire_all()
    return [entry.action for entry in reversed(list_entries(db.session, workshop_id=workshop_id))]


def test_the_rooms_controls_are_recorded_with_who_did_what(make_room, make_coordinator):
    room = make_room(open=False)
    s = db.session
    niina = make_coordinator()
    actor = room_ops.Actor(workshop_id=room.workshop_id, coordinator_id=niina.id)
    workshop = s.get_one(Workshop, room.workshop_id)
    room_ops.open_room(s, workshop, by=niina.id)
    room_ops.set_phase_for(s, actor, "theme", room.theme_ids[0])
    anna = room_ops.Actor(workshop_id=room.workshop_id,
                          registration_id=room.registration_ids["anna"])
    contribution = room_ops.add_contribution(s, anna, room.theme_ids[0], None,
                                             "Hoitoketjut " * 20)
    room_ops.lock_theme(s, actor, room.theme_ids[0], True)
    room_ops.lock_theme(s, actor, room.theme_ids[0], True)  # no change, no entry
    room_ops.reveal_prompt_for(s, actor, room.prompts["statement"], True)
    room_ops.hide_contribution(s, actor, contribution.id, True)
    room_ops.move_contribution(s, actor, contribution.id, room.theme_ids[1])
    room_ops.set_note_taker(s, actor, room.registration_ids["bertta"], True)
    room_ops.close_room(s, workshop, by=niina.id)
    s.commit()
    assert _actions(room.workshop_id) == [
        "registration.open",  # by make_workshop, as from the command line
        "room.open", "room.phase", "theme.lock", "prompt.reveal", "contribution.hide",
        "contribution.move", "note_taker.on", "room.close"]
    entries = list(reversed(list_entries(s, workshop_id=room.workshop_id)))[1:]
    assert {entry.who for entry in entries} == {niina.name}
    assert all(entry.coordinator_id == niina.id for entry in entries)
    assert [describe(entry) for entry in entries[1:3]] == [
        "siirtyi vaiheeseen: Työnkuvat", "lukitsi teeman Työnkuvat"]
    hidden = describe(entries[4])
    assert hidden.startswith("piilotti puheenvuoron ”Hoitoketjut Hoitoketjut")
    assert hidden.endswith("…”") and len(hidden) < 120
    assert describe(entries[6]) == "antoi muistiinpanijan roolin: Bertta"

    # The one exception: a participant's name is blanked when their data is removed, and
    # the entry still says what was done.
    assert forget_names(s, room.workshop_id, {"Bertta", ""}) == 1
    s.commit()
    role = s.get_one(AuditEntry, entries[6].id)
    assert role.details["participant"] == ""
    assert describe(role) == "antoi muistiinpanijan roolin: (poistettu osallistuja)"
    role.details = {"participant": "Joku muu"}
    with pytest.raises(RuntimeError, match="append-only"):
        s.flush()
    s.rollback()


def test_entries_are_append_only_and_outlive_the_account(make_workshop, make_coordinator):
    s = db.session
    workshop = make_workshop()
    niina = make_coordinator()
    series_ops.close_registration(s, workshop, by=niina.id)
    s.commit()
    entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "registration.close"))
    assert entry is not None and entry.action == "registration.close"
    entry.action = "room.open"
    with pytest.raises(RuntimeError, match="append-only"):
        s.flush()
    s.rollback()
    s.delete(s.get_one(AuditEntry, entry.id))
    with pytest.raises(RuntimeError, match="append-only"):
        s.flush()
    s.rollback()
    s.delete(s.get_one(Coordinator, niina.id))
    s.commit()
    s.expire_all()
    kept = s.get_one(AuditEntry, entry.id)
    assert (kept.coordinator_id, kept.who, kept.action) == (None, niina.name,
                                                           "registration.close")
    assert kept.details["workshop_title"] == workshop.title  # said even if the workshop goes


def test_every_action_reads_as_a_sentence_in_each_language(app):
    from flask_babel import force_locale

    details = {"step": "x", "theme": "x", "prompt": "x", "contribution": "x", "participant": "x",
               "series": "x", "presentation": "x", "version": 2, "attachment": "x", "logo": "x",
               "phase": "closing", "what": "x", "status": "done", "registration": 3,
               "registrations": 2, "audit_names": 1, "defect": "x", "feedback": "x",
               "languages": "fi, sv"}
    for language in app.config["LANGUAGES"]:
        with force_locale(language):
            for action in ACTIONS:
                assert describe(AuditEntry(action=action, details=details)).strip()


def test_the_log_page_shows_settings_changes_and_deletions(coordinator_client, make_workshop,
                                                          client):
    workshop = make_workshop()
    url = f"/manage/workshops/{workshop.id}"
    coordinator_client.get(url)
    response = coordinator_client.post(url, {
        "title": "Uusi nimi", "day": workshop.day.isoformat(), "starts_at": "13:00",
        "ends_at": "15:00", "registration_deadline": ""})
    assert response.status_code == 302
    coordinator_client.get(url)
    coordinator_client.post(f"{url}/registration", {"action": "close"})
    page = coordinator_client.get(f"/manage/audit/workshops/{workshop.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "muutti tilaisuuden tietoja" in text and "sulki ilmoittautumisen" in text
    assert "Niina Koordinaattori" in text
    everything = coordinator_client.get("/manage/audit/").get_data(as_text=True)
    assert "Uusi nimi" in everything and "sulki ilmoittautumisen" in everything
    assert coordinator_client.get("/manage/audit/workshops/999999").status_code == 404
    assert client.get("/manage/audit/").status_code == 302  # coordinators only


def test_publishing_and_a_correction_are_recorded(make_room, make_coordinator, app):
    from facilitate.memo import operations as memo_ops

    room = make_room(open=False)
    s = db.session
    niina = make_coordinator()
    workshop = s.get_one(Workshop, room.workshop_id)
    for number in (1, 2):
        version = memo_ops.save_version(s, workshop, niina, f"# Muistio\n\nVersio {number}.",
                                        comment="", based_on=number - 1)
        assert version is not None
        memo_ops.publish_version(s, workshop, version, niina,
                                 exports_dir=app.config["EXPORTS_DIR"],
                                 uploads_dir=app.config["UPLOADS_DIR"],
                                 base_url="https://vertaisreflektiot.example.fi")
        s.commit()
    assert _actions(room.workshop_id)[-2:] == ["memo.publish", "memo.correct"]
    assert describe(list_entries(s, workshop_id=room.workshop_id)[0]) == (
        "julkaisi muistion korjauksen (versio 2)")


def test_a_swedish_memo_publication_says_it_is_the_swedish_one(app):
    entry = AuditEntry(action="memo.publish", details={"version": 2, "language": "sv"})
    assert describe(entry) == "julkaisi muistion (versio 2), ruotsinkielinen"
    finnish = AuditEntry(action="memo.publish", details={"version": 2, "language": "fi"})
    assert describe(finnish) == "julkaisi muistion (versio 2)"
