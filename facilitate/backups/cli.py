"""`facilitate backup` (for cron, while the app runs) and `facilitate restore`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePosixPath

import click
from flask import Flask, current_app

from . import BackupError
from .archive import Manifest
from .operations import Instance, back_up, restore


def summary(manifest: Manifest) -> str:
    """What an archive holds, in a line."""
    counts = Counter(PurePosixPath(entry.path).parts[0] for entry in manifest.files)
    size = sum(entry.size for entry in manifest.files)
    return (f"{manifest.dialect} database at revision {manifest.alembic_revision}, "
            f"{counts['uploads']} uploaded and {counts['exports']} exported files, "
            f"{size / 1024 / 1024:.1f} MiB; made {manifest.created_at} by facilitate "
            f"{manifest.app_version}")


def register_cli(app: Flask) -> None:
    """Attach the backup commands to app.cli."""

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(path_type=Path))
    def backup_command(destination: Path) -> None:
        """Write the database, UPLOADS_DIR and EXPORTS_DIR into a new archive in DESTINATION
        (a folder, or a new .zip file's name); consistent while the app runs."""
        try:
            path, manifest = back_up(Instance.from_config(current_app.config), destination)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Backup written to {path}: {summary(manifest)}.")

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(path_type=Path))
    @click.option("--dry-run", is_flag=True,
                  help="Check the archive and that this instance is empty; change nothing.")
    def restore_command(archive: Path, dry_run: bool) -> None:
        """Bring the backup ARCHIVE back into this instance, whose database (DATABASE_URL)
        has no tables and whose UPLOADS_DIR and EXPORTS_DIR are empty."""
        try:
            restored = restore(Instance.from_config(current_app.config), archive,
                               dry_run=dry_run)
        except BackupError as error:
            raise click.ClickException(f"{error} Nothing was changed.") from None
        what = summary(restored.manifest)
        if dry_run:
            click.echo(f"{archive} is whole and can be restored here ({what}). Nothing was "
                       "changed (--dry-run).")
        else:
            click.echo(f"Restored {archive} ({what}).")
        if restored.upgrade_needed:
            click.echo(f"Its schema (revision {restored.manifest.alembic_revision}) is older "
                       f"than this code's ({restored.head}): run `facilitate db upgrade` "
                       "before starting the app.")
