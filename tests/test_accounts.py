"""Coordinator accounts: login, logout, CSRF, and who may reach the coordinator pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitate.extensions import db
from facilitate.models import Coordinator, Series


def test_password_is_hashed_with_argon2(coordinator_exists, password):
    assert coordinator_exists.password_hash.startswith("$argon2id$")
    assert password not in coordinator_exists.password_hash


def test_wrong_password_is_refused(client, coordinator_exists):
    response = client.post("/login", {"email": coordinator_exists.email, "password": "väärä"})
    assert response.status_code == 401
    assert "Sähköpostiosoite tai salasana on väärin." in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_unknown_address_gives_the_same_answer(client, coordinator_exists, password):
    response = client.post("/login", {"email": "ei@ole.fi", "password": password})
    assert response.status_code == 401
    assert "Sähköpostiosoite tai salasana on väärin." in response.get_data(as_text=True)


def test_login_needs_csrf(client, coordinator_exists, password):
    response = client.post("/login", {"email": coordinator_exists.email, "password": password},
                           csrf=False)
    assert response.status_code == 400


def test_login_returns_to_the_asked_page_but_never_off_site(client, coordinator_exists, password):
    data = {"email": coordinator_exists.email, "password": password}
    response = client.post("/login?next=/manage/series/new", data)
    assert response.headers["Location"] == "/manage/series/new"
    client.post("/logout", {})
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        client.get("/login")
        response = client.post(f"/login?next={target}", data)
        assert response.headers["Location"] == "/manage/", target
        client.post("/logout", {})


def test_logout_is_a_post(coordinator_client):
    assert coordinator_client.get("/logout").status_code == 405
    assert coordinator_client.post("/logout", {}).status_code == 302
    assert coordinator_client.get("/manage/").status_code == 302


def test_inactive_coordinator_cannot_log_in(client, coordinator_exists, password):
    coordinator_exists.is_active = False
    db.session.commit()
    response = client.post("/login", {"email": coordinator_exists.email, "password": password})
    assert response.status_code == 401


def _coordinator_urls(app) -> list[tuple[str, str]]:
    """Every coordinator page of the app, with made-up ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/manage"):
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


def test_anonymous_users_cannot_reach_any_coordinator_page(app, client, make_workshop):
    make_workshop()
    urls = _coordinator_urls(app)
    assert len(urls) >= 15
    for method, url in urls:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, {"title": "Murto", "action": "open"})
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
    assert db.session.scalars(select(Series.title)).all() == [
        "Lastensuojelun jälkihuollon johdon vertaisreflektiot"]


def test_participant_link_gives_no_coordinator_access(client, make_workshop, register):
    workshop = make_workshop()
    _registration, token = register(workshop)
    client.get(f"/me/{token}")
    assert client.get(f"/manage/workshops/{workshop.id}").status_code == 302
    assert client.get(f"/manage/workshops/{workshop.id}/agenda").status_code == 302


def test_cli_creates_the_first_coordinator(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-coordinator", "--email", "Eka@THL.fi", "--name", "Eka",
                                 "--password", "pitkä salasana 123"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Coordinator.email)) == "eka@thl.fi"
    again = runner.invoke(args=["create-coordinator", "--email", "eka@thl.fi", "--name", "Eka",
                                "--password", "pitkä salasana 123"])
    assert again.exit_code != 0
    assert "jo tunnus" in again.output


@pytest.mark.parametrize(("email", "password", "message"), [
    ("ei-osoite", "pitkä salasana 123", "Sähköpostiosoite ei ole kelvollinen."),
    ("lyhyt@thl.fi", "lyhyt", "vähintään 12 merkkiä"),
])
def test_cli_refuses_bad_accounts(app, email, password, message):
    result = app.test_cli_runner().invoke(args=[
        "create-coordinator", "--email", email, "--name", "X", "--password", password])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(Coordinator.id)) is None


def test_repeated_failures_are_throttled(client, coordinator_exists, password):
    from datetime import timedelta

    from facilitate.accounts.operations import FAILURES_ALLOWED, authenticate
    from facilitate.timeutil import now_utc

    email = coordinator_exists.email
    for _ in range(FAILURES_ALLOWED):
        assert client.post("/login", {"email": email, "password": "arvaus"}).status_code == 401
    # Now even the right password is refused, with a reason.
    response = client.post("/login", {"email": email.upper(), "password": password})
    assert response.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumista" in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302
    # Another address is not affected, and after the window the right password works again.
    assert authenticate(db.session, "muu@thl.fi", "x") is None
    later = now_utc() + timedelta(minutes=16)
    assert authenticate(db.session, email, password, now=later) is not None
    db.session.commit()
    assert client.post("/login", {"email": email, "password": password}).status_code == 302
