"""Rules of a workshop's memo: versions are saved, never changed; one is published at a time,
its files written under EXPORTS_DIR; a correction is a newer version published again. Each
memo language (MEMO_LANGUAGES) has its own versions, numbered and published on their own."""

from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..audit import operations as audit
from ..errors import Collector, Conflict, Invalid, NotFound
from ..export import Document, render
from ..formatting import format_day
from ..models import (
    MEMO_FORMATS,
    MEMO_LANGUAGES,
    MEMO_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    Attachment,
    Coordinator,
    MemoFile,
    MemoVersion,
    Room,
    RoomStatus,
    Series,
    Workshop,
)
from ..series.operations import logos_for
from ..timeutil import now_utc
from ..validation import clean_text, clean_texts
from . import phrasing, sources
from .addresses import export_path
from .appendix import wishes_appendix
from .compile import (
    compile_memo,
    memo_markdown,
    memo_sources,
    resolve_series_blocks,
    unfilled_series_blocks,
)
from .phrasing import find_placeholders

ATTACHMENT_FIELDS = {
    # field: (max_chars, required, multiline)
    "title": (TITLE_MAX_CHARS, True, False),
    "body": (TEXT_MAX_CHARS, False, True),
}


def check_language(language: str) -> str:
    """A memo language, or NotFound: the addresses name it."""
    if language not in MEMO_LANGUAGES:
        raise NotFound(_l("Muistiota ei löydy."))
    return language


def _of(workshop: Workshop, language: str) -> Any:
    return (MemoVersion.workshop_id == workshop.id) & (MemoVersion.language == language)


def versions_of(s: Session, workshop: Workshop, language: str = "fi") -> list[MemoVersion]:
    """A workshop's memo versions in a language, newest first, with who saved and published
    them."""
    return list(s.scalars(
        select(MemoVersion).where(_of(workshop, language))
        .options(selectinload(MemoVersion.files), selectinload(MemoVersion.saved_by),
                 selectinload(MemoVersion.published_by))
        .order_by(MemoVersion.number.desc())))


def get_version(s: Session, workshop: Workshop, number: int,
                language: str = "fi") -> MemoVersion:
    """One version of a workshop's memo in a language."""
    version = s.scalar(select(MemoVersion).where(_of(workshop, language),
                                                 MemoVersion.number == number))
    if version is None:
        raise NotFound(_l("Muistion versiota ei löydy."))
    return version


def latest_published(s: Session, workshop: Workshop,
                     language: str = "fi") -> MemoVersion | None:
    """The version readers get: the newest published one in a language."""
    return s.scalar(select(MemoVersion).where(_of(workshop, language),
                                              MemoVersion.published_at.is_not(None))
                    .order_by(MemoVersion.number.desc()).limit(1))


def _add_version(s: Session, workshop: Workshop, markdown: str, comment: str,
                 coordinator: Coordinator | None, language: str,
                 found: sources.Sources) -> MemoVersion:
    number = (s.scalar(select(func.max(MemoVersion.number))
                       .where(_of(workshop, language))) or 0) + 1
    version = MemoVersion(workshop_id=workshop.id, language=language, number=number,
                          markdown=markdown, sources=found,
                          comment=comment, saved_by_id=coordinator.id if coordinator else None,
                          saved_at=now_utc())
    s.add(version)
    s.flush()
    return version


def start_memo(s: Session, workshop: Workshop, *, base_url: str, language: str = "fi",
               anonymity_threshold: int | None = None) -> MemoVersion:
    """The newest version in a language, or a first draft compiled from the workshop (saved by
    nobody); with `anonymity_threshold`, its results by organisation under that rule."""
    versions = versions_of(s, workshop, language)
    if versions:
        return versions[0]
    memo = compile_memo(s, workshop, base_url=base_url, language=language,
                        anonymity_threshold=anonymity_threshold)
    return _add_version(s, workshop, memo_markdown(memo, marked=True),
                        str(_l("Koottu tilaisuuden tiedoista")), None, language,
                        memo_sources(memo))


def recompile(s: Session, workshop: Workshop, coordinator: Coordinator, *,
              base_url: str, language: str = "fi",
              anonymity_threshold: int | None = None) -> MemoVersion:
    """A new version compiled afresh from the workshop (earlier versions stay as they were,
    published ones byte for byte, whatever the threshold is now)."""
    memo = compile_memo(s, workshop, base_url=base_url, language=language,
                        anonymity_threshold=anonymity_threshold)
    return _add_version(s, workshop, memo_markdown(memo, marked=True),
                        str(_l("Koottu uudelleen tilaisuuden tiedoista")), coordinator,
                        language, memo_sources(memo))


def save_version(s: Session, workshop: Workshop, coordinator: Coordinator, markdown: object,
                 comment: object, based_on: object, language: str = "fi") -> MemoVersion | None:
    """Save the edited Markdown as a new version; None when nothing changed.

    `based_on` is the version number the editor started from: if someone saved a newer one
    meanwhile, this is refused (the caller keeps the text), so no one overwrites unseen work.
    Each source marker left in the text keeps what it stood for (sources.carried_sources).
    """
    errors = Collector()
    text = clean_text(errors, "markdown", markdown, max_chars=MEMO_MAX_CHARS, multiline=True)
    note = clean_text(errors, "comment", comment, max_chars=TITLE_MAX_CHARS, required=False)
    errors.raise_if_any()
    newest = s.scalar(select(MemoVersion).where(_of(workshop, language))
                      .order_by(MemoVersion.number.desc()).limit(1))
    newest_number = newest.number if newest else 0
    if based_on != newest_number:
        raise Conflict(_l("Muistiosta on tallennettu sillä välin uudempi versio %(number)s. "
                          "Tekstisi on tallella alla: vertaa versioita ja tallenna uudelleen.",
                          number=newest_number))
    if newest is not None and newest.markdown == text + "\n" and not note:
        return None
    return _add_version(s, workshop, text + "\n", note, coordinator, language,
                        sources.carried_sources(text, earlier_sources(s, workshop, language)))


def earlier_sources(s: Session, workshop: Workshop,
                    language: str = "fi") -> list[sources.Sources]:
    """Every version's sources in a language, oldest first; one query."""
    return list(s.scalars(select(MemoVersion.sources).where(_of(workshop, language))
                          .order_by(MemoVersion.number)))


def memo_title(workshop: Workshop, series: Series, markdown: str) -> str:
    """The documents' title (PDF /Title, the running header, DOCX's): the memo's own heading
    as the coordinator left it, with the date; the series' memo heading if it has none."""
    first = markdown.lstrip().split("\n", 1)[0]
    heading = first[2:].strip() if first.startswith("# ") else ""
    fallback = phrasing.of("fi").heading(series.memo_title or series.title)
    return f"{heading or fallback} {format_day(workshop.day)}"


def publish_version(s: Session, workshop: Workshop, version: MemoVersion,
                    coordinator: Coordinator, *, exports_dir: str, uploads_dir: str,
                    base_url: str, now: datetime | None = None,
                    with_wishes: bool = False) -> MemoVersion:
    """Publish the newest version of its language: refuse while placeholders or untranslated
    blocks remain, a logo lacks its text in the memo's language, or the room is open; write
    every format under EXPORTS_DIR, then mark the version published (immutable from now on).

    The series blocks are filled in now, with the series' memos as published at this moment
    (links at `base_url`), and so are the series' logos (files under `uploads_dir`): the files
    keep what they said then, whatever is published or deleted later. The source markers are
    taken out of every file (the version keeps them); `with_wishes` adds the appendix of the
    wishes received after the attachments, when anybody sent one.
    """
    if version.published_at is not None:
        raise Conflict(_l("Versio %(number)s on jo julkaistu.", number=version.number))
    language = version.language
    newest = s.scalar(select(func.max(MemoVersion.number)).where(_of(workshop, language)))
    if version.number != newest:
        raise Conflict(_l("Vain uusimman version voi julkaista (versio %(number)s).",
                          number=newest))
    missing = find_placeholders(version.markdown)
    if missing:
        raise Invalid(_l("Muistiossa on vielä täydennettävää (%(count)s kohtaa), esimerkiksi "
                         "”%(first)s”. Täydennä ne ja tallenna ennen julkaisua.",
                         count=len(missing), first=missing[0]), field="markdown")
    room = s.get(Room, workshop.id)
    if room is not None and room.status == RoomStatus.OPEN:
        raise Conflict(_l("Sulje tilaisuuden huone ennen muistion julkaisua."))
    series = s.get_one(Series, workshop.series_id)
    markdown = resolve_series_blocks(s, workshop, sources.strip_markers(version.markdown),
                                     base_url=base_url, now=now, language=language)
    unfilled = unfilled_series_blocks(markdown)
    if unfilled:
        raise Invalid(_l("Lohkoa ```%(block)s``` on muutettu, eikä sitä voi täyttää. Palauta se "
                         "tyhjäksi lohkoksi tai poista se.", block=unfilled[0]), field="markdown")
    appendix = wishes_appendix(s, workshop, markdown, language) if with_wishes else ""
    if appendix:
        markdown = f"{markdown.rstrip()}\n\n{appendix}"
    document = Document(title=memo_title(workshop, series, markdown), markdown=markdown,
                        language=language, subject=series.title, author=series.organiser,
                        logos=logos_for(series, language, uploads_dir, base_url))
    for fmt in MEMO_FORMATS:
        content = render(document, fmt)
        relative = export_path(series.slug, workshop.day, version.number, fmt,
                               language=language)
        _write_atomically(Path(exports_dir) / relative, content)
        version.files.append(MemoFile(format=fmt, path=relative, size=len(content),
                                      sha256=hashlib.sha256(content).hexdigest()))
    correction = latest_published(s, workshop, language) is not None
    version.published_at = now or now_utc()
    version.published_by_id = coordinator.id
    version.wishes_appendix = bool(appendix)
    audit.record(s, "memo.correct" if correction else "memo.publish", by=coordinator.id,
                 workshop_id=workshop.id, version=version.number, language=language,
                 wishes_appendix=bool(appendix))
    s.flush()
    return version


def _write_atomically(path: Path, content: bytes) -> None:
    # A reader downloading while a correction is written never gets half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)


def published_file(s: Session, series: Series, day: date, fmt: str,
                   number: int | None = None, language: str = "fi") -> MemoFile:
    """A published memo's file by its stable address: the newest published version, or one."""
    if fmt not in MEMO_FORMATS:
        raise NotFound(_l("Muistiota ei löydy."))
    query = (select(MemoFile).join(MemoVersion).join(Workshop)
             .where(Workshop.series_id == series.id, Workshop.day == day,
                    MemoVersion.language == check_language(language),
                    MemoVersion.published_at.is_not(None), MemoFile.format == fmt)
             .order_by(MemoVersion.number.desc()).limit(1))
    if number is not None:
        query = query.where(MemoVersion.number == number)
    found = s.scalar(query)
    if found is None:
        raise NotFound(_l("Muistiota ei löydy."))
    return found


@dataclass(frozen=True)
class PublishedMemo:
    """What readers get of a workshop's memo: the newest published version, when the memo
    was first published (earlier than the version's own date after a correction), and the
    versions it corrected, newest first (their files stay downloadable)."""

    version: MemoVersion
    first_published_at: datetime
    corrected: tuple[MemoVersion, ...] = ()

    @property
    def is_corrected(self) -> bool:
        return self.version.published_at != self.first_published_at


def published_memos(s: Session, series: Series,
                    language: str = "fi") -> dict[int, PublishedMemo]:
    """Each workshop's published memo in a series and language, by workshop id."""
    versions = s.scalars(
        select(MemoVersion).join(Workshop).where(Workshop.series_id == series.id,
                                                 MemoVersion.language == language,
                                                 MemoVersion.published_at.is_not(None))
        .options(selectinload(MemoVersion.files)).order_by(MemoVersion.number))
    memos: dict[int, PublishedMemo] = {}
    for version in versions:
        before = memos.get(version.workshop_id)
        memos[version.workshop_id] = PublishedMemo(
            version, before.first_published_at if before else version.published_at,
            (before.version, *before.corrected) if before else ())
    return memos


def list_attachments(s: Session, workshop: Workshop) -> list[Attachment]:
    """A workshop's memo attachments in the memo's order (Liite 1, Liite 2, …)."""
    # Ordered as compile.py reads them, so the page and the memo number them alike.
    return list(s.scalars(select(Attachment).where(Attachment.workshop_id == workshop.id)
                          .order_by(Attachment.position, Attachment.id)))


def get_attachment(s: Session, workshop: Workshop, attachment_id: int) -> Attachment:
    """An attachment of this workshop; another workshop's attachment is not found."""
    attachment = s.get(Attachment, attachment_id)
    if attachment is None or attachment.workshop_id != workshop.id:
        raise NotFound(_l("Liitettä ei löydy."))
    return attachment


def _clean_attachment(title: object, body: object) -> dict[str, str]:
    errors = Collector()
    cleaned = clean_texts(errors, {"title": title, "body": body}, ATTACHMENT_FIELDS,
                          partial=False)
    errors.raise_if_any()
    return cleaned


def _renumber(s: Session, workshop: Workshop, attachments: list[Attachment]) -> None:
    for position, attachment in enumerate(attachments):
        attachment.position = position
    s.flush()
    s.expire(workshop, ["attachments"])


def add_attachment(s: Session, workshop: Workshop, title: object, body: object) -> Attachment:
    """A new attachment after the others."""
    cleaned = _clean_attachment(title, body)
    attachments = list_attachments(s, workshop)
    attachment = Attachment(workshop_id=workshop.id, **cleaned)
    s.add(attachment)
    _renumber(s, workshop, [*attachments, attachment])
    return attachment


def update_attachment(s: Session, workshop: Workshop, attachment_id: int, title: object,
                      body: object) -> Attachment:
    """Change an attachment's title and text."""
    attachment = get_attachment(s, workshop, attachment_id)
    for field, value in _clean_attachment(title, body).items():
        setattr(attachment, field, value)
    s.flush()
    return attachment


def delete_attachment(s: Session, workshop: Workshop, attachment_id: int, *,
                      by: int | None = None) -> str:
    """Remove an attachment (the later ones move up a number); returns its title."""
    attachment = get_attachment(s, workshop, attachment_id)
    title = attachment.title
    audit.record(s, "attachment.delete", by=by, workshop_id=workshop.id,
                 attachment=audit.quote(title))
    s.delete(attachment)
    s.flush()
    _renumber(s, workshop, list_attachments(s, workshop))
    return title


def move_attachment(s: Session, workshop: Workshop, attachment_id: int,
                    offset: int) -> list[Attachment]:
    """Move an attachment up (-1) or down (+1); returns the attachments in their new order."""
    if offset not in (-1, 1):
        raise ValueError(f"offset must be -1 or 1, not {offset!r}")
    attachment = get_attachment(s, workshop, attachment_id)
    attachments = list_attachments(s, workshop)
    index = attachments.index(attachment)
    target = index + offset
    if 0 <= target < len(attachments):
        attachments[index], attachments[target] = attachments[target], attachments[index]
    # Renumbered even at an end: positions from older data may have gaps or ties.
    _renumber(s, workshop, attachments)
    return attachments


@dataclass(frozen=True)
class DiffLine:
    """One line of a comparison: kind is "same", "added", "removed" or "gap"."""

    kind: str
    text: str
    old: int | None
    new: int | None


def compare(old: MemoVersion, new: MemoVersion, context: int = 3) -> list[DiffLine]:
    """Line-by-line differences between two versions, with a few lines of context."""
    a, b = old.markdown.splitlines(), new.markdown.splitlines()
    lines: list[DiffLine] = []
    for group in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…", None, None))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", a[i], i + 1, j1 + i - i1 + 1) for i in range(i1, i2)]
                continue
            lines += [DiffLine("removed", a[i], i + 1, None) for i in range(i1, i2)]
            lines += [DiffLine("added", b[j], None, j + 1) for j in range(j1, j2)]
    return lines
