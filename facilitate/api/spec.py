"""How an API endpoint is declared: `endpoint` registers a view with who may call it, its body
model (the view's `json` argument) and its answer model; spectree validates both and builds
the OpenAPI document from the same declarations."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from pydantic import BaseModel, ValidationError
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree
from werkzeug.exceptions import UnsupportedMediaType

from ..errors import DomainError
from ..extensions import db
from ..fields import invalid
from ..registration import operations as registration_ops
from .requests import Body
from .responses import Error

#: Who may call an endpoint; the CSRF check and the tests read it from the view function.
ACCESS_ATTRIBUTE = "api_access"
COORDINATOR, PARTICIPANT, PUBLIC = "coordinator", "participant", "public"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_BEARER = re.compile(r"Bearer +(\S+)", re.IGNORECASE)

_DESCRIPTION = """\
Peer-reflection workshops: series, workshops, registration, wishes and the agenda.

Coordinators use the session cookie of a login at /login. Their POST, PUT, PATCH and DELETE \
requests also send the header X-CSRFToken with a token from GET /api/v1/csrf-token.

Participants send their private link's token as `Authorization: Bearer <token>`; they get it \
when they register through the invitation link.

Bodies are JSON objects; unknown fields are refused. Dates are ISO 8601, times HH:MM (Finnish \
local time), datetimes ISO 8601 with offset. Errors have the body Error."""

#: What each error status means here; every endpoint lists those it can answer.
ERRORS = {
    400: "Malformed JSON, a body that is not an object, or (error `csrf`) a coordinator's "
    "unsafe request without a valid X-CSRFToken header",
    401: "No coordinator session, or no participant Bearer token",
    404: "No such thing here, or a wrong (tampered or replaced) token",
    409: "Clashes with the current state, e.g. registration is not open",
    410: "The participant's link has expired after the workshop",
    413: "The body is larger than 1 MiB",
    415: "The body is not sent as application/json",
    422: "A field is missing, unknown, of the wrong type or breaks a rule; `field` names it "
    "and `errors` lists every field's message",
    429: "Too many requests from this client address (see facilitate/ratelimits.py); the "
    "Retry-After header says how many seconds to wait",
}


def _refuse_invalid_body(_request: Any, _response: Any, error: Exception | None, _instance: Any,
                         _adapter: Any) -> None:
    # A refusal tells each field's own message in the caller's language, in the shape of every
    # other refusal (not pydantic's list).
    if isinstance(error, ValidationError):
        # pydantic names the model that refused, not the class: body names are unique.
        raise invalid(error, Body.by_name[error.title]) from None


api_spec = SpecTree(
    "flask",
    mode="strict",
    title="facilitate API",
    version="1.0.0",
    description=_DESCRIPTION,
    page_templates={},
    # Model names are unique across the API, so a nested model is one component, not a copy
    # per parent.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    validation_error_status=422,
    validation_error_model=Error,
    before=_refuse_invalid_body,
    security_schemes=[
        SecurityScheme(name="coordinatorSession", data=SecuritySchemeData(
            type="apiKey", field_in="cookie", name="session",
            description="The coordinator's login session (log in at /login)")),
        SecurityScheme(name="csrfToken", data=SecuritySchemeData(
            type="apiKey", field_in="header", name="X-CSRFToken",
            description="From GET /api/v1/csrf-token; needed with the session cookie on "
            "POST, PUT, PATCH and DELETE")),
        SecurityScheme(name="participantToken", data=SecuritySchemeData(
            type="http", scheme="bearer",
            description="The token of the participant's private registration link")),
    ],
)


def endpoint(bp: Blueprint, method: str, rule: str, access: str, operation_id: str, *,
             tag: str, answer: type[BaseModel] | None = None, ok: int = 200,
             also: dict[int, tuple[type[BaseModel], str]] | None = None,
             errors: tuple[int, ...] = (),
             limit: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
             ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated view at `rule` for `method`, callable by `access`, answering
    `ok` with `answer` (no body for 204) and documented with every error it can answer;
    path ids are `<int:…>` (the blueprint answers 404 for one past the column's range).

    The view's `json` parameter, if it has one, is its body model; `also` adds answers with a
    body besides `ok` (a create that finds the thing already there answers 202); `limit` is a
    rate limit of facilitate.ratelimits, counted for every request to the endpoint."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        body = "json" in view.__annotations__
        unsafe = method in UNSAFE_METHODS
        statuses = set(errors) | {429}
        if access == COORDINATOR:
            statuses |= {401, 400} if unsafe else {401}
        if access == PARTICIPANT:
            statuses |= {401, 404, 410}
        if body:
            statuses |= {400, 413, 415, 422}
        if "<" in rule:
            statuses.add(404)
        answers: dict[str, Any] = {f"HTTP_{ok}": None if ok == 204 else answer}
        for status, (model, description) in (also or {}).items():
            answers[f"HTTP_{status}"] = (model, description)
        for status in sorted(statuses):
            answers[f"HTTP_{status}"] = (Error, ERRORS[status])
        validated = api_spec.validate(
            resp=Response(**answers), tags=[tag], operation_id=operation_id,
            security=_security(access, unsafe))(view)
        # The caller is let in (or not) before anything of the body is read.
        guarded = _ACCESS[access](_body_checked(validated) if body else validated)
        guarded.__doc__ = f"{view.__doc__}\n\nWho may call: {_WHO[access]}."
        setattr(guarded, ACCESS_ATTRIBUTE, access)
        if limit is not None:
            guarded = limit(guarded)
        bp.add_url_rule(rule, view_func=guarded, methods=[method])
        return guarded

    return register


def _security(access: str, unsafe: bool) -> list[dict[str, list[str]]]:
    if access == COORDINATOR:
        return [{"coordinatorSession": [], "csrfToken": []} if unsafe
                else {"coordinatorSession": []}]
    if access == PARTICIPANT:
        return [{"participantToken": []}]
    return []


def _participant(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only the holder of a private registration link, sent as `Authorization: Bearer`; the
    view receives that registration as its first argument."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        found = _BEARER.fullmatch(request.headers.get("Authorization", "").strip())
        if found is None:
            response = jsonify(
                error="unauthorized",
                message=_("Tunnistaudu henkilökohtaisen linkkisi tunnisteella: "
                          "Authorization: Bearer <tunniste>."),
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="participant"'
            return response, 401
        registration = registration_ops.find_registration(
            db.session, found.group(1),
            days_after=current_app.config["PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP"],
        )
        return view(registration, *args, **kwargs)

    return wrapper


#: What runs before a view (and before its body is read) to let only its callers in.
_ACCESS: dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {
    COORDINATOR: login_required,
    PARTICIPANT: _participant,
    PUBLIC: lambda view: view,
}
_WHO = {COORDINATOR: "Coordinator", PARTICIPANT: "Participant (Bearer token)", PUBLIC: "Anyone"}


def _body_checked(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_body()
        return view(*args, **kwargs)

    return wrapper


def _check_body() -> None:
    # Before spectree reads it: it would take malformed JSON, or a form, for an empty object.
    if not request.is_json:
        # Checked on the header, not the data: a form body may already have been consumed.
        if request.mimetype or request.content_length:
            raise UnsupportedMediaType()
        return
    if not request.get_data(cache=True).strip():
        return
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # absurdly nested input
        data = None
    if data is None:
        raise DomainError(_l("Pyynnön runko ei ole kelvollista JSONia."))
    if not isinstance(data, dict):
        raise DomainError(
            _l('Pyynnön rungon pitää olla JSON-olio, esimerkiksi {"kenttä": "arvo"}.'))


def document() -> dict[str, Any]:
    """The OpenAPI document of every declared endpoint (built once, in an app context)."""
    return api_spec.spec

