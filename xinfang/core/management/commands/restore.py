"""``manage.py restore ARCHIVE``: into a fresh database and an empty media folder, then compare row counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from xinfang.core.backup import BackupError, Database, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup` into a fresh, empty database (DATABASE_URL, or --database-url) "
        "and an empty MEDIA_ROOT (or --media-root); fails unless every table's row count equals the manifest's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar.gz written by `manage.py backup`")
        parser.add_argument("--database-url", help="target database (default: the configured database)")
        parser.add_argument("--media-root", help="target media folder (default: MEDIA_ROOT)")
        parser.add_argument("--pg-bin", help="directory of pg_restore")
        parser.add_argument(
            "--check", action="store_true", help="only verify the archive (checksum, manifest) and print its counts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            if options["check"]:
                manifest = read_manifest(archive)
                self.stdout.write(
                    f"archive ok: {manifest.engine}, created {manifest.created}, {len(manifest.tables)} tables, "
                    f"{manifest.rows} rows, {manifest.media_files} media files"
                )
                return
            if options["database_url"]:
                db = Database.from_url(options["database_url"])
            else:
                connection = connections["default"]
                connection.close()  # the restore works on its own connection; keep Django's out of the way
                db = Database.from_settings(connection.settings_dict)
            media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
            result = restore_backup(archive_path=archive, db=db, media_root=media_root, pg_bin=options["pg_bin"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"restored: {db.engine} {db.name}, {len(result.counts)} tables, {sum(result.counts.values())} rows "
            f"(counts match the manifest of {manifest.created}), {manifest.media_files} media files into {media_root}"
        )
