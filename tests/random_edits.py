"""Random texts and edits for the text-operation tests (Python alone, and Python against JS)."""

from __future__ import annotations

import random

from facilitate.room import textops

#: Finnish and Swedish letters, a combining accent and emoji of several code points.
ALPHABET = list("aaeiknstuäöåÄÖ  .,\n") + ["😀", "👍🏽", "🇫🇮", "é", "\u0301", "€"]


def random_text(rng: random.Random, longest: int = 30) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def random_edit(rng: random.Random, text: str) -> textops.Ops:
    """A random edit over the whole text: runs of keeps, deletes and inserts."""
    ops: textops.Ops = []
    left = len(text)
    while left:
        n = rng.randint(1, left)
        roll = rng.random()
        if roll < 0.25:
            ops.append(random_text(rng, 4) or "x")
        ops.append(n if roll < 0.6 else -n)
        left -= n
    if rng.random() < 0.4:
        ops.append(random_text(rng, 5) or "y")
    return textops.normalise(ops) or [random_text(rng, 3) or "z"]


def random_change(rng: random.Random, text: str) -> str:
    """Text after a typist's change: an insert, a delete or a replacement somewhere."""
    start = rng.randint(0, len(text))
    end = rng.randint(start, min(len(text), start + 6))
    return text[:start] + (random_text(rng, 5) if rng.random() < 0.7 else "") + text[end:]
