"""Uploaded files under UPLOADS_DIR, stored under random names so none collide or leak."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

import filetype
from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from PIL import Image
from werkzeug.datastructures import FileStorage

from .errors import Invalid
from .formatting import format_size

F = TypeVar("F", bound=Callable[..., Any])

#: The largest request a view taking slides accepts: a presentation with images.
SLIDES_MAX_BYTES = 25 * 1024 * 1024

SLIDES_TYPES = {
    ".pdf": "application/pdf",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".ppt": "application/vnd.ms-powerpoint",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}


#: A funder's logo is an emblem, not a photograph.
LOGO_MAX_BYTES = 1024 * 1024
#: What a view taking a logo reads: a file a few times too large is still refused with the
#: sentence naming LOGO_MAX_BYTES, not the bare "too large" of an over-long request.
LOGO_REQUEST_MAX_BYTES = 4 * LOGO_MAX_BYTES
#: A longer side is a scan or a photograph, and every PDF rendered would decode it.
LOGO_MAX_SIDE_PX = 4000
#: The logo types every export embeds, by what their bytes say: Pillow's name and our suffix.
LOGO_TYPES = {"image/png": ("PNG", ".png"), "image/jpeg": ("JPEG", ".jpg")}


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


@dataclass(frozen=True)
class StoredLogo:
    """What the database keeps of a logo's file."""

    stored_as: str
    content_type: str
    size: int
    width: int
    height: int


def save_logo(upload: FileStorage | None) -> StoredLogo:
    """Keep a funder's logo: a PNG or JPEG by its bytes, which Pillow must open and verify."""
    if upload is None or not upload.filename:
        raise Invalid(_l("Valitse logon kuvatiedosto."), field="logo")
    data = upload.stream.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise Invalid(_l("Logon kuvatiedosto on liian suuri: enintään %(limit)s.",
                         limit=format_size(LOGO_MAX_BYTES)), field="logo")
    kind = filetype.guess(data)
    content_type = kind.mime if kind is not None else None
    refused = _l("Logon pitää olla PNG- tai JPEG-kuva.")
    if content_type not in LOGO_TYPES:
        raise Invalid(refused, field="logo")
    pillow_format, suffix = LOGO_TYPES[content_type]
    try:
        with Image.open(BytesIO(data)) as image:
            opened_as, (width, height) = image.format, image.size
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # A file that starts like a PNG and is not one: the exports could not draw it.
        raise Invalid(refused, field="logo") from None
    if opened_as != pillow_format:
        raise Invalid(refused, field="logo")
    if max(width, height) > LOGO_MAX_SIDE_PX:
        raise Invalid(_l("Logo on liian suuri: enintään %(limit)s kuvapistettä kummaltakin "
                         "sivulta.", limit=LOGO_MAX_SIDE_PX), field="logo")
    stored_as = f"{secrets.token_hex(16)}{suffix}"
    (folder() / stored_as).write_bytes(data)
    return StoredLogo(stored_as, content_type, len(data), width, height)


def _content_type(upload: FileStorage) -> str | None:
    """The type the file's first bytes say it is (filetype reads at most 8 KiB)."""
    head = upload.stream.read(8192)
    upload.stream.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def path_of(stored_as: str) -> Path:
    """Where a stored file is; the name is ours, never a user's path."""
    return folder() / Path(stored_as).name


def discard(stored: StoredFile | StoredLogo | str | None) -> None:
    """Remove a stored file (one whose row was not saved, or whose row is gone)."""
    if stored is not None:
        name = stored if isinstance(stored, str) else stored.stored_as
        path_of(name).unlink(missing_ok=True)
