"""A bare Flask-SocketIO relay: the same transport as the room, with none of the room's work.

Run as `python bench/baseline_server.py --host 127.0.0.1 --port 5001`. It uses the async mode
named by SOCKETIO_ASYNC_MODE (default eventlet, patched before anything else is imported) and
the same Socket.IO settings and garbage-collector tuning as `facilitate run`, so bench/room.py
can compare the room's latency with the transport's alone.
"""

from __future__ import annotations

import os
import warnings

MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
if MODE == "eventlet":
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import orjson  # noqa: E402
from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

ROOM = "workshop:1"


class Wire:
    """The room's packet JSON (facilitate/room/wire.py): orjson out, the standard library in."""

    @staticmethod
    def dumps(value: Any, **_options: Any) -> str:
        return orjson.dumps(value).decode()

    @staticmethod
    def loads(text: str | bytes, **options: Any) -> Any:
        return json.loads(text, **options)


def create_app(snapshot: bytes = b'{"room":{"status":"open"}}') -> tuple[Flask, SocketIO]:
    """The relay app: one room, one event, and on connect a snapshot read once from a file
    (the bench gives it one of the room's size) and sent as it is, the cheapest way possible."""
    app = Flask("baseline")
    app.config["SECRET_KEY"] = "bench"
    socketio = SocketIO(app, async_mode=MODE, cors_allowed_origins=[],
                        max_http_buffer_size=256 * 1024, json=Wire)
    prepared = orjson.Fragment(snapshot)

    @socketio.on("connect")
    def _connect(auth: Any = None) -> bool:
        if not isinstance(auth, dict) or not (auth.get("token") or auth.get("workshop_id")):
            return False
        join_room(ROOM)
        emit("snapshot", prepared)
        return True

    @socketio.on("contribution.add")
    def _add(data: Any) -> dict[str, Any]:
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str):
            return {"ok": False, "error": "invalid", "message": "text"}
        socketio.emit("contribution.added", {"contribution": {"text": text}}, to=ROOM)
        return {"ok": True}

    return app, socketio


def main() -> None:
    """Serve the relay until terminated."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--snapshot", type=Path, help="JSON sent to every client that joins")
    args = parser.parse_args()
    app, socketio = create_app(*([args.snapshot.read_bytes()] if args.snapshot else []))
    # Garbage collection tuned as `facilitate run` does (facilitate.serving.tune_gc), copied
    # rather than imported: importing the package would add its ~20 MiB to the relay's memory.
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)
    print(f"baseline: http://{args.host}:{args.port}/ (async_mode={MODE})", flush=True)
    socketio.run(app, host=args.host, port=args.port, use_reloader=False, log_output=False,
                 allow_unsafe_werkzeug=(MODE == "threading"))


if __name__ == "__main__":
    main()
