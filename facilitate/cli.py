"""`facilitate …` commands: run, db upgrade, create-coordinator, load-plan, check-plans, demo;
facilitate.mail.cli, facilitate.presenting.cli, facilitate.backups.cli and
facilitate.retention.cli register their own."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command

from . import create_app
from .errors import DomainError
from .extensions import db


def _fail(error: Exception) -> click.ClickException:
    message = error.as_json() if isinstance(error, DomainError) else None
    if message and "errors" in message:
        details = "; ".join(f"{k}: {v}" for k, v in message["errors"].items())
        return click.ClickException(details)
    return click.ClickException(str(getattr(error, "message", error)))


def register_cli(app: Flask) -> None:
    """Attach the project's commands to app.cli (and so to `facilitate` and `flask`)."""
    from .backups.cli import register_cli as register_backups_cli
    from .mail.cli import register_cli as register_mail_cli
    from .presenting.cli import register_cli as register_presenting_cli
    from .retention.cli import register_cli as register_retention_cli

    register_mail_cli(app)
    register_presenting_cli(app)
    register_backups_cli(app)
    register_retention_cli(app)

    @app.cli.command("run")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--access-log/--no-access-log", default=True, show_default=True,
                  help="Log every HTTP request.")
    def run_command(host: str, port: int, access_log: bool) -> None:
        """Serve pages and the live room (Socket.IO) in one process (also in production)."""
        from .serving import serve

        mode = current_app.config["SOCKETIO_ASYNC_MODE"]
        click.echo(f"facilitate: http://{host}:{port}/ (async_mode={mode})")
        serve(current_app._get_current_object(), host, port,  # type: ignore[attr-defined]
              access_log=access_log)

    @app.cli.group("db")
    def db_group() -> None:
        """Database schema (Alembic)."""

    @db_group.command("upgrade")
    @click.argument("revision", default="head")
    def db_upgrade(revision: str) -> None:
        """Create or update the schema to REVISION (default: head)."""
        from .migrate import upgrade

        upgrade(current_app.config["DATABASE_URL"], revision)
        click.echo(f"Database at {revision}.")

    @db_group.command("downgrade")
    @click.argument("revision")
    def db_downgrade(revision: str) -> None:
        """Step the schema back to REVISION."""
        from .migrate import downgrade

        downgrade(current_app.config["DATABASE_URL"], revision)
        click.echo(f"Database at {revision}.")

    @app.cli.command("create-coordinator")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                  envvar="FACILITATE_PASSWORD")
    def create_coordinator_command(email: str, name: str, password: str) -> None:
        """Create a coordinator account (the first one, or another)."""
        from .accounts.operations import create_coordinator

        try:
            coordinator = create_coordinator(db.session, email=email, name=name,
                                             password=password)
            db.session.commit()
        except DomainError as error:
            raise _fail(error) from error
        click.echo(f"Coordinator {coordinator.email} created.")

    @app.cli.command("check-plans")
    def check_plans_command() -> None:
        """Validate every session plan in sessions/ and list them."""
        from .plans import PlanError, load_plans

        try:
            plans = load_plans()
        except PlanError as error:
            raise click.ClickException(str(error)) from error
        for slug, plan in plans.items():
            click.echo(f"{slug}: {plan.title} ({len(plan.themes)} themes)")

    @app.cli.command("load-plan")
    @click.argument("plan")
    @click.option("--series", "series_slug", required=True, help="The series' address (slug).")
    @click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--starts", default=None, help="HH:MM; default from the plan")
    @click.option("--ends", default=None, help="HH:MM; default from the plan")
    @click.option("--title", default=None, help="Default: the plan's title")
    def load_plan_command(plan: str, series_slug: str, day: date, starts: str | None,
                          ends: str | None, title: str | None) -> None:
        """Create a workshop in a series from the session plan PLAN (sessions/PLAN.toml)."""
        from .plans import PlanError, get_plan
        from .series.operations import create_workshop, get_series_by_slug

        data = {"day": day.date().isoformat()}
        for key, value in (("starts_at", starts), ("ends_at", ends), ("title", title)):
            if value:
                data[key] = value
        try:
            session_plan = get_plan(plan)
            series = get_series_by_slug(db.session, series_slug)
            workshop = create_workshop(db.session, series, data, plan=session_plan)
            db.session.commit()
        except (DomainError, PlanError) as error:
            raise _fail(error) from error
        click.echo(f"Workshop {workshop.id} created: {workshop.title}, "
                   f"{len(workshop.themes)} themes.")

    @app.cli.command("demo")
    def demo_command() -> None:
        """Load the seeds' series with its workshops as demo data (once; safe to repeat)."""
        from .demo import load_demo

        try:
            for line in load_demo(db.session):
                click.echo(line)
        except DomainError as error:  # no PUBLIC_BASE_URL for the published memos' links
            db.session.rollback()
            raise click.ClickException(str(error.message)) from None
        db.session.commit()


cli = FlaskGroup(create_app=create_app, add_default_commands=False,
                 help="facilitate: peer-reflection workshops and memos.")
cli.add_command(shell_command)
cli.add_command(routes_command)
