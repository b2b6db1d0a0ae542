"""Rules for the accessibility statement (what coordinators keep of it, when it is due for
review) and its feedback (sent by anyone, answered within the Act's 14 days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import operations as audit
from ..errors import Collector, Conflict, NotFound
from ..models import (
    DEFECT_MAX_CHARS,
    FEEDBACK_ANSWER_DAYS,
    FEEDBACK_MAX_CHARS,
    FEEDBACK_PAGE_MAX_CHARS,
    STATEMENT_REVIEW_DAYS,
    TITLE_MAX_CHARS,
    AccessibilityDefect,
    AccessibilityFeedback,
    AccessibilityStatement,
    AssessmentMethod,
    Compliance,
    DefectReason,
)
from ..timeutil import now_utc, to_local
from ..validation import clean_email, clean_text, parse_date


def local_today() -> date:
    """Today in Finnish time, the day the statement's and feedback's ages count from."""
    return to_local(now_utc()).date()


def get_statement(s: Session) -> AccessibilityStatement | None:
    """The statement as coordinators keep it; None until one has written it."""
    return s.scalar(select(AccessibilityStatement).order_by(AccessibilityStatement.id).limit(1))


def review_due(statement: AccessibilityStatement | None, today: date | None = None) -> bool:
    """Whether coordinators are to be warned: no statement yet, or not reviewed for a year."""
    if statement is None:
        return True
    return (today or local_today()) - to_local(statement.reviewed_at).date() > timedelta(
        days=STATEMENT_REVIEW_DAYS)


def save_statement(s: Session, data: dict[str, Any], *, by: int | None) -> AccessibilityStatement:
    """Write the statement's data; saving it is the coordinator's confirmation that it is up
    to date, so the review date moves to now even when nothing else changed."""
    errors = Collector()
    compliance = _choice(errors, "compliance", Compliance, data.get("compliance"),
                         _l("Valitse, miten palvelu täyttää vaatimukset."))
    method = _choice(errors, "assessment_method", AssessmentMethod,
                     data.get("assessment_method"), _l("Valitse, kuka arvioinnin teki."))
    assessed_on = parse_date(errors, "assessed_on", data.get("assessed_on"))
    assessor = clean_text(errors, "assessor", data.get("assessor"), max_chars=TITLE_MAX_CHARS,
                          required=False)
    contact = clean_email(errors, "contact_email", data.get("contact_email"))
    checked_on = None
    if (data.get("automated_check_on") or "").strip():
        checked_on = parse_date(errors, "automated_check_on", data.get("automated_check_on"))
    today = local_today()
    for field, day in (("assessed_on", assessed_on), ("automated_check_on", checked_on)):
        if day is not None and day > today:
            errors.add(field, _l("Päivämäärä ei voi olla tulevaisuudessa."))
    errors.raise_if_any()
    statement = get_statement(s)
    if statement is None:
        statement = AccessibilityStatement()
        s.add(statement)
    statement.compliance, statement.assessment_method = compliance, method
    statement.assessed_on, statement.assessor = assessed_on, assessor
    statement.contact_email, statement.automated_check_on = contact, checked_on
    statement.reviewed_at, statement.reviewed_by_id = now_utc(), by
    s.flush()
    audit.record(s, "accessibility.update", by=by)
    return statement


def _choice(errors: Collector, field: str, kind: type[Any], value: Any, refused: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        errors.add(field, refused)
        return None


def list_defects(s: Session) -> list[AccessibilityDefect]:
    """The known defects in the order they were recorded."""
    return list(s.scalars(select(AccessibilityDefect).order_by(AccessibilityDefect.id)))


def defect_text(defect: AccessibilityDefect, language: str) -> tuple[str, str]:
    """The defect's description in `language`, else in Finnish, with the language it is in."""
    text = getattr(defect, f"description_{language}", "") or ""
    return (text, language) if text else (defect.description_fi, "fi")


def add_defect(s: Session, data: dict[str, Any], *, by: int | None) -> AccessibilityDefect:
    """Record content known not to be accessible, described in Finnish (and optionally in
    Swedish and English), with the Act's reason."""
    errors = Collector()
    reason = _choice(errors, "reason", DefectReason, data.get("reason"),
                     _l("Valitse syy, miksi sisältö ei ole saavutettava."))
    texts = {language: clean_text(errors, f"description_{language}",
                                  data.get(f"description_{language}"),
                                  max_chars=DEFECT_MAX_CHARS, required=language == "fi",
                                  multiline=True)
             for language in ("fi", "sv", "en")}
    errors.raise_if_any()
    defect = AccessibilityDefect(reason=reason, description_fi=texts["fi"],
                                 description_sv=texts["sv"], description_en=texts["en"])
    s.add(defect)
    s.flush()
    audit.record(s, "accessibility_defect.add", by=by, defect=audit.quote(texts["fi"]))
    return defect


def delete_defect(s: Session, defect_id: int, *, by: int | None) -> None:
    """Remove a defect from the statement (fixed, or recorded by mistake)."""
    defect = s.get(AccessibilityDefect, defect_id)
    if defect is None:
        raise NotFound(_l("Puutetta ei löydy."))
    audit.record(s, "accessibility_defect.delete", by=by,
                 defect=audit.quote(defect.description_fi))
    s.delete(defect)
    s.flush()


def submit_feedback(s: Session, data: dict[str, Any], *, language: str) -> AccessibilityFeedback:
    """Store feedback from the public form; the message is kept as typed (pages show it as
    text), the reply address only if one was given."""
    errors = Collector()
    message = clean_text(errors, "message", data.get("message"), max_chars=FEEDBACK_MAX_CHARS,
                         multiline=True)
    page = clean_text(errors, "page", data.get("page"), max_chars=FEEDBACK_PAGE_MAX_CHARS,
                      required=False)
    reply_to = None
    if (data.get("reply_to") or "").strip():
        reply_to = clean_email(errors, "reply_to", data.get("reply_to")) or None
    errors.raise_if_any()
    feedback = AccessibilityFeedback(message=message, page=page, reply_to=reply_to,
                                     language=language)
    s.add(feedback)
    s.flush()
    return feedback


def feedback_recipient(s: Session) -> str | None:
    """Where new feedback is mailed: ACCESSIBILITY_FEEDBACK_TO, else the statement's contact
    address; None when neither is set (the coordinators' list still shows it)."""
    configured = current_app.config.get("ACCESSIBILITY_FEEDBACK_TO", "").strip()
    if configured:
        return configured
    statement = get_statement(s)
    return statement.contact_email if statement is not None else None


@dataclass(frozen=True)
class FeedbackItem:
    """A feedback message as the coordinators' list shows it."""

    feedback: AccessibilityFeedback
    #: whole days since it came in, counted in Finnish days
    age_days: int
    #: the last day of the Act's 14 days to answer it
    due_on: date

    @property
    def overdue(self) -> bool:
        return self.feedback.answered_at is None and self.age_days > FEEDBACK_ANSWER_DAYS


def _item(feedback: AccessibilityFeedback, today: date) -> FeedbackItem:
    received = to_local(feedback.created_at).date()
    return FeedbackItem(feedback, (today - received).days,
                        received + timedelta(days=FEEDBACK_ANSWER_DAYS))


def open_feedback(s: Session, today: date | None = None) -> list[FeedbackItem]:
    """Feedback not answered yet, oldest (most urgent) first."""
    today = today or local_today()
    return [_item(feedback, today) for feedback in s.scalars(
        select(AccessibilityFeedback).where(AccessibilityFeedback.answered_at.is_(None))
        .order_by(AccessibilityFeedback.created_at, AccessibilityFeedback.id))]


#: The list shows this many of the latest answered messages below the open ones.
ANSWERED_SHOWN = 50


def answered_feedback(s: Session, today: date | None = None) -> list[FeedbackItem]:
    """The latest answered feedback, newest answer first."""
    today = today or local_today()
    return [_item(feedback, today) for feedback in s.scalars(
        select(AccessibilityFeedback).where(AccessibilityFeedback.answered_at.is_not(None))
        .order_by(AccessibilityFeedback.answered_at.desc()).limit(ANSWERED_SHOWN))]


@dataclass(frozen=True)
class FeedbackCounts:
    """How much feedback is open, and how much of it is past the 14 days."""

    open: int
    overdue: int


def feedback_counts(s: Session, today: date | None = None) -> FeedbackCounts:
    """The open and overdue counts the coordinator's start page shows."""
    items = open_feedback(s, today)
    return FeedbackCounts(len(items), sum(item.overdue for item in items))


def mark_answered(s: Session, feedback_id: int, *, by: int | None) -> AccessibilityFeedback:
    """Record that a feedback message has been answered (outside this service, by mail)."""
    feedback = s.get(AccessibilityFeedback, feedback_id)
    if feedback is None:
        raise NotFound(_l("Palautetta ei löydy."))
    if feedback.answered_at is not None:
        raise Conflict(_l("Palaute on jo merkitty vastatuksi."))
    feedback.answered_at, feedback.answered_by_id = now_utc(), by
    s.flush()
    audit.record(s, "accessibility_feedback.answer", by=by,
                 feedback=audit.quote(feedback.message))
    return feedback

