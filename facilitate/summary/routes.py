"""The series summary's public page and its downloads in every memo format."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from typing import Any

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user
from markupsafe import Markup

from ..export import FORMATS, MEDIA_TYPES, Document, render
from ..export.html import PAGE_POLICY, render_body
from ..extensions import db
from ..ratelimits import summary_file_limit
from ..series.operations import get_series_by_slug, logos_for
from ..web import site_address
from .compile import compile_summary, summary_markdown

bp = Blueprint("summary", __name__)


def _summary(slug: str) -> tuple[Any, str, str]:
    series = get_series_by_slug(db.session, slug, public_only=not current_user.is_authenticated)
    summary = compile_summary(db.session, series, base_url=site_address())
    return series, summary.heading, summary_markdown(summary)


@bp.route("/series/<slug>/summary")
def page(slug: str) -> Any:
    """The summary on the site, with its downloads."""
    series, heading, markdown = _summary(slug)
    # The page has its own h1; the summary's headings go one level down under it.
    body = re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}",
                  str(render_body(markdown)))
    return render_template("summary/page.html", series=series, heading=heading,
                           body=Markup(body), formats=FORMATS)


#: Files made lately, by the summary's content and format: the same summary is rendered once
#: per process however often it is downloaded, and a newly published memo makes a new one.
_FILES: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_FILES_KEPT = 16


_FILES_LOCK = threading.Lock()


def _rendered(document: Document, fmt: str) -> bytes:
    logos = b"".join(logo.data + logo.alt.encode() for logo in document.logos)
    key = (hashlib.sha256(document.markdown.encode() + logos).hexdigest(), fmt)
    with _FILES_LOCK:
        made = _FILES.get(key)
    if made is None:
        made = render(document, fmt)
    with _FILES_LOCK:
        _FILES[key] = made
        _FILES.move_to_end(key)
        while len(_FILES) > _FILES_KEPT:
            _FILES.popitem(last=False)
    return made


@bp.route("/series/<slug>/summary.<fmt>")
@summary_file_limit
def download(slug: str, fmt: str) -> Any:
    """The summary as a file, made from what the series has published."""
    if fmt not in FORMATS:
        abort(404)
    series, heading, markdown = _summary(slug)
    document = Document(title=heading, markdown=markdown, language="fi", subject=series.title,
                        author=series.organiser,
                        logos=logos_for(series, "fi", current_app.config["UPLOADS_DIR"],
                                        site_address()))
    response = current_app.response_class(_rendered(document, fmt),
                                          mimetype=MEDIA_TYPES[fmt].split(";")[0])
    if fmt != "html":
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{series.slug}-yhteenveto.{fmt}"')
    else:
        response.headers["Content-Security-Policy"] = PAGE_POLICY
    # A series not public is seen by signed-in coordinators only: no shared cache keeps it.
    response.headers["Cache-Control"] = ("public" if series.is_public else "private") + \
        ", max-age=300"
    return response
