"""Domain errors raised by operations and turned into pages or JSON bodies by the web layer."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule was broken; `message` is shown to the user (a lazy gettext string)."""

    status = 400
    code = "bad_request"

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def as_json(self) -> dict[str, Any]:
        """The API's error body: a stable code, a readable message, the field it concerns."""
        body: dict[str, Any] = {"error": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        return body


class Invalid(DomainError):
    """Input that fails validation; may carry several field messages at once."""

    status = 422
    code = "invalid"

    def __init__(self, message: Any = None, *, field: str | None = None,
                 errors: dict[str, Any] | None = None) -> None:
        self.errors = dict(errors or {})
        if message is not None and field:
            self.errors.setdefault(field, message)
        if message is None:
            message = next(iter(self.errors.values()), "")
            field = next(iter(self.errors), None)
        super().__init__(message, field=field)

    def as_json(self) -> dict[str, Any]:
        body = super().as_json()
        if self.errors:
            body["errors"] = {key: str(value) for key, value in self.errors.items()}
        return body


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it does."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (closed registration, stale version)."""

    status = 409
    code = "conflict"


class Busy(Conflict):
    """Concurrent changes kept winning the race for this one; the same change may be resent."""

    status = 503
    code = "busy"


class Gone(DomainError):
    """What existed once and is no longer kept: an expired link, note history folded away."""

    status = 410
    code = "gone"


class TooManyAttempts(DomainError):
    """Too many attempts in a short time (a rate limit); try again later."""

    status = 429
    code = "too_many_attempts"


class Collector:
    """Gathers field errors so one form submission reports every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def add(self, field: str, message: Any) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(errors=self.errors)
