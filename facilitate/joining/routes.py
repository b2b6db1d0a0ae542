"""Joining on the day: /j (type a code), /j/<code> (get one's link by mail, or walk in),
the code's QR image, and the coordinator's walk-in switch."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Conflict, DomainError, Forbidden, Invalid
from ..extensions import db
from ..mail import delivery, messages
from ..ratelimits import (
    join_page_limit,
    link_requests_per_address,
    link_requests_per_client,
    registration_limit,
)
from ..registration import operations as registration_ops
from ..registration.forms import registration_data
from ..series.operations import get_workshop
from ..web import commit, external_url, keep_private
from . import codes
from . import operations as ops

bp = Blueprint("joining", __name__)


bp.after_request(keep_private)


@bp.route("/j")
@join_page_limit
def enter_code() -> Any:
    """Type a workshop's code (a QR code leads straight to its page)."""
    typed = request.args.get("code", "")
    if typed:
        code = codes.normalise(typed)
        if code is not None:
            return redirect(url_for("joining.join", code=code))
        return render_template("joining/enter.html", typed=typed, error=_(
            "Koodissa on kuusi merkkiä, esimerkiksi KQT-7MX.")), 422
    return render_template("joining/enter.html", typed="", error=None)


def _page(workshop: Any, *, errors: dict[str, Any] | None = None, form: Any = None,
          status: int = 200) -> Any:
    return render_template(
        "joining/join.html", workshop=workshop, code=codes.shown(workshop.join_code),
        walk_ins_open=ops.walk_ins_open(workshop),
        errors=errors or {}, form=form or {}, other=registration_ops.OTHER_ORGANISATION,
        organisations=registration_ops.list_organisations(db.session)), status


@bp.route("/j/<code>")
@join_page_limit
def join(code: str) -> Any:
    """A workshop's join page: a registered participant gets their link by mail; a newcomer
    walks in, if the coordinator allows it."""
    try:
        workshop = ops.get_workshop_by_code(db.session, code)
    except DomainError as error:
        return render_template("joining/enter.html", typed=code, error=error.message), \
            error.status
    return _page(workshop)


@bp.route("/j/<code>/link", methods=["POST"])
@link_requests_per_address
@link_requests_per_client
def request_link(code: str) -> Any:
    """Mail a new private link to a registered address; every address gets the same answer."""
    workshop = ops.get_workshop_by_code(db.session, code)
    try:
        address, queued = ops.request_link(db.session, workshop, request.form.get("email"))
        commit()
    except Invalid as error:
        db.session.rollback()
        return _page(workshop, errors={"link-email": error.errors["email"]}, form=request.form,
                     status=422)
    delivery.send_after_response([queued])
    flash(messages.link_mailed_notice(address) + " " +
          _("Jos viestiä ei kuulu, tarkista osoite: lähetämme linkin vain osoitteeseen, jolla "
            "on ilmoittauduttu."), "success")
    return redirect(url_for("joining.join", code=workshop.join_code))


@bp.route("/j/<code>/walk-in", methods=["POST"])
@registration_limit
def walk_in(code: str) -> Any:
    """Join without having registered: name, address and organisation, then the room."""
    workshop = ops.get_workshop_by_code(db.session, code)
    try:
        registered = ops.walk_in(db.session, workshop, registration_data(request.form),
                                 language=str(get_locale()))
        queued = messages.after_registration(db.session, registered)
        commit()
    except Invalid as error:
        db.session.rollback()
        return _page(workshop, errors=error.errors, form=request.form, status=422)
    except (Forbidden, Conflict) as error:
        db.session.rollback()
        return _page(workshop, errors={"form": error.message}, form=request.form,
                     status=error.status)
    delivery.send_after_response([queued])
    if not registered.created:
        flash(messages.link_mailed_notice(registered.registration.email), "success")
        return redirect(url_for("joining.join", code=workshop.join_code))
    return redirect(url_for("room.join", token=registered.token))


@bp.route("/j/<code>/qr.svg")
def qr_code(code: str) -> Any:
    """The join page's address as a QR code (SVG), for the screen and for print."""
    workshop = ops.get_workshop_by_code(db.session, code)
    address = external_url("joining.join", code=workshop.join_code)
    image = io.BytesIO()
    segno.make(address, error="m").save(
        image, kind="svg", scale=10, border=2, title=_("QR-koodi: %(address)s", address=address))
    return Response(image.getvalue(), mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=3600"})


@bp.route("/manage/workshops/<int:workshop_id>/walk-ins", methods=["POST"])
@login_required
def walk_ins(workshop_id: int) -> Any:
    """Allow joining by the code without registering, or stop allowing it."""
    workshop = get_workshop(db.session, workshop_id)
    allowed = request.form.get("allowed") == "1"
    ops.set_walk_ins(db.session, workshop, allowed, by=current_user.id)
    commit()
    flash(_("Koodilla voi nyt liittyä myös ilmoittautumatta.") if allowed else
          _("Koodilla pääsee nyt vain ilmoittautunut."), "success")
    return redirect(url_for("series.manage_workshop", workshop_id=workshop.id,
                            _anchor="joining-heading"))
