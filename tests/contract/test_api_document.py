"""The API against its own OpenAPI document, by schemathesis: requests generated from the
document for every operation, sent as a logged-in coordinator (session cookie and CSRF
header) and as a participant (their link's token), on a database holding a workshop and a
registration. No answer may be a 5xx, carry an undocumented status, or break the documented
schema. Bounded (EXAMPLES per operation), so the whole run takes a minute or so."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from api_document import api_document
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from facilitate.extensions import limiter

DOCUMENT = api_document()

#: Generated requests per operation.
EXAMPLES = 25
OPERATIONS = [f"{method.upper()} {path}" for path, item in DOCUMENT["paths"].items()
              for method in item]


@pytest.fixture
def callers(app: Any, coordinator_client: Any, make_workshop: Any, register: Any,
            monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What makes a generated request a logged-in coordinator's and a participant's: the
    session cookie, the CSRF header and a link's token; rate limits off (their own tests
    cover them)."""
    monkeypatch.setattr(limiter, "enabled", False)
    _registration, token = register(make_workshop())
    session = coordinator_client.client.get_cookie("session")
    assert session is not None
    csrf = coordinator_client.client.get("/api/v1/csrf-token").json["csrf_token"]
    return {"cookies": {"session": session.value},
            "headers": {"X-CSRFToken": csrf, "Authorization": f"Bearer {token}"}}


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_answer_is_a_server_error_or_breaks_the_document(
        app: Any, callers: dict[str, Any], label: str) -> None:
    method, path = label.split(" ", 1)
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def answers(case: Any) -> None:
        case.call_and_validate(**callers, checks=[
            not_a_server_error, status_code_conformance, response_schema_conformance])

    answers()
