from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.errors import InvalidInput
from xinfang.petitions.taxonomy import DEFAULT_TAXONOMY, load_taxonomy, read_taxonomy


class Command(BaseCommand):
    help = "Load the 3-level content taxonomy (level1,level2,level3 CSV). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=DEFAULT_TAXONOMY)
        parser.add_argument("--if-present", action="store_true", help="Skip quietly when the file is absent.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            if options["if_present"]:
                self.stdout.write(f"taxonomy: {path} not found, skipped (categories stay empty)")
                return
            raise CommandError(f"{path} not found")
        try:
            created = load_taxonomy(read_taxonomy(path))
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"taxonomy: {created} categories created from {path}")
