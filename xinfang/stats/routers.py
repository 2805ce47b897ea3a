"""Dashboards read from a replica when one is configured (``DATABASE_REPLICA_URL``).

Only the statistics rollups (``StatFact``, ``StatDaily``) are read there, and only while a figures page or the
statistics API is being answered (``FiguresReadMiddleware`` marks those GET requests): the rollups reach the replica
moments after the primary, which is fine for figures and keeps dashboard load off the primary. Everything else —
a petition, a permission check, and the rollup maintenance itself, which reads and writes in the petition's own
transaction — stays on the primary, where it cannot lag behind a change just made.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
ROLLUPS = frozenset({"statfact", "statdaily"})  # model names in xinfang.stats
FIGURE_PATHS = ("/api/v1/stats/", "/workbench/stats/", "/workbench/desk/", "/figures/")
_reading_figures: ContextVar[bool] = ContextVar("reading_figures", default=False)


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        meta = model._meta
        if (
            _reading_figures.get()
            and REPLICA in settings.DATABASES
            and meta.app_label == "stats"
            and meta.model_name in ROLLUPS
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None  # the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary's schema by replication


class FiguresReadMiddleware:
    """Marks GET requests for figures so that their rollup reads may go to the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or not request.path.startswith(FIGURE_PATHS):
            return self.get_response(request)
        token = _reading_figures.set(True)
        try:
            return self.get_response(request)
        finally:
            _reading_figures.reset(token)
