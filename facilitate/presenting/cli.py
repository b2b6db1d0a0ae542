"""`facilitate prepare-words`, run once after installing (make run does)."""

from __future__ import annotations

import click
from flask import Flask, current_app

from . import words


def register_cli(app: Flask) -> None:
    """Attach the presenter view's command to app.cli."""

    @app.cli.command("prepare-words")
    def prepare_words_command() -> None:
        """Build the word cloud's Finnish and Swedish dictionaries in WORD_INDEX_DIR."""
        directory = current_app.config["WORD_INDEX_DIR"]
        words.prepare(directory)
        click.echo(f"Word cloud dictionaries ready in {directory}.")
