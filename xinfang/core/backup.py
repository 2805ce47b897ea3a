"""Backup and restore: the database and the uploaded files in one archive with a manifest.

``manage.py backup`` writes ``xinfang-backup-<time>.tar.gz`` holding

- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite: a copy made with
  SQLite's online backup API, consistent while the server runs);
- ``media/…``: every file under ``MEDIA_ROOT`` (attachments);
- ``manifest.json``: format, time, engine, the database file's SHA-256, the row count of every table and the
  number and size of the media files.

The row counts are taken in the same snapshot as the dump (PostgreSQL: ``pg_dump --snapshot`` shares the
exported snapshot of a REPEATABLE READ transaction that counts; SQLite: counted in the copy), so they describe
exactly what the archive holds even while petitions keep arriving.

``manage.py restore ARCHIVE`` restores into a *fresh* database (no tables yet) and an empty media folder — never
over live data — then counts every table again and fails unless each count equals the manifest's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

FORMAT = "xinfang-backup/1"
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
PG_FILE = "database.pgdump"
SQLITE_FILE = "database.sqlite3"


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """Where a database is: the engine and its connection parameters (from Django settings or a URL)."""

    engine: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, settings_dict: Mapping[str, Any]) -> Database:
        engine = str(settings_dict["ENGINE"])
        if engine.endswith("postgresql"):
            kind = "postgresql"
        elif engine.endswith("sqlite3"):
            kind = "sqlite"
        else:
            raise BackupError(f"unsupported database engine {engine!r}: only PostgreSQL and SQLite")
        return cls(
            engine=kind,
            name=str(settings_dict.get("NAME") or ""),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            parsed = dj_database_url.parse(url)
        except Exception as exc:  # dj-database-url raises several types for a malformed URL
            raise BackupError(f"database URL {url!r}: {exc}") from exc
        return cls.from_settings(parsed)

    def pg_env(self) -> dict[str, str]:
        """libpq's environment variables: the password never appears on a command line."""
        env = dict(os.environ)
        for key, value in (
            ("PGDATABASE", self.name),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGHOST", self.host),
            ("PGPORT", self.port),
        ):
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        return env

    def pg_connect(self) -> psycopg.Connection[Any]:
        params = {"dbname": self.name, "user": self.user, "password": self.password, "host": self.host}
        params["port"] = self.port
        return psycopg.connect(make_conninfo(**{k: v for k, v in params.items() if v}))

    def sqlite_path(self) -> Path:
        if not self.name or self.name == ":memory:" or self.name.startswith("file:"):
            raise BackupError(f"SQLite database {self.name!r} is not a file")
        return Path(self.name)


@dataclass
class Manifest:
    engine: str
    database_file: str
    database_sha256: str
    tables: dict[str, int]
    media_files: int = 0
    media_bytes: int = 0
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    format: str = FORMAT

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": self.format,
                "created": self.created,
                "engine": self.engine,
                "database": {"file": self.database_file, "sha256": self.database_sha256},
                "tables": self.tables,
                "media": {"files": self.media_files, "bytes": self.media_bytes},
            },
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            raw = json.loads(text)
            if raw.get("format") != FORMAT:
                raise BackupError(f"unknown archive format {raw.get('format')!r} (expected {FORMAT})")
            return cls(
                engine=str(raw["engine"]),
                database_file=str(raw["database"]["file"]),
                database_sha256=str(raw["database"]["sha256"]),
                tables={str(k): int(v) for k, v in raw["tables"].items()},
                media_files=int(raw["media"]["files"]),
                media_bytes=int(raw["media"]["bytes"]),
                created=str(raw["created"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"{MANIFEST} is damaged: {exc!r}") from exc

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    counts: dict[str, int]


# --------------------------------------------------------------------------------------------- helpers


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pg_tool(name: str, bin_dir: str | None = None) -> str:
    """The path of ``pg_dump``/``pg_restore``: from ``bin_dir``, ``XINFANG_PG_BIN``, PATH, or Debian's layout."""
    candidates: list[Path] = []
    for directory in (bin_dir, os.environ.get("XINFANG_PG_BIN")):
        if directory:
            candidates.append(Path(directory) / name)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} not found: install the PostgreSQL client (Debian: postgresql-client-15) or pass --pg-bin"
    )


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own tool
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}")


def pg_table_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]
    counts: dict[str, int] = {}
    for table in tables:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))).fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def sqlite_table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    quoted = {table: '"' + table.replace('"', '""') + '"' for table in tables}
    return {table: int(conn.execute(f"SELECT count(*) FROM {quoted[table]}").fetchone()[0]) for table in tables}  # noqa: S608 - quoted identifiers from the catalogue


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


# ---------------------------------------------------------------------------------------------- backup


def _dump_postgresql(db: Database, target: Path, pg_bin: str | None) -> dict[str, int]:
    pg_dump = pg_tool("pg_dump", pg_bin)
    with db.pg_connect() as conn:
        # One snapshot for the counts and the dump: the manifest describes exactly the rows in the archive.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = str(row[0]) if row else ""
        counts = pg_table_counts(conn)
        _run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", f"--file={target}"],
            db.pg_env(),
        )
        conn.rollback()
    return counts


def _dump_sqlite(raw_connection: sqlite3.Connection, target: Path) -> dict[str, int]:
    with sqlite3.connect(target) as copy:
        raw_connection.backup(copy)
        counts = sqlite_table_counts(copy)
    copy.close()
    return counts


def write_backup(
    *,
    db: Database,
    media_root: Path,
    output: Path,
    sqlite_connection: sqlite3.Connection | None = None,
    pg_bin: str | None = None,
) -> Manifest:
    """Write the archive ``output`` (``.partial`` until complete) and return its manifest.

    For SQLite pass the open ``sqlite_connection`` (Django's), so an in-memory or busy database is copied from
    the connection that sees it.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xinfang-backup-") as tmp:
        work = Path(tmp)
        if db.engine == "postgresql":
            database_file = PG_FILE
            tables = _dump_postgresql(db, work / PG_FILE, pg_bin)
        else:
            database_file = SQLITE_FILE
            if sqlite_connection is None:
                sqlite_connection = sqlite3.connect(db.sqlite_path())
            tables = _dump_sqlite(sqlite_connection, work / SQLITE_FILE)
        manifest = Manifest(
            engine=db.engine,
            database_file=database_file,
            database_sha256=_sha256(work / database_file),
            tables=tables,
        )
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / database_file, arcname=database_file)
            for path in _media_files(media_root):
                archive.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
                manifest.media_files += 1
                manifest.media_bytes += path.stat().st_size
            (work / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
            archive.add(work / MANIFEST, arcname=MANIFEST)
        partial.replace(output)
    return manifest


# --------------------------------------------------------------------------------------------- restore


@contextmanager
def _unpacked(archive_path: Path) -> Iterator[tuple[Path, Manifest]]:
    if not archive_path.is_file():
        raise BackupError(f"{archive_path}: no such file")
    with tempfile.TemporaryDirectory(prefix="xinfang-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive_path, "r:*") as archive:
                archive.extractall(work, filter="data")  # refuses absolute paths, .., links out of the folder
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{archive_path}: not a readable backup archive ({exc})") from exc
        if not (work / MANIFEST).is_file():
            raise BackupError(f"{archive_path}: no {MANIFEST} (not an xinfang backup)")
        manifest = Manifest.from_json((work / MANIFEST).read_text(encoding="utf-8"))
        database_file = work / manifest.database_file
        if manifest.database_file not in {PG_FILE, SQLITE_FILE} or not database_file.is_file():
            raise BackupError(f"{archive_path}: the database file {manifest.database_file!r} is missing")
        if _sha256(database_file) != manifest.database_sha256:
            raise BackupError(f"{archive_path}: the database file does not match its checksum (damaged archive)")
        yield work, manifest


def read_manifest(archive_path: Path) -> Manifest:
    with _unpacked(archive_path) as (_work, manifest):
        return manifest


def _require_empty_media(media_root: Path) -> None:
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"media folder {media_root} is not empty: restore into an empty folder")


def _restore_postgresql(db: Database, dump: Path, pg_bin: str | None) -> dict[str, int]:
    pg_restore = pg_tool("pg_restore", pg_bin)
    try:
        with db.pg_connect() as conn:
            existing = pg_table_counts(conn)
    except psycopg.OperationalError as exc:
        raise BackupError(f"cannot connect to the target database {db.name!r}: {exc}") from exc
    if existing:
        raise BackupError(
            f"the target database {db.name!r} already has {len(existing)} tables: restore into a fresh, empty database"
        )
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={db.name}",
            str(dump),
        ],
        db.pg_env(),
    )
    with db.pg_connect() as conn:
        return pg_table_counts(conn)


def _restore_sqlite(db: Database, copy: Path) -> dict[str, int]:
    target = db.sqlite_path()
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"the target database file {target} already exists: restore into a fresh file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(copy) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
        counts = sqlite_table_counts(dest)
    source.close()
    dest.close()
    return counts


def restore_backup(*, archive_path: Path, db: Database, media_root: Path, pg_bin: str | None = None) -> RestoreResult:
    """Restore ``archive_path`` into the fresh database ``db`` and the empty ``media_root``; counts must match."""
    with _unpacked(archive_path) as (work, manifest):
        if manifest.engine != db.engine:
            raise BackupError(f"the archive holds a {manifest.engine} database; the target is {db.engine}")
        _require_empty_media(media_root)
        if db.engine == "postgresql":
            counts = _restore_postgresql(db, work / manifest.database_file, pg_bin)
        else:
            counts = _restore_sqlite(db, work / manifest.database_file)
        media_source = work / MEDIA_DIR
        if media_source.is_dir():
            shutil.copytree(media_source, media_root, dirs_exist_ok=True)
    mismatched = {
        table: (manifest.tables.get(table), counts.get(table))
        for table in sorted(set(manifest.tables) | set(counts))
        if manifest.tables.get(table) != counts.get(table)
    }
    if mismatched:
        shown = ", ".join(f"{t}: archive {a}, restored {b}" for t, (a, b) in list(mismatched.items())[:10])
        raise BackupError(f"row counts differ from the manifest in {len(mismatched)} tables: {shown}")
    restored_media = sum(1 for _ in _media_files(media_root))
    if restored_media < manifest.media_files:
        raise BackupError(f"{manifest.media_files} media files in the archive, {restored_media} restored")
    return RestoreResult(manifest=manifest, counts=counts)
