"""Coordinator login and logout."""

from __future__ import annotations

import math
import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..models import SignIn
from ..ratelimits import client_address, login_failed, login_succeeded, login_try
from ..web import commit
from .operations import (
    authenticate,
    end_other_sign_in,
    end_sign_in,
    open_sign_ins,
    start_sign_in,
)

bp = Blueprint("accounts", __name__)

#: Where the session cookie keeps the key of its sign-in (models.SignIn).
SIGN_IN_KEY = "sign_in"


def _safe_next(target: str | None) -> str:
    # Only local paths: an attacker's link must not bounce a fresh login to another site.
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("series.manage")


def _login_page(error: Any = None, status: int = 200) -> Any:
    return render_template("accounts/login.html", error=error,
                           email=request.form.get("email", "")), status


def _too_many(retry_at: float) -> Response:
    """The login page again, saying when to try next, also in Retry-After."""
    seconds = max(1, math.ceil(retry_at - time.time()))
    if seconds > 2 * 3600:  # a lockout for the day: "1440 minutes" is not a useful answer
        wait = _("Liian monta epäonnistunutta kirjautumista. Yritä uudelleen %(hours)s tunnin "
                 "kuluttua.", hours=round(seconds / 3600))
    else:
        wait = _("Liian monta epäonnistunutta kirjautumista. Yritä uudelleen %(minutes)s "
                 "minuutin kuluttua.", minutes=max(1, round(seconds / 60)))
    response = make_response(_login_page(wait, 429))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in with email and password (tries are limited: facilitate/ratelimits.py)."""
    if request.method == "GET":
        return _login_page()
    email = request.form.get("email", "")
    retry_at = login_try(email)
    if retry_at is not None:
        return _too_many(retry_at)
    coordinator = authenticate(db.session, email, request.form.get("password", ""))
    commit()  # a password rehash after a parameter change
    if coordinator is None:
        login_failed(email)
        return _login_page(_("Sähköpostiosoite tai salasana on väärin."), 401)
    login_succeeded(email)
    _end_this_browsers_sign_in()
    # A fresh session, so nothing from before the login (fixation) carries over; the
    # chosen language does.
    _clear_session()
    sign_in = start_sign_in(db.session, coordinator,
                            user_agent=request.headers.get("User-Agent", ""),
                            address=client_address())
    commit()
    session[SIGN_IN_KEY] = sign_in.key
    login_user(coordinator)
    flash(_("Olet kirjautunut sisään."), "success")
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Log out (POST, so that no link or image can log a coordinator out); the sign-in ends
    on the server too, so a copy of the cookie no longer works."""
    _end_this_browsers_sign_in()
    logout_user()
    _clear_session()
    flash(_("Olet kirjautunut ulos."), "success")
    return redirect(url_for("series.index"))


def _end_this_browsers_sign_in() -> None:
    """End the sign-in this browser's cookie names, if it is still on."""
    if current_user.is_authenticated:
        sign_in = db.session.get(SignIn, g.sign_in_id)
        if sign_in is not None:
            end_sign_in(db.session, sign_in)
            commit()


def _clear_session() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


@bp.get("/account/sign-ins")
@login_required
def sign_ins() -> Any:
    """The coordinator's sign-ins that still work (this browser and others), to end any."""
    return render_template("accounts/sign_ins.html", current_id=g.sign_in_id,
                           sign_ins=open_sign_ins(db.session, current_user,
                                                  idle=current_app.config["SIGN_IN_IDLE"],
                                                  longest=current_app.config["SIGN_IN_LONGEST"]))


@bp.post("/account/sign-ins/<int:sign_in_id>/end")
@login_required
def end_sign_in_elsewhere(sign_in_id: int) -> Any:
    """End one of the coordinator's other sign-ins (a forgotten browser, a lost laptop)."""
    end_other_sign_in(db.session, current_user, sign_in_id)
    commit()
    if sign_in_id == g.sign_in_id:
        return logout()
    flash(_("Kirjautuminen päätettiin: sillä selaimella pitää kirjautua uudelleen."), "success")
    return redirect(url_for("accounts.sign_ins"))
