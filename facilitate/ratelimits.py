"""Request rate limits (Flask-Limiter): every limit the app enforces, in one place.

Limits count per client address (the real one behind `TRUSTED_PROXIES` proxies), kept in
Redis when one is configured, so every process counts together, and in memory otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter

#: Login tries for one e-mail address from one client address; a success clears them. The
#: real coordinator, trying from their own address, is never locked out by someone else's.
LOGIN_TRIES_PER_ACCOUNT = "5 per 15 minutes"
#: Login tries from one client address over all e-mail addresses (password spraying).
LOGIN_TRIES_PER_CLIENT = "20 per hour"
#: Running out of one of those budgets this often refuses the same key for a day.
LOGIN_LOCKOUTS = "3 per day"
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


log = logging.getLogger(__name__)

_ACCOUNT, _CLIENT, _LOCKOUTS = (parse(LOGIN_TRIES_PER_ACCOUNT), parse(LOGIN_TRIES_PER_CLIENT),
                                parse(LOGIN_LOCKOUTS))


def _login_budgets(email: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    address = client_address()
    return [(_ACCOUNT, ("login-account", address, email.strip().lower())),
            (_CLIENT, ("login-client", address))]


def login_try(email: str) -> float | None:
    """Count a login try before its password is checked, so that guesses sent at once count
    too; when the client is over a budget, the time (epoch seconds) it may try again."""
    if not limiter.enabled:
        return None
    strategy = limiter.limiter
    try:
        budgets = [(limit, _keyed(*keys)) for limit, keys in _login_budgets(email)]
        for _limit, keys in budgets:
            if not strategy.test(_LOCKOUTS, *keys, "lockouts"):
                return strategy.get_window_stats(_LOCKOUTS, *keys, "lockouts").reset_time
        for limit, keys in budgets:
            if not strategy.hit(limit, *keys):
                return strategy.get_window_stats(limit, *keys).reset_time
            if strategy.get_window_stats(limit, *keys).remaining == 0:
                strategy.hit(_LOCKOUTS, *keys, "lockouts")
    except Exception:  # the counters' storage is down: sign-ins must go on without them
        log.exception("login rate limit storage failed")
    return None


def login_succeeded(email: str) -> None:
    """The right password: this account's tries from this client start from zero again."""
    if not limiter.enabled:
        return
    limit, keys = _login_budgets(email)[0]
    try:
        limiter.limiter.clear(limit, *_keyed(*keys))
        limiter.limiter.clear(_LOCKOUTS, *_keyed(*keys), "lockouts")
    except Exception:
        log.exception("login rate limit storage failed")


def _keyed(*keys: str) -> tuple[str, ...]:
    # The limits counted here share the storage, and its prefix, with Flask-Limiter's own.
    return (current_app.config["RATELIMIT_KEY_PREFIX"], *keys)


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
    try:
        return limiter.limiter.hit(_ROOM_CONNECTS, *_keyed("room-connect", client_address()))
    except Exception:
        log.exception("room connect rate limit storage failed")
        return True


_ROOM_CONNECTS = parse(ROOM_CONNECTS_PER_CLIENT)


def init_app(app: Flask) -> None:
    """Bind the limiter (settings in config.py), behind the trusted proxies' address fix."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Only the headers the shipped nginx sets (it passes Host itself), so a forged
        # X-Forwarded-Host is never believed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies,  # type: ignore[method-assign]
                                x_proto=proxies)
    limiter.init_app(app)
