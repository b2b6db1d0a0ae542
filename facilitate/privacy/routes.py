"""The privacy notice (the site's, and a series' own) and the coordinator's page that words a
series' sections."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Invalid
from ..extensions import db
from ..models import PRIVACY_TEXT_MAX_CHARS, Series
from ..series.operations import get_series, get_series_by_slug
from ..web import commit
from . import operations as ops

bp = Blueprint("privacy", __name__)


def _notice(series: Series | None) -> Any:
    # A private series' people register through its invitation link and must reach its
    # notice too; only its title stays hidden from the public.
    named = series is not None and (series.is_public or current_user.is_authenticated)
    return render_template("privacy/notice.html", series=series, named=named,
                           texts=ops.notice_texts(db.session, series, str(get_locale())),
                           retention_days=current_app.config.get("RETENTION_DAYS", 90))


@bp.route("/tietosuoja")
def site_notice() -> Any:
    """The privacy notice with the default texts (the join page links here)."""
    return _notice(None)


@bp.route("/series/<slug>/privacy")
def series_notice(slug: str) -> Any:
    """A series' privacy notice: its own wording where it has one, the default elsewhere."""
    return _notice(get_series_by_slug(db.session, slug))


@bp.route("/manage/series/<int:series_id>/privacy", methods=["GET", "POST"])
@login_required
def edit_notice(series_id: int) -> Any:
    """Word a series' controller, purpose and legal basis in each language."""
    series = get_series(db.session, series_id)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            changed = ops.update_notices(db.session, series, request.form, by=current_user.id)
            commit()
            flash(_("Tietosuojaselosteen tekstit tallennettiin.") if changed
                  else _("Tekstit olivat ennallaan; mitään ei muutettu."), "success")
            return redirect(url_for("privacy.edit_notice", series_id=series.id))
        except Invalid as error:
            db.session.rollback()
            errors = error.errors
    own = ops.notices(db.session, series)
    values = {f"{section}_{language}": getattr(own[language], section) if language in own else ""
              for language in ops.LANGUAGES for section in ops.SECTIONS}
    return render_template(
        "privacy/edit.html", series=series, errors=errors,
        values=request.form if errors else values, sections=ops.SECTIONS,
        languages=ops.LANGUAGES, default_text=ops.default_text,
        text_max=PRIVACY_TEXT_MAX_CHARS), 422 if errors else 200
