"""Patch the standard library for the configured async library, before anything else loads.

`facilitate run` and wsgi.py call `patch_for` first: sockets, threads and the database
driver must be imported patched, or one blocking call stops every connection of the process.
"""

from __future__ import annotations

import warnings

#: eventlet announces on import that it is in maintenance mode; that one notice is known.
EVENTLET_NOTICE = r"\s*Eventlet is deprecated"


def patch_for(mode: str) -> None:
    """Monkey-patch for `mode` (eventlet, gevent or threading, which needs nothing)."""
    if mode == "eventlet":
        warnings.filterwarnings("ignore", message=EVENTLET_NOTICE)
        import eventlet

        eventlet.monkey_patch()  # psycopg2 included: eventlet installs its wait callback
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
        try:
            from psycogreen.gevent import patch_psycopg
        except ImportError:
            return  # without PostgreSQL support installed there is no driver to patch
        # gevent leaves psycopg2 blocking: every query would stop all of the process's
        # connections until PostgreSQL answers (eventlet patches the driver by itself).
        patch_psycopg()
