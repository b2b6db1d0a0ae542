"""Retention: `facilitate purge` removes participants' personal data a time after their
workshop's memo is published (or its day, without a memo), keeps memos byte for byte, counts,
attendance by organisation and anonymous contributions; --dry-run changes nothing; a purge
pointed at the wrong database refuses untouched."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from facilitate.extensions import db
from facilitate.memo.compile import compile_memo
from facilitate.models import (
    Answer,
    AuditEntry,
    Base,
    Contribution,
    Coordinator,
    MemoVersion,
    NoteRevision,
    OutgoingMail,
    Presence,
    Registration,
    RegistrationLink,
    Vote,
    Wish,
    Workshop,
)
from facilitate.retention import operations as retention
from facilitate.room import operations as room_ops
from facilitate.room.operations import Actor
from facilitate.timeutil import now_utc

FILLED = "Keskusteltiin **työnkuvista**. Sovittiin, että jatketaan."


@dataclass
class Lived:
    """A workshop that happened: contributions, votes, answers, a note-taker's notes, mails,
    a connection still open, and a published memo."""

    workshop_id: int
    registration_ids: dict[str, int]
    tokens: dict[str, str]


def _count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _publish(coordinator_client: Any, workshop_id: int) -> None:
    url = f"/manage/workshops/{workshop_id}/memo"
    coordinator_client.get(url)
    draft = db.session.scalars(select(MemoVersion).where(
        MemoVersion.workshop_id == workshop_id)).one()
    filled = re.sub(r"\[\[TÄYDENNÄ:[^\]]*\]\]", FILLED, draft.markdown)
    saved = coordinator_client.post(url, {"markdown": filled + "\nSovittiin jatkosta.\n",
                                          "based_on": "1"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert coordinator_client.post(f"{url}/versions/2/publish").status_code == 302


@pytest.fixture
def lived(app: Any, coordinator_client: Any, make_room: Any) -> Lived:
    """The workshop, its memo published (mailed to the three who attended)."""
    from facilitate.mail import messages

    room = make_room()
    s = db.session
    ids = room.registration_ids
    actor = {name: Actor(room.workshop_id, registration_id=rid) for name, rid in ids.items()}
    coordinator = Actor(room.workshop_id, coordinator_id=s.scalar(select(Coordinator.id)))
    room_ops.set_note_taker(s, coordinator, ids["bertta"], True)
    first = room.theme_ids[0]
    contribution = room_ops.add_contribution(s, actor["anna"], first, room.prompts["open"],
                                             "Työnkuvat on jaettu tiimeittäin.")
    room_ops.vote(s, actor["bertta"], contribution.id, True)
    room_ops.set_answer(s, actor["anna"], room.prompts["statement"], 4)
    room_ops.set_answer(s, actor["bertta"], room.prompts["statement"], 2)
    room_ops.edit_note(s, actor["cecilia"], first, 0, ["Tiimit jakavat työt."], None)
    s.add(Wish(registration_id=ids["anna"], text="Jälkihuollon työnkuvat"))
    for rid in ids.values():
        s.get_one(Registration, rid).attended_at = now_utc()
    s.add(Presence(sid="anna-socket", workshop_id=room.workshop_id, registration_id=ids["anna"]))
    with app.test_request_context():
        messages.link(s, s.get_one(Registration, ids["anna"]))  # left unsent
    room_ops.close_room(s, s.get_one(Workshop, room.workshop_id))
    s.commit()
    _publish(coordinator_client, room.workshop_id)
    return Lived(room.workshop_id, dict(ids), dict(room.tokens))


def _files(app: Any) -> dict[str, str]:
    exports = Path(app.config["EXPORTS_DIR"])
    return {str(p.relative_to(exports)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(exports.rglob("*")) if p.is_file()}


def _memos() -> list[tuple[int, str, int, str]]:
    return list(db.session.execute(select(
        MemoVersion.workshop_id, MemoVersion.language, MemoVersion.number,
        MemoVersion.markdown).order_by(MemoVersion.id)))


def _dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a fixed order."""
    db.session.expire_all()
    dump = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(table.select()).all()
            dump[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return dump


def _compiled(workshop_id: int) -> Any:
    workshop = db.session.get_one(Workshop, workshop_id)
    return compile_memo(db.session, workshop, base_url="http://localhost",
                        now=now_utc().replace(year=2030))


def _purge(app: Any, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=["purge", *args])
    db.session.expire_all()
    return result


def test_purge_removes_personal_data_and_keeps_memos_counts_and_contributions(
        app, lived, make_workshop, register):
    untouched, untouched_token = register(make_workshop(title="Ensi kuussa"))
    files, memos = _files(app), _memos()
    assert len(files) == 4 and memos
    compiled = _compiled(lived.workshop_id)
    ids = sorted(lived.registration_ids.values())
    of_workshop = Registration.workshop_id == lived.workshop_id
    organisations = db.session.execute(select(
        Registration.id, Registration.organisation_id, Registration.attended_at,
        Registration.is_note_taker).where(of_workshop).order_by(Registration.id)).all()
    kept = {model: sorted(db.session.execute(select(model.registration_id)).scalars())
            for model in (Contribution, Vote, Answer, Wish, NoteRevision)}
    assert all(kept.values())
    assert _count(OutgoingMail, OutgoingMail.workshop_id == lived.workshop_id) == 4

    result = _purge(app, "--days", "0")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines()
                if line.startswith(f"Workshop {lived.workshop_id} "))
    assert ("3 registrations (names), 3 e-mail addresses, 4 private links, 4 mails "
            "(1 not sent), 1 room connections, 1 names in audit entries") in line

    # registration: the rows stay, anonymous, with organisation and attendance
    rows = db.session.scalars(select(Registration).where(of_workshop)
                              .order_by(Registration.id)).all()
    assert [r.id for r in rows] == ids
    assert {(r.name, r.email) for r in rows} == {("", None)}
    assert all(r.purged_at is not None for r in rows)
    assert db.session.execute(select(
        Registration.id, Registration.organisation_id, Registration.attended_at,
        Registration.is_note_taker).where(of_workshop).order_by(Registration.id)
    ).all() == organisations
    # registration_link, outgoing_mail, presence: nothing of the workshop's people is left
    assert _count(RegistrationLink, RegistrationLink.registration_id.in_(ids)) == 0
    assert _count(OutgoingMail, OutgoingMail.workshop_id == lived.workshop_id) == 0
    assert _count(Presence) == 0
    # contribution, vote, answer, wish, note_revision: kept, naming registrations by id only
    assert {model: sorted(db.session.execute(select(model.registration_id)).scalars())
            for model in kept} == kept
    # audit_entry: the note-taker's name is gone, the entry stays; the purge is recorded
    role = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "note_taker.on")).one()
    assert role.details["participant"] == ""
    purge = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert (purge.workshop_id, purge.who, purge.details["registrations"],
            purge.details["audit_names"]) == (lived.workshop_id, "", 3, 1)
    logged = " ".join(str(e.details) for e in db.session.scalars(select(AuditEntry)))
    for name in ("Anna", "Bertta", "Cecilia"):
        assert name not in logged
    # memo_version, memo_file and the files: byte for byte; a draft compiled again says the same
    assert _files(app) == files and _memos() == memos
    assert _compiled(lived.workshop_id) == compiled
    # private links no longer open anything
    for token in lived.tokens.values():
        assert app.test_client().get(f"/me/{token}").status_code == 404
    # the workshop not yet due is untouched
    db.session.refresh(untouched)
    assert untouched.purged_at is None and untouched.name == "Maija Meikäläinen"
    assert app.test_client().get(f"/me/{untouched_token}").status_code == 200
    # a second run finds nothing left
    again = _purge(app, "--days", "0")
    assert again.exit_code == 0 and "of 0 registrations in 0 workshops" in again.output


def test_dry_run_says_what_would_go_and_changes_nothing(app, lived):
    before, files = _dump(), _files(app)
    result = _purge(app, "--dry-run", "--days", "0")
    assert result.exit_code == 0, result.output
    assert (f"Workshop {lived.workshop_id} " in result.output
            and "3 registrations (names), 3 e-mail addresses, 4 private links" in result.output)
    assert "Would remove personal data of 3 registrations in 1 workshops" in result.output
    assert "nothing was changed" in result.output
    assert _dump() == before and _files(app) == files


def test_the_retention_time_counts_from_the_memo_or_else_from_the_workshops_day(
        app, lived, make_workshop, register):
    s = db.session
    published = s.scalar(select(func.min(MemoVersion.published_at)).where(
        MemoVersion.workshop_id == lived.workshop_id))
    unpublished = make_workshop(title="Ei muistiota", day=date(2026, 1, 15),
                                open_registration_now=False)
    register_time = now_utc()
    s.add(Registration(workshop=unpublished, name="Ville", email="ville@example.fi",
                       organisation_id=s.get_one(Registration, lived.registration_ids["anna"])
                       .organisation_id, created_at=register_time))
    s.commit()
    due = {d.workshop.id: d for d in retention.due_workshops(s, 90, published
                                                             + timedelta(days=89))}
    assert lived.workshop_id not in due
    assert due[unpublished.id].published_at is None
    assert due[unpublished.id].due_at.date() == date(2026, 4, 15)
    due = {d.workshop.id for d in retention.due_workshops(s, 90, published
                                                          + timedelta(days=90))}
    assert lived.workshop_id in due
    # with the default RETENTION_DAYS (90), the memo published today is not due
    result = _purge(app)
    assert result.exit_code == 0, result.output
    assert f"Workshop {lived.workshop_id} " not in result.output
    assert f"Workshop {unpublished.id} " in result.output
    assert s.get_one(Registration, lived.registration_ids["anna"]).purged_at is None


def test_purged_registrations_are_mailed_nothing_more(app, lived, coordinator_client):
    from facilitate.mail import messages

    _purge(app, "--days", "0")
    workshop = db.session.get_one(Workshop, lived.workshop_id)
    with app.test_request_context():
        assert messages.reminders(db.session, workshop.day) == []
        assert messages.memo_published(db.session, workshop) == []


def _wrong_database(tmp_path: Path, kind: str) -> Path:
    (tmp_path / "wrong").mkdir()
    path = tmp_path / "wrong" / f"{kind}.sqlite3"
    conn = sqlite3.connect(path)
    if kind == "other":
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customer (name) VALUES ('Asiakas')")
    elif kind == "foreign":
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('a1b2c3d4e5f6')")
    elif kind == "old":
        conn.close()
        from facilitate.migrate import upgrade

        upgrade(f"sqlite:///{path}", "0017")
        return path
    elif kind == "garbage":
        conn.close()
        path.write_bytes(b"this is not a database\n" * 100)
        return path
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(("kind", "message"), [
    ("other", "no migrations table"),
    ("foreign", "are not facilitate's"),
    ("old", "run facilitate db upgrade first"),
    ("garbage", "Cannot read the database"),
])
def test_a_purge_pointed_at_the_wrong_database_refuses_and_changes_nothing(
        app, lived, tmp_path, kind, message):
    path = _wrong_database(tmp_path, kind)
    before_file, before = path.read_bytes(), _dump()
    listing = sorted(p.name for p in path.parent.iterdir())
    result = _purge(app, "--days", "0", "--database-url", f"sqlite:///{path}")
    assert result.exit_code == 1, result.output
    assert message in result.output and "Nothing was changed." in result.output
    assert path.read_bytes() == before_file and _dump() == before
    assert sorted(p.name for p in path.parent.iterdir()) == listing  # no -wal, no -shm


def test_a_purge_refuses_a_missing_file_a_bad_url_and_bad_days(app, lived, tmp_path):
    before = _dump()
    missing = tmp_path / "ei-ole.sqlite3"
    result = _purge(app, "--database-url", f"sqlite:///{missing}")
    assert result.exit_code == 1 and "There is no database file" in result.output
    assert not missing.exists()
    for url in ("ei osoite", "nosuchdb://localhost/x"):
        result = _purge(app, "--database-url", url)
        assert result.exit_code == 1 and "is not a database URL" in result.output, url
    for days in ("-1", "kolme", "1.5"):
        result = _purge(app, "--days", days)
        assert result.exit_code == 2 and "--days" in result.output, (days, result.output)
    assert _dump() == before


def test_a_purge_of_another_facilitate_database_leaves_this_one_alone(app, lived, tmp_path):
    from facilitate.migrate import upgrade

    other = tmp_path / "other.sqlite3"
    upgrade(f"sqlite:///{other}")
    before = _dump()
    result = _purge(app, "--days", "0", "--database-url", f"sqlite:///{other}")
    assert result.exit_code == 0, result.output
    assert "of 0 registrations in 0 workshops" in result.output
    assert _dump() == before
    with sqlite3.connect(other) as conn:
        assert conn.execute(text("SELECT count(*) FROM registration").text).fetchone() == (0,)
