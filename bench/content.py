"""What a room holds before the bench's participants arrive, the same for room and bare relay.

A real room has content when a crowd (re)joins it: M contributions of 80–400 characters with
votes, most participants' answers to the statement, and a note of a few pages. `prefill` writes
that into the room's database; `bare_snapshot` is a snapshot of the same shape and size for the
bare relay to send on every join, so both servers put the same bytes on the wire.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

FILLER = (
    "Meillä jälkihuollon asiakkaat ohjautuvat aikuissosiaalityöhön liian aikaisin, ja "
    "yhteistyö nuorisopalvelujen kanssa on vielä hajanaista. Toimiva käytäntö on ollut "
    "nimetty työpari, joka jatkaa nuoren kanssa siirtymän yli. Kunnan ja hyvinvointialueen "
    "välinen työnjako pitäisi kirjata yhteiseen sopimukseen, jotta palvelupolku ei katkea. "
)
#: A note-taker's page or two: about 6,000 characters of Markdown.
NOTE = "\n\n".join(
    f"## Havainto {i + 1}\n\n- {FILLER[: 120 + 7 * i]}\n- **Sovittiin:** {FILLER[40:200]}"
    for i in range(20))


@dataclass
class Content:
    """Rows to write: contributions (author index, text), votes, answers (index, value)."""

    contributions: list[tuple[int, str]]
    votes: list[tuple[int, int]]  # (contribution index, voter index)
    answers: list[tuple[int, int]]
    note: str


def content(n: int, m: int, seed: int) -> Content:
    """M contributions by N participants, 0–4 votes each, 80 % answering, one note."""
    rng = random.Random(seed ^ 0x5EED)
    contributions = []
    for _ in range(m):
        size = rng.randint(80, 400)
        start = rng.randrange(len(FILLER))
        contributions.append((rng.randrange(n), ((FILLER * 3)[start:start + size]).strip()))
    votes = []
    for index, (author, _text) in enumerate(contributions):
        voters = {rng.randrange(n) for _ in range(rng.randint(0, 4))} - {author}
        votes.extend((index, voter) for voter in sorted(voters))
    answers = [(i, rng.randint(1, 5)) for i in range(n) if rng.random() < 0.8]
    return Content(contributions, votes, answers, NOTE if m else "")


def bare_snapshot(n: int, m: int, seed: int) -> bytes:
    """A participant's snapshot of a room holding this content, as the room would send it."""
    rows = content(n, m, seed)
    votes: dict[int, int] = {}
    for index, _voter in rows.votes:
        votes[index] = votes.get(index, 0) + 1
    at = datetime(2026, 12, 2, 9, tzinfo=UTC)
    snapshot: dict[str, Any] = {
        "server_now": at.isoformat(), "presence": [{"organisation": f"Alue {i}", "count": n // 10}
                                                   for i in range(10)],
        "me": {"role": "participant", "registration_id": 1, "name": "Osallistuja 000",
               "organisation": "Alue 0", "is_note_taker": False, "contribution_ids": [],
               "voted_ids": [], "answers": {}, "hidden_contributions": []},
        "workshop": {"id": 1, "title": "Kuormitustesti", "when": "3.12.2026 klo 9–16",
                     "series_title": "Lastensuojelun jälkihuollon johdon vertaisreflektiot"},
        "room": {"status": "open", "phase": "theme", "theme_id": 1, "timer": None},
        "presentations": [],
        "themes": [{"id": 1, "title": "Siirtymät aikuisuuteen",
                    "description_html": "<p>Miten nuori siirtyy palveluista?</p>",
                    "position": 0, "is_locked": False, "from_wishes": False, "prompts": [],
                    "note": {"text": rows.note, "version": 1,
                             "html": rows.note.replace("\n", "<br>")}}],
        "contributions": [{
            "id": i + 1, "theme_id": 1, "prompt_id": 1, "text": text, "level": None,
            "votes": votes.get(i, 0), "hidden": False,
            "created_at": (at + timedelta(seconds=i)).isoformat()}
            for i, (_author, text) in enumerate(rows.contributions)],
        "limits": {"contribution_chars": 2000, "note_bytes": 100000},
    }
    return json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode()
