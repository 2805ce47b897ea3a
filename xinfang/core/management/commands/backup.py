"""``manage.py backup``: the database and the media folder in one archive with a manifest (see core/backup.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from xinfang.core.backup import BackupError, Database, write_backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump; SQLite: online copy) and MEDIA_ROOT into one .tar.gz with a "
        "manifest of row counts. Safe while the server runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help="archive path (default: var/backups/xinfang-backup-<UTC time>.tar.gz)",
        )
        parser.add_argument(
            "--pg-bin", help="directory of pg_dump (default: XINFANG_PG_BIN, PATH, /usr/lib/postgresql)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        output = Path(options["output"] or settings.BASE_DIR / "var" / "backups" / f"xinfang-backup-{stamp}.tar.gz")
        connection = connections["default"]
        try:
            db = Database.from_settings(connection.settings_dict)
            raw = None
            if db.engine == "sqlite":
                connection.ensure_connection()
                raw = connection.connection
            manifest = write_backup(
                db=db,
                media_root=Path(settings.MEDIA_ROOT),
                output=output,
                sqlite_connection=raw,
                pg_bin=options["pg_bin"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup: {output} ({manifest.engine}, {len(manifest.tables)} tables, {manifest.rows} rows, "
            f"{manifest.media_files} media files, {manifest.media_bytes} bytes)"
        )
