"""The live room's pages (the Socket.IO events arrive with the live-room work)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from ..extensions import db
from ..registration.operations import find_registration

bp = Blueprint("room", __name__)


@bp.route("/room/<token>")
def join(token: str) -> Any:
    """A participant's way into the room, from the private link."""
    registration = find_registration(
        db.session, token,
        days_after=current_app.config["PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP"])
    return render_template("room/waiting.html", registration=registration,
                           workshop=registration.workshop)
