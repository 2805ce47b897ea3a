"""Prepared statements for the public submission path (xinfang.core.prepared; issue 9, intake under load)."""

from __future__ import annotations

import pytest
from django.db import connection

from xinfang.core.prepared import PREPARE_THRESHOLD, prepared_statements
from xinfang.orgs.models import Unit

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")


def _prepared_on_server() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def _lookup(code: str) -> None:
    list(Unit.objects.filter(code=code).values_list("pk", flat=True))


@postgresql_only
def test_a_statement_repeated_in_the_block_is_prepared_and_outside_nothing_is() -> None:
    before = _prepared_on_server()
    for _ in range(PREPARE_THRESHOLD + 3):
        _lookup("outside")  # client-side binding: the values are in the text, nothing to prepare
    assert _prepared_on_server() == before
    with prepared_statements():
        for i in range(PREPARE_THRESHOLD + 3):
            _lookup(f"inside-{i}")  # one text with a parameter, whatever the value
    new = _prepared_on_server() - before
    assert any('"orgs_unit"' in statement and "$1" in statement for statement in new), new


@postgresql_only
def test_the_connection_binds_on_the_client_again_after_the_block_even_when_it_raised() -> None:
    connection.ensure_connection()
    raw = connection.connection
    factory, threshold = raw.cursor_factory, raw.prepare_threshold
    with pytest.raises(ZeroDivisionError), prepared_statements():
        assert raw.cursor_factory is not factory and raw.prepare_threshold == PREPARE_THRESHOLD
        _lookup("x")
        _ = 1 / 0
    assert (raw.cursor_factory, raw.prepare_threshold) == (factory, threshold)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the other databases")
def test_elsewhere_the_block_changes_nothing() -> None:
    with prepared_statements():
        assert "uses_server_side_binding" not in connection.features.__dict__
        _lookup("any")  # SQLite (the embedded default): runs as ever
    assert Unit.objects.filter(code="any").count() == 0


@postgresql_only
def test_the_setting_turns_it_off(settings) -> None:
    settings.XINFANG_DB_PREPARED = False
    connection.ensure_connection()
    factory = connection.connection.cursor_factory
    with prepared_statements():
        assert connection.connection.cursor_factory is factory
