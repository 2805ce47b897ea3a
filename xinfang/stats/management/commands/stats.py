"""manage.py stats rebuild | check | docs — the statistics rollup's maintenance commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.stats import catalogue, facts


class Command(BaseCommand):
    help = "Rebuild the statistics rollup from raw rows, check it, or print the KPI table of docs/stats.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "check", "docs"])
        parser.add_argument("--batch", type=int, default=5000, help="petitions per batch (rebuild, check)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "docs":
            self.stdout.write(catalogue.markdown(), ending="")
            return
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        if action == "rebuild":
            n = facts.rebuild(batch=options["batch"])
            self.stdout.write(f"rebuilt the statistics of {n} petitions")
            return
        problems = facts.check(batch=options["batch"])
        for line in problems[:200]:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"{len(problems)} difference(s) between the rollup and the raw rows")
        self.stdout.write("the rollup equals the raw rows")
