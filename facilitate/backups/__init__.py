"""Backups: the database and the uploads and exports folders in one archive, and restoring it."""


class BackupError(Exception):
    """A backup or restore refused or failed; the message tells the sysadmin what to do."""
