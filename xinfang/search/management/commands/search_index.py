"""``manage.py search_index rebuild [--batch-size N]``: (re)index every petition in batches, keyset on id."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.petitions.models import Petition
from xinfang.search.services import search_document_refresh


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of the petitions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        size = max(1, int(options["batch_size"]))
        after = 0
        seen = written = 0
        while True:
            ids = list(Petition.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                break
            written += search_document_refresh(petition_ids=ids)
            seen += len(ids)
            after = ids[-1]
            if options["verbosity"] > 1:
                self.stdout.write(f"{seen} petitions")
        self.stdout.write(f"search_index: {seen} petitions, {written} documents written")
