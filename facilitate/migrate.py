"""Alembic, driven from code: the `db upgrade` command, the demo and the tests use it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> AlembicConfig:
    """The project's Alembic configuration pointed at one database."""
    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    # ConfigParser would read "%" in a password as interpolation.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.attributes["configured_by_facilitate"] = True
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring a database's schema (and seeded organisations) up to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Step a database's schema back to `revision`."""
    command.downgrade(alembic_config(database_url), revision)
