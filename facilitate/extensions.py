"""Unbound extensions, bound to an app in create_app: database, Socket.IO, Babel, login, CSRF,
rate limits, mail."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect
from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker


class Database:
    """SQLAlchemy 2 used directly: one engine per app and a scoped session per request/handler."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session: scoped_session[Session] = scoped_session(
            sessionmaker(expire_on_commit=False, autoflush=True)
        )

    def init_app(self, app: Flask) -> None:
        """Create the engine from DATABASE_URL and remove the session after every request."""
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session.remove()
        self.session.configure(bind=self.engine)
        app.extensions["facilitate.db"] = self

        @app.teardown_appcontext
        def _remove_session(exc: BaseException | None) -> None:
            self.session.remove()

    def dispose(self) -> None:
        """Close every pooled connection (tests, forked workers)."""
        self.session.remove()
        if self.engine is not None:
            self.engine.dispose()


def database_url(url: str) -> URL:
    """The URL with the PostgreSQL driver this project uses when none is named.

    psycopg2: eventlet's patch makes it cooperative, while psycopg 3 would block the loop.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings this project relies on for SQLite and PostgreSQL."""
    if url.startswith("sqlite"):
        # Pooled connections: when the last connection to a WAL database closes, SQLite
        # checkpoints and fsyncs, which cost ~15 ms on every commit without a pool. WAL lets
        # readers go on while one short write transaction commits.
        engine = create_engine(
            url, connect_args={"timeout": 15, "check_same_thread": False}, **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(database_url(url), pool_pre_ping=True, **kwargs)


db = Database()
socketio = SocketIO()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
#: Limits are declared in facilitate/ratelimits.py; the default key is the client address.
limiter = Limiter(get_remote_address)
