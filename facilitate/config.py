"""Configuration from environment variables, with safe defaults for one local process."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production-leaning defaults; every value can be overridden from the environment."""

    #: With no DATABASE_URL the app uses SQLite in the instance folder (filled in by create_app).
    DATABASE_URL: str | None = os.environ.get("DATABASE_URL")
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    #: None: one process, no relay. "redis://…" when several server processes share rooms.
    SOCKETIO_MESSAGE_QUEUE: str | None = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    #: the queue's channel: deployments sharing one Redis keep their rooms apart by it
    SOCKETIO_CHANNEL: str = os.environ.get("SOCKETIO_CHANNEL", "facilitate")
    #: eventlet, gevent or threading; the code never calls an async library directly.
    SOCKETIO_ASYNC_MODE: str = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    EXPORTS_DIR: str | None = os.environ.get("EXPORTS_DIR")
    #: The address readers reach the site at, e.g. https://vertaisreflektiot.thl.fi; memos link
    #: to earlier memos with it. Empty: the address of the request that compiles the memo.
    PUBLIC_BASE_URL: str = os.environ.get("PUBLIC_BASE_URL", "")
    UPLOADS_DIR: str | None = os.environ.get("UPLOADS_DIR")
    #: Participant links stay valid this many days after their workshop has ended.
    PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP: int = int(
        os.environ.get("PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP", "60")
    )
    #: Participants' personal data (names, addresses, private links) is removed this many days
    #: after their workshop's memo is first published, or after the workshop's day when none
    #: is (facilitate/retention, `facilitate purge`); the privacy notice states it.
    RETENTION_DAYS: int = int(os.environ.get("RETENTION_DAYS", "90"))
    #: Results by organisation leave the coordinator console only in groups of at least this
    #: many respondents (facilitate/results/anonymity.py). Changing it changes no memo already
    #: published: those are files, never compiled again.
    ANONYMITY_THRESHOLD: int = int(os.environ.get("ANONYMITY_THRESHOLD", "5"))
    #: Where accessibility feedback is mailed; empty: the contact address of the
    #: accessibility statement (facilitate/accessibility).
    ACCESSIBILITY_FEEDBACK_TO: str = os.environ.get("ACCESSIBILITY_FEEDBACK_TO", "")
    #: Every request body (forms, the API) at most 1 MiB, read before the CSRF check; only the
    #: views that take files allow more (uploads.accepts_files).
    MAX_CONTENT_LENGTH: int = 1024 * 1024
    #: Rate limits (facilitate/ratelimits.py): counted in Redis when one is named here or as
    #: the message queue, so that every process counts together; in memory otherwise.
    RATELIMIT_ENABLED: bool = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI: str = (os.environ.get("RATELIMIT_STORAGE_URI")
                                  or os.environ.get("SOCKETIO_MESSAGE_QUEUE") or "memory://")
    #: A moving window: a fixed one would let twice the limit through around its edge.
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    #: Redis down: count in this process's memory meanwhile rather than refuse every request.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Deployments sharing one Redis keep their counts apart, as their rooms (SOCKETIO_CHANNEL).
    RATELIMIT_KEY_PREFIX: str = os.environ.get("SOCKETIO_CHANNEL", "facilitate")
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (1 behind
    #: the shipped nginx); 0 when clients connect directly.
    TRUSTED_PROXIES: int = int(os.environ.get("TRUSTED_PROXIES", "0"))
    #: A coordinator's sign-in ends after this long without a request, and this long after it
    #: began, whatever happens (facilitate/accounts/operations.py).
    SIGN_IN_IDLE: timedelta = timedelta(minutes=int(os.environ.get("SIGN_IN_IDLE_MINUTES", "240")))
    SIGN_IN_LONGEST: timedelta = timedelta(hours=int(os.environ.get("SIGN_IN_MAX_HOURS", "12")))
    #: Mail to participants (Flask-Mailman): over SMTP when MAIL_SERVER is set; otherwise each
    #: message is written as a file under MAIL_FILE_PATH (default: instance/mail).
    MAIL_SERVER: str = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT: int = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME: str | None = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD: str | None = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS: bool = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL: bool = _env_bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER: str = os.environ.get("MAIL_DEFAULT_SENDER",
                                              "facilitate <noreply@localhost>")
    #: seconds to wait for the mail server: a registration waits at most this long for it
    MAIL_TIMEOUT: int = int(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_BACKEND: str = os.environ.get("MAIL_BACKEND", "")
    MAIL_FILE_PATH: str | None = os.environ.get("MAIL_FILE_PATH")
    #: The word cloud's dictionaries, as tries on disk (`facilitate prepare-words` builds them).
    WORD_INDEX_DIR: str | None = os.environ.get("WORD_INDEX_DIR")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE: bool = _env_bool("SESSION_COOKIE_SECURE", False)
    WTF_CSRF_TIME_LIMIT: int | None = None  # a coordinator may keep a form open all afternoon
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    LANGUAGES = ("fi", "sv", "en")
    TESTING = False


class TestingConfig(Config):
    """Isolated settings for the test suite: threading, no relay, fixed secret."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SOCKETIO_ASYNC_MODE = "threading"
    SOCKETIO_MESSAGE_QUEUE = None
    RATELIMIT_STORAGE_URI = "memory://"
    SESSION_COOKIE_SECURE = False
    #: kept in memory; the mail tests send through a real SMTP server of their own
    MAIL_BACKEND = "locmem"


def resolve(app_config: dict[str, Any], instance_path: str) -> None:
    """Fill in defaults that depend on the instance folder and refuse unsafe production values."""
    instance = Path(instance_path)
    if not app_config.get("DATABASE_URL"):
        app_config["DATABASE_URL"] = f"sqlite:///{instance / 'facilitate.sqlite3'}"
    if not app_config.get("EXPORTS_DIR"):
        app_config["EXPORTS_DIR"] = str(Path.cwd() / "exports")
    if not app_config.get("UPLOADS_DIR"):
        app_config["UPLOADS_DIR"] = str(instance / "uploads")
    if not app_config.get("SECRET_KEY"):
        app_config["SECRET_KEY"] = _instance_secret(instance)
    if not app_config.get("MAIL_BACKEND"):
        app_config["MAIL_BACKEND"] = "smtp" if app_config.get("MAIL_SERVER") else "file"
    if app_config["MAIL_BACKEND"] == "smtp" and not app_config.get("PUBLIC_BASE_URL"):
        # Otherwise a mail's private link would take the host from whatever Host header the
        # request that caused it sent: anyone could have a victim mailed a link to their site.
        raise RuntimeError("MAIL_SERVER is set but PUBLIC_BASE_URL is not: set it to the "
                           "site's address (https://…) so that mailed links point there.")
    if int(app_config["ANONYMITY_THRESHOLD"]) < 1:
        raise RuntimeError("ANONYMITY_THRESHOLD must be at least 1.")
    if int(app_config["RETENTION_DAYS"]) < 0:
        raise RuntimeError("RETENTION_DAYS must be 0 or more.")
    if not app_config.get("WORD_INDEX_DIR"):
        app_config["WORD_INDEX_DIR"] = str(instance / "word-index")
    if not app_config.get("MAIL_FILE_PATH"):
        app_config["MAIL_FILE_PATH"] = str(instance / "mail")


def _instance_secret(instance: Path) -> str:
    """A secret generated once per instance folder, so a bare `make run` is not insecure."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
