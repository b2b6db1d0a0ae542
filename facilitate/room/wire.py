"""The JSON module of Socket.IO packets: orjson for encoding, the standard library for decoding.

orjson's `Fragment` lets a packet embed JSON serialised once: the shared part of a room's
snapshot (hundreds of kilobytes in a full room) is encoded once per room version instead of
once per person joining. Decoding stays with the standard library, which reads a lone UTF-16
surrogate escape ("\\ud800") as text, so the handlers can refuse it with a message instead of
the transport dropping the packet.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

Fragment = orjson.Fragment


def encode(value: Any) -> bytes:
    """Serialise once, for a Fragment."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def dumps(value: Any, **_options: Any) -> str:
    """A packet's JSON (Socket.IO passes `separators`; orjson is always compact)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        # text orjson refuses (a lone surrogate echoed back): escaped, as JSON allows
        return json.dumps(value, separators=(",", ":"))


def loads(text: str | bytes, **options: Any) -> Any:
    """A received packet's JSON."""
    return json.loads(text, **options)
