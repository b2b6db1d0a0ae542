"""Backing up an instance and restoring one: the database is copied first and the folders
after it, so every file the copy refers to was in its folder when the folder was read."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.script import ScriptDirectory

from ..migrate import alembic_config
from ..timeutil import now_utc
from . import BackupError, database
from .archive import Archive, ArchiveWriter, Manifest


@dataclass(frozen=True)
class Instance:
    """Where an instance keeps its data: the database and the folders of files."""

    database_url: str
    uploads: Path
    exports: Path

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Instance:
        """The instance the app's configuration names."""
        return cls(config["DATABASE_URL"], Path(config["UPLOADS_DIR"]).absolute(),
                   Path(config["EXPORTS_DIR"]).absolute())

    def folders(self) -> tuple[tuple[str, Path], ...]:
        """Each folder with its name in the archive (and in its setting, UPLOADS_DIR…)."""
        return (("uploads", self.uploads), ("exports", self.exports))


@dataclass(frozen=True)
class Restored:
    """What a restore found in the archive, and the schema revision this code is at."""

    manifest: Manifest
    head: str

    @property
    def upgrade_needed(self) -> bool:
        """The archive's schema is older than this code's: `facilitate db upgrade` is due."""
        return self.manifest.alembic_revision != self.head


def archive_path(destination: Path, now: datetime) -> Path:
    """The new archive's path: named by the time in `destination` if it is a folder, else
    `destination` itself, a .zip file that must not exist yet."""
    if destination.is_dir():
        path = destination / f"facilitate-backup-{now:%Y%m%dT%H%M%SZ}.zip"
    elif destination.suffix == ".zip":
        path = destination
    elif destination.exists():
        raise BackupError(f"{destination} is neither a folder nor a new .zip file's name.")
    else:
        raise BackupError(f"There is no folder {destination}.")
    folder = path.parent.absolute()
    if not folder.is_dir():
        raise BackupError(f"The folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot write to {folder}.")
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites one.")
    return path


def back_up(instance: Instance, destination: Path, now: datetime | None = None
            ) -> tuple[Path, Manifest]:
    """Write the database and the folders into a new archive; returns its path and manifest."""
    now = now or now_utc()
    path = archive_path(destination, now)
    dialect = database.dialect_of(instance.database_url)
    for name, folder in instance.folders():
        if folder.exists() and not folder.is_dir():
            raise BackupError(f"{folder} ({name.upper()}_DIR) is not a folder.")
        if path.parent.resolve().is_relative_to(folder.resolve()):
            # The archive would copy itself, half-written, into itself.
            raise BackupError(f"Write the backup outside {folder} ({name.upper()}_DIR).")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".facilitate-backup-") as work:
        dump = Path(work) / database.DUMP_NAMES[dialect]
        revision = database.snapshot(instance.database_url, dump)
        with ArchiveWriter(path) as writer:
            member = f"database/{dump.name}"
            with dump.open("rb") as source:
                # pg_dump's custom format is compressed already.
                writer.add(member, source, compress=dialect == "sqlite")
            for name, folder in instance.folders():
                for file, relative in _files(folder):
                    try:
                        source = file.open("rb")
                    except FileNotFoundError:  # removed since the folder was listed
                        continue
                    with source:
                        writer.add(f"{name}/{relative}", source)
            manifest = writer.commit(
                app_version=version("facilitate"), alembic_revision=revision, dialect=dialect,
                created_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"), database=member)
    return path, manifest


def _files(folder: Path) -> list[tuple[Path, str]]:
    """The folder's files in a stable order, with their paths relative to it; a folder that
    does not exist has none."""
    found = []
    for root, folders, names in os.walk(folder):
        folders.sort()
        for name in sorted(names):
            # An export being written (memo/operations.py) is renamed to its real name when
            # whole; the copied database refers only to files already renamed.
            if name.startswith(".") and name.endswith(".partial"):
                continue
            path = Path(root) / name
            if path.is_file():
                found.append((path, path.relative_to(folder).as_posix()))
    return found


def restore(instance: Instance, archive_file: Path, *, dry_run: bool = False) -> Restored:
    """Check the archive (every checksum) and that the instance is empty, then, unless
    `dry_run`, bring the archive back into it; BackupError, with nothing changed, otherwise."""
    with Archive(archive_file) as archive:
        manifest = archive.manifest
        target = database.dialect_of(instance.database_url)
        if manifest.dialect != target:
            raise BackupError(f"{archive_file} holds a {manifest.dialect} database and "
                              f"DATABASE_URL names a {target} one: restore it into "
                              f"{manifest.dialect} (README, Backups).")
        head = _check_revision(manifest, archive_file)
        database.require_empty(instance.database_url)
        for name, folder in instance.folders():
            _require_empty_folder(name, folder)
        archive.verify()
        if not dry_run:
            _bring_back(archive, instance)
    return Restored(manifest, head)


def _check_revision(manifest: Manifest, archive_file: Path) -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = str(script.get_current_head())
    if manifest.alembic_revision not in {rev.revision for rev in script.walk_revisions()}:
        raise BackupError(f"{archive_file} comes from a newer facilitate ({manifest.app_version}):"
                          f" its database is at revision {manifest.alembic_revision}, which this "
                          f"code does not know (its newest is {head}). Restore it with that "
                          "version or a later one.")
    return head


def _require_empty_folder(name: str, folder: Path) -> None:
    setting = f"{name.upper()}_DIR"
    if folder.exists():
        if not folder.is_dir():
            raise BackupError(f"{folder} ({setting}) is not a folder.")
        if any(folder.iterdir()):
            raise BackupError(f"{folder} ({setting}) is not empty: restore only into empty "
                              "folders.")
        writable = folder
    else:
        writable = folder.parent
        if not writable.is_dir():
            raise BackupError(f"The folder {writable} does not exist ({setting} is {folder}).")
    if not os.access(writable, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot write to {writable} ({setting} is {folder}).")


def _bring_back(archive: Archive, instance: Instance) -> None:
    # Files go into a hidden folder inside each target folder first (the same file system,
    # and a mount point stays a mount point), the database is loaded in one transaction, and
    # only then are the files moved to their places: a failure on the way leaves nothing.
    staged: list[tuple[Path, Path, bool]] = []
    manifest = archive.manifest
    try:
        for name, folder in instance.folders():
            created = not folder.exists()
            folder.mkdir(exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=folder, prefix=".restoring-"))
            staged.append((folder, staging, created))
            for entry in manifest.files:
                part, *inside = PurePosixPath(entry.path).parts
                if part == name:
                    target = staging.joinpath(*inside)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    archive.extract(entry, target)
        (dump_entry,) = (entry for entry in manifest.files if entry.path == manifest.database)
        with tempfile.TemporaryDirectory(dir=instance.uploads, prefix=".restoring-") as work:
            dump = Path(work) / PurePosixPath(dump_entry.path).name
            archive.extract(dump_entry, dump)
            database.load(instance.database_url, dump)
    except BaseException:
        for folder, staging, created in staged:
            shutil.rmtree(staging, ignore_errors=True)
            if created:
                folder.rmdir()
        raise
    for folder, staging, _created in staged:
        for item in staging.iterdir():
            item.rename(folder / item.name)
        staging.rmdir()
