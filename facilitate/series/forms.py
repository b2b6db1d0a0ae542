"""Form parsing for series and workshop pages: request.form in, operation input out."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from .operations import SERIES_TEXT_FIELDS

WORKSHOP_FIELDS = ("title", "day", "starts_at", "ends_at", "format", "description",
                   "registration_deadline")


def series_data(form: MultiDict[str, str]) -> dict[str, Any]:
    """The series fields a form posts; the checkbox is absent when unticked."""
    data: dict[str, Any] = {field: form.get(field, "") for field in SERIES_TEXT_FIELDS}
    data["is_public"] = form.get("is_public") == "on"
    return data


PLAN_DEFAULTS = ("title", "starts_at", "ends_at", "format", "description")


def workshop_data(form: MultiDict[str, str], *, from_plan: bool = False) -> dict[str, Any]:
    """The workshop fields a form posts; with a plan, fields left empty take the plan's."""
    return {field: form[field] for field in WORKSHOP_FIELDS
            if field in form and (form[field] or not (from_plan and field in PLAN_DEFAULTS))}
