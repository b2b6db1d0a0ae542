"""Public home and series pages; coordinator pages for series, workshops and talks."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import uploads
from ..accessibility import operations as accessibility
from ..actions.operations import open_actions
from ..actions.statuses import STATUS_LABELS
from ..errors import Invalid
from ..extensions import db
from ..joining import codes as join_codes
from ..mail import delivery
from ..memo.operations import published_memos
from ..models import FEEDBACK_ANSWER_DAYS, Presentation
from ..plans import PlanError, get_plan, load_plans
from ..registration.operations import list_registrations, registrations_table
from ..tracking.operations import headline_share, series_tracked
from ..web import commit
from . import operations as ops
from .forms import series_data, workshop_data

bp = Blueprint("series", __name__)

@bp.route("/")
def index() -> Any:
    """Public home: the series open to everyone."""
    return render_template("series/index.html", series_list=ops.list_series(
        db.session, public_only=True))


@bp.route("/series/<slug>")
def series_page(slug: str) -> Any:
    """Public page and memo archive of a series: its next workshops, and the past ones with
    their published memos (newest first) and the opening talks' slides."""
    series = ops.get_series_by_slug(db.session, slug,
                                    public_only=not current_user.is_authenticated)
    workshops = ops.list_workshops(db.session, series)
    return render_template("series/page.html", series=series, today=_today(),
                           workshops=workshops, memos=published_memos(db.session, series),
                           memos_sv=published_memos(db.session, series, "sv"),
                           tracked=series_tracked(db.session, series),
                           open_actions=open_actions(db.session, series),
                           status_labels=STATUS_LABELS,
                           headline_share=headline_share,
                           registering={workshop.id for workshop in workshops
                                        if ops.registration_state(workshop)
                                        is ops.RegistrationState.OPEN})


def _today() -> Any:
    from ..timeutil import now_utc, to_local

    return to_local(now_utc()).date()


@bp.route("/manage/")
@login_required
def manage() -> Any:
    """Coordinator's start page: every series, and what the accessibility statement and its
    feedback ask of them."""
    statement = accessibility.get_statement(db.session)
    return render_template("series/manage.html", series_list=ops.list_series(db.session),
                           statement=statement, review_due=accessibility.review_due(statement),
                           feedback=accessibility.feedback_counts(db.session),
                           answer_days=FEEDBACK_ANSWER_DAYS)


@bp.route("/manage/series/new", methods=["GET", "POST"])
@login_required
def new_series() -> Any:
    """Create a series."""
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            series = ops.create_series(db.session, series_data(request.form))
            commit()
            flash(_("Tilaisuussarja luotiin."), "success")
            return redirect(url_for("series.manage_series", series_id=series.id))
        except Invalid as error:
            db.session.rollback()
            errors = error.errors
    return render_template("series/form.html", series=None, form=request.form,
                           errors=errors), 422 if errors else 200


@bp.route("/manage/series/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def edit_series(series_id: int) -> Any:
    """Edit a series' texts."""
    series = ops.get_series(db.session, series_id)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            ops.update_series(db.session, series, series_data(request.form), by=current_user.id)
            commit()
            flash(_("Muutokset tallennettiin."), "success")
            return redirect(url_for("series.manage_series", series_id=series.id))
        except Invalid as error:
            db.session.rollback()
            errors = error.errors
    return render_template("series/form.html", series=series,
                           form=request.form if errors else None,
                           errors=errors), 422 if errors else 200


def _plans() -> dict[str, Any]:
    try:
        return load_plans()
    except PlanError as error:
        # One broken plan file must not take the page down; say which one.
        flash(str(error), "error")
        return {}


@bp.route("/manage/series/<int:series_id>")
@login_required
def manage_series(series_id: int) -> Any:
    """A series' workshops and the form to add one from a plan."""
    return _manage_series_page(ops.get_series(db.session, series_id), {}, {}, 200)


def _manage_series_page(series: Any, form: Any, errors: dict[str, Any], status: int, *,
                        logo_form: Any = None, logo_errors: dict[str, Any] | None = None,
                        edited_logo: int | None = None) -> Any:
    return render_template("series/manage_series.html", series=series, plans=_plans(),
                           workshops=ops.list_workshops(db.session, series),
                           registrations=ops.registration_counts(db.session, series),
                           form=form, errors=errors, logo_form=logo_form or {},
                           logo_errors=logo_errors or {}, edited_logo=edited_logo), status


@bp.route("/manage/series/<int:series_id>/workshops", methods=["POST"])
@login_required
def new_workshop(series_id: int) -> Any:
    """Create a workshop, optionally from a session plan."""
    series = ops.get_series(db.session, series_id)
    plan_slug = request.form.get("plan", "")
    errors: dict[str, Any] = {}
    try:
        plan = get_plan(plan_slug) if plan_slug else None
    except PlanError as error:
        plan, errors = None, {"plan": str(error)}
    if not errors:
        try:
            workshop = ops.create_workshop(db.session, series,
                                           workshop_data(request.form, from_plan=bool(plan)),
                                           plan=plan)
            commit()
            flash(_("Tilaisuus luotiin."), "success")
            return redirect(url_for("series.manage_workshop", workshop_id=workshop.id))
        except Invalid as error:
            db.session.rollback()
            errors = error.errors
    return _manage_series_page(series, request.form, errors, 422)


@bp.route("/manage/series/<int:series_id>/logos", methods=["POST"])
@login_required
@uploads.accepts_files(uploads.LOGO_REQUEST_MAX_BYTES)
def add_logo(series_id: int) -> Any:
    """Add a funder's logo to the foot of the series' memos."""
    series = ops.get_series(db.session, series_id)
    try:
        ops.add_logo(db.session, series, request.form, request.files.get("logo"),
                     by=current_user.id)
    except Invalid as error:
        db.session.rollback()
        return _manage_series_page(series, {}, {}, 422, logo_form=request.form,
                                   logo_errors=error.errors)
    commit()
    flash(_("Logo lisättiin. Se näkyy tästä lähtien julkaistavissa muistioissa."), "success")
    return redirect(url_for("series.manage_series", series_id=series.id))


@bp.route("/manage/series/<int:series_id>/logos/<int:logo_id>", methods=["POST"])
@login_required
def edit_logo(series_id: int, logo_id: int) -> Any:
    """Change a logo's alternative texts (add the Swedish one, correct the Finnish)."""
    series = ops.get_series(db.session, series_id)
    try:
        ops.update_logo(db.session, series, logo_id, request.form, by=current_user.id)
    except Invalid as error:
        db.session.rollback()
        db.session.refresh(series)
        return _manage_series_page(series, {}, {}, 422, logo_form=request.form,
                                   logo_errors={f"logo-{logo_id}-{field}": message
                                                for field, message in error.errors.items()},
                                   edited_logo=logo_id)
    commit()
    flash(_("Logon tekstit tallennettiin."), "success")
    return redirect(url_for("series.manage_series", series_id=series.id))


@bp.route("/manage/series/<int:series_id>/logos/<int:logo_id>/delete", methods=["POST"])
@login_required
def delete_logo(series_id: int, logo_id: int) -> Any:
    """Remove a logo; memos published already keep it."""
    series = ops.get_series(db.session, series_id)
    stored = ops.delete_logo(db.session, series, logo_id, by=current_user.id)
    commit()
    uploads.discard(stored)  # only once the row is gone, so no row points at a missing file
    flash(_("Logo poistettiin."), "success")
    return redirect(url_for("series.manage_series", series_id=series.id))


@bp.route("/logos/<int:logo_id>")
def logo(logo_id: int) -> Any:
    """A series' logo (public, like the memos whose Markdown shows it)."""
    found = ops.get_logo(db.session, logo_id, public_only=not current_user.is_authenticated)
    path = uploads.path_of(found.stored_as)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=found.content_type)


@bp.route("/manage/workshops/<int:workshop_id>", methods=["GET", "POST"])
@login_required
def manage_workshop(workshop_id: int) -> Any:
    """Edit a workshop, control its registration, see who has registered."""
    workshop = ops.get_workshop(db.session, workshop_id)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            ops.update_workshop(db.session, workshop, workshop_data(request.form),
                                by=current_user.id)
            commit()
            flash(_("Muutokset tallennettiin."), "success")
            return redirect(url_for("series.manage_workshop", workshop_id=workshop.id))
        except Invalid as error:
            db.session.rollback()
            db.session.refresh(workshop)
            errors = error.errors
    return _workshop_page(workshop, errors, request.form if errors else None,
                          422 if errors else 200)


def _workshop_page(workshop: Any, errors: dict[str, Any], form: Any, status: int) -> Any:
    return render_template(
        "series/workshop.html", workshop=workshop, errors=errors, form=form,
        state=ops.registration_state(workshop),
        registrations=list_registrations(db.session, workshop),
        mail=delivery.status(db.session, workshop),
        mail_to_files=current_app.config["MAIL_BACKEND"] == "file",
        join_code=join_codes.shown(workshop.join_code),
    ), status


@bp.route("/manage/workshops/<int:workshop_id>/registration", methods=["POST"])
@login_required
def registration_window(workshop_id: int) -> Any:
    """Open or close registration by hand."""
    workshop = ops.get_workshop(db.session, workshop_id)
    action = request.form.get("action")
    if action == "open":
        try:
            ops.open_registration(db.session, workshop,
                                  request.form.get("registration_deadline"), by=current_user.id)
        except Invalid as error:
            db.session.rollback()
            db.session.refresh(workshop)
            return _workshop_page(workshop, error.errors, None, 422)
        flash(_("Ilmoittautuminen on auki. Jaa kutsulinkki osallistujille."), "success")
    elif action == "close":
        ops.close_registration(db.session, workshop, by=current_user.id)
        flash(_("Ilmoittautuminen suljettiin."), "success")
    else:
        abort(400)
    commit()
    return redirect(url_for("series.manage_workshop", workshop_id=workshop.id))


@bp.route("/manage/workshops/<int:workshop_id>/presentations", methods=["POST"])
@login_required
@uploads.accepts_files(uploads.SLIDES_MAX_BYTES)
def add_presentation(workshop_id: int) -> Any:
    """Add an opening talk (alustus), with slides if a file is given."""
    workshop = ops.get_workshop(db.session, workshop_id)
    upload = request.files.get("slides")
    stored = uploads.save_slides(upload) if upload is not None and upload.filename else None
    try:
        ops.add_presentation(db.session, workshop, {
            "title": request.form.get("title"), "presenter": request.form.get("presenter")},
            slides=stored)
        commit()
    except Invalid:
        uploads.discard(stored)
        raise
    flash(_("Alustus lisättiin."), "success")
    return redirect(url_for("series.manage_workshop", workshop_id=workshop.id))


@bp.route("/manage/workshops/<int:workshop_id>/presentations/<int:presentation_id>/delete",
          methods=["POST"])
@login_required
def delete_presentation(workshop_id: int, presentation_id: int) -> Any:
    """Remove an opening talk and its slides."""
    workshop = ops.get_workshop(db.session, workshop_id)
    stored = ops.delete_presentation(db.session, workshop, presentation_id,
                                     by=current_user.id)
    commit()
    uploads.discard(stored)  # only once the row is gone, so no row points at a missing file
    flash(_("Alustus poistettiin."), "success")
    return redirect(url_for("series.manage_workshop", workshop_id=workshop.id))


@bp.route("/manage/workshops/<int:workshop_id>/presentations/<int:presentation_id>/given",
          methods=["POST"])
@login_required
def talk_given(workshop_id: int, presentation_id: int) -> Any:
    """Record that a talk was given, or take it back (the room's console does the same)."""
    workshop = ops.get_workshop(db.session, workshop_id)
    given = request.form.get("given") == "1"
    ops.set_talk_given(db.session, workshop, presentation_id, given, by=current_user.id)
    commit()
    flash(_("Alustus merkittiin pidetyksi.") if given else _("Alustuksen merkintä pidetystä "
                                                             "poistettiin."), "success")
    return redirect(url_for("series.manage_workshop", workshop_id=workshop.id))


@bp.route("/manage/workshops/<int:workshop_id>/registrations.csv")
@login_required
def registrations_csv(workshop_id: int) -> Any:
    """The attendee list as CSV (semicolons and a BOM, as Finnish Excel opens it)."""
    workshop = ops.get_workshop(db.session, workshop_id)
    body = registrations_table(list_registrations(db.session, workshop))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="ilmoittautuneet-{workshop.day}.csv"'})


@bp.route("/presentations/<int:presentation_id>/slides")
def slides(presentation_id: int) -> Any:
    """Download a talk's slides (public, like the memo that links to them)."""
    talk = db.session.get(Presentation, presentation_id)
    if talk is None or not talk.slides_stored_as:
        abort(404)
    if not talk.workshop.series.is_public and not current_user.is_authenticated:
        abort(404)
    path = uploads.path_of(talk.slides_stored_as)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=talk.slides_content_type, as_attachment=True,
                     download_name=talk.slides_filename)
