from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from xinfang.petitions.workflow import markdown_table


class Command(BaseCommand):
    help = "Print the workflow table (states, actions, roles, articles) as Markdown, as in docs/workflow.md."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            self.stdout.write(markdown_table())
