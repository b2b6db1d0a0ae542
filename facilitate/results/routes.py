"""The coordinator's page of a workshop's results by organisation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _
from flask_login import login_required

from ..extensions import db
from ..memo.finnish import STATEMENT_LABELS
from ..models import PromptKind
from ..series.operations import get_workshop
from . import operations as ops

bp = Blueprint("results", __name__, url_prefix="/manage/workshops")


@bp.get("/<int:workshop_id>/results")
@login_required
def workshop_results(workshop_id: int) -> Any:
    """Every statement and poll by organisation: raw, and as it may be published."""
    workshop = get_workshop(db.session, workshop_id)
    prompts = ops.counted_prompts(db.session, workshop)
    threshold = current_app.config["ANONYMITY_THRESHOLD"]
    return render_template(
        "results/workshop.html", workshop=workshop, prompts=prompts, threshold=threshold,
        raw=ops.breakdowns(db.session, prompts, threshold=None),
        published=ops.breakdowns(db.session, prompts, threshold=threshold,
                                 others_label=_("Muut")),
        columns={p.id: list(STATEMENT_LABELS) if p.kind == PromptKind.STATEMENT
                 else list(p.options or []) for p in prompts})
