"""Coordinator login and logout."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ..errors import TooManyAttempts
from ..extensions import db
from ..web import commit
from .operations import authenticate

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    # Only local paths: an attacker's link must not bounce a fresh login to another site.
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("series.manage")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in with email and password."""
    error, status = None, 200
    if request.method == "POST":
        try:
            coordinator = authenticate(db.session, request.form.get("email", ""),
                                       request.form.get("password", ""))
        except TooManyAttempts as refused:
            error, status = refused.message, refused.status
        else:
            commit()  # the failure record, or a password rehash after a parameter change
            if coordinator is not None:
                login_user(coordinator)
                flash(_("Olet kirjautunut sisään."), "success")
                return redirect(_safe_next(request.args.get("next")))
            error, status = _("Sähköpostiosoite tai salasana on väärin."), 401
    return render_template("accounts/login.html", error=error,
                           email=request.form.get("email", "")), status


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Log out (POST, so that no link or image can log a coordinator out)."""
    logout_user()
    flash(_("Olet kirjautunut ulos."), "success")
    return redirect(url_for("series.index"))
