"""What every blueprint shares: locale choice, error pages and JSON errors, access checks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Flask,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
    session,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .errors import DomainError
from .extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def select_locale() -> str:
    """?lang= sticks for the visit; otherwise Finnish, or Swedish for a browser that prefers it.

    English only by choice: many Finnish users run English-language browsers and still expect
    a Finnish public service to speak Finnish.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work speak Finnish
        return languages[0]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    return "sv" if request.accept_languages.best_match(("fi", "sv")) == "sv" else languages[0]


def wants_json() -> bool:
    """API calls get JSON error bodies; pages get error pages."""
    return request.path.startswith("/api/")


def coordinator_required(view: F) -> F:
    """Pages and API calls only a logged-in coordinator may use."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def commit() -> None:
    """Commit the request's unit of work once, after the operation has flushed it."""
    db.session.commit()


def _error_response(status: int, code: str, message: Any,
                    extra: dict[str, Any] | None = None) -> Any:
    db.session.rollback()
    if wants_json():
        body = {"error": code, "message": str(message)}
        body.update(extra or {})
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Domain errors, CSRF failures and HTTP errors, in the user's language."""

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Any:
        body = error.as_json()
        return _error_response(error.status, body.pop("error"), body.pop("message"), body)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Any:
        return _error_response(400, "csrf", _l(
            "Lomakkeen turvatarkiste puuttui tai vanheni. Lataa sivu uudelleen ja yritä "
            "uudestaan; mitään ei tallennettu."))

    messages = {
        400: _l("Pyyntö oli virheellinen."),
        401: _l("Kirjaudu sisään jatkaaksesi."),
        403: _l("Sinulla ei ole oikeutta tähän."),
        404: _l("Sivua ei löydy."),
        405: _l("Tätä toimintoa ei voi tehdä tällä osoitteella."),
        413: _l("Tiedosto tai lomake on liian suuri."),
        415: _l("Lähetä tiedot JSON-muodossa."),
    }

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        status = error.code or 500
        message = messages.get(status, error.description)
        return _error_response(status, error.name.lower().replace(" ", "_"), message)
