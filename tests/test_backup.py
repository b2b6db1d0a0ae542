"""Backups: `facilitate backup` of an instance in use (its room taking contributions and votes
over Socket.IO, a memo edited and published over HTTP) restored with `facilitate restore` into
a new empty instance and compared table by table and file by file, on SQLite and PostgreSQL;
and every refusal, which changes nothing."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import Result
from databases import empty_database, fresh_database
from live_server import LiveServer, facilitate_command, server_env
from room_client import WAIT, RoomClient, login_cookie
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError

from facilitate import create_app
from facilitate.config import TestingConfig
from facilitate.demo import DEMO_EMAIL, DEMO_PASSWORD
from facilitate.extensions import db, make_engine
from facilitate.migrate import upgrade
from facilitate.models import Base, Workshop

BASE_URL = "http://127.0.0.1:5000"
#: The PostgreSQL server the suite runs on under `make test-postgres`, else this machine's own
#: (as the cluster tests use it): the PostgreSQL variant runs in `make test` too.
POSTGRES = next((url for url in [os.environ.get("DATABASE_URL", "")]
                 if url.startswith("postgresql")), "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest) -> str | None:
    """None for SQLite, or the PostgreSQL server the test makes its databases on."""
    if request.param == "sqlite":
        return None
    engine = make_engine(POSTGRES, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        pytest.skip(f"PostgreSQL at {POSTGRES} is unreachable: {error.orig}")
    finally:
        engine.dispose()
    return POSTGRES


def facilitate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run a `facilitate` command as a sysadmin would, with the instance's environment."""
    return subprocess.run([*facilitate_command(), *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def command(settings: dict[str, str], *args: str) -> Result:
    """Run a `facilitate` command in this process, on an app with these settings: quicker
    than a process of its own, for the many refusals."""
    app = create_app(type("Config", (TestingConfig,), settings))
    try:
        return app.test_cli_runner().invoke(args=list(args))
    finally:
        db.dispose()


def settings_of(env: dict[str, str]) -> dict[str, str]:
    """The settings of an instance's environment that say where its data is."""
    return {key: env[key] for key in ("DATABASE_URL", "UPLOADS_DIR", "EXPORTS_DIR")}


def instance_env(folder: Path, database_url: str) -> dict[str, str]:
    """An instance's settings: its database, and its folders under `folder`."""
    return server_env(folder, database_url, PUBLIC_BASE_URL=BASE_URL)


class InUse:
    """An instance being used while it is backed up: two participants adding contributions
    and votes in the open room, and the coordinator saving drafts of a memo and publishing
    one. Each room change's room version is read right after it is acknowledged."""

    def __init__(self, url: str, engine: Engine, workshop_id: int, memo_workshop_id: int,
                 tokens: list[str]) -> None:
        self.url, self.engine = url, engine
        self.workshop_id, self.memo_workshop_id = workshop_id, memo_workshop_id
        cookie = login_cookie(url, DEMO_EMAIL, DEMO_PASSWORD)
        self.coordinator = RoomClient(url, {"workshop_id": workshop_id}, cookie).connect()
        self.theme_id = self.coordinator.snapshot()["themes"][0]["id"]
        assert self.coordinator.change("room.open")["ok"]
        assert self.coordinator.change("phase.set", phase="theme", theme_id=self.theme_id)["ok"]
        self.writer = RoomClient(url, {"token": tokens[0]}).connect()
        self.voter = RoomClient(url, {"token": tokens[1]}).connect()
        #: (contribution id, room version after it was added, room version after its vote)
        self.contributions: list[tuple[int, int, int | None]] = []
        self.drafts: list[int] = []
        self.published: list[int] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._guarded, args=(work,))
                         for work in (self._room, self._memo)]

    def start(self) -> None:
        """Start both kinds of use."""
        for thread in self._threads:
            thread.start()

    def progressed(self, steps: int = 2) -> None:
        """Wait until the room and the memo have both moved `steps` further."""
        room, memo = len(self.contributions), len(self.drafts)
        deadline = time.monotonic() + 3 * WAIT
        while len(self.contributions) < room + steps or len(self.drafts) < memo + steps:
            assert not self.errors, self.errors
            assert time.monotonic() < deadline, "the instance is not being used"
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop using it and let every client go."""
        self._stop.set()
        for thread in self._threads:
            thread.join(3 * WAIT)
        for client in (self.writer, self.voter, self.coordinator):
            client.disconnect()
        assert not self.errors, self.errors

    def _guarded(self, work: Any) -> None:
        try:
            work()
        except BaseException as error:  # seen by the test thread in progressed() and stop()
            self.errors.append(error)

    def _version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(text("SELECT version FROM room WHERE workshop_id = :w"),
                                   {"w": self.workshop_id}))

    def _room(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            ack = self.writer.change("contribution.add", theme_id=self.theme_id,
                                     text=f"Lappu {n}")
            assert ack["ok"], ack
            added = (ack["contribution_id"], self._version(), None)
            self.contributions.append(added)
            vote = self.voter.change("contribution.vote", contribution_id=added[0], up=True)
            assert vote["ok"], vote
            self.contributions[-1] = (*added[:2], self._version())

    def _memo(self) -> None:
        web = requests.Session()
        login = web.get(f"{self.url}/login", timeout=WAIT).text
        web.post(f"{self.url}/login", data={
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', login)[1],
            "email": DEMO_EMAIL, "password": DEMO_PASSWORD}, timeout=WAIT).raise_for_status()
        editor = f"{self.url}/manage/workshops/{self.memo_workshop_id}/memo"
        page = web.get(editor, timeout=WAIT).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        based_on = int(re.search(r'name="based_on" value="(\d+)"', page)[1])
        markdown = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)[1])
        while not self._stop.is_set():
            markdown += f"\nLisäys {based_on}.\n"
            saved = web.post(editor, data={"csrf_token": token, "based_on": based_on,
                                           "markdown": markdown, "comment": ""},
                             allow_redirects=False, timeout=WAIT)
            assert saved.status_code == 302, saved.text[:2000]
            based_on += 1
            self.drafts.append(based_on)
            if len(self.drafts) == 3:  # one correction published meanwhile: new export files
                published = web.post(f"{editor}/versions/{based_on}/publish",
                                     data={"csrf_token": token}, allow_redirects=False,
                                     timeout=3 * WAIT)
                assert published.status_code == 302, published.text[:2000]
                self.published.append(based_on)


def table_rows(database_url: str) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """Every table of the models (and Alembic's), each row by its primary key."""
    engine = make_engine(database_url)
    tables: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            tables[table.name] = {
                tuple(row[c.name] for c in key): dict(row)
                for row in conn.execute(select(table).order_by(*key)).mappings()}
        tables["alembic_version"] = {
            (v,): {"version_num": v}
            for v in conn.scalars(text("SELECT version_num FROM alembic_version"))}
    engine.dispose()
    return tables


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


#: Tables the use above writes to while the backup runs: appended to (the restored rows are
#: some of the source's, unchanged), or updated in place (these columns may differ); open
#: connections (presence) are checked on their own.
APPENDED = {"contribution", "vote", "applied_change", "memo_version", "memo_file",
            "outgoing_mail", "audit_entry"}
UPDATED = {"room": {"version"}, "sign_in": {"last_seen_at"}}


def test_a_backup_of_an_instance_in_use_restores_as_a_consistent_snapshot(
        server: str | None, tmp_path: Path) -> None:
    source, target, backups = tmp_path / "source", tmp_path / "target", tmp_path / "backups"
    for folder in (source, target, backups):
        folder.mkdir()
    with fresh_database(source, server) as source_url, \
            empty_database(target, server) as target_url:
        source_env, target_env = instance_env(source, source_url), instance_env(target,
                                                                                 target_url)
        demo = facilitate(source_env, "demo")
        assert demo.returncode == 0, demo.stderr
        tokens = re.findall(r"/room/(\S+)", demo.stdout)
        upcoming = int(re.search(r"/manage/workshops/(\d+)/room", demo.stdout)[1])
        engine = make_engine(source_url)
        with engine.connect() as conn:
            march = conn.scalar(select(Workshop.id).where(Workshop.day == date(2023, 3, 29)))
        server_process = LiveServer(source, source_env).start()
        try:
            in_use = InUse(server_process.url, engine, upcoming, march, tokens)
            in_use.start()
            in_use.progressed()
            backup = facilitate(source_env, "backup", str(backups))
            in_use.progressed()  # and it went on after the backup
            in_use.stop()
        finally:
            server_process.stop()
        engine.dispose()
        assert backup.returncode == 0, backup.stderr
        (archive,) = backups.iterdir()  # and nothing half-written beside it
        assert archive.name.startswith("facilitate-backup-") and archive.suffix == ".zip"
        assert f"Backup written to {archive}" in backup.stdout

        restored = facilitate(target_env, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr
        assert f"Restored {archive}" in restored.stdout
        assert "db upgrade" not in restored.stdout  # the same schema revision as this code

        before, after = table_rows(source_url), table_rows(target_url)
        before.pop("presence")  # the connections open now: none
        assert {row["workshop_id"] for row in after.pop("presence").values()} <= {upcoming}
        for name, rows in before.items():
            got = after[name]
            if name in APPENDED:
                assert set(got) <= set(rows), name
            else:
                assert set(got) == set(rows), name
            ignored = UPDATED.get(name, set())
            for key, row in got.items():
                assert {c: v for c, v in row.items() if c not in ignored} == {
                    c: v for c, v in rows[key].items() if c not in ignored}, (name, key)

        # A snapshot of one moment: the contributions restored are the first k added, their
        # votes the first k or k-1, and the room's version is the one it had right then.
        restored_ids = sorted(key[0] for key in after["contribution"]
                              if after["contribution"][key]["workshop_id"] == upcoming)
        added = [c[0] for c in in_use.contributions]
        k = len(restored_ids)
        assert 0 < k < len(added) and restored_ids == added[:k]
        votes = sorted(key[0] for key in after["vote"] if key[0] in set(added))
        assert votes in (added[:k], added[:k - 1])
        _id, version_added, version_voted = in_use.contributions[k - 1]
        room = after["room"][(upcoming,)]
        assert room["version"] == (version_voted if len(votes) == k else version_added)
        # the memo: some of the drafts saved meanwhile, not all
        drafts = [row["number"] for row in after["memo_version"].values()
                  if row["workshop_id"] == march and row["language"] == "fi"]
        assert max(drafts) < in_use.drafts[-1] and in_use.published

        # Files: the restored ones are the source's, byte for byte; every file the restored
        # database refers to is there as it recorded it.
        source_files = {part: folder_files(source / part) for part in ("uploads", "exports")}
        target_files = {part: folder_files(target / part) for part in ("uploads", "exports")}
        for part, files in target_files.items():
            assert files and all(source_files[part][p] == data for p, data in files.items())
        for row in after["memo_file"].values():
            data = target_files["exports"][row["path"]]
            assert (len(data), hashlib.sha256(data).hexdigest()) == (row["size"], row["sha256"])
        assert {row["stored_as"] for row in after["series_logo"].values()} <= set(
            target_files["uploads"])
        # what only the source has came after the snapshot: files of versions published since
        later = {row["path"] for key, row in before["memo_file"].items()
                 if key not in after["memo_file"]}
        assert set(source_files["exports"]) - set(target_files["exports"]) <= later

        # The instance is no longer empty: a second restore is refused and changes nothing.
        again = facilitate(target_env, "restore", str(archive))
        assert again.returncode == 1 and "is not empty" in again.stderr
        assert "Nothing was changed." in again.stderr
        assert {n: r for n, r in table_rows(target_url).items() if n != "presence"} == after
        assert {part: folder_files(target / part) for part in target_files} == target_files


# Refusals: a small instance of one upload and one export, backed up once.

@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A small instance and its backup: {"env", "archive", "folder"}."""
    folder = tmp_path_factory.mktemp("small")
    with fresh_database(folder, None) as url:
        env = instance_env(folder, url)
        (folder / "uploads").mkdir()
        (folder / "uploads" / "slides.pdf").write_bytes(b"%PDF-1.7 slides")
        (folder / "exports" / "sarja").mkdir(parents=True)
        (folder / "exports" / "sarja" / "sarja-2030-01-01-v1.md").write_text("# Muistio\n")
        (folder / "exports" / "sarja" / ".sarja-2030-01-01-v2.md.partial").write_text("# M")
        result = facilitate(env, "backup", str(folder / "backup.zip"))
        assert result.returncode == 0, result.stderr
        yield {"env": env, "archive": folder / "backup.zip", "folder": folder}


def empty_target(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """An empty instance's settings under tmp_path (nothing made yet), with overrides."""
    return settings_of(instance_env(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")
                       ) | overrides


def untouched(tmp_path: Path) -> bool:
    """Nothing of an instance has been made under tmp_path."""
    return not any((tmp_path / name).exists()
                   for name in ("restored.sqlite3", "uploads", "exports"))


def rewritten(archive: Path, into: Path, *, manifest: dict[str, Any] | None = None,
              members: dict[str, bytes] | None = None) -> Path:
    """A copy of `archive` with its manifest's fields or some members' bytes replaced."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(into, "w") as copy:
        for name in source.namelist():
            data = source.read(name)
            if name == "manifest.json" and manifest is not None:
                data = json.dumps(json.loads(data) | manifest).encode()
            copy.writestr(name, (members or {}).get(name, data))
    return into


def test_the_archive_holds_the_database_the_folders_and_a_manifest(small: dict[str, Any]
                                                                  ) -> None:
    with zipfile.ZipFile(small["archive"]) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        contents = {name: archive.read(name) for name in names}
    # the export being written (a .partial) is not copied: its final name is what counts
    assert names == ["database/facilitate.sqlite3", "uploads/slides.pdf",
                     "exports/sarja/sarja-2030-01-01-v1.md", "manifest.json"]
    assert manifest["format"] == "facilitate-backup" and manifest["format_version"] == 1
    assert manifest["dialect"] == "sqlite" and manifest["app_version"] == "0.1.0"
    assert manifest["database"] == "database/facilitate.sqlite3"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_at"])
    engine = make_engine(small["env"]["DATABASE_URL"])
    with engine.connect() as conn:
        assert manifest["alembic_revision"] == conn.scalar(
            text("SELECT version_num FROM alembic_version"))
    engine.dispose()
    assert manifest["files"] == [
        {"path": name, "size": len(contents[name]),
         "sha256": hashlib.sha256(contents[name]).hexdigest()} for name in names[:-1]]
    assert small["archive"].stat().st_mode & 0o077 == 0  # personal data: the owner's only


def test_a_dry_run_checks_everything_and_changes_nothing(small: dict[str, Any],
                                                         tmp_path: Path) -> None:
    result = command(empty_target(tmp_path), "restore", "--dry-run", str(small["archive"]))
    assert result.exit_code == 0, result.output
    assert "is whole and can be restored here" in result.stdout
    assert "Nothing was changed (--dry-run)." in result.stdout
    assert untouched(tmp_path)


def test_a_restore_fills_empty_folders_that_exist(small: dict[str, Any], tmp_path: Path
                                                  ) -> None:
    (tmp_path / "uploads").mkdir()
    (tmp_path / "exports").mkdir()
    result = command(empty_target(tmp_path), "restore", str(small["archive"]))
    assert result.exit_code == 0, result.output
    assert folder_files(tmp_path / "exports") == {"sarja/sarja-2030-01-01-v1.md": b"# Muistio\n"}
    assert folder_files(tmp_path / "uploads") == {"slides.pdf": b"%PDF-1.7 slides"}
    assert table_rows(f"sqlite:///{tmp_path / 'restored.sqlite3'}") == table_rows(
        small["env"]["DATABASE_URL"])


def refused(env: dict[str, str], archive: Path) -> str:
    """Run a restore that must be refused; its message."""
    result = command(env, "restore", str(archive))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and "Nothing was changed." in result.stderr
    return " ".join(result.stderr.split())  # as one line, whatever the terminal's width


def test_a_restore_into_an_instance_with_data_is_refused(small: dict[str, Any], tmp_path: Path
                                                         ) -> None:
    migrated = tmp_path / "restored.sqlite3"
    upgrade(f"sqlite:///{migrated}")  # a schema, even without rows, is not empty
    before = migrated.read_bytes()
    assert "is not empty" in refused(empty_target(tmp_path), small["archive"])
    assert migrated.read_bytes() == before
    migrated.unlink()
    for part in ("uploads", "exports"):
        stray = tmp_path / part / "left-over.txt"
        stray.parent.mkdir()
        stray.write_text("x")
        message = refused(empty_target(tmp_path), small["archive"])
        assert f"{tmp_path / part} ({part.upper()}_DIR) is not empty" in message
        assert not migrated.exists() and folder_files(tmp_path / part) == {"left-over.txt": b"x"}
        stray.unlink()
        stray.parent.rmdir()


def test_a_corrupt_or_truncated_archive_is_refused(small: dict[str, Any], tmp_path: Path
                                                   ) -> None:
    target = empty_target(tmp_path)
    tampered = rewritten(small["archive"], tmp_path / "tampered.zip",
                         members={"uploads/slides.pdf": b"%PDF-1.7 other slides"})
    assert ("is corrupt: uploads/slides.pdf does not match the size and checksum"
            in refused(target, tampered))
    data = small["archive"].read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) // 2])
    assert "truncated" in refused(target, truncated)
    # a flipped byte inside the database copy: zip's own check or the checksum catches it
    flipped = bytearray(data)
    flipped[200] ^= 0xFF
    (tmp_path / "flipped.zip").write_bytes(bytes(flipped))
    assert "is corrupt" in refused(target, tmp_path / "flipped.zip")
    extra = tmp_path / "extra.zip"
    rewritten(small["archive"], extra)
    with zipfile.ZipFile(extra, "a") as archive:
        archive.writestr("uploads/unlisted.png", b"x")
    assert "does not hold what its manifest lists (uploads/unlisted.png)" in refused(target,
                                                                                     extra)
    assert untouched(tmp_path)


def test_an_archive_that_is_not_ours_is_refused(small: dict[str, Any], tmp_path: Path) -> None:
    target = empty_target(tmp_path)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not an archive")
    assert "is not a facilitate backup" in refused(target, text_file)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "is not a facilitate backup (no manifest.json)" in refused(target, other)
    foreign = rewritten(small["archive"], tmp_path / "foreign.zip",
                        manifest={"format": "someone-elses-backup"})
    assert "is not a facilitate backup" in refused(target, foreign)
    climbing = rewritten(small["archive"], tmp_path / "climbing.zip", manifest={"files": [
        {"path": "uploads/../../etc/cron.d/x", "size": 1, "sha256": "0" * 64}]})
    assert "names a file 'uploads/../../etc/cron.d/x'" in refused(target, climbing)
    newer_format = rewritten(small["archive"], tmp_path / "v2.zip",
                             manifest={"format_version": 2})
    assert "was made by a newer facilitate (archive format 2" in refused(target, newer_format)
    assert "No archive at" in refused(target, tmp_path / "missing.zip")
    assert untouched(tmp_path)


def test_an_archive_of_a_newer_schema_is_refused(small: dict[str, Any], tmp_path: Path) -> None:
    newer = rewritten(small["archive"], tmp_path / "newer.zip",
                      manifest={"alembic_revision": "0099", "app_version": "9.0.0"})
    message = refused(empty_target(tmp_path), newer)
    assert "comes from a newer facilitate (9.0.0)" in message
    assert "revision 0099, which this code does not know" in message
    assert untouched(tmp_path)


def test_an_archive_of_an_older_schema_is_restored_and_the_upgrade_left_to_the_sysadmin(
        tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    url = f"sqlite:///{old / 'old.sqlite3'}"
    upgrade(url, "0017")
    backup = facilitate(instance_env(old, url), "backup", str(old))
    assert backup.returncode == 0, backup.stderr
    (archive,) = old.glob("*.zip")
    target = empty_target(tmp_path)
    result = command(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    from alembic.script import ScriptDirectory

    from facilitate.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert (f"Its schema (revision 0017) is older than this code's ({head}): run `facilitate "
            "db upgrade` before starting the app.") in result.stdout
    assert command(target, "db", "upgrade").exit_code == 0


def test_a_restore_pointed_at_the_wrong_place_is_refused(small: dict[str, Any], tmp_path: Path
                                                         ) -> None:
    archive = small["archive"]
    nowhere = tmp_path / "no" / "such"
    message = refused(empty_target(tmp_path, DATABASE_URL=f"sqlite:///{nowhere / 'x.db'}"),
                      archive)
    assert f"The SQLite database's folder {nowhere} does not exist" in message
    message = refused(empty_target(tmp_path, UPLOADS_DIR=str(nowhere / "uploads")), archive)
    assert f"The folder {nowhere} does not exist (UPLOADS_DIR" in message
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    message = refused(empty_target(tmp_path, EXPORTS_DIR=str(a_file)), archive)
    assert f"{a_file} (EXPORTS_DIR) is not a folder" in message
    postgres = "postgresql://postgres@127.0.0.1:5432/facilitate"
    message = refused(empty_target(tmp_path, DATABASE_URL=postgres), archive)
    assert "holds a sqlite database and DATABASE_URL names a postgresql one" in message
    assert not nowhere.exists() and untouched(tmp_path)


def test_a_backup_pointed_at_the_wrong_place_is_refused_and_leaves_nothing(
        small: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = small["env"]

    def refused_backup(destination: Path | str, **overrides: str) -> str:
        result = command(settings_of(env) | overrides, "backup", str(destination))
        assert result.exit_code == 1, result.output
        return " ".join(result.stderr.split())

    assert f"There is no folder {tmp_path / 'none'}" in refused_backup(tmp_path / "none")
    assert f"The folder {tmp_path / 'none'} does not exist" in refused_backup(
        tmp_path / "none" / "b.zip")
    assert "already exists: a backup never overwrites one" in refused_backup(small["archive"])
    missing = tmp_path / "missing.sqlite3"
    assert f"No SQLite database at {missing}" in refused_backup(
        tmp_path, DATABASE_URL=f"sqlite:///{missing}")
    assert not missing.exists()
    assert "Cannot use the database postgresql://postgres@127.0.0.1:1/x" in refused_backup(
        tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:1/x")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert "pg_dump was not found on PATH" in refused_backup(
        tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:1/x")
    inside = Path(env["EXPORTS_DIR"]) / "sarja"
    assert "Write the backup outside" in refused_backup(inside)
    assert list(tmp_path.iterdir()) == [] and sorted(p.name for p in inside.iterdir()) == [
        ".sarja-2030-01-01-v2.md.partial", "sarja-2030-01-01-v1.md"]


def test_a_backup_that_fails_midway_leaves_no_archive(small: dict[str, Any], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitate.backups import operations
    from facilitate.backups.archive import ArchiveWriter

    real_add = ArchiveWriter.add

    def add(self: ArchiveWriter, name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("exports/"):
            raise OSError(28, "No space left on device")
        return real_add(self, name, *args, **kwargs)

    monkeypatch.setattr(ArchiveWriter, "add", add)
    env = small["env"]
    instance = operations.Instance(env["DATABASE_URL"], Path(env["UPLOADS_DIR"]),
                                   Path(env["EXPORTS_DIR"]))
    with pytest.raises(OSError, match="No space left"):
        operations.back_up(instance, tmp_path)
    assert list(tmp_path.iterdir()) == []
