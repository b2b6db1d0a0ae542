"""docs/realtime.md and the room's payload models say the same: every event, its fields, who
may send it, and the limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitate.room import events  # noqa: F401  (registers every event's handler)
from facilitate.room.dispatch import EVENTS
from facilitate.room.payloads import LIMITS

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "realtime.md"
ROW = re.compile(r"^\| `([a-z_.]+)` \| `\{([^}]*)\}`[^|]*\| ([^|]+) \|", re.MULTILINE)


@pytest.fixture(scope="module")
def documented() -> dict[str, tuple[str, str]]:
    text = DOCUMENT.read_text(encoding="utf-8")
    section = text.split("## Events a client sends", 1)[1].split("\n## ", 1)[0]
    return {event: (fields, who.strip()) for event, fields, who in ROW.findall(section)}


def test_every_event_is_documented_with_the_fields_of_its_model(documented) -> None:
    assert sorted(documented) == sorted(EVENTS)
    for event, spec in EVENTS.items():
        fields, _who = documented[event]
        listed = {name.split(":")[0].strip() for name in fields.split(",") if name.strip()}
        model = spec.payload.model_fields
        assert listed == {name if info.is_required() else f"{name}?"
                          for name, info in model.items()}, event


def test_who_may_send_each_event_is_as_documented(documented) -> None:
    for event, spec in EVENTS.items():
        assert (documented[event][1] == "coordinator") == spec.coordinator_only, event


def test_the_limits_the_document_states_are_the_models() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    assert f"A contribution is at most {LIMITS['contribution_chars']:,} characters" in text
    assert f"a note at most {LIMITS['note_bytes']:,} bytes" in text
    low, high = LIMITS["timer_seconds"]
    assert f"`{{id, seconds}}` ({low}–{high})" in text
    assert ", ".join(f"`{level}`" for level in LIMITS["levels"]) in text


def test_the_schemas_are_served_for_client_authors(app) -> None:
    schemas = app.test_client().get("/room/events.schema.json").json
    assert set(schemas) == set(EVENTS)
    add = schemas["contribution.add"]
    assert add["properties"]["text"]["maxLength"] == LIMITS["contribution_chars"]
    assert set(add["required"]) == {"id", "theme_id", "text"}
    assert schemas["room.open"]["x-coordinator-only"] is True
