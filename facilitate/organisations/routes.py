"""Coordinator page for organisations: review those typed in by participants."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..errors import Invalid
from ..extensions import db
from ..web import commit
from . import operations as ops

bp = Blueprint("organisations", __name__, url_prefix="/manage/organisations")


@bp.route("/")
@login_required
def index() -> Any:
    """Every organisation, with the phrase memos use for it."""
    return render_template("organisations/index.html", organisations=ops.list_all(db.session))


@bp.route("/<int:organisation_id>", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int) -> Any:
    """Set a non-county organisation's name, kind, memo phrase and listing."""
    organisation = ops.get_organisation(db.session, organisation_id)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            ops.update_organisation(db.session, organisation, {
                "name_fi": request.form.get("name_fi", ""),
                "memo_phrase": request.form.get("memo_phrase", ""),
                "name_sv": request.form.get("name_sv", ""),
                "memo_phrase_sv": request.form.get("memo_phrase_sv", ""),
                "kind": request.form.get("kind", ""),
                "is_listed": request.form.get("is_listed") == "on",
            })
            commit()
            flash(_("Organisaation tiedot tallennettiin."), "success")
            return redirect(url_for("organisations.index"))
        except Invalid as error:
            db.session.rollback()
            db.session.refresh(organisation)
            errors = error.errors
    return render_template("organisations/edit.html", organisation=organisation, errors=errors,
                           form=request.form if errors else None), 422 if errors else 200
