"""Request rate limits (Flask-Limiter): every limit the app enforces, in one place.

Limits count per client address (the real one behind `TRUSTED_PROXIES` proxies), kept in
Redis when one is configured, so every process counts together, and in memory otherwise.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter

#: Failed logins for one e-mail address from one client address. The real coordinator,
#: trying from their own address, is never locked out by someone else's failures.
LOGIN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
#: Failed logins from one client address over all e-mail addresses (password spraying).
LOGIN_FAILURES_PER_CLIENT = "20 per hour"
#: A client that keeps running into the login limits is refused for the rest of the day.
LOGIN_BACKOFF = "3 per day"
#: Registrations (pages and API together) from one client address. Leaders of one county
#: may register from behind one address; an hour of 30 is more than a real workshop needs.
REGISTRATIONS_PER_CLIENT = "10 per minute;30 per hour"
#: API requests from one client address.
API_PER_CLIENT = "600 per minute"
#: Live-room connections from one client address: a whole county office behind one address
#: reconnecting after a restart (with back-off) stays well inside this.
ROOM_CONNECTS_PER_CLIENT = "300 per minute"


def client_address() -> str:
    """The client's address, as ProxyFix has corrected it behind trusted proxies."""
    return get_remote_address()


def account_and_client() -> str:
    """The e-mail address tried, with the client address."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{client_address()}|{email}"


def failed_login(response: Response) -> bool:
    """Only failures count: a coordinator who logs in right is never slowed down."""
    return response.status_code == 401


def registration_refused_message() -> Any:
    """The 429 message of the registration views, in the user's language."""
    return _l("Liian monta ilmoittautumista lyhyessä ajassa. Yritä hetken kuluttua uudelleen.")


#: The registration views (page and API) share one budget per client address.
registration_limit = limiter.shared_limit(
    REGISTRATIONS_PER_CLIENT, scope="registration", methods=["POST"],
    error_message=registration_refused_message)


def room_connect_allowed() -> bool:
    """Count a live-room connection from this client; False once over the limit."""
    if not limiter.enabled:
        return True
    return limiter.limiter.hit(_ROOM_CONNECTS, "room-connect", client_address())


_ROOM_CONNECTS = parse(ROOM_CONNECTS_PER_CLIENT)


def init_app(app: Flask) -> None:
    """Bind the limiter (settings in config.py), behind the trusted proxies' address fix."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies,  # type: ignore[method-assign]
                                x_proto=proxies, x_host=proxies)
    limiter.init_app(app)
