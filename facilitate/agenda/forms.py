"""Form parsing for the agenda builder."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from .operations import THEME_FIELDS


def int_list(form: MultiDict[str, str], name: str) -> list[int]:
    """Checked ids; anything that is not a whole number is dropped (and so not found)."""
    return [int(v) for v in form.getlist(name) if v.strip().isdigit()]


def optional_int(value: str | None) -> int | None:
    """A select's id, or None for its empty choice."""
    return int(value) if value and value.strip().isdigit() else None


def theme_data(form: MultiDict[str, str]) -> dict[str, Any]:
    """The theme fields a form posts."""
    return {field: form.get(field, "") for field in THEME_FIELDS if field in form}


def prompt_data(form: MultiDict[str, str]) -> dict[str, Any]:
    """A prompt's kind, text, options (one option per line), tracking key and reference
    figures (their shares one per line; every part empty clears them)."""
    return {"kind": form.get("kind", ""), "text": form.get("text", ""),
            "options": form.get("options", ""), "question_key": form.get("question_key", ""),
            "reference": {part: form.get(f"reference_{part}", "")
                          for part in ("source", "responses", "note", "percents")}}
