"""``stats rebuild`` on PostgreSQL: after a TRUNCATE it loads the rollup without its unique and foreign keys and
secondary indexes, then builds them again (``facts._drop_secondary_keys``); the figures are those of the
incremental rollup and every key is back, exactly as the migrations made it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from xinfang.stats import facts
from xinfang.stats.models import PetitionStatState, StatDaily, StatFact
from xinfang.stats.tests.cases import build

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE and catalogue DDL: PostgreSQL")

TABLES = [m._meta.db_table for m in (StatFact, StatDaily, PetitionStatState)]


def _keys() -> set[tuple[str, ...]]:
    """Every constraint and index of the rollup tables, as the catalogue writes them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::text[]::regclass[])",
            [TABLES],
        )
        constraints = {tuple(row) for row in cursor.fetchall()}
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [TABLES])
        return constraints | {tuple(row) for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_after_truncate_restores_every_key_and_the_incremental_figures(
    personas: Any, tree: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(personas, tree)
    keys, incremental, daily = _keys(), facts.fact_table(), facts.daily_table()
    assert incremental and daily
    dropped: list[list[str]] = []
    drop = facts._drop_secondary_keys

    def spy(tables: list[str]) -> list[str]:
        dropped.append(tables)
        return drop(tables)

    monkeypatch.setattr(facts, "_drop_secondary_keys", spy)

    facts.rebuild(batch=2)

    assert dropped, "the rollup was truncated, so the load ran without its keys"
    assert _keys() == keys
    assert facts.fact_table() == incremental
    assert facts.daily_table() == daily
    assert facts.check() == []
    # The unique key is in force again: the incremental upserts (ON CONFLICT) depend on it.
    row = StatDaily.objects.order_by("pk").values("node_id", "direct", "measure", "day").first()
    assert row is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        StatDaily.objects.create(**row, value=1)


@pytest.mark.django_db(transaction=True)
def test_a_failed_rebuild_leaves_the_rollup_and_its_keys_as_they_were(
    personas: Any, tree: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(personas, tree)
    keys, incremental = _keys(), facts.fact_table()

    def fail(ids: Any, **kw: Any) -> Any:
        raise RuntimeError("raw rows unreadable")

    monkeypatch.setattr(facts, "contributions_for", fail)
    with pytest.raises(RuntimeError):
        facts.rebuild(batch=2)

    assert _keys() == keys
    assert facts.fact_table() == incremental
