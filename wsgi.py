"""WSGI entry point for servers whose worker matches SOCKETIO_ASYNC_MODE (`facilitate run` is
the default production server).

The async library is patched here, first, before anything imports sockets or threads.
"""

import os
import warnings

ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")

if ASYNC_MODE == "eventlet":
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

from facilitate import create_app  # noqa: E402
from facilitate.serving import tune_gc  # noqa: E402

app = create_app()
tune_gc()
