"""Serve the app in one process with the configured async library (the `facilitate run` command).

The one place that knows the server of each async mode. Under eventlet the listening socket gets
TCP_NODELAY: the room answers a change with two small messages (the broadcast, then the
acknowledgement), and with Nagle's algorithm the second waited for the client's delayed ACK,
about 40 ms on every change.
"""

from __future__ import annotations

import gc
import socket

from flask import Flask

from .extensions import socketio

#: Allocations between young-generation collections (Python's default is 700).
GC_YOUNG_THRESHOLD = 20_000


def tune_gc() -> None:
    """Make garbage collection cheap for a long-running room server.

    Measured with bench/room.py (500 participants): with Python's defaults the server spent
    about 5 s of CPU in the collector per two-minute run, and full collections, which walk
    every object of the loaded app and of 500 connections, paused everything for up to 180 ms:
    each pause delays every broadcast in flight. Freezing what exists after start-up keeps
    those objects out of later collections, and a larger young generation makes collections
    rarer. Reference cycles are still collected.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 100)


def serve(app: Flask, host: str, port: int, *, access_log: bool = True) -> None:
    """Run the HTTP and Socket.IO server until interrupted."""
    mode = app.config["SOCKETIO_ASYNC_MODE"]
    tune_gc()
    if mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = eventlet.listen((host, port), family)
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted ones inherit
        eventlet.wsgi.server(listener, app, log_output=access_log)
        return
    if mode == "threading":
        # Werkzeug's development server, for trying things out; socketio.run would hand over to
        # app.run, which the Flask CLI refuses to start from inside a command.
        import logging

        from werkzeug.serving import run_simple

        if not access_log:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
        run_simple(host, port, app, threaded=True, use_reloader=False)
        return
    socketio.run(app, host=host, port=port, use_reloader=False, log_output=access_log)


