"""Recording coordinator actions (append-only) and reading them back as sentences."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ..actions.statuses import STATUS_LABELS
from ..models import ActionStatus, AuditEntry, Coordinator, Workshop

log = logging.getLogger("facilitate.audit")

#: Every action the log records, with the sentence it reads as (details fill it in).
ACTIONS: dict[str, Any] = {
    "room.open": _l("avasi huoneen"),
    "room.close": _l("sulki huoneen"),
    "room.phase": _l("siirtyi vaiheeseen: %(step)s"),  # step: a theme or one of _STEPS
    "theme.lock": _l("lukitsi teeman %(theme)s"),
    "theme.unlock": _l("avasi teeman %(theme)s lukituksen"),
    "prompt.reveal": _l("näytti tulokset: %(prompt)s"),
    "prompt.unreveal": _l("piilotti tulokset: %(prompt)s"),
    "contribution.hide": _l("piilotti puheenvuoron %(contribution)s"),
    "contribution.show": _l("palautti näkyviin puheenvuoron %(contribution)s"),
    "contribution.move": _l("siirsi puheenvuoron %(contribution)s teemaan %(theme)s"),
    "note_taker.on": _l("antoi muistiinpanijan roolin: %(participant)s"),
    "note_taker.off": _l("poisti muistiinpanijan roolin: %(participant)s"),
    "series.update": _l("muutti sarjan %(series)s asetuksia"),
    "series_logo.add": _l("lisäsi sarjaan %(series)s logon %(logo)s"),
    "series_logo.delete": _l("poisti sarjasta %(series)s logon %(logo)s"),
    "series_logo.edit": _l("muutti sarjan %(series)s logon %(logo)s tekstejä"),
    "workshop.update": _l("muutti tilaisuuden tietoja"),
    "registration.open": _l("avasi ilmoittautumisen"),
    "registration.close": _l("sulki ilmoittautumisen"),
    "walk_ins.on": _l("salli liittymisen koodilla ilman ilmoittautumista"),
    "walk_ins.off": _l("kielsi liittymisen koodilla ilman ilmoittautumista"),
    "presentation.delete": _l("poisti alustuksen %(presentation)s"),
    "presentation.given": _l("merkitsi alustuksen %(presentation)s pidetyksi"),
    "presentation.not_given": _l("perui alustuksen %(presentation)s merkinnän pidetystä"),
    "theme.delete": _l("poisti teeman %(theme)s"),
    "prompt.delete": _l("poisti kysymyksen %(prompt)s"),
    "prompt.reference": _l("muutti kysymyksen %(prompt)s vertailulukuja"),
    "memo.publish": _l("julkaisi muistion (versio %(version)s)"),
    "memo.correct": _l("julkaisi muistion korjauksen (versio %(version)s)"),
    "attachment.delete": _l("poisti liitteen %(attachment)s"),
    "action.add": _l("kirjasi toimenpiteen %(what)s"),
    "action.delete": _l("poisti toimenpiteen %(what)s"),
    "action.review": _l("merkitsi toimenpiteen %(what)s tilaksi: %(status)s"),
    "wish.carry": _l("lisäsi asialistalle teeman %(theme)s edellisen tapaamisen toiveista"),
    "registration.export": _l("latasi ilmoittautumisen #%(registration)s tiedot osallistujan "
                              "puolesta"),
    "registration.erase": _l("poisti ilmoittautumisen #%(registration)s henkilötiedot "
                             "osallistujan puolesta"),
    # recorded with no coordinator: the participant did it from their private link
    "registration.erase_own": _l("poisti oman ilmoittautumisensa #%(registration)s "
                                 "henkilötiedot"),
    "purge": _l("poisti säilytysajan ylittäneet henkilötiedot (ilmoittautumisia: "
                "%(registrations)s, lokimerkintöjen nimiä: %(audit_names)s)"),
    "accessibility.update": _l("päivitti saavutettavuusselosteen"),
    "accessibility_defect.add": _l("lisäsi saavutettavuusselosteeseen puutteen %(defect)s"),
    "accessibility_defect.delete": _l("poisti saavutettavuusselosteesta puutteen %(defect)s"),
    "accessibility_feedback.answer": _l("merkitsi saavutettavuuspalautteen %(feedback)s "
                                        "vastatuksi"),
    "privacy_notice.update": _l("muutti sarjan %(series)s tietosuojaselosteen tekstejä "
                                "(%(languages)s)"),
}

#: The entries that name a participant, and the detail that holds the name: the note-taker
#: role's participant, and the note-taker who recorded an agreed action.
NAMING_PARTICIPANTS = {"note_taker.on": "participant", "note_taker.off": "participant",
                       "action.add": "recorder", "action.delete": "recorder",
                       "action.review": "recorder"}

_STEPS = {"opening": _l("Alustukset"), "closing": _l("Lopetus")}

#: What a quoted text in an entry keeps (a contribution, a title): enough to recognise it.
QUOTE_CHARS = 80


def quote(text: str) -> str:
    """A short quotation of a text for an entry."""
    text = " ".join(text.split())
    return f"”{text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + '…'}”"


def record(s: Session, action: str, *, by: int | None, workshop_id: int | None = None,
           **details: Any) -> AuditEntry:
    """Log that coordinator `by` (None: the command line) did `action`; the caller commits."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    coordinator = s.get(Coordinator, by) if by is not None else None
    workshop = s.get(Workshop, workshop_id) if workshop_id is not None else None
    if workshop is not None:  # kept, so the entry still says which one after it is deleted
        details = {"workshop_title": workshop.title, **details}
    entry = AuditEntry(coordinator_id=by, who=coordinator.name if coordinator else "",
                       workshop_id=workshop_id, action=action, details=details)
    s.add(entry)
    s.flush()
    # The entry's id, not its details: those may name a participant, and a purge can blank a
    # name in the database but not in a log file.
    log.info("audit: coordinator %s %s (workshop %s), entry %s", by, action, workshop_id,
             entry.id)
    return entry


def entries_naming(s: Session, workshop_id: int, names: set[str]
                   ) -> list[tuple[int, str, dict[str, Any]]]:
    """A workshop's entries that name one of these participants: (id, the detail naming them,
    the details)."""
    rows = s.execute(select(AuditEntry.id, AuditEntry.action, AuditEntry.details).where(
        AuditEntry.workshop_id == workshop_id,
        AuditEntry.action.in_(NAMING_PARTICIPANTS)))
    return [(row.id, NAMING_PARTICIPANTS[row.action], row.details) for row in rows
            if (row.details or {}).get(NAMING_PARTICIPANTS[row.action]) in names - {""}]


def forget_names(s: Session, workshop_id: int, names: set[str]) -> int:
    """Blank these participants' names in a workshop's entries; returns how many changed.

    The one exception to append-only, for the retention purge and erasure on request: the
    log is evidence of what coordinators did, which the entry still says (who, when, which
    role), but a person's name may not outlive their registration. Matched by name, as the
    entries were written: a namesake in the same workshop loses their name in the log too,
    which errs on the side of privacy. The caller records that it happened ("purge" or
    "registration.erase")."""
    found = entries_naming(s, workshop_id, names)
    for entry_id, key, details in found:
        # A statement, not a change of a loaded entry: the flush guard below stays strict.
        s.execute(update(AuditEntry).where(AuditEntry.id == entry_id)
                  .values(details=details | {key: ""}),
                  execution_options={"synchronize_session": False})
        loaded = s.identity_map.get(identity_key(AuditEntry, entry_id))
        if loaded is not None:
            s.expire(loaded)
    return len(found)


def describe(entry: AuditEntry) -> str:
    """The entry's action as a sentence in the current language."""
    details = dict(entry.details)
    if NAMING_PARTICIPANTS.get(entry.action) == "participant" and not details["participant"]:
        details["participant"] = _l("(poistettu osallistuja)")
    if entry.action == "room.phase":
        details["step"] = details.get("theme") or _STEPS[details["phase"]]
    if entry.action == "action.review":
        details["status"] = STATUS_LABELS[ActionStatus(details["status"])]
    said = str(ACTIONS[entry.action] % details) if details else str(ACTIONS[entry.action])
    if entry.action in ("memo.publish", "memo.correct") and details.get("language") == "sv":
        # The Swedish memo is numbered on its own: "version 2" alone would mislead.
        said += str(_l(", ruotsinkielinen"))
    return said


#: The log page shows this many of the newest entries.
PAGE_ENTRIES = 500


def list_entries(s: Session, *, workshop_id: int | None = None,
                 limit: int = PAGE_ENTRIES) -> list[AuditEntry]:
    """The newest entries first, of one workshop or of everything."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if workshop_id is not None:
        query = query.where(AuditEntry.workshop_id == workshop_id)
    return list(s.scalars(query))


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context: Any, _instances: Any) -> None:
    # An entry, once written, is evidence: the application never changes or removes one
    # (its foreign keys are set to NULL by the database when an account or workshop goes).
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditEntry) and (
                instance in session.deleted or session.is_modified(instance)):
            raise RuntimeError("audit entries are append-only")
