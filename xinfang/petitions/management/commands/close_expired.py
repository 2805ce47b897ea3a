from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinfang.petitions.services.sweeps import petitions_close_expired


class Command(BaseCommand):
    help = "办结 petitions whose 复查/复核 window passed unused. Safe to run repeatedly (e.g. nightly)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"closed: {petitions_close_expired()}")
