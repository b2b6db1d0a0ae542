"""Production entry point: `gunicorn -k eventlet -w 1 wsgi:app` (gevent per SOCKETIO_ASYNC_MODE).

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

app = create_app()
