"""Form parsing for the registration pages."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

#: How many empty wish boxes the registration form offers.
WISH_FIELDS = 2


def registration_data(form: MultiDict[str, str]) -> dict[str, Any]:
    """Name, address, organisation and the wish boxes (empty boxes are dropped later)."""
    return {
        "name": form.get("name", ""),
        "email": form.get("email", ""),
        "organisation": form.get("organisation", ""),
        "other_organisation": form.get("other_organisation", ""),
        "wishes": form.getlist("wish"),
    }


def profile_data(form: MultiDict[str, str]) -> dict[str, Any]:
    """The fields a participant may change on their own page."""
    return {key: form.get(key, "") for key in ("name", "organisation", "other_organisation")}
