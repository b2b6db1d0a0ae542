"""Uploaded files under UPLOADS_DIR, stored under random names so none collide or leak."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from .errors import Invalid

SLIDES_TYPES = {
    ".pdf": "application/pdf",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".ppt": "application/vnd.ms-powerpoint",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}


@dataclass(frozen=True)
class StoredFile:
    """What the database keeps of an upload."""

    stored_as: str
    filename: str
    content_type: str
    size: int


def folder() -> Path:
    """The configured uploads folder, created on first use."""
    path = Path(current_app.config["UPLOADS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_slides(upload: FileStorage) -> StoredFile:
    """Keep a talk's slides; only presentation formats are accepted."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SLIDES_TYPES:
        raise Invalid(_l("Diojen pitää olla PDF-, PowerPoint- tai ODP-tiedosto."), field="slides")
    stored_as = f"{secrets.token_hex(16)}{suffix}"
    target = folder() / stored_as
    upload.save(target)
    return StoredFile(stored_as, Path(upload.filename).name, SLIDES_TYPES[suffix],
                      target.stat().st_size)


def path_of(stored_as: str) -> Path:
    """Where a stored file is; the name is ours, never a user's path."""
    return folder() / Path(stored_as).name


def discard(stored: StoredFile | str | None) -> None:
    """Remove a stored file (one whose row was not saved, or whose row is gone)."""
    if stored is not None:
        name = stored.stored_as if isinstance(stored, StoredFile) else stored
        path_of(name).unlink(missing_ok=True)
