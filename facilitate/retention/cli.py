"""`facilitate purge [--dry-run]`, for cron: participants' personal data past its retention
time is removed; a database that is not a migrated facilitate database is refused untouched."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from ..extensions import db, make_engine
from ..migrate import alembic_config
from ..models import Base
from ..timeutil import now_utc, to_local
from . import operations as ops


class Refused(click.ClickException):
    """The purge will not run against this database; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} Nothing was changed.")


def _read_only(url: str) -> Engine:
    """An engine that cannot change the database it looks at: a SQLite file opened read-only,
    leaving no file behind (make_engine would create a missing file and switch an existing one
    to WAL)."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return make_engine(url)
    except (ArgumentError, ImportError):  # an unknown database, or its driver is missing
        raise Refused(f"{url!r} is not a database URL facilitate can use.") from None
    path = parsed.database
    if not path or path == ":memory:":
        raise Refused(f"{url!r} names no database file.")
    if not Path(path).is_file():
        raise Refused(f"There is no database file at {path}.")
    # Read-only still makes a WAL database's -wal and -shm files when they are missing; with
    # no -wal file everything is in the main file, which can then be read as immutable.
    wal = Path(f"{path}-wal").exists()
    uri = Path(path).resolve().as_uri() + ("?mode=ro" if wal else "?immutable=1")
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))


def check_database(url: str) -> None:
    """Refuse (Refused) a database that is missing, unreadable, not facilitate's, or not
    migrated to this version's schema."""
    engine = _read_only(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" not in tables:
                raise Refused("The database has no migrations table (alembic_version): it is "
                              "not a facilitate database, or was never migrated "
                              "(facilitate db upgrade).")
            revisions = set(conn.scalars(text("SELECT version_num FROM alembic_version")))
    except DBAPIError as error:
        raise Refused(f"Cannot read the database: {error.orig}.") from None
    finally:
        engine.dispose()
    script = ScriptDirectory.from_config(alembic_config(url))
    heads = set(script.get_heads())
    known = {revision.revision for revision in script.walk_revisions()}
    if not revisions or not revisions <= known:
        raise Refused(f"The database's migrations ({', '.join(sorted(revisions)) or 'none'}) "
                      "are not facilitate's: it is not a facilitate database.")
    if revisions != heads:
        raise Refused(f"The database is at revision {', '.join(sorted(revisions))}, this "
                      f"facilitate at {', '.join(sorted(heads))}: run facilitate db upgrade "
                      "first.")
    missing = {table.name for table in Base.metadata.sorted_tables} - tables
    if missing:
        raise Refused(f"The database lacks facilitate's tables ({', '.join(sorted(missing))}).")


@contextmanager
def _session(url: str | None) -> Iterator[Session]:
    if url is None:
        yield db.session
        return
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as s:
            yield s
    finally:
        engine.dispose()


def _line(due: ops.Due, removal: ops.Removal) -> str:
    workshop = due.workshop
    since = (f"memo published {to_local(due.published_at).date().isoformat()}"
             if due.published_at else "no memo published, counted from the workshop's day")
    return (f"Workshop {workshop.id} ({workshop.series.title}: {workshop.title}, "
            f"{workshop.day.isoformat()}; {since}; due {to_local(due.due_at).date().isoformat()}): "
            f"{removal.registrations} registrations (names), {removal.emails} e-mail addresses, "
            f"{removal.links} private links, {removal.mails} mails ({removal.pending_mails} "
            f"not sent), {removal.presence} room connections, {removal.audit_names} names in "
            "audit entries")


def register_cli(app: Flask) -> None:
    """Attach the purge command to app.cli."""

    @app.cli.command("purge")
    @click.option("--dry-run", is_flag=True,
                  help="Say what would be removed, per workshop, and change nothing.")
    @click.option("--days", type=click.IntRange(min=0),
                  help="Retention time in days (default: RETENTION_DAYS).")
    @click.option("--database-url", help="The database to purge (default: DATABASE_URL).")
    def purge_command(dry_run: bool, days: int | None, database_url: str | None) -> None:
        """Remove participants' personal data a retention time after their workshop's memo
        was published (or after the workshop's day, when none was); memos, counts,
        attendance by organisation and anonymous contributions stay."""
        days = current_app.config["RETENTION_DAYS"] if days is None else days
        check_database(database_url or current_app.config["DATABASE_URL"])
        now = now_utc()
        total = ops.Removal()
        with _session(database_url) as s:
            due = ops.due_workshops(s, days, now)
            for item in due:
                if dry_run:
                    removal = ops.count_removal(s, item.workshop, all_mail=True)
                else:
                    removal = ops.purge_workshop(s, item.workshop, now)
                    # One workshop per transaction: a running server's writers wait briefly.
                    s.commit()
                total += removal
                click.echo(_line(item, removal))
            s.rollback()
        verb = "Would remove" if dry_run else "Removed"
        click.echo(f"{verb} personal data of {total.registrations} registrations in "
                   f"{len(due)} workshops (retention {days} days)."
                   + (" Dry run: nothing was changed." if dry_run else ""))
