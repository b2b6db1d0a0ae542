"""The coordinator's one mail action: try a workshop's unsent messages again now."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..extensions import db
from ..series.operations import get_workshop
from ..web import commit
from . import delivery

bp = Blueprint("mail", __name__)


@bp.route("/manage/workshops/<int:workshop_id>/mail/retry", methods=["POST"])
@login_required
def retry(workshop_id: int) -> Any:
    """Send every unsent message of the workshop now, also those given up."""
    workshop = get_workshop(db.session, workshop_id)
    delivery.retry(db.session, workshop)
    commit()
    result = delivery.deliver(db.session, delivery.due(db.session, workshop=workshop))
    if result.failed:
        flash(_("Viestejä lähetettiin %(sent)s; %(failed)s ei mennyt perille. Yritämme niitä "
                "myöhemmin uudelleen.", sent=result.sent, failed=result.failed), "error")
    else:
        flash(_("Viestejä lähetettiin %(sent)s.", sent=result.sent), "success")
    return redirect(url_for("series.manage_workshop", workshop_id=workshop.id,
                            _anchor="mail-heading"))
