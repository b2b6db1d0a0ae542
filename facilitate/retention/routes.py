"""Access and erasure pages: a participant downloads or deletes their registration from their
private page; a coordinator does either on a participant's behalf."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..audit import operations as audit
from ..extensions import db
from ..models import Registration
from ..registration.operations import find_registration
from ..series.operations import get_workshop
from ..web import commit, keep_private
from . import operations as ops

bp = Blueprint("retention", __name__)


bp.after_request(keep_private)


def _own(token: str) -> Registration:
    # A stale, replaced or foreign token is not found, as on the private page itself.
    return find_registration(
        db.session, token,
        days_after=current_app.config["PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP"])


def _download(registration: Registration) -> Response:
    body = json.dumps(ops.personal_data(db.session, registration), ensure_ascii=False,
                      indent=2)
    name = f"ilmoittautuminen-{registration.id}-{registration.workshop.day}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/me/<token>/data.json")
def own_data(token: str) -> Any:
    """Everything stored about the participant, as JSON to keep."""
    return _download(_own(token))


@bp.route("/me/<token>/delete", methods=["GET", "POST"])
def delete_own(token: str) -> Any:
    """Delete one's registration: asked first, done by the POST of the page that asked."""
    registration = _own(token)
    if request.method == "POST":
        ops.erase_registration(db.session, registration)
        commit()
        return redirect(url_for("retention.deleted"))
    return render_template("retention/delete.html", registration=registration,
                           workshop=registration.workshop, on_behalf=False,
                           data_url=url_for("retention.own_data", token=token),
                           cancel_url=url_for("registration.own_page", token=token))


@bp.get("/registration-deleted")
def deleted() -> Any:
    """Said after a participant deleted their registration (their link works no more)."""
    return render_template("retention/deleted.html")


R = "/manage/workshops/<int:workshop_id>/registrations/<int:registration_id>"


def _registration(workshop_id: int, registration_id: int) -> Registration:
    # Both ids in the address: another workshop's registration is not found here.
    return ops.get_registration(db.session, get_workshop(db.session, workshop_id),
                                registration_id)


@bp.get(f"{R}/data.json")
@login_required
def registration_data(workshop_id: int, registration_id: int) -> Any:
    """A participant's data downloaded on their behalf (audited)."""
    registration = _registration(workshop_id, registration_id)
    audit.record(db.session, "registration.export", by=current_user.id,
                 workshop_id=registration.workshop_id, registration=registration.id)
    commit()
    return _download(registration)


@bp.route(f"{R}/delete", methods=["GET", "POST"])
@login_required
def delete_registration(workshop_id: int, registration_id: int) -> Any:
    """Delete a participant's personal data on their behalf: asked first, then audited."""
    registration = _registration(workshop_id, registration_id)
    if request.method == "POST":
        ops.erase_registration(db.session, registration, by=current_user.id)
        commit()
        flash(_("Ilmoittautumisen #%(id)s henkilötiedot poistettiin.", id=registration.id),
              "success")
        return redirect(url_for("series.manage_workshop", workshop_id=workshop_id))
    return render_template(
        "retention/delete.html", registration=registration, workshop=registration.workshop,
        on_behalf=True,
        data_url=url_for("retention.registration_data", workshop_id=workshop_id,
                         registration_id=registration_id),
        cancel_url=url_for("series.manage_workshop", workshop_id=workshop_id))
