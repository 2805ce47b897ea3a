"""The full-text index, by database (vendor-checked).

PostgreSQL: generated tsvector columns (the words are already segmented by jieba, so the 'simple' configuration
only lower-cases them) with GIN indexes. The database's LC_CTYPE must be a UTF-8 locale, else the parser drops
Chinese characters. SQLite: an FTS5 table over search_searchdocument (external content, rowid = petition id)
kept in step by triggers; unicode61 splits on the spaces jieba's words are joined with.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

POSTGRESQL = [
    """ALTER TABLE search_searchdocument
         ADD COLUMN tsv tsvector GENERATED ALWAYS AS
           (setweight(to_tsvector('simple', title), 'A') || to_tsvector('simple', body)) STORED,
         ADD COLUMN names_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', names)) STORED""",
    "CREATE INDEX search_doc_tsv_gin ON search_searchdocument USING gin (tsv)",
    "CREATE INDEX search_doc_names_gin ON search_searchdocument USING gin (names_tsv)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_doc_names_gin",
    "DROP INDEX IF EXISTS search_doc_tsv_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS names_tsv, DROP COLUMN IF EXISTS tsv",
]
SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
         title, body, names, content='search_searchdocument', content_rowid='petition_id', tokenize='unicode61'
       )""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
         INSERT INTO search_fts(rowid, title, body, names) VALUES (new.petition_id, new.title, new.body, new.names);
       END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
         INSERT INTO search_fts(search_fts, rowid, title, body, names)
           VALUES ('delete', old.petition_id, old.title, old.body, old.names);
       END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
         INSERT INTO search_fts(search_fts, rowid, title, body, names)
           VALUES ('delete', old.petition_id, old.title, old.body, old.names);
         INSERT INTO search_fts(rowid, title, body, names) VALUES (new.petition_id, new.title, new.body, new.names);
       END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(schema_editor: Any, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def forwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def backwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
