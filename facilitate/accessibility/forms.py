"""Form parsing for the accessibility pages: request.form in, operation input out."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

STATEMENT_FIELDS = ("compliance", "assessed_on", "assessment_method", "assessor",
                    "contact_email", "automated_check_on")
DEFECT_FIELDS = ("reason", "description_fi", "description_sv", "description_en")
FEEDBACK_FIELDS = ("message", "page", "reply_to")


def fields(form: MultiDict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields a form posts, "" for those it left out."""
    return {name: form.get(name, "") for name in names}
