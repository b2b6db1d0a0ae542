"""Memo pages: the coordinator's editor (versions, preview, comparison, publishing) and the
public downloads at stable addresses."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Invalid
from ..export import MEDIA_TYPES
from ..export.html import PAGE_POLICY, render_body
from ..extensions import db
from ..mail import delivery, messages
from ..models import MEMO_LANGUAGES, MEMO_MAX_CHARS, TEXT_MAX_CHARS, TITLE_MAX_CHARS, Workshop
from ..series.operations import get_series_by_slug, get_workshop
from ..web import commit, site_address
from . import operations as ops
from .appendix import wishes_appendix
from .compile import compile_memo, resolve_series_blocks
from .phrasing import find_placeholders
from .provenance import paragraph_sources
from .sources import carried_sources, strip_markers

bp = Blueprint("memo", __name__)

#: The memo languages besides Finnish, as a URL converter: the Finnish memo keeps the short
#: addresses, another language's put its code in ("…/memo/sv", "…/memos/2023-03-29/sv.pdf").
OTHER_LANGUAGES = f"<any({', '.join(lang for lang in MEMO_LANGUAGES if lang != 'fi')}):language>"
EDITOR = "/manage/workshops/<int:workshop_id>/memo"
#: How the pages name a memo's language.
LANGUAGE_NAMES = {"fi": _l("Suomeksi"), "sv": _l("Ruotsiksi")}


def memo_route(rule: str, **options: Any) -> Any:
    """A coordinator's memo view, in Finnish at EDITOR + rule and in each other language at
    EDITOR + "/<language>" + rule; the view gets `language`."""
    def register(view: Any) -> Any:
        endpoint = options.pop("endpoint", view.__name__)
        bp.add_url_rule(EDITOR + rule, endpoint, view, defaults={"language": "fi"}, **options)
        bp.add_url_rule(f"{EDITOR}/{OTHER_LANGUAGES}{rule}", endpoint, view, **options)
        return view
    return register

def preview_html(workshop: Workshop, markdown: str, language: str) -> Markup:
    """The memo as it would be published now (series blocks filled in, source markers taken
    out), its headings one level down: on the editor page the memo is a section under the
    page's own heading."""
    html = str(render_body(resolve_series_blocks(db.session, workshop, strip_markers(markdown),
                                                 base_url=site_address(), language=language)))
    return _demoted(html)


def _demoted(html: str) -> Markup:
    return Markup(re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", html))


def sources_html(workshop: Workshop, markdown: str, language: str) -> str:
    """The editor's list of the marked paragraphs and what each was built from, for the text
    being edited: each marker keeps the sources the versions recorded for it."""
    s = db.session
    found = carried_sources(markdown, ops.earlier_sources(s, workshop, language))
    return render_template("memo/_sources.html",
                           paragraphs=paragraph_sources(s, markdown, found))


@memo_route("", methods=["GET", "POST"])
@login_required
def editor(workshop_id: int, language: str) -> Any:
    """The memo's newest version in a Markdown editor with a preview, and its versions; the
    first visit in a language compiles that language's first draft."""
    s = db.session
    workshop = get_workshop(s, workshop_id)
    if request.method == "GET":
        try:
            newest = ops.start_memo(
                s, workshop, base_url=site_address(), language=language,
                anonymity_threshold=current_app.config["ANONYMITY_THRESHOLD"])
            commit()
        except IntegrityError:
            # a colleague's first visit compiled version 1 at the same moment: use theirs
            s.rollback()
            newest = ops.versions_of(s, workshop, language)[0]
        return _editor_page(workshop, language, newest.markdown, newest.number)
    try:
        based_on = int(request.form.get("based_on", ""))
    except ValueError:
        abort(400)
    text, comment = request.form.get("markdown"), request.form.get("comment")
    try:
        saved = ops.save_version(s, workshop, current_user, text, comment, based_on, language)
    except (Invalid, Conflict) as error:
        # The edited text comes back in the form: nothing typed is lost.
        db.session.rollback()
        errors = getattr(error, "errors", None) or {"markdown": error.message}
        return _editor_page(workshop, language, text if isinstance(text, str) else "",
                            based_on, errors=errors, comment=comment, status=error.status)
    commit()
    if saved is None:
        flash(_("Ei muutoksia: uutta versiota ei tallennettu."), "info")
    else:
        flash(_("Versio %(number)s tallennettiin.", number=saved.number), "success")
    return redirect(url_for("memo.editor", workshop_id=workshop.id, language=language))


def _editor_page(workshop: Any, language: str, markdown: str, based_on: int, *,
                 errors: Any = None, comment: Any = "", publish_error: Any = None,
                 status: int = 200) -> Any:
    versions = ops.versions_of(db.session, workshop, language)
    # What a compilation now leaves out, so the coordinator knows why a theme is missing.
    draft = compile_memo(db.session, workshop, base_url=site_address(), language=language)
    others = {lang: ops.versions_of(db.session, workshop, lang)
              for lang in MEMO_LANGUAGES if lang != language}
    appendix = wishes_appendix(db.session, workshop, markdown, language)
    return render_template(
        "memo/editor.html", workshop=workshop, language=language, markdown=markdown,
        sources=Markup(sources_html(workshop, markdown, language)),
        wishes_appendix=_demoted(str(render_body(appendix))) if appendix else None,
        based_on=based_on, other_languages=others, language_names=LANGUAGE_NAMES,
        themes_left_out=draft.themes_left_out, talks_not_given=draft.talks_not_given,
        actions_not_reviewed=draft.actions_not_reviewed, versions=versions,
        newest=versions[0] if versions else None,
        preview=preview_html(workshop, markdown, language), errors=errors or {},
        comment=comment or "", placeholders=find_placeholders(markdown),
        publish_error=publish_error), status


@memo_route("/preview", methods=["POST"])
@login_required
def preview(workshop_id: int, language: str) -> Any:
    """The editor's live preview: sanitised HTML of the Markdown being typed."""
    workshop = get_workshop(db.session, workshop_id)
    text = request.form.get("markdown", "")
    if len(text) > MEMO_MAX_CHARS:
        raise Invalid(_l("Muistio on liian pitkä: %(length)s merkkiä, enintään %(limit)s.",
                         length=len(text), limit=MEMO_MAX_CHARS), field="markdown")
    return jsonify({"html": str(preview_html(workshop, text, language)),
                    "placeholders": len(find_placeholders(text)),
                    "sources": sources_html(workshop, text, language)})


@memo_route("/recompile", methods=["POST"])
@login_required
def recompile(workshop_id: int, language: str) -> Any:
    """Compile the memo afresh from the workshop as a new version."""
    workshop = get_workshop(db.session, workshop_id)
    version = ops.recompile(db.session, workshop, current_user, base_url=site_address(),
                            language=language,
                            anonymity_threshold=current_app.config["ANONYMITY_THRESHOLD"])
    commit()
    flash(_("Muistio koottiin uudelleen versioksi %(number)s.", number=version.number),
          "success")
    return redirect(url_for("memo.editor", workshop_id=workshop.id, language=language))


def _attachments_page(workshop: Workshop, errors: dict[str, Any] | None = None,
                      form: Any = None, status: int = 200) -> Any:
    return render_template(
        "memo/attachments.html", workshop=workshop,
        attachments=ops.list_attachments(db.session, workshop), errors=errors or {},
        form=form or {}, title_max=TITLE_MAX_CHARS, body_max=TEXT_MAX_CHARS), status


def _refused_attachment(workshop: Workshop, form_key: str, error: Invalid) -> Any:
    """The page again, with the posted text kept and the errors by the fields of that form."""
    db.session.rollback()
    return _attachments_page(workshop, {f"{form_key}-{k}": v for k, v in error.errors.items()},
                             request.form, error.status)


def _back_to_attachments(workshop: Workshop, anchor: str) -> Any:
    return redirect(url_for("memo.attachments", workshop_id=workshop.id, _anchor=anchor))


@bp.route("/manage/workshops/<int:workshop_id>/memo/attachments", methods=["GET", "POST"])
@login_required
def attachments(workshop_id: int) -> Any:
    """The memo's attachments, each in its own form, and a form that adds one."""
    s = db.session
    workshop = get_workshop(s, workshop_id)
    if request.method == "GET":
        return _attachments_page(workshop)
    try:
        attachment = ops.add_attachment(s, workshop, request.form.get("title"),
                                        request.form.get("body"))
    except Invalid as error:
        return _refused_attachment(workshop, "new", error)
    commit()
    flash(_("Liite ”%(title)s” lisättiin.", title=attachment.title), "success")
    return _back_to_attachments(workshop, f"attachment-{attachment.id}")


@bp.route("/manage/workshops/<int:workshop_id>/memo/attachments/<int:attachment_id>",
          methods=["POST"])
@login_required
def update_attachment(workshop_id: int, attachment_id: int) -> Any:
    """Save an attachment's title and text."""
    s = db.session
    workshop = get_workshop(s, workshop_id)
    try:
        attachment = ops.update_attachment(s, workshop, attachment_id,
                                           request.form.get("title"), request.form.get("body"))
    except Invalid as error:
        return _refused_attachment(workshop, f"attachment-{attachment_id}", error)
    commit()
    flash(_("Liite ”%(title)s” tallennettiin.", title=attachment.title), "success")
    return _back_to_attachments(workshop, f"attachment-{attachment.id}")


@bp.route("/manage/workshops/<int:workshop_id>/memo/attachments/<int:attachment_id>/delete",
          methods=["POST"])
@login_required
def delete_attachment(workshop_id: int, attachment_id: int) -> Any:
    """Delete an attachment; the page asked for confirmation first."""
    workshop = get_workshop(db.session, workshop_id)
    title = ops.delete_attachment(db.session, workshop, attachment_id, by=current_user.id)
    commit()
    flash(_("Liite ”%(title)s” poistettiin.", title=title), "success")
    return _back_to_attachments(workshop, "attachments-heading")


@bp.route("/manage/workshops/<int:workshop_id>/memo/attachments/<int:attachment_id>/move",
          methods=["POST"])
@login_required
def move_attachment(workshop_id: int, attachment_id: int) -> Any:
    """Move an attachment one place up or down."""
    workshop = get_workshop(db.session, workshop_id)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400)
    order = ops.move_attachment(db.session, workshop, attachment_id, offset)
    number = next(i for i, a in enumerate(order, start=1) if a.id == attachment_id)
    title = order[number - 1].title
    commit()
    flash(_("Liite ”%(title)s” on nyt liite %(number)s.", title=title, number=number),
          "success")
    return _back_to_attachments(workshop, f"attachment-{attachment_id}")


@memo_route("/versions/<int:number>/publish", methods=["POST"])
@login_required
def publish(workshop_id: int, number: int, language: str) -> Any:
    """Publish a version: its files are written and readers find it in the archive."""
    s = db.session
    workshop = get_workshop(s, workshop_id)
    version = ops.get_version(s, workshop, number, language)
    try:
        ops.publish_version(s, workshop, version, current_user,
                            exports_dir=current_app.config["EXPORTS_DIR"],
                            uploads_dir=current_app.config["UPLOADS_DIR"],
                            base_url=site_address(),
                            with_wishes=request.form.get("with_wishes") == "1")
    except (Invalid, Conflict) as error:
        db.session.rollback()
        newest = ops.versions_of(s, workshop, language)[0]
        return _editor_page(workshop, language, newest.markdown, newest.number,
                            publish_error=error.message, status=error.status)
    # Each attendee hears once, of the Finnish memo (whose series page links the Swedish one).
    queued = messages.memo_published(s, workshop) if language == "fi" else []
    commit()
    delivery.send_after_response(queued)
    flash(_("Versio %(number)s julkaistiin arkistoon.", number=number), "success")
    return redirect(url_for("memo.editor", workshop_id=workshop.id, language=language))


@memo_route("/compare")
@login_required
def compare(workshop_id: int, language: str) -> Any:
    """Two versions side by side, line by line."""
    s = db.session
    workshop = get_workshop(s, workshop_id)
    old_number = request.args.get("old", type=int)
    new_number = request.args.get("new", type=int)
    if old_number is None or new_number is None:
        abort(400)
    old = ops.get_version(s, workshop, old_number, language)
    new = ops.get_version(s, workshop, new_number, language)
    return render_template("memo/compare.html", workshop=workshop, old=old, new=new,
                           language=language, lines=ops.compare(old, new))


@memo_route("/versions/<int:number>.md")
@login_required
def version_source(workshop_id: int, number: int, language: str) -> Any:
    """Any version's Markdown, published or not, for coordinators."""
    workshop = get_workshop(db.session, workshop_id)
    version = ops.get_version(db.session, workshop, number, language)
    return current_app.response_class(version.markdown, mimetype=MEDIA_TYPES["md"])


@bp.route("/series/<slug>/memos/<day>.<fmt>", defaults={"language": "fi"})
@bp.route("/series/<slug>/memos/<day>/v<int:number>.<fmt>", defaults={"language": "fi"})
@bp.route(f"/series/<slug>/memos/<day>/{OTHER_LANGUAGES}.<fmt>")
@bp.route(f"/series/<slug>/memos/<day>/{OTHER_LANGUAGES}/v<int:number>.<fmt>")
def download(slug: str, day: str, fmt: str, language: str, number: int | None = None) -> Any:
    """A published memo at its stable address (the newest version, or a named one)."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    series = get_series_by_slug(db.session, slug, public_only=not current_user.is_authenticated)
    found = ops.published_file(db.session, series, when, fmt, number, language)
    path = Path(current_app.config["EXPORTS_DIR"]) / found.path
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=MEDIA_TYPES[fmt].split(";")[0], as_attachment=fmt != "html",
                         download_name=Path(found.path).name, max_age=300, etag=found.sha256)
    if fmt == "html":
        # The memo page is standalone: its own inline styles, nothing that runs or loads.
        response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response
