"""Alembic: the migrations build the schema from nothing, and agree with the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from facilitate.extensions import make_engine
from facilitate.migrate import ROOT, downgrade, upgrade
from facilitate.models import Base


def test_models_and_migrations_agree(database_url):
    """No pending autogenerate diff on the database the suite runs on (SQLite or PostgreSQL)."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_alembic_command_creates_the_schema_on_an_empty_database(tmp_path: Path):
    """`alembic upgrade head` as an operator types it, on DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env = os.environ | {"DATABASE_URL": url}
    result = subprocess.run([Path(sys.executable).parent / "alembic", "upgrade", "head"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM organisation WHERE kind='county'")) == 21
    engine.dispose()


def test_downgrade_to_base_and_up_again(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    upgrade(url)
    downgrade(url, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(url)
    engine = create_engine(url)
    assert "workshop" in inspect(engine).get_table_names()
    engine.dispose()


def test_downgrading_swedish_memos_keeps_the_finnish_ones_and_leaves_no_orphan(tmp_path: Path):
    """0013 down: Swedish versions and their files go (SQLite runs migrations with its foreign
    keys off, so the files' rows are removed by hand), Finnish ones stay."""
    url = f"sqlite:///{tmp_path / 'swedish.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO series (id, slug, title, memo_title, organiser, "
                          "description, contacts, funding_footer, is_public, created_at) VALUES "
                          "(1, 's', 'S', '', '', '', '', '', 1, '2026-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO workshop (id, series_id, title, description, day, starts_at, ends_at, "
            "format, invitation_token, join_code, walk_ins_allowed, created_at) VALUES "
            "(1, 1, 'W', '', '2026-01-01', '14:00:00', '16:00:00', '', 't', 'ACDEFG', 0, "
            "'2026-01-01 00:00:00')"))
        for version_id, language in ((1, "fi"), (2, "sv")):
            conn.execute(text(
                "INSERT INTO memo_version (id, workshop_id, language, number, markdown, "
                "comment, saved_at) VALUES (:id, 1, :language, 1, '# M', '', "
                "'2026-01-01 00:00:00')"), {"id": version_id, "language": language})
            conn.execute(text("INSERT INTO memo_file (version_id, format, path, size, sha256) "
                              "VALUES (:id, 'pdf', :path, 1, '0')"),
                         {"id": version_id, "path": f"s/{language}.pdf"})
    engine.dispose()
    downgrade(url, "0012")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM memo_version")).all() == [(1,)]
        assert conn.execute(text("SELECT version_id FROM memo_file")).all() == [(1,)]
    engine.dispose()
    upgrade(url)
