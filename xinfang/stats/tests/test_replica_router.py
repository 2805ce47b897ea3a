"""Dashboards read the rollups from a replica when one is configured; nothing else ever does (issue 10, item 6)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory

from xinfang.petitions.models import Petition
from xinfang.stats.models import PetitionStatState, StatDaily, StatFact
from xinfang.stats.routers import REPLICA, FiguresReadMiddleware, ReplicaRouter


@pytest.fixture
def replica(monkeypatch):
    """A configured replica: the router only asks whether one is named in DATABASES."""
    monkeypatch.setitem(settings.DATABASES, REPLICA, dict(settings.DATABASES["default"]))


def _read_during(path: str, method: str = "get") -> dict[str, str | None]:
    router = ReplicaRouter()
    seen: dict[str, str | None] = {}

    def view(_request):
        for model in (StatFact, StatDaily, PetitionStatState, Petition):
            seen[model.__name__] = router.db_for_read(model)
        return

    FiguresReadMiddleware(view)(getattr(RequestFactory(), method)(path))
    return seen


def test_a_figures_page_reads_only_the_rollups_from_the_replica(replica):
    seen = _read_during("/api/v1/stats/kpis/")
    assert seen == {"StatFact": REPLICA, "StatDaily": REPLICA, "PetitionStatState": None, "Petition": None}


@pytest.mark.parametrize(("path", "method"), [("/workbench/", "get"), ("/api/v1/stats/kpis/", "post")])
def test_other_requests_and_writes_never_read_the_replica(replica, path, method):
    assert set(_read_during(path, method).values()) == {None}


def test_without_a_replica_everything_reads_the_primary():
    assert set(_read_during("/workbench/stats/").values()) == {None}


def test_the_replica_is_never_migrated_or_written():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "stats") is False and router.allow_migrate("default", "stats") is True
    assert router.db_for_write(StatFact) is None
