"""facilitate: real-time peer-reflection workshops and THL-format memos.

The package root stays import-light so that `facilitate run` can monkey-patch eventlet
before Flask, SQLAlchemy or the socket libraries are loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | type | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, blueprints, CLI."""
    from .app import build_app

    return build_app(config)
