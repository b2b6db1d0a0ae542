"""WSGI entry point for servers whose worker matches SOCKETIO_ASYNC_MODE (`facilitate run` is
the default production server).

The async library is patched here, first, before anything imports sockets or threads.
"""

import os

from facilitate.green import patch_for

patch_for(os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet"))

from facilitate import create_app  # noqa: E402
from facilitate.serving import tune_gc  # noqa: E402

app = create_app()
tune_gc()
