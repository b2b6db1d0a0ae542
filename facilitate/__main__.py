"""The `facilitate` command: the Flask CLI, with eventlet patched first when `run` needs it."""

from __future__ import annotations

import os
import sys
import warnings

#: eventlet announces on import that it is in maintenance mode; that one notice is known.
EVENTLET_NOTICE = r"\s*Eventlet is deprecated"


def main() -> None:
    """Entry point of the console script."""
    warnings.filterwarnings("ignore", message=EVENTLET_NOTICE)
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        # Patching must precede every other import of sockets, threads or the database driver.
        mode = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
        if mode == "eventlet":
            import eventlet

            eventlet.monkey_patch()
        elif mode == "gevent":
            from gevent import monkey

            monkey.patch_all()
    from .cli import cli

    cli.main(prog_name="facilitate")


if __name__ == "__main__":
    main()
