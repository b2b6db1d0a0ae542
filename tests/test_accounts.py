"""Coordinator accounts: login, logout, CSRF, and who may reach the coordinator pages."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from facilitate.extensions import db
from facilitate.models import Coordinator, Series, SignIn
from facilitate.timeutil import now_utc


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
    refused = coordinator_client.get("/logout")
    assert refused.status_code == 405
    assert set(refused.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert "Tätä toimintoa ei voi tehdä tällä osoitteella." in refused.get_data(as_text=True)
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
        # a choice ("<any(sv):language>") takes its first value
        url = re.sub(r"<any\(([^,)]+)[^)]*\):\w+>", r"\1", url)
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


class Clock:
    """Time for the rate limits' memory storage, moved on by the test."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    for module in ("limits.storage.memory", "limits.strategies", "facilitate.accounts.routes"):
        monkeypatch.setattr(f"{module}.time", clock)
    return clock


ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
COORDINATORS_OWN = {"REMOTE_ADDR": "198.51.100.7"}


def _login(client, email: str, password: str, where: dict[str, str]) -> Any:
    return client.post("/login", {"email": email, "password": password}, environ_base=where)


def test_guessing_a_password_elsewhere_never_locks_the_coordinator_out(
        client, coordinator_exists, password, clock):
    email = coordinator_exists.email
    for _ in range(5):
        assert _login(client, email, "arvaus", ATTACKER).status_code == 401
    # the attacker is stopped, even with the right password, and told when to try again
    refused = _login(client, email.upper(), password, ATTACKER)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert ("Liian monta epäonnistunutta kirjautumista. Yritä uudelleen 15 minuutin "
            "kuluttua.") in refused.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302, "not logged in"
    # the coordinator, at their own computer, mistypes once and gets in
    assert _login(client, email, "väärin", COORDINATORS_OWN).status_code == 401
    assert _login(client, email, password, COORDINATORS_OWN).status_code == 302
    assert client.get("/manage/").status_code == 200
    client.post("/logout", {})
    # a success clears the account's count: logging in again and again is fine
    for _ in range(8):
        assert _login(client, email, password, COORDINATORS_OWN).status_code == 302
        client.post("/logout", {})
    # the attacker's lock ends with its window ...
    clock.advance(15 * 60 + 1)
    assert _login(client, email, "arvaus", ATTACKER).status_code == 401


def test_an_attacker_who_keeps_coming_back_is_refused_for_the_day(
        client, coordinator_exists, clock):
    email = coordinator_exists.email
    for _round in range(3):
        for _ in range(5):
            assert _login(client, email, "arvaus", ATTACKER).status_code == 401
        assert _login(client, email, "arvaus", ATTACKER).status_code == 429
        clock.advance(15 * 60 + 1)
    # the third breach in a day: the window is over, but the back-off keeps them out
    assert _login(client, email, "arvaus", ATTACKER).status_code == 429
    clock.advance(24 * 3600 + 1)
    assert _login(client, email, "arvaus", ATTACKER).status_code == 401


def test_password_spraying_from_one_address_is_stopped(client, coordinator_exists, password,
                                                       clock):
    for index in range(20):
        assert _login(client, f"arvattu{index}@thl.fi", "Kesä2026!", ATTACKER).status_code == 401
    refused = _login(client, "vielä.yksi@thl.fi", "Kesä2026!", ATTACKER)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    # from another address the real coordinator is not affected
    assert _login(client, coordinator_exists.email, password, COORDINATORS_OWN).status_code \
        == 302


def test_guesses_sent_at_once_are_counted_before_any_password_is_checked(app, clock):
    from facilitate.ratelimits import login_try

    # Six requests in flight together, none answered yet: the sixth is already refused.
    with app.test_request_context("/login", method="POST", environ_base=ATTACKER):
        assert [login_try("niina@thl.fi") for _ in range(5)] == [None] * 5
        assert login_try("niina@thl.fi") == pytest.approx(clock.now + 15 * 60)
    with app.test_request_context("/login", method="POST", environ_base=COORDINATORS_OWN):
        assert login_try("niina@thl.fi") is None


def test_the_limits_hold_and_sign_ins_go_on_when_the_rate_limit_storage_is_down(
        app, client, coordinator_exists, password, make_workshop):
    from facilitate.extensions import limiter

    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:9/0"  # nothing listens there
    limiter.init_app(app)
    email = coordinator_exists.email
    # counted in this process's memory meanwhile: guessing is still stopped ...
    for _ in range(5):
        assert _login(client, email, "arvaus", ATTACKER).status_code == 401
    assert _login(client, email, "arvaus", ATTACKER).status_code == 429
    # ... and the coordinator still gets in, and leaders still register
    assert _login(client, email, password, COORDINATORS_OWN).status_code == 302
    workshop = make_workshop()
    client.get(f"/invite/{workshop.invitation_token}")
    response = client.post(f"/invite/{workshop.invitation_token}",
                           {"name": "Maija Meikäläinen", "email": "maija@example.fi",
                            "organisation": "varsinaissuomi", "other_organisation": ""})
    assert response.status_code == 302


def test_colleagues_logging_in_from_one_office_address_are_never_slowed_down(
        app, client, make_coordinator, password, clock):
    colleagues = [make_coordinator(email=f"kollega{i}@thl.fi") for i in range(3)]
    for i in range(30):
        office = type(client)(app.test_client())
        assert _login(office, colleagues[i % 3].email, password, COORDINATORS_OWN) \
            .status_code == 302, i


def test_a_success_after_mistypes_leaves_no_lockout_behind(client, coordinator_exists,
                                                          password, clock):
    email = coordinator_exists.email
    for _round in range(4):
        for _ in range(4):
            assert _login(client, email, "väärin", COORDINATORS_OWN).status_code == 401
        assert _login(client, email, password, COORDINATORS_OWN).status_code == 302
        client.post("/logout", {})
    assert _login(client, email, password, COORDINATORS_OWN).status_code == 302


def test_a_lockout_for_the_day_is_told_in_hours(client, coordinator_exists, clock):
    email = coordinator_exists.email
    for _round in range(3):
        for _ in range(5):
            _login(client, email, "arvaus", ATTACKER)
        clock.advance(15 * 60 + 1)
    refused = _login(client, email, "arvaus", ATTACKER)
    assert refused.status_code == 429
    # the first lockout was some 45 minutes ago
    assert "Yritä uudelleen 23 tunnin kuluttua." in refused.get_data(as_text=True)


# --- sign-ins: sessions that end on the server ---------------------------------------------


@pytest.fixture
def new_browser(app, client) -> Any:
    """More browsers like `client` (each with its own cookies)."""
    return lambda: type(client)(app.test_client())


def _sign_in(new_browser, coordinator, password: str, **environ: str) -> Any:
    browser = new_browser()
    response = browser.post("/login", {"email": coordinator.email, "password": password},
                            environ_base={"HTTP_USER_AGENT": "Testiselain/1.0", **environ})
    assert response.status_code == 302
    return browser


def _copy_of(app, browser) -> Any:
    """Another browser holding a copy of this one's session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", browser.client.get_cookie("session").value)
    return copy


def test_logout_ends_the_sign_in_so_a_copied_cookie_stops_working(
        app, new_browser, coordinator_exists, password):
    browser = _sign_in(new_browser, coordinator_exists, password)
    copy = _copy_of(app, browser)
    assert copy.get("/manage/").status_code == 200
    browser.post("/logout", {})
    assert copy.get("/manage/").status_code == 302, "the copy still worked after logout"
    assert copy.get("/api/v1/series").status_code == 401
    sign_in = db.session.scalar(select(SignIn))
    assert sign_in is not None and sign_in.ended_at is not None


def test_logging_in_again_in_one_browser_ends_its_earlier_sign_in(
        app, new_browser, coordinator_exists, password):
    browser = _sign_in(new_browser, coordinator_exists, password)
    copy = _copy_of(app, browser)
    browser.get("/login")
    assert browser.post("/login", {"email": coordinator_exists.email,
                                   "password": password}).status_code == 302
    assert browser.get("/manage/").status_code == 200
    assert copy.get("/manage/").status_code == 302, "the earlier sign-in still worked"
    assert [s.ended_at is None for s in db.session.scalars(select(SignIn).order_by(SignIn.id))] \
        == [False, True]


@pytest.mark.parametrize("column", ["last_seen_at", "created_at"])
def test_a_sign_in_expires_when_idle_and_after_its_longest_time(
        app, new_browser, coordinator_exists, password, column):
    browser = _sign_in(new_browser, coordinator_exists, password)
    limit = app.config["SIGN_IN_IDLE" if column == "last_seen_at" else "SIGN_IN_LONGEST"]
    sign_in = db.session.scalar(select(SignIn))
    assert sign_in is not None
    assert browser.get("/manage/").status_code == 200
    setattr(sign_in, column, now_utc() - limit - timedelta(minutes=1))
    db.session.commit()
    response = browser.get("/manage/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert sign_in.ended_at is not None


def test_login_starts_a_fresh_session_but_keeps_the_language(client, coordinator_exists,
                                                             password):
    browser = client
    browser.get("/login?lang=sv")
    with browser.client.session_transaction() as before:
        before["left_over"] = "from before the login"
    browser.post("/login", {"email": coordinator_exists.email, "password": password})
    with browser.client.session_transaction() as after:
        assert "left_over" not in after and after["lang"] == "sv"
    assert 'lang="sv"' in browser.get("/manage/").get_data(as_text=True)


def test_a_coordinator_sees_their_sign_ins_and_ends_another(
        new_browser, coordinator_exists, password, make_coordinator):
    laptop = _sign_in(new_browser, coordinator_exists, password, REMOTE_ADDR="198.51.100.7")
    forgotten = _sign_in(new_browser, coordinator_exists, password, REMOTE_ADDR="192.0.2.44")
    colleague = make_coordinator(email="kollega@thl.fi")
    theirs = _sign_in(new_browser, colleague, password)
    page = laptop.get("/account/sign-ins")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "198.51.100.7" in text and "192.0.2.44" in text and "(tämä selain)" in text
    assert text.count("Testiselain/1.0") == 2, "only the coordinator's own sign-ins"
    other = db.session.scalar(select(SignIn).where(SignIn.address == "192.0.2.44"))
    assert other is not None
    ended = laptop.post(f"/account/sign-ins/{other.id}/end", {})
    assert ended.status_code == 302
    assert forgotten.get("/manage/").status_code == 302, "the other browser is logged out"
    assert laptop.get("/manage/").status_code == 200, "this one is not"
    # nobody ends someone else's sign-in
    colleagues = db.session.scalar(select(SignIn).where(SignIn.coordinator_id == colleague.id))
    assert laptop.post(f"/account/sign-ins/{colleagues.id}/end", {}).status_code == 404
    assert theirs.get("/manage/").status_code == 200
