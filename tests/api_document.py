"""The API's OpenAPI document as the app serves it, for tests that check answers against it
or generate requests from it."""

from __future__ import annotations

import functools
from typing import Any

from facilitate import create_app
from facilitate.config import TestingConfig


@functools.cache
def api_document() -> dict[str, Any]:
    """GET /api/v1/openapi.json of an app of its own (the document needs no database)."""
    app = create_app(type("Config", (TestingConfig,), {"DATABASE_URL": "sqlite://"}))
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json
