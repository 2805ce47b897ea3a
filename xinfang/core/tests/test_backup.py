"""``manage.py backup`` / ``restore``: the database and the attachments in one archive, restored into a fresh
database with every table's row count checked — on the engine the suite runs on (SQLite or PostgreSQL).
"""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from xinfang.core.backup import Database, read_manifest
from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)

BODY = b"%PDF-1.4 backup evidence"


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _pg_admin(db: Database) -> psycopg.Connection[Any]:
    target = Database(
        engine="postgresql", name="postgres", user=db.user, password=db.password, host=db.host, port=db.port
    )
    conn = target.pg_connect()
    conn.autocommit = True
    return conn


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database of the suite's engine."""
    if not _is_postgresql():
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    source = Database.from_settings(connection.settings_dict)
    name = f"{source.name}_restore"[:63]
    with _pg_admin(source) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgres://{source.user}:{source.password}@{source.host or '127.0.0.1'}:{source.port or 5432}/{name}"
    finally:
        with _pg_admin(source) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _query(url: str, query: str) -> list[tuple[Any, ...]]:
    target = Database.from_url(url)
    if target.engine == "sqlite":
        with sqlite3.connect(target.name) as conn:
            rows = conn.execute(query).fetchall()
        conn.close()
        return rows
    with target.pg_connect() as pg:
        return pg.execute(query.encode()).fetchall()


@pytest.fixture
def data(personas, settings, tmp_path) -> tuple[Petition, Attachment]:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = SimpleUploadedFile("证据.pdf", BODY, content_type="application/pdf")
    petition, _ = register(personas.registrar_a, attachments=[upload])
    register(personas.registrar_a, title="第二件信访事项")
    return petition, petition.attachments.get()


def _backup(tmp_path: Path) -> Path:
    archive = tmp_path / "out" / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    return archive


def test_round_trip_restores_every_row_and_attachment_into_a_fresh_database(data, tmp_path, fresh_url):
    petition, attachment = data
    archive = _backup(tmp_path)

    manifest = read_manifest(archive)
    assert manifest.tables[Petition._meta.db_table] == 2
    assert manifest.tables[Attachment._meta.db_table] == 1
    assert (manifest.media_files, manifest.media_bytes) == (1, len(BODY))

    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command("restore", str(archive), database_url=fresh_url, media_root=str(restored_media), stdout=out)
    assert "counts match the manifest" in out.getvalue()

    table = Petition._meta.db_table
    numbers = sorted(row[0] for row in _query(fresh_url, f"SELECT number FROM {table}"))  # noqa: S608 - our table
    assert numbers == sorted(Petition.objects.values_list("number", flat=True))
    assert petition.number in numbers
    assert (restored_media / attachment.file.name).read_bytes() == BODY


def test_restore_refuses_a_database_that_already_has_tables(data, tmp_path, fresh_url):
    archive = _backup(tmp_path)
    call_command("restore", str(archive), database_url=fresh_url, media_root=str(tmp_path / "m1"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="fresh"):
        call_command(
            "restore", str(archive), database_url=fresh_url, media_root=str(tmp_path / "m2"), stdout=io.StringIO()
        )
    assert not (tmp_path / "m2").exists()


def test_restore_refuses_a_media_folder_that_is_not_empty(data, tmp_path, fresh_url):
    archive = _backup(tmp_path)
    media = tmp_path / "busy-media"
    media.mkdir()
    (media / "keep.txt").write_text("already here")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), database_url=fresh_url, media_root=str(media), stdout=io.StringIO())
    assert _query_tables(fresh_url) == 0


def _query_tables(url: str) -> int:
    if Database.from_url(url).engine == "sqlite":
        path = Path(Database.from_url(url).name)
        if not path.exists():
            return 0
        return len(_query(url, "SELECT name FROM sqlite_master WHERE type = 'table'"))
    return len(_query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))


def test_a_damaged_database_file_is_refused_before_anything_is_written(data, tmp_path, fresh_url):
    archive = _backup(tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            payload = source.extractfile(member)
            content = payload.read() if payload else b""
            if member.name.startswith("database."):
                content = content[:-1] + bytes([content[-1] ^ 0xFF])
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    with pytest.raises(CommandError, match="checksum"):
        call_command(
            "restore", str(damaged), database_url=fresh_url, media_root=str(tmp_path / "m"), stdout=io.StringIO()
        )
    assert _query_tables(fresh_url) == 0


def test_manifest_counts_describe_the_archive(data, tmp_path):
    archive = _backup(tmp_path)
    with tarfile.open(archive) as packed:
        names = packed.getnames()
        manifest_file = packed.extractfile("manifest.json")
        assert manifest_file is not None
        raw = json.loads(manifest_file.read())
    assert raw["format"] == "xinfang-backup/1"
    assert raw["engine"] == ("postgresql" if _is_postgresql() else "sqlite")
    assert raw["database"]["file"] in names
    assert any(name.startswith("media/attachments/") for name in names)
    assert raw["tables"]["orgs_user"] == 12  # the personas
