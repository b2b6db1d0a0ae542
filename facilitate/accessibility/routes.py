"""The accessibility statement and its feedback form (public), and the coordinators' pages
that keep the statement and answer the feedback."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Invalid
from ..extensions import db
from ..mail import delivery, messages
from ..models import FEEDBACK_ANSWER_DAYS, FEEDBACK_MAX_CHARS, FEEDBACK_PAGE_MAX_CHARS
from ..ratelimits import feedback_limit
from ..web import commit, site_address
from . import operations as ops
from .forms import DEFECT_FIELDS, FEEDBACK_FIELDS, STATEMENT_FIELDS, fields
from .supervisor import SUPERVISOR

bp = Blueprint("accessibility", __name__)


@bp.route("/saavutettavuus")
def statement() -> Any:
    """The accessibility statement, in the reader's language."""
    return render_template("accessibility/statement.html",
                           statement=ops.get_statement(db.session),
                           defects=ops.list_defects(db.session), defect_text=ops.defect_text,
                           language=str(get_locale()), site=site_address(),
                           answer_days=FEEDBACK_ANSWER_DAYS, supervisor=SUPERVISOR)


@bp.route("/saavutettavuus/palaute", methods=["GET", "POST"])
@feedback_limit
def feedback() -> Any:
    """The feedback form: anyone may report an accessibility problem, without logging in."""
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            sent = ops.submit_feedback(db.session, fields(request.form, FEEDBACK_FIELDS),
                                       language=str(get_locale()))
            recipient = ops.feedback_recipient(db.session)
            mail = (messages.accessibility_feedback(db.session, sent, recipient)
                    if recipient else None)
            commit()
        except Invalid as error:
            db.session.rollback()
            errors = error.errors
        else:
            delivery.send_after_response([mail])
            flash(_("Kiitos palautteesta. Vastaamme %(days)s päivän kuluessa, jos annoit "
                    "vastausosoitteen.", days=FEEDBACK_ANSWER_DAYS), "success")
            return redirect(url_for("accessibility.statement"))
    return render_template("accessibility/feedback.html", errors=errors,
                           form=request.form if errors else {},
                           message_max=FEEDBACK_MAX_CHARS, page_max=FEEDBACK_PAGE_MAX_CHARS,
                           answer_days=FEEDBACK_ANSWER_DAYS), 422 if errors else 200


@bp.route("/manage/accessibility", methods=["GET", "POST"])
@login_required
def edit_statement() -> Any:
    """Keep the statement's data; saving confirms it is up to date."""
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            ops.save_statement(db.session, fields(request.form, STATEMENT_FIELDS),
                               by=current_user.id)
            commit()
            flash(_("Saavutettavuusseloste tallennettiin ja merkittiin tarkistetuksi."),
                  "success")
            return redirect(url_for("accessibility.edit_statement"))
        except Invalid as error:
            db.session.rollback()
            errors = error.errors
    return _edit_page(errors, request.form if errors else None, {}, None,
                      422 if errors else 200)


def _edit_page(errors: dict[str, Any], form: Any, defect_errors: dict[str, Any],
               defect_form: Any, status: int) -> Any:
    statement = ops.get_statement(db.session)
    return render_template(
        "accessibility/edit.html", statement=statement, review_due=ops.review_due(statement),
        defects=ops.list_defects(db.session), errors=errors, form=form,
        defect_errors=defect_errors, defect_form=defect_form or {},
        feedback_to=current_app.config["ACCESSIBILITY_FEEDBACK_TO"],
        counts=ops.feedback_counts(db.session)), status


@bp.route("/manage/accessibility/defects", methods=["POST"])
@login_required
def add_defect() -> Any:
    """Record content known not to be accessible."""
    try:
        ops.add_defect(db.session, fields(request.form, DEFECT_FIELDS), by=current_user.id)
    except Invalid as error:
        db.session.rollback()
        return _edit_page({}, None, error.errors, request.form, 422)
    commit()
    flash(_("Puute lisättiin selosteeseen."), "success")
    return redirect(url_for("accessibility.edit_statement"))


@bp.route("/manage/accessibility/defects/<int:defect_id>/delete", methods=["POST"])
@login_required
def delete_defect(defect_id: int) -> Any:
    """Remove a defect from the statement."""
    ops.delete_defect(db.session, defect_id, by=current_user.id)
    commit()
    flash(_("Puute poistettiin selosteesta."), "success")
    return redirect(url_for("accessibility.edit_statement"))


@bp.route("/manage/accessibility/feedback")
@login_required
def feedback_list() -> Any:
    """What is open, how many days old, and past the Act's 14 days; the latest answered."""
    return render_template("accessibility/feedback_list.html",
                           open_items=ops.open_feedback(db.session),
                           answered=ops.answered_feedback(db.session),
                           answer_days=FEEDBACK_ANSWER_DAYS,
                           recipient=ops.feedback_recipient(db.session))


@bp.route("/manage/accessibility/feedback/<int:feedback_id>/answered", methods=["POST"])
@login_required
def mark_answered(feedback_id: int) -> Any:
    """Record that a message has been answered."""
    ops.mark_answered(db.session, feedback_id, by=current_user.id)
    commit()
    flash(_("Palaute merkittiin vastatuksi."), "success")
    return redirect(url_for("accessibility.feedback_list"))
