"""The database's part of a backup: a consistent copy taken while the app writes (SQLite's
online backup API, pg_dump) and loading one into an empty database (the same API, pg_restore)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import URL, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import make_engine
from . import BackupError

#: the database copy's name in the archive, by dialect
DUMP_NAMES = {"sqlite": "facilitate.sqlite3", "postgresql": "facilitate.pgdump"}


def dialect_of(database_url: str) -> str:
    """sqlite or postgresql; BackupError for anything else."""
    name = make_url(database_url).get_backend_name()
    if name not in DUMP_NAMES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name} (DATABASE_URL).")
    return name


def describe(database_url: str) -> str:
    """The URL as messages show it: without its password."""
    return make_url(database_url).render_as_string(hide_password=True)


def snapshot(database_url: str, target: Path) -> str:
    """Write a consistent copy of the database to `target`; returns its Alembic revision."""
    if dialect_of(database_url) == "sqlite":
        return _sqlite_snapshot(_sqlite_path(database_url), target)
    return _postgres_snapshot(make_url(database_url), target)


def require_empty(database_url: str) -> None:
    """Refuse unless the database can be restored into: reachable, writable and without tables."""
    if dialect_of(database_url) == "sqlite":
        _require_empty_sqlite(_sqlite_path(database_url))
    else:
        _require_empty_postgres(database_url)


def load(database_url: str, dump: Path) -> None:
    """Load a copy made by `snapshot` into the (empty) database, all of it or nothing."""
    if dialect_of(database_url) == "sqlite":
        _sqlite_load(dump, _sqlite_path(database_url))
    else:
        _postgres_load(make_url(database_url), dump)


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"{describe(database_url)} names no SQLite file (DATABASE_URL).")
    return Path(database).absolute()


def _sqlite_snapshot(path: Path, target: Path) -> str:
    if not path.is_file():
        raise BackupError(f"No SQLite database at {path} (DATABASE_URL).")
    # One step (pages=-1) is one read transaction: in WAL mode the app's writers go on, and
    # the copy is the database as of the moment it began.
    source = sqlite3.connect(path, timeout=15)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # The copy is one self-contained file, whatever journal the live database keeps.
        copy.execute("PRAGMA journal_mode=DELETE")
        if copy.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"The SQLite database at {path} fails its integrity check "
                              "(PRAGMA quick_check); not backed up.")
        return _sqlite_revision(copy, path)
    except sqlite3.Error as error:
        raise BackupError(f"Cannot copy the SQLite database at {path}: {error}.") from None
    finally:
        copy.close()
        source.close()


def _sqlite_revision(connection: sqlite3.Connection, path: Path) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None:
        raise BackupError(f"The database at {path} has no schema (run `facilitate db "
                          "upgrade`): nothing to back up.")
    return str(row[0])


def _require_empty_sqlite(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise BackupError(f"The SQLite database's folder {folder} does not exist "
                          "(DATABASE_URL).")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot write to {folder}, the SQLite database's folder.")
    if not path.exists():
        return
    try:
        # Read-only, so that looking changes nothing, not even a journal.
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"{path} is not an SQLite database one can restore into "
                          f"({error}).") from None
    if tables:
        raise BackupError(f"The database {path} is not empty ({tables} schema objects): "
                          "restore only into a new database, not one `facilitate db "
                          "upgrade` has made.")


def _sqlite_load(dump: Path, path: Path) -> None:
    created = not path.exists()
    source = sqlite3.connect(dump)
    try:
        target = sqlite3.connect(path, timeout=15)
        try:
            # One step: the target gets the whole copy in one transaction, or nothing.
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as error:
        if created:
            for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm",
                                                                              "-journal"))):
                leftover.unlink(missing_ok=True)
        raise BackupError(f"Cannot write the SQLite database {path}: {error}.") from None
    finally:
        source.close()


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it, and the environment that carries its password (never argv,
    where every user of the machine could read it)."""
    conninfo = url.set(drivername="postgresql", password=None).render_as_string()
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on PATH: install PostgreSQL's client programs "
                          "(Debian: apt-get install postgresql-client) of the server's major "
                          "version or newer.")
    return found


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = result.stderr.strip() or f"exit status {result.returncode}"
        raise BackupError(f"{what} failed: {reason}.")


def _postgres_query(database_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise BackupError(f"Cannot use the database {describe(database_url)}: {reason}."
                          ) from None
    finally:
        engine.dispose()


def _postgres_revision(database_url: str) -> str:
    has_schema = _postgres_query(database_url, "SELECT to_regclass('alembic_version')")
    rows = (_postgres_query(database_url, "SELECT version_num FROM alembic_version")
            if has_schema[0][0] else [])
    if not rows:
        raise BackupError(f"The database {describe(database_url)} has no schema (run "
                          "`facilitate db upgrade`): nothing to back up.")
    return str(rows[0][0])


def _postgres_snapshot(url: URL, target: Path) -> str:
    database_url = url.render_as_string(hide_password=False)
    pg_dump = _program("pg_dump")
    revision = _postgres_revision(database_url)
    conninfo, env = _libpq(url)
    # pg_dump reads everything in one repeatable-read transaction: a snapshot while the app
    # writes. Owners and grants are left out: the restoring role owns what it creates.
    _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
          f"--dbname={conninfo}"], env, "pg_dump")
    if _postgres_revision(database_url) != revision:
        raise BackupError("The schema changed while backing up (`facilitate db upgrade` ran); "
                          "back up again.")
    return revision


def _require_empty_postgres(database_url: str) -> None:
    _program("pg_restore")
    # Tables, sequences, views and enum types in any schema but PostgreSQL's own: pg_restore
    # would collide with any of them.
    found = _postgres_query(database_url, """
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        UNION ALL
        SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE t.typtype = 'e' AND n.nspname NOT IN ('pg_catalog', 'information_schema')""")
    relations, types = (int(row[0]) for row in found)
    if relations or types:
        raise BackupError(f"The database {describe(database_url)} is not empty ({relations} "
                          f"tables, sequences or views, {types} types): restore only into a "
                          "new database (createdb), not one `facilitate db upgrade` has made.")


def _postgres_load(url: URL, dump: Path) -> None:
    pg_restore = _program("pg_restore")
    conninfo, env = _libpq(url)
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={conninfo}", str(dump)], env, "pg_restore (nothing was restored)")
