"""The audit log pages for coordinators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import login_required

from ..extensions import db
from ..series.operations import get_workshop
from . import operations as ops

bp = Blueprint("audit", __name__, url_prefix="/manage/audit")


@bp.get("/")
@login_required
def log() -> Any:
    """What coordinators did, newest first."""
    return render_template("audit/log.html", workshop=None, describe=ops.describe,
                           entries=ops.list_entries(db.session), page=ops.PAGE_ENTRIES)


@bp.get("/workshops/<int:workshop_id>")
@login_required
def workshop_log(workshop_id: int) -> Any:
    """What coordinators did in one workshop, newest first."""
    workshop = get_workshop(db.session, workshop_id)
    return render_template("audit/log.html", workshop=workshop, describe=ops.describe,
                           entries=ops.list_entries(db.session, workshop_id=workshop.id),
                           page=ops.PAGE_ENTRIES)
