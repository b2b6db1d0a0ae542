"""Fixtures: a real migrated database (SQLite, or PostgreSQL when DATABASE_URL names one),
the app, clients that carry CSRF tokens, and factories for the domain's objects."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from databases import fresh_database
from flask import Flask, g
from flask.testing import FlaskClient
from mail_server import Inbox, free_port
from sqlalchemy import delete, select

from facilitate import create_app
from facilitate.agenda.operations import add_prompt, create_theme
from facilitate.config import TestingConfig
from facilitate.extensions import db, make_engine
from facilitate.models import Base, Coordinator, Organisation, Registration, Series, Workshop
from facilitate.room.operations import open_room, set_phase
from facilitate.timeutil import now_utc

PASSWORD = "correct horse battery staple"


def _postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test run's database: SQLite, or PostgreSQL when DATABASE_URL names a server."""
    with fresh_database(tmp_path_factory.mktemp("db"), _postgres_server_url()) as url:
        yield url


@pytest.fixture(scope="session")
def seeded_organisation_ids(database_url: str) -> set[int]:
    """The organisations the migration seeds; every test starts with exactly these."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        ids = set(conn.scalars(select(Organisation.id)))
    engine.dispose()
    return ids


@pytest.fixture(scope="session")
def word_index_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The word cloud's dictionaries, built by the first test that needs them, once a run."""
    return str(tmp_path_factory.mktemp("word-index"))


@pytest.fixture
def app(database_url: str, seeded_organisation_ids: set[int], word_index_dir: str,
        tmp_path: Any) -> Iterator[Flask]:
    """The app on the test database; every row a test wrote is removed after it."""
    app = create_app(type("Config", (TestingConfig,), {
        "DATABASE_URL": database_url,
        "WORD_INDEX_DIR": word_index_dir,
        "UPLOADS_DIR": str(tmp_path / "uploads"),
        "EXPORTS_DIR": str(tmp_path / "exports"),
    }))


    def _fresh_g() -> None:
        # Requests made while a test holds an app context share its `g`; a real request never
        # does. Flask-WTF caches the CSRF token and Flask-Login the user there, so one client's
        # identity would leak into the next client's request. First, before the app's hooks.
        for name in list(g):
            g.pop(name)

    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
    app.test_client_class = ClosingClient

    with app.app_context():
        yield app
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "organisation":
                conn.execute(delete(table).where(table.c.id.not_in(seeded_organisation_ids)))
            else:
                conn.execute(delete(table))
    db.dispose()


class ClosingClient(FlaskClient):
    """Reads and closes every response, as a real server does once it has sent one (work
    deferred with call_on_close, such as sending mail, runs then)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


class CsrfClient:
    """A test client that reads the CSRF token from the last page and posts it back."""

    TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def get(self, url: str, **kwargs: Any) -> Any:
        response = self.client.get(url, **kwargs)
        found = self.TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True,
             **kwargs: Any) -> Any:
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        response = self.client.post(url, data=data, **kwargs)
        found = self.TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        elif url.startswith(("/login", "/logout")) and response.status_code == 302:
            self.token = None  # a new session, with a new token, as a browser's next page has
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


@pytest.fixture
def client(app: Flask) -> CsrfClient:
    """An anonymous visitor (a participant or a reader)."""
    return CsrfClient(app.test_client())


@pytest.fixture
def make_coordinator(app: Flask) -> Callable[..., Coordinator]:
    """Create coordinator accounts: make_coordinator(email=…)."""
    from facilitate.accounts.operations import create_coordinator

    def make(email: str = "koordinaattori@thl.fi", name: str = "Niina Koordinaattori"
             ) -> Coordinator:
        coordinator = create_coordinator(db.session, email=email, name=name, password=PASSWORD)
        db.session.commit()
        return coordinator

    return make


@pytest.fixture
def coordinator_client(app: Flask, make_coordinator: Callable[..., Coordinator]) -> CsrfClient:
    """A logged-in coordinator."""
    coordinator = make_coordinator()
    web = CsrfClient(app.test_client())
    response = web.post("/login", {"email": coordinator.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return web


@pytest.fixture
def make_series(app: Flask) -> Callable[..., Series]:
    """Create series: make_series(title=…)."""
    from facilitate.series.operations import create_series

    def make(**fields: Any) -> Series:
        data = {"title": "Lastensuojelun jälkihuollon johdon vertaisreflektiot",
                "memo_title": "valtakunnallinen lastensuojelun jälkihuollon johdon "
                              "vertaisreflektio",
                "organiser": "YEE-hanke / THL"} | fields
        series = create_series(db.session, data)
        db.session.commit()
        return series

    return make


@pytest.fixture
def make_workshop(app: Flask, make_series: Callable[..., Series]) -> Callable[..., Workshop]:
    """Create workshops; by default registration is open with a deadline a week ahead."""
    from facilitate.series.operations import create_workshop, open_registration

    def make(series: Series | None = None, *, open_registration_now: bool = True,
             plan: Any = None, **fields: Any) -> Workshop:
        series = series or make_series()
        data = {"title": "Vertaisreflektio", "day": date.today() + timedelta(days=14),
                "starts_at": time(14), "ends_at": time(16),
                "format": "Teams-keskustelu"} | fields
        workshop = create_workshop(db.session, series, data, plan=plan)
        if open_registration_now:
            open_registration(db.session, workshop, now_utc() + timedelta(days=7))
        db.session.commit()
        return workshop

    return make


@pytest.fixture
def register(app: Flask) -> Callable[..., tuple[Any, str]]:
    """Register a participant directly through the operation: returns (registration, token)."""
    from facilitate.registration.operations import register as register_op

    def make(workshop: Workshop, **fields: Any) -> tuple[Any, str]:
        data = {"name": "Maija Meikäläinen", "email": f"{uuid.uuid4().hex[:8]}@example.fi",
                "organisation": "varsinaissuomi", "wishes": ["Työnkuvat"]} | fields
        registered = register_op(db.session, workshop, data)
        db.session.commit()
        return registered.registration, registered.token

    return make


@pytest.fixture
def password() -> str:
    """The password every test coordinator has."""
    return PASSWORD


@pytest.fixture
def coordinator_exists(make_coordinator: Callable[..., Coordinator]) -> Coordinator:
    """One coordinator account, not logged in anywhere."""
    return make_coordinator()


@dataclass
class Room:
    """A workshop ready for a live session, with the ids tests need."""

    workshop_id: int
    theme_ids: list[int]
    #: prompt ids by name: open, statement, level (theme 0), poll (theme 1)
    prompts: dict[str, int]
    #: private link tokens by name: anna (Varha), bertta (Satakunta), cecilia (note-taker)
    tokens: dict[str, str]
    registration_ids: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def make_room(app: Flask, make_workshop: Callable[..., Workshop],
              register: Callable[..., tuple[Any, str]]) -> Callable[..., Room]:
    """make_room(open=True): a workshop with two themes and three participants, its room
    open on the first theme unless open=False."""

    def make(*, open: bool = True, title: str = "Jälkihuollon vertaisreflektio") -> Room:
        s = db.session
        workshop = make_workshop(title=title)
        first = create_theme(s, workshop, {"title": "Työnkuvat",
                                           "memo_phrase": "työnkuvista"})
        second = create_theme(s, workshop, {"title": "Palveluiden organisointi"})
        prompts = {
            "open": add_prompt(s, first, {"kind": "open", "text": "Miten työnkuvat on jaettu?"}),
            "statement": add_prompt(s, first, {
                "kind": "statement", "text": "VÄITE: Traumaosaaminen on riittämätöntä?"}),
            "level": add_prompt(s, first, {"kind": "level", "text": "Millä tasolla?"}),
            "poll": add_prompt(s, second, {"kind": "poll", "text": "Kuka koordinoi?",
                                           "options": ["Kunta", "Hyvinvointialue", "Valtio"]}),
        }
        s.commit()
        people = {"anna": "varsinaissuomi", "bertta": "satakunta", "cecilia": "pirkanmaa"}
        tokens, registration_ids = {}, {}
        for name, county in people.items():
            registration, token = register(workshop, name=name.title(), organisation=county,
                                           wishes=[])
            tokens[name] = token
            registration_ids[name] = registration.id
        s.get_one(Registration, registration_ids["cecilia"]).is_note_taker = True
        if open:
            open_room(s, workshop)
            set_phase(s, workshop, "theme", first)
        s.commit()
        return Room(workshop.id, [first.id, second.id],
                    {name: prompt.id for name, prompt in prompts.items()}, tokens,
                    registration_ids)

    return make


@pytest.fixture
def smtp_port(app: Flask) -> int:
    """The app mails over SMTP to this port on this machine (nothing listens there yet)."""
    port = free_port()
    state = app.extensions["mailman"]
    state.backend, state.server, state.port, state.timeout = "smtp", "127.0.0.1", port, 5
    return port


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on the app's mail port, and what it received."""
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield received
    controller.stop()
