"""``manage.py hot_issue_snapshot [--date YYYY-MM-DD]`` — run the nightly hot-issue job now (same service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core import timeutil
from xinfang.insight.services import compute_hot_issues


class Command(BaseCommand):
    help = "Compute and store today's hot issues of every city and county petition department."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="snapshot date (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else timeutil.today()
        except ValueError:
            raise CommandError(f"--date: not a date: {options['date']!r} (use YYYY-MM-DD)") from None
        counts = compute_hot_issues(day)
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
