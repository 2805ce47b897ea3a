"""manage.py ledger_import FILE --user USERNAME [--commit]: check (default) or import a past 台账."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.errors import DomainError
from xinfang.orgs.models import User
from xinfang.petitions.ledger_import import ledger_import


class Command(BaseCommand):
    help = "Check (dry run, the default) or import a past ledger (.xlsx/.csv) into the user's unit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username of a registrar of the importing unit")
        parser.add_argument("--commit", action="store_true", help="import; without it only check")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            actor = User.objects.select_related("unit").get(username=options["user"])
        except User.DoesNotExist as exc:
            raise CommandError(f"no user {options['user']!r}") from exc
        if not path.is_file():
            raise CommandError(f"no file {path}")
        try:
            with path.open("rb") as f:
                report = ledger_import(
                    actor=actor, upload=f, name=path.name, size=path.stat().st_size, dry_run=not options["commit"]
                )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        verb = "would create" if report.dry_run or not report.ok else "created"
        if not report.ok:
            verb = "nothing imported; would create"
        self.stdout.write(
            f"{report.rows} rows: {verb} {len(report.created)}, existing {len(report.existing)}, "
            f"errors {len(report.errors)}"
        )
        if not report.ok:
            raise CommandError("the ledger has errors")
