"""Prepared statements for one hot path on PostgreSQL (issue 9, intake under load).

Django sends every statement with its parameters merged in (psycopg's client-side binding), so PostgreSQL parses,
analyses and plans each one afresh: for a public submission's two dozen short statements that is about a third of
the database's CPU time. Inside :func:`prepared_statements` the connection binds parameters on the server, and a
statement run a few times on the connection is prepared once and then only executed (psycopg's
``prepare_threshold``).

It is scoped, not a database setting: a prepared statement may be run with a generic plan, one that does not look
at the values. For the inserts and key look-ups of intake that is the same plan; for the statistics and search
queries, tuned on value-dependent plans (docs/benchmarks.md), it might not be — so they keep planning per call.
Outside the block nothing new is prepared and nothing prepared is used. ``XINFANG_DB_PREPARED=0`` turns it off
(behind a pooler that cannot keep prepared statements).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

_UNSET = object()

#: Runs of one statement text on a connection before psycopg prepares it (psycopg's own default).
PREPARE_THRESHOLD = 5


@contextmanager
def prepared_statements() -> Iterator[None]:
    """Within the block, statements on the default connection bind on the server and repeated ones are prepared
    (PostgreSQL with psycopg 3; elsewhere nothing changes)."""
    if connection.vendor != "postgresql" or not settings.XINFANG_DB_PREPARED:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    cursor_class = _server_binding_cursor()
    if cursor_class is None or not hasattr(raw, "prepare_threshold"):  # psycopg 2: no prepared statements
        yield
        return
    before = (raw.cursor_factory, raw.prepare_threshold)
    features = connection.features.__dict__
    # Django's own flag for a server-binding connection (a cached property read from the settings): with it,
    # statements recorded for debugging (connection.queries, CaptureQueriesContext) show their values.
    flag = features.get("uses_server_side_binding", _UNSET)
    raw.cursor_factory, raw.prepare_threshold = cursor_class, PREPARE_THRESHOLD
    features["uses_server_side_binding"] = True
    try:
        yield
    finally:
        raw.cursor_factory, raw.prepare_threshold = before
        if flag is _UNSET:
            features.pop("uses_server_side_binding", None)
        else:
            features["uses_server_side_binding"] = flag


def _server_binding_cursor() -> type | None:
    """Django's psycopg 3 cursor that binds on the server (what ``OPTIONS["server_side_binding"]`` selects)."""
    from django.db.backends.postgresql import base

    return getattr(base, "ServerBindingCursor", None)
