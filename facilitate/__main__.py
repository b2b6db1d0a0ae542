"""The `facilitate` command: the Flask CLI, with eventlet patched first when `run` needs it."""

from __future__ import annotations

import os
import sys
import warnings


def main() -> None:
    """Entry point of the console script."""
    if len(sys.argv) > 1 and sys.argv[1] == "run" and \
            os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet") == "eventlet":
        # Patching must precede every other import of sockets, threads or the database driver.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="eventlet")
            import eventlet

            eventlet.monkey_patch()
    from .cli import cli

    cli.main(prog_name="facilitate")


if __name__ == "__main__":
    main()
