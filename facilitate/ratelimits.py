"""Request rate limits (Flask-Limiter): every limit the app enforces, in one place.

Limits count per client address (the real one behind `TRUSTED_PROXIES` proxies), kept in
Redis when one is configured, so every process counts together, and in memory otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter

T = TypeVar("T")

#: Login tries for one e-mail address from one client address; a success clears them. The
#: real coordinator, trying from their own address, is never locked out by someone else's.
LOGIN_TRIES_PER_ACCOUNT = "5 per 15 minutes"
#: Failed logins from one client address over all e-mail addresses (password spraying);
#: colleagues logging in from one office address do not use it up.
LOGIN_FAILURES_PER_CLIENT = "20 per hour"
#: Using up one of those budgets with a failure this often refuses the same key for a day.
LOGIN_LOCKOUTS = "3 per day"
#: Registrations (pages and API together) from one client address. Leaders of one county
#: may register from behind one address; an hour of 30 is more than a real workshop needs.
REGISTRATIONS_PER_CLIENT = "10 per minute;30 per hour"
#: API requests from one client address.
API_PER_CLIENT = "600 per minute"
#: Live-room connections from one client address: a whole county office behind one address
#: reconnecting after a restart (with back-off) stays well inside this.
ROOM_CONNECTS_PER_CLIENT = "300 per minute"
#: join pages looked up by code from one client address: enough for an office behind one
#: address, too few to try codes until one is found
JOIN_PAGES_PER_CLIENT = "120 per minute;600 per hour"
#: links mailed to one address in an hour, however asked for (facilitate.mail.messages)
#: Series summaries made as files on request (a PDF costs WeasyPrint a second or so).
SUMMARY_FILES_PER_CLIENT = "30 per minute;200 per hour"
LINK_MAILS_PER_HOUR = 3
#: links asked for by mail on the join page, for one address, and from one client address
LINK_REQUESTS_PER_ADDRESS = f"{LINK_MAILS_PER_HOUR} per hour"
LINK_REQUESTS_PER_CLIENT = "30 per hour"
#: accessibility feedback sent from one client address: a person reporting several problems
#: goes on, a script filling the coordinators' list does not
FEEDBACK_PER_CLIENT = "5 per 10 minutes;20 per day"


def client_address() -> str:
    """The client's address, as ProxyFix has corrected it behind trusted proxies."""
    return get_remote_address()


log = logging.getLogger(__name__)

_ACCOUNT, _CLIENT, _LOCKOUTS = (parse(LOGIN_TRIES_PER_ACCOUNT), parse(LOGIN_FAILURES_PER_CLIENT),
                                parse(LOGIN_LOCKOUTS))
#: Counts kept in this process while the configured storage (Redis) does not answer.
_FALLBACK = MovingWindowRateLimiter(MemoryStorage())


def _counted(count: Callable[[RateLimiter], T]) -> T:
    """`count` against the configured storage, or this process's memory while it is down, so
    an outage of Redis never switches the limits off."""
    try:
        return count(limiter.limiter)
    except Exception:
        log.exception("rate limit storage failed; counting in memory meanwhile")
        return count(_FALLBACK)


def _account(email: str) -> tuple[str, ...]:
    return _keyed("login-account", client_address(), email.strip().lower())


def _client() -> tuple[str, ...]:
    return _keyed("login-client", client_address())


def login_try(email: str) -> float | None:
    """Before a login's password is checked: when the client may try again (epoch seconds)
    if it is over a budget, else None. The try counts against the account's budget now, so
    guesses sent at once count too; against the client's, only if it fails."""
    if not limiter.enabled:
        return None

    def check(strategy: RateLimiter) -> float | None:
        for keys in (_account(email), _client()):
            if not strategy.test(_LOCKOUTS, *keys, "lockouts"):
                return strategy.get_window_stats(_LOCKOUTS, *keys, "lockouts").reset_time
        if not strategy.test(_CLIENT, *_client()):
            return strategy.get_window_stats(_CLIENT, *_client()).reset_time
        if not strategy.hit(_ACCOUNT, *_account(email)):
            return strategy.get_window_stats(_ACCOUNT, *_account(email)).reset_time
        return None

    return _counted(check)


def login_failed(email: str) -> None:
    """A wrong password: it counts against the client's budget too, and a failure that uses
    up a budget counts as a lockout."""
    if not limiter.enabled:
        return

    def count(strategy: RateLimiter) -> None:
        strategy.hit(_CLIENT, *_client())
        for limit, keys in ((_ACCOUNT, _account(email)), (_CLIENT, _client())):
            if strategy.get_window_stats(limit, *keys).remaining == 0:
                strategy.hit(_LOCKOUTS, *keys, "lockouts")

    _counted(count)


def login_succeeded(email: str) -> None:
    """The right password: this account's tries from this client start from zero again."""
    if not limiter.enabled:
        return

    def clear(strategy: RateLimiter) -> None:
        strategy.clear(_ACCOUNT, *_account(email))
        strategy.clear(_LOCKOUTS, *_account(email), "lockouts")

    _counted(clear)


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


def link_requests_refused_message() -> Any:
    """The 429 message of asking for one's link by mail, in the user's language."""
    return _l("Linkkiä on pyydetty liian monta kertaa. Yritä tunnin kuluttua uudelleen tai "
              "ota yhteyttä järjestäjään.")


def _typed_address() -> str:
    # Counted per address as typed, in any case: one inbox, however its owner spells it.
    return "link-address:" + request.form.get("email", "").strip().lower()


#: Asking for one's link by mail, counted per address, so nobody floods another's inbox
#: through it ...
link_requests_per_address = limiter.limit(
    LINK_REQUESTS_PER_ADDRESS, key_func=_typed_address, methods=["POST"],
    error_message=link_requests_refused_message)
#: ... and per client address.
link_requests_per_client = limiter.limit(
    LINK_REQUESTS_PER_CLIENT, methods=["POST"], error_message=link_requests_refused_message)


def room_connect_allowed() -> bool:
    """Count a live-room connection from this client; False once over the limit."""
    if not limiter.enabled:
        return True
    keys = _keyed("room-connect", client_address())
    return _counted(lambda strategy: strategy.hit(_ROOM_CONNECTS, *keys))


_ROOM_CONNECTS = parse(ROOM_CONNECTS_PER_CLIENT)


def init_app(app: Flask) -> None:
    """Bind the limiter (settings in config.py), behind the trusted proxies' address fix."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Only the headers the shipped nginx sets: it passes Host itself and drops any
        # X-Forwarded-Host a client sends (deploy/nginx/facilitate-proxy.conf).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies,  # type: ignore[method-assign]
                                x_proto=proxies)
    limiter.init_app(app)


def join_pages_refused_message() -> Any:
    """The 429 message of the join pages, in the user's language."""
    return _l("Liian monta koodia lyhyessä ajassa. Yritä hetken kuluttua uudelleen.")


#: The join pages (/j/<code> and its forms) share one budget per client address.
join_page_limit = limiter.shared_limit(JOIN_PAGES_PER_CLIENT, scope="join-pages",
                                       error_message=join_pages_refused_message)


#: The series summary's downloads, each made on request.
summary_file_limit = limiter.limit(SUMMARY_FILES_PER_CLIENT)


def feedback_refused_message() -> Any:
    """The 429 message of the accessibility feedback form, in the user's language."""
    return _l("Palautetta on lähetetty liian monta kertaa lyhyessä ajassa. Yritä myöhemmin "
              "uudelleen tai lähetä palaute saavutettavuusselosteen sähköpostiosoitteeseen.")


#: Sending accessibility feedback, per client address (the form itself may be read freely).
feedback_limit = limiter.limit(FEEDBACK_PER_CLIENT, methods=["POST"],
                               error_message=feedback_refused_message)
