"""Joining on the day by code or QR: the code, the join page, links by mail (the same answer
for every address, rate-limited), walk-ins, and codes that are wrong or expired."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from facilitate.extensions import db
from facilitate.joining import codes
from facilitate.joining.operations import get_workshop_by_code
from facilitate.models import AuditEntry, OutgoingMail, Registration, Workshop
from facilitate.timeutil import now_utc, to_local

WALK_IN = {"name": "Ville Vieras", "email": "ville@example.fi", "organisation": "satakunta",
           "other_organisation": ""}


def _count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_codes_read_one_way_and_are_found_however_typed(make_workshop):
    workshop = make_workshop()
    code = workshop.join_code
    assert re.fullmatch(rf"[{codes.ALPHABET}]{{6}}", code)
    assert not set("0O1IL5S2Z8B") & set(codes.ALPHABET)
    shown = codes.shown(code)
    for typed in (code, code.lower(), shown, f" {shown.lower()} ", f"{code[:3]} {code[3:]}"):
        assert get_workshop_by_code(db.session, typed).id == workshop.id
    assert codes.normalise("KQT7M") is None and codes.normalise("KQT-7M0") is None
    others = {make_workshop().join_code for _ in range(20)}
    assert len(others | {code}) == 21


def test_the_join_page_and_its_qr_code(client, make_workshop):
    workshop = make_workshop(title="Jälkihuollon vertaisreflektio")
    page = client.get(f"/j/{codes.shown(workshop.join_code).lower()}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Liity: Jälkihuollon vertaisreflektio" in text and "Lähetä linkkini" in text
    assert "En ole ilmoittautunut" not in text  # walk-ins are off unless allowed
    qr = client.get(f"/j/{workshop.join_code}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    svg = qr.get_data(as_text=True)
    assert svg.startswith("<?xml") and "<svg" in svg
    assert f"http://localhost/j/{workshop.join_code}" in svg  # its title says where it leads
    # Typing the code on /j leads to the page.
    typed = client.get("/j", query_string={"code": codes.shown(workshop.join_code)})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(
        f"/j/{workshop.join_code}")


@pytest.mark.parametrize(("code", "status", "message"), [
    ("KQT-7MX", 404, "Tällä koodilla ei löydy tilaisuutta."),
    ("ei-koodi", 404, "Tällä koodilla ei löydy tilaisuutta."),
])
def test_a_wrong_code_says_so(client, make_workshop, code, status, message):
    make_workshop()
    response = client.get(f"/j/{code}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert client.get("/j", query_string={"code": "12"}).status_code == 422


def test_an_expired_code_says_the_workshop_has_ended(client, make_workshop):
    workshop = make_workshop(day=date.today() - timedelta(days=2), open_registration_now=False)
    response = client.get(f"/j/{workshop.join_code}")
    assert response.status_code == 410
    assert "Tilaisuus on päättynyt" in response.get_data(as_text=True)
    assert client.post(f"/j/{workshop.join_code}/link",
                       {"email": "x@example.fi"}).status_code == 410


def test_a_registered_participant_gets_their_link_and_nobody_learns_who_registered(
        client, make_workshop, register, inbox):
    workshop = make_workshop()
    registration, own = register(workshop, email="maija@example.fi")
    url = f"/j/{workshop.join_code}"
    client.get(url)
    answers = []
    for address in ("Maija@Example.fi", "nobody@example.fi"):
        response = client.post(f"{url}/link", {"email": address})
        assert response.status_code == 302
        answers.append(client.get(url).get_data(as_text=True))
    notice = re.compile(r"Lähetimme osoitteeseen (\S+) viestin, jossa on henkilökohtainen")
    assert [notice.search(a).group(1) for a in answers] == ["maija@example.fi",
                                                            "nobody@example.fi"]
    [message] = inbox.wait(1)
    assert message["X-Envelope-To"] == "maija@example.fi"
    token = re.search(r"/room/([A-Za-z0-9_-]+)",
                      message.get_body(preferencelist=("plain",)).get_content()).group(1)
    assert client.get(f"/room/{token}").status_code == 200
    assert client.get(f"/me/{own}").status_code == 200  # the link already held still works
    assert _count(OutgoingMail) == 1


def test_a_bad_address_is_refused_with_a_message(client, make_workshop):
    workshop = make_workshop()
    url = f"/j/{workshop.join_code}"
    client.get(url)
    response = client.post(f"{url}/link", {"email": "ei-osoite"})
    assert response.status_code == 422
    assert "Sähköpostiosoite ei ole kelvollinen." in response.get_data(as_text=True)


def test_link_requests_are_limited_per_address_and_per_client(client, make_workshop, register):
    workshop = make_workshop()
    register(workshop, email="maija@example.fi")
    url = f"/j/{workshop.join_code}"
    client.get(url)
    for _ in range(3):
        assert client.post(f"{url}/link", {"email": "maija@example.fi"},
                           environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 302
    # The fourth for the same inbox is refused, from wherever it is asked.
    refused = client.post(f"{url}/link", {"email": "MAIJA@example.fi"},
                          environ_base={"REMOTE_ADDR": "198.51.100.2"})
    assert refused.status_code == 429
    assert "Linkkiä on pyydetty liian monta kertaa." in refused.get_data(as_text=True)
    assert _count(OutgoingMail) == 3
    # One client asking for many addresses is stopped too.
    for index in range(27):
        response = client.post(f"{url}/link", {"email": f"p{index}@example.fi"},
                               environ_base={"REMOTE_ADDR": "198.51.100.1"})
        assert response.status_code == 302, index
    assert client.post(f"{url}/link", {"email": "viimeinen@example.fi"},
                       environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 429


def test_a_walk_in_is_in_the_room_in_one_step_where_the_coordinator_allows_it(
        client, coordinator_client, make_workshop, inbox):
    workshop = make_workshop(open_registration_now=False, day=to_local(now_utc()).date())
    url = f"/j/{workshop.join_code}"
    client.get(url)
    refused = client.post(f"{url}/walk-in", WALK_IN)
    assert refused.status_code == 403
    assert "Tähän tilaisuuteen pääsee vain ilmoittautuneena." in refused.get_data(as_text=True)
    assert _count(Registration) == 0

    coordinator_client.get(f"/manage/workshops/{workshop.id}")
    response = coordinator_client.post(f"/manage/workshops/{workshop.id}/walk-ins",
                                       {"allowed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get_one(Workshop, workshop.id).walk_ins_allowed
    assert db.session.scalar(select(AuditEntry.action)) == "walk_ins.on"

    page = client.get(url).get_data(as_text=True)
    assert "En ole ilmoittautunut" in page
    response = client.post(f"{url}/walk-in", WALK_IN)
    # Registration is not open, but on the day a walk-in goes straight into the room.
    assert response.status_code == 302 and "/room/" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200
    walked_in = db.session.scalar(select(Registration))
    assert (walked_in.name, walked_in.organisation.code, walked_in.wishes) == (
        "Ville Vieras", "satakunta", [])
    [confirmation] = inbox.wait(1)
    assert confirmation["X-Envelope-To"] == "ville@example.fi"
    # The same address again changes nothing and is only mailed a link.
    again = client.post(f"{url}/walk-in", WALK_IN | {"name": "Joku muu"})
    assert again.status_code == 302 and again.headers["Location"].endswith(url)
    assert _count(Registration) == 1
    inbox.wait(2)


def test_walking_in_is_for_the_day_itself(client, make_workshop):
    workshop = make_workshop(day=to_local(now_utc()).date() + timedelta(days=40))
    workshop.walk_ins_allowed = True
    db.session.commit()
    url = f"/j/{workshop.join_code}"
    client.get(url)
    refused = client.post(f"{url}/walk-in", WALK_IN)
    assert refused.status_code == 403
    assert "vasta tilaisuuspäivänä" in refused.get_data(as_text=True)
    assert _count(Registration) == 0


def test_a_walk_in_with_bad_input_is_told_what_to_fix(client, make_workshop):
    workshop = make_workshop(day=to_local(now_utc()).date())
    workshop.walk_ins_allowed = True
    db.session.commit()
    url = f"/j/{workshop.join_code}"
    client.get(url)
    response = client.post(f"{url}/walk-in", WALK_IN | {"name": "", "organisation": ""})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Kenttä on pakollinen." in text and "Valitse organisaatio." in text
    assert _count(Registration) == 0


def test_the_coordinator_sees_the_code_and_qr_on_the_workshop_page(coordinator_client,
                                                                   make_workshop):
    workshop = make_workshop()
    page = coordinator_client.get(f"/manage/workshops/{workshop.id}").get_data(as_text=True)
    assert codes.shown(workshop.join_code) in page
    assert f'src="/j/{workshop.join_code}/qr.svg"' in page


def test_the_migrations_keep_every_registration_wish_and_link(tmp_path: Any) -> None:
    """0009 and 0010 rebuild tables on SQLite; nothing that refers to them may go."""
    from sqlalchemy import create_engine, text

    from facilitate.migrate import downgrade, upgrade
    from facilitate.registration.operations import hash_token

    url = f"sqlite:///{tmp_path / 'codes.sqlite3'}"
    upgrade(url, "0008")
    engine = create_engine(url)
    now = now_utc().replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO series (slug, title, memo_title, organiser, description, "
                          "contacts, funding_footer, is_public, created_at) VALUES ('s', 'S', '', "
                          "'', '', '', '', 1, :now)"), {"now": now})
        conn.execute(text("INSERT INTO organisation (code, kind, name_fi, is_listed, created_at) "
                          "VALUES ('testi', 'other', 'Testi', 1, :now)"), {"now": now})
        organisation = conn.scalar(text("SELECT id FROM organisation WHERE code = 'testi'"))
        for index in range(3):
            conn.execute(text(
                "INSERT INTO workshop (series_id, title, description, day, starts_at, ends_at, "
                "format, invitation_token, created_at) VALUES (1, 'T', '', '2026-12-24', "
                "'14:00:00', '16:00:00', '', :token, :now)"),
                {"token": f"token{index}", "now": now})
            conn.execute(text(
                "INSERT INTO registration (workshop_id, organisation_id, name, email, token_hash, "
                "is_note_taker, created_at, updated_at) VALUES (:w, :o, 'N', :email, :hash, 0, "
                ":now, :now)"), {"w": index + 1, "o": organisation, "email": f"p{index}@x.fi",
                                 "hash": hash_token(f"link{index}"), "now": now})
            conn.execute(text("INSERT INTO wish (registration_id, text, created_at) "
                              "VALUES (:r, 'Toive', :now)"), {"r": index + 1, "now": now})
    upgrade(url)
    with engine.connect() as conn:
        found = conn.scalars(text("SELECT join_code FROM workshop")).all()
        counts = [conn.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("registration", "wish", "registration_link")]
        hashes = set(conn.scalars(text("SELECT token_hash FROM registration_link")))
    assert len(set(found)) == 3 and all(codes.normalise(code) == code for code in found)
    assert counts == [3, 3, 3]
    assert hashes == {hash_token(f"link{index}") for index in range(3)}  # old links still work
    downgrade(url, "0008")
    with engine.connect() as conn:
        counts = [conn.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("workshop", "registration", "wish")]
        kept = set(conn.scalars(text("SELECT token_hash FROM registration")))
    engine.dispose()
    assert counts == [3, 3, 3] and kept == hashes


def test_no_path_mails_one_address_more_than_three_links_an_hour(client, make_workshop, register,
                                                                 inbox):
    workshop = make_workshop(day=to_local(now_utc()).date())
    workshop.walk_ins_allowed = True
    db.session.commit()
    register(workshop, email="maija@example.fi")
    invite, join = f"/invite/{workshop.invitation_token}", f"/j/{workshop.join_code}"
    client.get(join)
    form = WALK_IN | {"email": "maija@example.fi"}
    for index in range(6):  # registering again, walking in and asking, from many addresses
        environ = {"REMOTE_ADDR": f"198.51.100.{index}"}
        client.post(invite, form | {"wish": []}, environ_base=environ)
        client.post(f"{join}/walk-in", form, environ_base=environ)
    inbox.wait(3)
    time.sleep(0.3)
    assert len(inbox.messages) == 3
    assert _count(OutgoingMail) == 3


def test_codes_cannot_be_tried_one_after_another(client, make_workshop):
    make_workshop()
    flood = {"REMOTE_ADDR": "203.0.113.77"}
    for index in range(120):
        assert client.get(f"/j/KQT{index:03d}", environ_base=flood).status_code in (404, 410)
    refused = client.get("/j/KQTMXA", environ_base=flood)
    assert refused.status_code == 429
    assert "Liian monta koodia lyhyessä ajassa." in refused.get_data(as_text=True)
    assert client.get("/j/KQTMXA", environ_base={"REMOTE_ADDR": "203.0.113.78"}) \
        .status_code == 404
