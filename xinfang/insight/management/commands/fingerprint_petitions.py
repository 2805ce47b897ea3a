"""``manage.py fingerprint_petitions [--all]`` — index the petitions that have no fingerprint yet.

New petitions are fingerprinted after their registration commits; this backfills the rest (petitions imported or
created before text intelligence was installed, or a missed after-commit run). ``--all`` recomputes every one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.insight.services import backfill_fingerprints


class Command(BaseCommand):
    help = "Fingerprint petitions for near-duplicate and repeat detection (backfill)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="recompute every petition's fingerprint")
        parser.add_argument("--batch", type=int, default=2000, help="petitions per batch (default 2000)")

    def handle(self, *args: Any, **options: Any) -> None:
        done = backfill_fingerprints(batch=max(1, options["batch"]), everything=options["all"])
        self.stdout.write(f"fingerprinted {done} petitions")
