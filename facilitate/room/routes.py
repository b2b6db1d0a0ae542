"""The live room's pages: the participant's room, the coordinator's console, the socket client.

The pages are shells; the room itself arrives over Socket.IO (docs/realtime.md) and the
scripts in static/js/room render it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    send_from_directory,
)
from flask_login import current_user, login_required

from ..extensions import db
from ..registration.operations import find_registration
from ..series.operations import get_workshop
from .dispatch import payload_schemas

bp = Blueprint("room", __name__)

#: The browser build of socket.io-client, installed by `npm ci` and never copied into the repo.
SOCKETIO_CLIENT = Path("socket.io-client") / "dist" / "socket.io.esm.min.js"


@bp.route("/room/<token>")
def join(token: str) -> Any:
    """A participant's room (or a note-taker's), from the private link."""
    registration = find_registration(
        db.session, token,
        days_after=current_app.config["PARTICIPANT_TOKEN_DAYS_AFTER_WORKSHOP"])
    return render_template("room/participant.html", workshop=registration.workshop,
                           token=token, storage_key=f"w{registration.workshop_id}"
                                                    f"-r{registration.id}")


@bp.route("/manage/workshops/<int:workshop_id>/room")
@login_required
def console(workshop_id: int) -> Any:
    """The coordinator's console: the room as participants see it, with its controls."""
    workshop = get_workshop(db.session, workshop_id)
    return render_template("room/console.html", workshop=workshop,
                           storage_key=f"w{workshop.id}-c{current_user.get_id()}")


@bp.get("/room/events.schema.json")
def event_schemas() -> Any:
    """The JSON Schema of every room event's payload (docs/realtime.md lists them)."""
    return jsonify(payload_schemas())


@bp.route("/vendor/socket.io.esm.min.js")
def socketio_client() -> Any:
    """The Socket.IO browser client, served from node_modules."""
    return _node_module_file(SOCKETIO_CLIENT)


@bp.route("/vendor/socket.io.esm.min.js.map")
def socketio_client_map() -> Any:
    """Its source map, for the browser's developer tools."""
    return _node_module_file(SOCKETIO_CLIENT.with_name(SOCKETIO_CLIENT.name + ".map"),
                             mimetype="application/json")


def _node_module_file(relative: Path, mimetype: str | None = None) -> Any:
    folder = Path(current_app.config.get(
        "NODE_MODULES_DIR", Path(current_app.root_path).parent / "node_modules"))
    if not (folder / relative).is_file():
        # Without the client no live room works; say plainly what to do about it.
        current_app.logger.error("%s is missing; run `npm ci` (or `make install`) in %s",
                                 folder / relative, folder.parent)
        abort(404)
    return send_from_directory(folder / relative.parent, relative.name, mimetype=mimetype)
