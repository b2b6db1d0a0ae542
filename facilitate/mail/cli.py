"""`facilitate send-mail` and `facilitate send-reminders`, for cron."""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask import Flask

from ..errors import DomainError
from ..extensions import db
from ..timeutil import now_utc, to_local
from . import delivery, messages


def register_cli(app: Flask) -> None:
    """Attach the mail commands to app.cli."""

    @app.cli.command("send-mail")
    def send_mail_command() -> None:
        """Send every queued message that is due (new, or due to be tried again)."""
        result = delivery.deliver(db.session, delivery.due(db.session))
        click.echo(f"Sent {result.sent}, not sent {result.failed}.")

    @app.cli.command("send-reminders")
    @click.option("--day", type=click.DateTime(["%Y-%m-%d"]),
                  help="Workshops of this day (default: tomorrow, Finnish time).")
    def send_reminders_command(day: datetime | None) -> None:
        """Mail the participants of tomorrow's workshops their room link; nobody gets two,
        however often it runs."""
        target = day.date() if day else to_local(now_utc()).date() + timedelta(days=1)
        try:
            queued = messages.reminders(db.session, target)
        except DomainError as error:  # no address to link to
            db.session.rollback()
            raise click.ClickException(str(error.message)) from None
        db.session.commit()
        result = delivery.deliver(db.session, [mail.id for mail in queued])
        click.echo(f"Reminders for {target.isoformat()}: {len(queued)} new; sent "
                   f"{result.sent}, not sent {result.failed}.")
