"""Test databases: SQLite in a folder, or a database of their own on a PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from facilitate.extensions import db, make_engine
from facilitate.migrate import upgrade


@contextmanager
def empty_database(folder: Path, server: str | None) -> Iterator[str]:
    """A database with nothing in it, not even a schema: a SQLite file in `folder` not yet
    made, or a new one on the PostgreSQL `server`, dropped afterwards."""
    if server is None:
        yield f"sqlite:///{folder / 'test.sqlite3'}"
        return
    name = f"facilitate_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@contextmanager
def fresh_database(folder: Path, server: str | None) -> Iterator[str]:
    """A freshly migrated database: SQLite in `folder`, or a new one on the PostgreSQL
    `server`, dropped afterwards."""
    with empty_database(folder, server) as url:
        upgrade(url)
        yield url
