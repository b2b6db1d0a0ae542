"""The backup archive: a zip of the database copy and the folders' files with a manifest of
their sizes and SHA-256 sums, written under a temporary name and trusted only once verified."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

from . import BackupError

FORMAT = "facilitate-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: the archive's top-level folders: the database copy and the two folders of files
PARTS = ("database", "uploads", "exports")
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One file in the archive, as it was written."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What an archive holds and what it was made from (manifest.json)."""

    app_version: str
    alembic_revision: str
    dialect: str
    created_at: str
    #: the member holding the database copy, e.g. database/facilitate.sqlite3
    database: str
    files: tuple[Entry, ...]

    def to_json(self) -> bytes:
        """The manifest as stored in the archive."""
        body = {"format": FORMAT, "format_version": FORMAT_VERSION} | asdict(self)
        return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"

    @classmethod
    def from_json(cls, data: bytes, archive: Path) -> Manifest:
        """Read a manifest; BackupError unless it is one of ours, in a version this code reads."""
        try:
            body = json.loads(data)
            if body.get("format") != FORMAT:
                raise ValueError("not our format")
            version = body["format_version"]
            if not isinstance(version, int) or version > FORMAT_VERSION:
                raise BackupError(f"{archive} was made by a newer facilitate (archive format "
                                  f"{version}; this one reads {FORMAT_VERSION}).")
            files = tuple(Entry(str(f["path"]), int(f["size"]), str(f["sha256"]))
                          for f in body["files"])
            manifest = cls(str(body["app_version"]), str(body["alembic_revision"]),
                           str(body["dialect"]), str(body["created_at"]), str(body["database"]),
                           files)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError(f"{archive} is not a facilitate backup (its manifest.json is "
                              "missing or not ours).") from None
        for entry in files:
            _check_member_name(entry.path, archive)
        if manifest.database not in {entry.path for entry in files}:
            raise BackupError(f"{archive} is not a facilitate backup (no database in it).")
        return manifest


def _check_member_name(name: str, archive: Path) -> None:
    # A name is joined to a folder on restore: it may never climb out of it.
    path = PurePosixPath(name)
    if (path.is_absolute() or len(path.parts) < 2 or path.parts[0] not in PARTS
            or any(part in ("", ".", "..") for part in path.parts) or "\\" in name):
        raise BackupError(f"{archive} is not a facilitate backup (it names a file {name!r}).")


class ArchiveWriter:
    """Writes members into a temporary file beside `path`; `commit` adds the manifest and
    renames it to `path`, so that no half-written archive ever carries the real name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                               suffix=".partial")
        self._partial = Path(partial)
        self._file = os.fdopen(descriptor, "wb")  # mkstemp's 0600: the archive holds personal data
        self._zip = zipfile.ZipFile(self._file, "w", zipfile.ZIP_DEFLATED)
        self.entries: list[Entry] = []

    def add(self, name: str, source: IO[bytes], *, compress: bool = True) -> Entry:
        """Copy `source` into the archive as `name`, summing what is written."""
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        digest, size = hashlib.sha256(), 0
        with self._zip.open(info, "w", force_zip64=True) as member:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                member.write(chunk)
                size += len(chunk)
        entry = Entry(name, size, digest.hexdigest())
        self.entries.append(entry)
        return entry

    def commit(self, *, app_version: str, alembic_revision: str, dialect: str, created_at: str,
               database: str) -> Manifest:
        """Write the manifest, make the file durable and give it its name."""
        manifest = Manifest(app_version, alembic_revision, dialect, created_at, database,
                            tuple(self.entries))
        self._zip.writestr(MANIFEST, manifest.to_json())
        self._zip.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._partial, self.path)
        return manifest

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if not self._file.closed:  # not committed: an error on the way
            self._zip.close()
            self._file.close()
        self._partial.unlink(missing_ok=True)


class Archive:
    """A backup archive opened for reading: its manifest, checked before anything is used."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise BackupError(f"No archive at {path}.") from None
        except zipfile.BadZipFile:
            raise BackupError(f"{path} is not a facilitate backup, or it is truncated (not a "
                              "whole zip archive).") from None
        except OSError as error:
            raise BackupError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            data = self._zip.read(MANIFEST)
        except KeyError:
            self._zip.close()
            raise BackupError(f"{path} is not a facilitate backup (no manifest.json).") from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            self._zip.close()
            raise BackupError(f"{path} is corrupt (its manifest cannot be read).") from None
        try:
            self.manifest = Manifest.from_json(data, path)
        except BackupError:
            self._zip.close()
            raise

    def verify(self) -> None:
        """Every member is listed in the manifest and matches its size and SHA-256 sum."""
        listed = {entry.path for entry in self.manifest.files}
        present = set(self._zip.namelist()) - {MANIFEST}
        if present != listed:
            odd = sorted(present ^ listed)[:3]
            raise BackupError(f"{self.path} does not hold what its manifest lists "
                              f"({', '.join(odd)}).")
        for entry in self.manifest.files:
            for _chunk in self._read(entry):
                pass

    def extract(self, entry: Entry, target: Path) -> None:
        """Write one member to `target` (whose folder exists), checked again as it is read."""
        with target.open("wb") as out:
            for chunk in self._read(entry):
                out.write(chunk)

    def _read(self, entry: Entry) -> Iterator[bytes]:
        digest, size = hashlib.sha256(), 0
        try:
            with self._zip.open(entry.path) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise BackupError(f"{self.path} is corrupt: {entry.path} cannot be read "
                              f"({error}).") from None
        if size != entry.size or digest.hexdigest() != entry.sha256:
            raise BackupError(f"{self.path} is corrupt: {entry.path} does not match the size "
                              "and checksum its manifest records.")

    def close(self) -> None:
        """Close the file."""
        self._zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()
