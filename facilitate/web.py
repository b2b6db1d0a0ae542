"""What every blueprint shares: locale choice, error pages and JSON errors, access checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
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


def site_address() -> str:
    """Where people reach the site: PUBLIC_BASE_URL, else the address of this request. Outside
    a request (cron) only PUBLIC_BASE_URL can say it."""
    base: str = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    raise DomainError(_l("Aseta PUBLIC_BASE_URL (sivuston osoite, esimerkiksi "
                         "http://127.0.0.1:5000), jotta komentoriviltä tehtyjen viestien ja "
                         "muistioiden linkit osoittavat oikeaan paikkaan."))


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute address at site_address(), for mails and QR codes."""
    if has_request_context() and not current_app.config["PUBLIC_BASE_URL"]:
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=site_address()):
        return url_for(endpoint, _external=True, **values)


def keep_private(response: Response) -> Response:
    """An `after_request` of pages whose addresses carry a participant's secret (and whose
    answers their personal data): kept out of caches and other sites' logs; a view that set
    its own caching (a QR image) keeps it."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def wants_json() -> bool:
    """API calls get JSON error bodies; pages get error pages."""
    return request.path.startswith("/api/")


def commit() -> None:
    """Commit the request's unit of work once, after the operation has flushed it."""
    db.session.commit()


def _error_response(status: int, code: str, message: Any,
                    extra: dict[str, Any] | None = None,
                    headers: list[tuple[str, str]] | None = None) -> Any:
    db.session.rollback()
    if wants_json():
        body = {"error": code, "message": str(message)}
        body.update(extra or {})
        return jsonify(body), status, headers or []
    return render_template("error.html", status=status, message=message), status, headers or []


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
        429: _l("Liian monta pyyntöä lyhyessä ajassa. Yritä hetken kuluttua uudelleen."),
    }

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        if error.response is not None:  # a view's own answer, e.g. the login page on a 429
            return error.response
        status = error.code or 500
        # A rate limit's own message (ratelimits.py) says more than the generic one.
        limit = getattr(error, "limit", None)
        message = (error.description if limit is not None and limit.error_message
                   else messages.get(status, error.description))
        # What the exception says besides its body: Allow on a 405, Retry-After, ...
        headers = [(name, value) for name, value in error.get_headers()
                   if name.lower() != "content-type"]
        return _error_response(status, error.name.lower().replace(" ", "_"), message,
                               headers=headers)
