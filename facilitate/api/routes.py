"""JSON API under /api/v1: coordinators by session cookie (+ CSRF header), participants by
their private link's token, and the invitation's public registration."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import UnsupportedMediaType

from ..agenda import operations as agenda_ops
from ..errors import DomainError, Invalid
from ..extensions import csrf, db, limiter
from ..models import Registration
from ..plans import PlanError, get_plan
from ..ratelimits import API_PER_CLIENT, registration_limit
from ..registration import operations as registration_ops
from ..series import operations as series_ops
from ..web import commit
from . import schemas
from .openapi import DOCUMENT_JSON
from .schemas import (
    Body,
    organisation_json,
    prompt_json,
    registration_json,
    series_json,
    theme_json,
    wish_json,
    workshop_json,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
limiter.limit(API_PER_CLIENT)(bp)

F = TypeVar("F", bound=Callable[..., Any])

#: Who may call an endpoint; the CSRF check and the tests read it from the view function.
ACCESS_ATTRIBUTE = "api_access"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: JSON bodies are small (the longest text is 20 000 characters); slides never come this way.
_BEARER = re.compile(r"Bearer +(\S+)", re.IGNORECASE)


# --- access -------------------------------------------------------------------------------


def coordinator(view: F) -> F:
    """Only a logged-in coordinator; unsafe methods also need the X-CSRFToken header."""
    wrapped = login_required(view)
    setattr(wrapped, ACCESS_ATTRIBUTE, "coordinator")
    return wrapped


def public(view: F) -> F:
    """Anyone."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def participant(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only the holder of a private registration link, sent as `Authorization: Bearer`; the
    view receives that registration as its first argument."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        found = _BEARER.fullmatch(request.headers.get("Authorization", "").strip())
        if found is None:
            response = jsonify(
                error="unauthorized",
                message=_(
                    "Tunnistaudu henkilökohtaisen linkkisi tunnisteella: "
                    "Authorization: Bearer <tunniste>."
                ),
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="participant"'
            return response, 401
        registration = registration_ops.find_registration(
            db.session,
            found.group(1),
            days_after=current_app.config["PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP"],
        )
        return view(registration, *args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, "participant")
    return wrapper


@bp.before_request
def _limits_and_csrf() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    # Only the session cookie can be ridden by another site; a bearer token cannot, and an
    # anonymous request gets its 401 from the view.
    if (
        request.method in UNSAFE_METHODS
        and getattr(view, ACCESS_ATTRIBUTE, None) == "coordinator"
        and current_user.is_authenticated
        and current_app.config.get("WTF_CSRF_ENABLED", True)
    ):
        csrf.protect()


@bp.after_request
def _private(response: Response) -> Response:
    # Answers carry participants' data and link tokens: keep them out of caches.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    # A number past the integer column's range overflows the driver instead of being absent.
    if values and any(isinstance(v, int) and v > schemas.MAX_ID for v in values.values()):
        abort(404)


# --- parsing ------------------------------------------------------------------------------


def body(spec: Body) -> dict[str, Any]:
    """The request's JSON object checked against `spec`; an empty body is an empty object."""
    if not request.is_json:
        # Checked on the header, not the data: a form body may already have been consumed.
        if request.mimetype or request.content_length:
            raise UnsupportedMediaType()
        return {}
    if not request.get_data(cache=True).strip():
        return {}
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # absurdly nested input
        data = None
    if data is None:
        raise DomainError(_l("Pyynnön runko ei ole kelvollista JSONia."))
    if not isinstance(data, dict):
        raise DomainError(
            _l('Pyynnön rungon pitää olla JSON-olio, esimerkiksi {"kenttä": "arvo"}.')
        )
    return spec.check(data)


def _created(payload: dict[str, Any]) -> tuple[Response, int]:
    return jsonify(payload), 201


def _no_content() -> tuple[str, int]:
    return "", 204


# --- public -------------------------------------------------------------------------------


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    """Anyone: this API's OpenAPI 3.1 document."""
    return Response(DOCUMENT_JSON, mimetype="application/json")


@bp.get("/csrf-token")
@public
def csrf_token() -> Response:
    """Anyone: the token a logged-in coordinator sends as X-CSRFToken on unsafe requests."""
    return jsonify(csrf_token=generate_csrf())


@bp.get("/organisations")
@public
def organisations() -> Response:
    """Anyone: the organisations a participant can choose from."""
    return jsonify(
        organisations=[
            organisation_json(o) for o in registration_ops.list_organisations(db.session)
        ]
    )


@bp.post("/invitations/<invitation_token>/registrations")
@public
@registration_limit
def register(invitation_token: str) -> tuple[Response, int]:
    """Anyone with the invitation link: sign up, or update the sign-up of the same address
    (which replaces the private link)."""
    workshop = series_ops.get_workshop_by_invitation(db.session, invitation_token)
    data = body(schemas.REGISTRATION)
    registration, token, created = registration_ops.register(db.session, workshop, data)
    commit()
    return jsonify(
        registration=registration_json(registration),
        token=token,
        page_url=url_for("registration.own_page", token=token, _external=True),
    ), 201 if created else 200


# --- series and workshops -----------------------------------------------------------------


@bp.get("/series")
@coordinator
def list_series() -> Response:
    """Coordinator: every series, by title."""
    return jsonify(series=[series_json(s) for s in series_ops.list_series(db.session)])


@bp.post("/series")
@coordinator
def create_series() -> tuple[Response, int]:
    """Coordinator: create a series."""
    series = series_ops.create_series(db.session, body(schemas.SERIES))
    commit()
    return _created(series_json(series))


@bp.get("/series/<int:series_id>")
@coordinator
def get_series(series_id: int) -> Response:
    """Coordinator: one series."""
    return jsonify(series_json(series_ops.get_series(db.session, series_id)))


@bp.patch("/series/<int:series_id>")
@coordinator
def update_series(series_id: int) -> Response:
    """Coordinator: change the given fields of a series."""
    series = series_ops.get_series(db.session, series_id)
    series_ops.update_series(db.session, series, body(schemas.SERIES_UPDATE),
                             by=current_user.id)
    commit()
    return jsonify(series_json(series))


@bp.get("/series/<int:series_id>/workshops")
@coordinator
def list_workshops(series_id: int) -> Response:
    """Coordinator: a series' workshops by day."""
    series = series_ops.get_series(db.session, series_id)
    return jsonify(workshops=[workshop_json(w) for w in series.workshops])


@bp.post("/series/<int:series_id>/workshops")
@coordinator
def create_workshop(series_id: int) -> tuple[Response, int]:
    """Coordinator: create a workshop, optionally from a session plan."""
    series = series_ops.get_series(db.session, series_id)
    data = body(schemas.WORKSHOP)
    plan_slug = data.pop("plan", None)
    try:
        plan = get_plan(plan_slug) if plan_slug is not None else None
    except PlanError as error:
        # error.message, not str(error): the latter names a path on the server.
        raise Invalid(error.message, field="plan") from None
    workshop = series_ops.create_workshop(db.session, series, data, plan=plan)
    commit()
    return _created(workshop_json(workshop))


@bp.get("/workshops/<int:workshop_id>")
@coordinator
def get_workshop(workshop_id: int) -> Response:
    """Coordinator: one workshop with its registration state."""
    return jsonify(workshop_json(series_ops.get_workshop(db.session, workshop_id)))


@bp.patch("/workshops/<int:workshop_id>")
@coordinator
def update_workshop(workshop_id: int) -> Response:
    """Coordinator: change the given fields of a workshop."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    series_ops.update_workshop(db.session, workshop, body(schemas.WORKSHOP_UPDATE),
                               by=current_user.id)
    commit()
    return jsonify(workshop_json(workshop))


@bp.post("/workshops/<int:workshop_id>/registration/open")
@coordinator
def open_registration(workshop_id: int) -> Response:
    """Coordinator: open (or reopen) registration, optionally with a new deadline."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    deadline = body(schemas.REGISTRATION_OPEN).get("deadline")
    try:
        series_ops.open_registration(db.session, workshop, deadline, by=current_user.id)
    except Invalid as error:
        # The operation names the column; the caller sent "deadline".
        raise Invalid(error.message, field="deadline") from None
    commit()
    return jsonify(workshop_json(workshop))


@bp.post("/workshops/<int:workshop_id>/registration/close")
@coordinator
def close_registration(workshop_id: int) -> Response:
    """Coordinator: close registration by hand."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    body(schemas.EMPTY)
    series_ops.close_registration(db.session, workshop, by=current_user.id)
    commit()
    return jsonify(workshop_json(workshop))


@bp.get("/workshops/<int:workshop_id>/registrations")
@coordinator
def list_registrations(workshop_id: int) -> Response:
    """Coordinator: who has registered, with organisation and wishes."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return jsonify(
        registrations=[
            registration_json(r) for r in registration_ops.list_registrations(db.session, workshop)
        ]
    )


# --- wishes and the agenda ----------------------------------------------------------------


def _wishes(workshop_id: int) -> Response:
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return jsonify(
        wishes=[
            wish_json(w, organisation=True) for w in agenda_ops.list_wishes(db.session, workshop)
        ]
    )


@bp.get("/workshops/<int:workshop_id>/wishes")
@coordinator
def list_wishes(workshop_id: int) -> Response:
    """Coordinator: every wish of a workshop with its theme and organisation."""
    return _wishes(workshop_id)


@bp.post("/workshops/<int:workshop_id>/wishes/ungroup")
@coordinator
def ungroup_wishes(workshop_id: int) -> Response:
    """Coordinator: take wishes out of their themes; answers with all the workshop's wishes."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    agenda_ops.ungroup_wishes(db.session, workshop, body(schemas.WISH_IDS).get("wish_ids"))
    commit()
    return _wishes(workshop_id)


def _themes(workshop_id: int) -> Response:
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return jsonify(
        themes=[theme_json(t) for t in agenda_ops.list_themes(db.session, workshop)]
    )


@bp.get("/workshops/<int:workshop_id>/themes")
@coordinator
def list_themes(workshop_id: int) -> Response:
    """Coordinator: the agenda in order, each theme with its wishes and prompts."""
    return _themes(workshop_id)


@bp.post("/workshops/<int:workshop_id>/themes")
@coordinator
def create_theme(workshop_id: int) -> tuple[Response, int]:
    """Coordinator: add a theme at the end of the agenda, grouping `wish_ids` into it if
    given."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    data = body(schemas.THEME)
    wish_ids = data.pop("wish_ids", None)
    if wish_ids:
        theme = agenda_ops.group_wishes(db.session, workshop, wish_ids, new_theme=data)
    else:
        theme = agenda_ops.create_theme(db.session, workshop, data)
    commit()
    return _created(theme_json(theme))


@bp.put("/workshops/<int:workshop_id>/agenda")
@coordinator
def reorder_agenda(workshop_id: int) -> Response:
    """Coordinator: set the agenda order; `theme_ids` names every theme once."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    agenda_ops.reorder_themes(db.session, workshop, body(schemas.AGENDA).get("theme_ids"))
    commit()
    return _themes(workshop_id)


@bp.get("/workshops/<int:workshop_id>/themes/<int:theme_id>")
@coordinator
def get_theme(workshop_id: int, theme_id: int) -> Response:
    """Coordinator: one theme with its wishes and prompts."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return jsonify(theme_json(agenda_ops.get_theme(db.session, workshop, theme_id)))


@bp.patch("/workshops/<int:workshop_id>/themes/<int:theme_id>")
@coordinator
def update_theme(workshop_id: int, theme_id: int) -> Response:
    """Coordinator: change a theme's title, memo phrase or description."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    theme = agenda_ops.get_theme(db.session, workshop, theme_id)
    agenda_ops.update_theme(db.session, theme, body(schemas.THEME_UPDATE))
    commit()
    return jsonify(theme_json(theme))


@bp.delete("/workshops/<int:workshop_id>/themes/<int:theme_id>")
@coordinator
def delete_theme(workshop_id: int, theme_id: int) -> tuple[str, int]:
    """Coordinator: delete a theme and its prompts; its wishes become ungrouped."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    agenda_ops.delete_theme(db.session, agenda_ops.get_theme(db.session, workshop, theme_id),
                            by=current_user.id)
    commit()
    return _no_content()


@bp.post("/workshops/<int:workshop_id>/themes/<int:theme_id>/wishes")
@coordinator
def group_wishes(workshop_id: int, theme_id: int) -> Response:
    """Coordinator: group wishes of this workshop into an existing theme."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    theme = agenda_ops.get_theme(db.session, workshop, theme_id)
    agenda_ops.group_wishes(
        db.session, workshop, body(schemas.WISH_IDS).get("wish_ids"), theme_id=theme.id
    )
    commit()
    return jsonify(theme_json(theme))


# --- prompts ------------------------------------------------------------------------------


def _theme(workshop_id: int, theme_id: int) -> Any:
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return agenda_ops.get_theme(db.session, workshop, theme_id)


@bp.get("/workshops/<int:workshop_id>/themes/<int:theme_id>/prompts")
@coordinator
def list_prompts(workshop_id: int, theme_id: int) -> Response:
    """Coordinator: a theme's prompts in order."""
    theme = _theme(workshop_id, theme_id)
    return jsonify(
        prompts=[prompt_json(p) for p in sorted(theme.prompts, key=lambda p: p.position)]
    )


@bp.post("/workshops/<int:workshop_id>/themes/<int:theme_id>/prompts")
@coordinator
def create_prompt(workshop_id: int, theme_id: int) -> tuple[Response, int]:
    """Coordinator: add a prompt at the end of a theme."""
    theme = _theme(workshop_id, theme_id)
    prompt = agenda_ops.add_prompt(db.session, theme, body(schemas.PROMPT))
    commit()
    return _created(prompt_json(prompt))


@bp.patch("/workshops/<int:workshop_id>/themes/<int:theme_id>/prompts/<int:prompt_id>")
@coordinator
def update_prompt(workshop_id: int, theme_id: int, prompt_id: int) -> Response:
    """Coordinator: change a prompt's kind, text or options."""
    prompt = agenda_ops.get_prompt(db.session, _theme(workshop_id, theme_id), prompt_id)
    agenda_ops.update_prompt(db.session, prompt, body(schemas.PROMPT_UPDATE))
    commit()
    return jsonify(prompt_json(prompt))


@bp.delete("/workshops/<int:workshop_id>/themes/<int:theme_id>/prompts/<int:prompt_id>")
@coordinator
def delete_prompt(workshop_id: int, theme_id: int, prompt_id: int) -> tuple[str, int]:
    """Coordinator: remove a prompt from its theme."""
    prompt = agenda_ops.get_prompt(db.session, _theme(workshop_id, theme_id), prompt_id)
    agenda_ops.delete_prompt(db.session, prompt, by=current_user.id)
    commit()
    return _no_content()


# --- the participant's own registration ---------------------------------------------------


def _me(registration: Registration) -> Response:
    return jsonify(
        registration_json(registration)
        | {"workshop": workshop_json(registration.workshop, coordinator=False)}
    )


@bp.get("/me")
@participant
def get_me(registration: Registration) -> Response:
    """Participant (Bearer): their own registration, wishes and workshop."""
    return _me(registration)


@bp.patch("/me")
@participant
def update_me(registration: Registration) -> Response:
    """Participant (Bearer): change their name or organisation while registration is open."""
    registration_ops.update_registration(db.session, registration, body(schemas.PROFILE))
    commit()
    return _me(registration)


@bp.post("/me/wishes")
@participant
def add_wish(registration: Registration) -> tuple[Response, int]:
    """Participant (Bearer): add a wish while registration is open."""
    wish = registration_ops.add_wish(db.session, registration, body(schemas.WISH).get("text"))
    commit()
    return _created(wish_json(wish))


@bp.patch("/me/wishes/<int:wish_id>")
@participant
def update_wish(registration: Registration, wish_id: int) -> Response:
    """Participant (Bearer): reword one of their own wishes while registration is open."""
    wish = registration_ops.update_wish(
        db.session, registration, wish_id, body(schemas.WISH).get("text")
    )
    commit()
    return jsonify(wish_json(wish))


@bp.delete("/me/wishes/<int:wish_id>")
@participant
def delete_wish(registration: Registration, wish_id: int) -> tuple[str, int]:
    """Participant (Bearer): withdraw one of their own wishes not yet on the agenda."""
    registration_ops.delete_wish(db.session, registration, wish_id)
    commit()
    return _no_content()
