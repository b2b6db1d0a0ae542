"""The `facilitate` command: the Flask CLI, with the async library patched first for `run`."""

from __future__ import annotations

import os
import sys
import warnings

from .green import EVENTLET_NOTICE, patch_for


def main() -> None:
    """Entry point of the console script."""
    warnings.filterwarnings("ignore", message=EVENTLET_NOTICE)
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        patch_for(os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet"))
    from .cli import cli

    cli.main(prog_name="facilitate")


if __name__ == "__main__":
    main()
