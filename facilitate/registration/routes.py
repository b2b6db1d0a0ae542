"""Participant pages: the invitation's registration form and the private registration page."""

from __future__ import annotations

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
from flask_babel import get_locale
from flask_babel import gettext as _

from ..errors import Conflict, Invalid
from ..extensions import db
from ..mail import delivery, messages
from ..models import WISH_MAX_CHARS, Registration
from ..ratelimits import registration_limit
from ..series.operations import get_workshop_by_invitation, registration_state
from ..web import commit, keep_private
from . import operations as ops
from .calendar import workshop_event
from .forms import WISH_FIELDS, profile_data, registration_data

bp = Blueprint("registration", __name__)


bp.after_request(keep_private)


def _registration(token: str) -> Registration:
    return ops.find_registration(
        db.session, token,
        days_after=current_app.config["PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP"])


@bp.route("/invite/<invitation_token>", methods=["GET", "POST"])
@registration_limit
def register_form(invitation_token: str) -> Any:
    """The registration form, reachable only through the workshop's invitation link."""
    workshop = get_workshop_by_invitation(db.session, invitation_token)
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            registered = ops.register(db.session, workshop, registration_data(request.form),
                                      language=str(get_locale()))
            queued = messages.after_registration(db.session, registered)
            commit()
        except Invalid as error:
            db.session.rollback()
            errors, status = error.errors, 422
        except Conflict as error:
            db.session.rollback()
            errors, status = {"form": error.message}, 409
        else:
            # Saved whatever the mail server says: a message it refuses is tried again later.
            delivery.send_after_response([queued])
            if not registered.created:
                flash(messages.link_mailed_notice(registered.registration.email), "success")
                return redirect(url_for("registration.register_form",
                                        invitation_token=invitation_token))
            flash(_("Kiitos, ilmoittautumisesi on tallennettu. Lähetimme vahvistuksen ja "
                    "henkilökohtaisen linkin osoitteeseen %(email)s.",
                    email=registered.registration.email), "success")
            return redirect(url_for("registration.own_page", token=registered.token))
    return render_template(
        "registration/form.html", workshop=workshop, form=request.form, errors=errors,
        state=registration_state(workshop), organisations=ops.list_organisations(db.session),
        wish_fields=WISH_FIELDS, wish_max=WISH_MAX_CHARS,
        other=ops.OTHER_ORGANISATION), status


def _render_own(registration: Registration, token: str, errors: dict[str, Any] | None = None,
                form: Any = None, status: int = 200) -> Any:
    return render_template(
        "registration/own.html", registration=registration, workshop=registration.workshop,
        token=token, errors=errors or {}, form=form,
        state=registration_state(registration.workshop),
        organisations=ops.list_organisations(db.session), wish_max=WISH_MAX_CHARS,
        other=ops.OTHER_ORGANISATION), status


@bp.route("/me/<token>", methods=["GET", "POST"])
def own_page(token: str) -> Any:
    """A participant's own registration: see it, and change it until the deadline."""
    registration = _registration(token)
    if request.method == "POST":
        try:
            ops.update_registration(db.session, registration, profile_data(request.form))
            commit()
            flash(_("Tietosi on päivitetty."), "success")
            return redirect(url_for("registration.own_page", token=token))
        except Invalid as error:
            db.session.rollback()
            return _render_own(_registration(token), token, error.errors, request.form, 422)
    return _render_own(registration, token)


@bp.route("/me/<token>/wishes", methods=["POST"])
def add_wish(token: str) -> Any:
    """Add a wish from the participant's own page."""
    registration = _registration(token)
    try:
        ops.add_wish(db.session, registration, request.form.get("text"))
        commit()
    except Invalid as error:
        db.session.rollback()
        return _render_own(_registration(token), token, {"new-wish": error.message},
                           request.form, 422)
    flash(_("Toive lisättiin."), "success")
    return redirect(url_for("registration.own_page", token=token))


@bp.route("/me/<token>/wishes/<int:wish_id>", methods=["POST"])
def change_wish(token: str, wish_id: int) -> Any:
    """Reword or withdraw one's own wish."""
    registration = _registration(token)
    try:
        if request.form.get("action") == "delete":
            ops.delete_wish(db.session, registration, wish_id)
            message = _("Toive poistettiin.")
        else:
            ops.update_wish(db.session, registration, wish_id, request.form.get("text"))
            message = _("Toive tallennettiin.")
        commit()
    except Invalid as error:
        db.session.rollback()
        return _render_own(_registration(token), token, {f"wish-{wish_id}": error.message},
                           request.form, 422)
    flash(message, "success")
    return redirect(url_for("registration.own_page", token=token))


@bp.route("/me/<token>/calendar.ics")
def calendar(token: str) -> Any:
    """The workshop as a calendar event with this participant's room link."""
    registration = _registration(token)
    body = workshop_event(
        registration.workshop,
        room_url=url_for("room.join", token=token, _external=True),
        page_url=url_for("registration.own_page", token=token, _external=True),
    )
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="tilaisuus-{registration.workshop.day}.ics"'})
