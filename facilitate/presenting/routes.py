"""The presenter view's page and the words of its word cloud."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from ..agenda.operations import get_theme
from ..extensions import db
from ..joining import codes
from ..models import Contribution
from ..series.operations import get_workshop
from .words import word_counts

bp = Blueprint("presenting", __name__)


@bp.route("/present/<int:workshop_id>")
@login_required
def present(workshop_id: int) -> Any:
    """The coordinator's screen to share: the current step in large type, live."""
    workshop = get_workshop(db.session, workshop_id)
    return render_template("presenting/present.html", workshop=workshop,
                           join_code=codes.shown(workshop.join_code),
                           storage_key=f"w{workshop.id}-p{current_user.get_id()}")


@bp.route("/present/<int:workshop_id>/themes/<int:theme_id>/words.json")
@login_required
def words(workshop_id: int, theme_id: int) -> Any:
    """The word cloud of a theme's visible contributions (of one prompt, with ?prompt=)."""
    theme = get_theme(db.session, get_workshop(db.session, workshop_id), theme_id)
    query = select(Contribution.text).where(Contribution.theme_id == theme.id,
                                            Contribution.is_hidden.is_(False))
    prompt_id = request.args.get("prompt", type=int)
    if prompt_id is not None:
        query = query.where(Contribution.prompt_id == prompt_id)
    texts = db.session.scalars(query).all()
    counted = word_counts(texts, current_app.config["WORD_INDEX_DIR"])
    return jsonify(words=[{"word": word, "count": count} for word, count in counted],
                   contributions=len(texts))
