"""Uploaded files under UPLOADS_DIR, stored under random names so none collide or leak."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import filetype
from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from .errors import Invalid

F = TypeVar("F", bound=Callable[..., Any])

#: The largest request a view taking slides accepts: a presentation with images.
SLIDES_MAX_BYTES = 25 * 1024 * 1024

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


def accepts_files(max_bytes: int) -> Callable[[F], F]:
    """Mark a view that takes uploads: its requests may be up to `max_bytes` long."""

    def mark(view: F) -> F:
        view.upload_max_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


def init_app(app: Flask) -> None:
    """Raise the request size limit for views marked with accepts_files, for signed-in
    coordinators only. Call before the CSRF protection is set up: its check reads the form,
    so the limit must be known by then."""

    @app.before_request
    def _upload_limit() -> None:
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "upload_max_bytes", None)
        # Anyone else stops at MAX_CONTENT_LENGTH: a stranger cannot make us read 25 MiB.
        if limit is not None and current_user.is_authenticated:
            request.max_content_length = limit


def folder() -> Path:
    """The configured uploads folder, created on first use."""
    path = Path(current_app.config["UPLOADS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_slides(upload: FileStorage) -> StoredFile:
    """Keep a talk's slides; only presentation formats are accepted, by name and by content."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SLIDES_TYPES or _content_type(upload) != SLIDES_TYPES[suffix]:
        raise Invalid(_l("Diojen pitää olla PDF-, PowerPoint- tai ODP-tiedosto."), field="slides")
    stored_as = f"{secrets.token_hex(16)}{suffix}"
    target = folder() / stored_as
    upload.save(target)
    return StoredFile(stored_as, Path(upload.filename).name, SLIDES_TYPES[suffix],
                      target.stat().st_size)


def _content_type(upload: FileStorage) -> str | None:
    """The type the file's first bytes say it is (filetype reads at most 8 KiB)."""
    head = upload.stream.read(8192)
    upload.stream.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def path_of(stored_as: str) -> Path:
    """Where a stored file is; the name is ours, never a user's path."""
    return folder() / Path(stored_as).name


def discard(stored: StoredFile | str | None) -> None:
    """Remove a stored file (one whose row was not saved, or whose row is gone)."""
    if stored is not None:
        name = stored.stored_as if isinstance(stored, StoredFile) else stored
        path_of(name).unlink(missing_ok=True)
