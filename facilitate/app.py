"""The application factory's body: configuration, extensions, blueprints, CLI, template helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g, request, session
from flask_login import current_user
from markupsafe import Markup

from . import config as config_module
from . import ratelimits, uploads
from .extensions import babel, csrf, db, login_manager, mail, socketio
from .room import wire
from .room.versions import track_room_versions
from .web import register_error_handlers, select_locale


def build_app(config: dict[str, Any] | type | None = None) -> Flask:
    """Create and wire the Flask app; see facilitate.create_app."""
    app = Flask("facilitate", instance_relative_config=True)
    app.config.from_object(config_module.Config)
    if isinstance(config, type):
        app.config.from_object(config)
    elif isinstance(config, dict):
        app.config.update(config)
    config_module.resolve(app.config, app.instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    track_room_versions(db.session)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    uploads.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    _init_login(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        # Same origin only (None; [] would switch the check off): no other site's page may
        # open sockets with our cookies. Behind a proxy, X-Forwarded-Proto/-Host count.
        cors_allowed_origins=None,
        # Oversized events are refused by the handlers with a message; only beyond this
        # does the transport itself drop the connection.
        max_http_buffer_size=1024 * 1024,
        json=wire,
    )
    ratelimits.init_app(app)  # after Socket.IO, so its proxy fix covers the sockets too
    from .accessibility.routes import bp as accessibility_bp
    from .accounts.routes import bp as accounts_bp
    from .agenda.routes import bp as agenda_bp
    from .api.routes import bp as api_bp
    from .audit.routes import bp as audit_bp
    from .joining.routes import bp as joining_bp
    from .mail.routes import bp as mail_bp
    from .memo.routes import bp as memo_bp
    from .organisations.routes import bp as organisations_bp
    from .presenting.routes import bp as presenting_bp
    from .privacy.routes import bp as privacy_bp
    from .registration.routes import bp as registration_bp
    from .results.routes import bp as results_bp
    from .retention.routes import bp as retention_bp
    from .room import events  # noqa: F401  (registers the live room's Socket.IO handlers)
    from .room.routes import bp as room_bp
    from .series.routes import bp as series_bp
    from .summary.routes import bp as summary_bp

    for blueprint in (series_bp, accounts_bp, registration_bp, agenda_bp, organisations_bp,
                      room_bp, presenting_bp, memo_bp, mail_bp, joining_bp, audit_bp,
                      results_bp, summary_bp, retention_bp, accessibility_bp, privacy_bp,
                      api_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # the API checks CSRF itself, only for cookie-authenticated writes

    register_error_handlers(app)
    _init_templates(app)
    app.after_request(_security_headers)

    from .cli import register_cli

    register_cli(app)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from .models import Coordinator

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Kirjaudu sisään koordinaattorina jatkaaksesi.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def _load(user_id: str) -> Coordinator | None:
        # The cookie alone is not enough: the sign-in it names must still be on (logout,
        # expiry and ending it from another browser turn it off on the server).
        from .accounts.operations import active_sign_in
        from .accounts.routes import SIGN_IN_KEY

        # Mark the sign-in used only at the start of a request's unit of work, so that the
        # commit carries nothing else (a loader called later just reads).
        fresh = not db.session().in_transaction()
        sign_in = active_sign_in(db.session, session.get(SIGN_IN_KEY),
                                 idle=app.config["SIGN_IN_IDLE"],
                                 longest=app.config["SIGN_IN_LONGEST"], record=fresh)
        if fresh:
            db.session.commit()
        if sign_in is None or str(sign_in.coordinator_id) != user_id:
            return None
        g.sign_in_id = sign_in.id
        return sign_in.coordinator

    @app.before_request
    def _load_coordinator() -> None:
        # Load the coordinator before the view begins its unit of work, so that marking the
        # sign-in used is a commit of its own.
        if request.endpoint != "static":
            current_user._get_current_object()

    @login_manager.unauthorized_handler
    def _unauthorized() -> Any:
        from flask import flash, jsonify, redirect, url_for

        from .web import wants_json

        if wants_json():
            return jsonify(error="unauthorized",
                           message=str(_l("Kirjaudu sisään koordinaattorina."))), 401
        flash(login_manager.login_message, "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _init_templates(app: Flask) -> None:
    from flask_babel import get_locale

    from . import formatting

    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"],
                "csrf_field": _csrf_field}


#: Pages load scripts and styles only from this origin; nothing may frame them.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _csrf_field() -> Markup:
    """The hidden CSRF input every form carries."""
    from flask_wtf.csrf import generate_csrf

    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()
