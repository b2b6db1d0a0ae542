"""Coordinator pages that turn wishes into an agenda: grouping, ordering, prompts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..actions.operations import carry_wishes, undiscussed_wishes
from ..errors import Invalid
from ..extensions import db
from ..models import (
    QUESTION_KEY_MAX_CHARS,
    QUESTION_KEY_PATTERN,
    REFERENCE_NOTE_MAX_CHARS,
    REFERENCE_SOURCE_MAX_CHARS,
    WISH_MAX_CHARS,
    PromptKind,
    Workshop,
)
from ..series.operations import get_workshop, registration_state
from ..tracking.operations import suggested_keys
from ..web import commit
from . import operations as ops
from .forms import int_list, optional_int, prompt_data, theme_data

bp = Blueprint("agenda", __name__, url_prefix="/manage/workshops/<int:workshop_id>")


def _builder(workshop: Workshop, errors: dict[str, Any] | None = None, form: Any = None,
             status: int = 200) -> Any:
    wishes = ops.list_wishes(db.session, workshop)
    return render_template(
        "agenda/builder.html", workshop=workshop, errors=errors or {}, form=form or {},
        themes=ops.list_themes(db.session, workshop),
        ungrouped=[w for w in wishes if w.theme_id is None], wish_count=len(wishes),
        state=registration_state(workshop), wish_max=WISH_MAX_CHARS,
        carried_over=undiscussed_wishes(db.session, workshop),
    ), status


def _back(workshop: Workshop, anchor: str | None = None) -> Any:
    return redirect(url_for("agenda.builder", workshop_id=workshop.id,
                            _anchor=anchor) if anchor else
                    url_for("agenda.builder", workshop_id=workshop.id))


@bp.route("/agenda")
@login_required
def builder(workshop_id: int) -> Any:
    """Wishes on one side, the agenda on the other."""
    return _builder(get_workshop(db.session, workshop_id))


@bp.route("/agenda/group", methods=["POST"])
@login_required
def group(workshop_id: int) -> Any:
    """Group the ticked wishes into an existing theme or a new one."""
    workshop = get_workshop(db.session, workshop_id)
    new_title = request.form.get("new_theme_title", "").strip()
    try:
        theme = ops.group_wishes(
            db.session, workshop, int_list(request.form, "wish_ids"),
            theme_id=None if new_title else optional_int(request.form.get("theme_id")),
            new_theme={"title": new_title} if new_title else None)
        commit()
    except Invalid as error:
        db.session.rollback()
        return _builder(workshop, {"group": error.message}, request.form, 422)
    flash(_("Toiveet lisättiin teemaan ”%(title)s”.", title=theme.title), "success")
    return _back(workshop, f"theme-{theme.id}")


@bp.route("/agenda/carry", methods=["POST"])
@login_required
def carry(workshop_id: int) -> Any:
    """Make a theme of wishes the previous workshop did not get to."""
    workshop = get_workshop(db.session, workshop_id)
    try:
        theme = carry_wishes(db.session, workshop, int_list(request.form, "wish_ids"),
                             by=current_user.id)
        commit()
    except Invalid as error:
        db.session.rollback()
        return _builder(workshop, {"carry": error.message}, request.form, 422)
    flash(_("Teema ”%(title)s” lisättiin ohjelmaan.", title=theme.title), "success")
    return _back(workshop, f"theme-{theme.id}")


@bp.route("/agenda/ungroup", methods=["POST"])
@login_required
def ungroup(workshop_id: int) -> Any:
    """Return a wish to the ungrouped list."""
    workshop = get_workshop(db.session, workshop_id)
    ops.ungroup_wishes(db.session, workshop, int_list(request.form, "wish_ids"))
    commit()
    flash(_("Toive palautettiin ryhmittelemättömiin."), "success")
    return _back(workshop, "wishes-heading")


@bp.route("/themes", methods=["POST"])
@login_required
def new_theme(workshop_id: int) -> Any:
    """Add an empty theme at the end of the agenda."""
    workshop = get_workshop(db.session, workshop_id)
    try:
        theme = ops.create_theme(db.session, workshop, theme_data(request.form))
        commit()
    except Invalid as error:
        db.session.rollback()
        return _builder(workshop, {f"new-{k}": v for k, v in error.errors.items()},
                        request.form, 422)
    flash(_("Teema lisättiin."), "success")
    return _back(workshop, f"theme-{theme.id}")


@bp.route("/themes/<int:theme_id>/move", methods=["POST"])
@login_required
def move_theme(workshop_id: int, theme_id: int) -> Any:
    """Move a theme one step up or down."""
    workshop = get_workshop(db.session, workshop_id)
    theme = ops.get_theme(db.session, workshop, theme_id)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400)
    ops.move_theme(db.session, theme, offset)
    commit()
    return _back(workshop, f"theme-{theme.id}")


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@login_required
def edit_theme(workshop_id: int, theme_id: int) -> Any:
    """Edit a theme's texts and its prompts."""
    workshop = get_workshop(db.session, workshop_id)
    theme = ops.get_theme(db.session, workshop, theme_id)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            ops.update_theme(db.session, theme, theme_data(request.form))
            commit()
            flash(_("Teema tallennettiin."), "success")
            return redirect(url_for("agenda.edit_theme", workshop_id=workshop.id,
                                    theme_id=theme.id))
        except Invalid as error:
            db.session.rollback()
            errors = error.errors
    return _theme_page(workshop, theme, errors, request.form if errors else None)


def _theme_page(workshop: Workshop, theme: Any, errors: dict[str, Any], form: Any,
                status: int | None = None) -> Any:
    # An earlier question of the series worded the same: its key, offered to link the two.
    suggestions = suggested_keys(db.session, workshop, [
        (prompt.id, prompt.kind, prompt.text) for prompt in theme.prompts
        if not prompt.question_key])
    return render_template("agenda/theme.html", workshop=workshop, theme=theme, errors=errors,
                           form=form or {}, kinds=list(PromptKind), suggestions=suggestions,
                           key_pattern=QUESTION_KEY_PATTERN, key_max=QUESTION_KEY_MAX_CHARS,
                           source_max=REFERENCE_SOURCE_MAX_CHARS, note_max=REFERENCE_NOTE_MAX_CHARS
                           ), status or (422 if errors else 200)


@bp.route("/themes/<int:theme_id>/delete", methods=["POST"])
@login_required
def delete_theme(workshop_id: int, theme_id: int) -> Any:
    """Delete a theme; its wishes return to the ungrouped list."""
    workshop = get_workshop(db.session, workshop_id)
    theme = ops.get_theme(db.session, workshop, theme_id)
    title = theme.title
    ops.delete_theme(db.session, theme, by=current_user.id)
    commit()
    flash(_("Teema ”%(title)s” poistettiin; sen toiveet palasivat ryhmittelemättömiin.",
            title=title), "success")
    return _back(workshop, "agenda-heading")


@bp.route("/themes/<int:theme_id>/prompts", methods=["POST"])
@login_required
def new_prompt(workshop_id: int, theme_id: int) -> Any:
    """Add a prompt under a theme."""
    workshop = get_workshop(db.session, workshop_id)
    theme = ops.get_theme(db.session, workshop, theme_id)
    try:
        ops.add_prompt(db.session, theme, prompt_data(request.form), by=current_user.id)
        commit()
    except Invalid as error:
        db.session.rollback()
        return _theme_page(workshop, theme, {f"new-{k}": v for k, v in error.errors.items()},
                           request.form)
    flash(_("Kysymys lisättiin."), "success")
    return redirect(url_for("agenda.edit_theme", workshop_id=workshop.id, theme_id=theme.id,
                            _anchor="prompts-heading"))


@bp.route("/themes/<int:theme_id>/prompts/<int:prompt_id>", methods=["POST"])
@login_required
def change_prompt(workshop_id: int, theme_id: int, prompt_id: int) -> Any:
    """Save, move or delete a prompt."""
    workshop = get_workshop(db.session, workshop_id)
    theme = ops.get_theme(db.session, workshop, theme_id)
    prompt = ops.get_prompt(db.session, theme, prompt_id)
    action = request.form.get("action", "save")
    try:
        if action == "delete":
            ops.delete_prompt(db.session, prompt, by=current_user.id)
        elif action in ("up", "down"):
            ops.move_prompt(db.session, prompt, -1 if action == "up" else 1)
        else:
            ops.update_prompt(db.session, prompt, prompt_data(request.form), by=current_user.id)
        commit()
    except Invalid as error:
        db.session.rollback()
        return _theme_page(workshop, theme,
                           {f"prompt-{prompt_id}-{k}": v for k, v in error.errors.items()},
                           request.form)
    flash(_("Kysymys poistettiin.") if action == "delete" else _("Kysymys tallennettiin."),
          "success")
    return redirect(url_for("agenda.edit_theme", workshop_id=workshop.id, theme_id=theme.id,
                            _anchor="prompts-heading"))
