"""Attachments kept across a problem on the registration form (登记).

A browser never sends chosen files again, so when the form comes back with a problem the files are saved under
``MEDIA_ROOT/tmp/register/<batch>/<n>`` and the page carries a signed token naming them (signed with the
SECRET_KEY, bound to the registrar, valid for a day). The next post reads them back; a successful registration
stores them as attachments and deletes the held copies. Batches older than a day are removed whenever a new one is
saved (``purge_held``), so abandoned forms leave nothing behind for long.
"""

from __future__ import annotations

import contextlib
import mimetypes
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from xinfang.orgs.models import User

SALT = "xinfang.workbench.held-attachments"
MAX_AGE_SECONDS = 24 * 3600
_BATCH = re.compile(r"^[0-9a-f]{32}$")
_INDEX = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True)
class HeldFile:
    """One kept file: ``key`` is "<batch>/<n>" (what the remove box posts), ``name`` the file's original name."""

    key: str
    name: str
    size: int


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "tmp" / "register"


def _path(key: str) -> Path | None:
    batch, _sep, index = key.partition("/")
    if not _BATCH.match(batch) or not _INDEX.match(index):
        return None
    return _root() / batch / index


def hold(files: list[UploadedFile[bytes]]) -> list[HeldFile]:
    """Save ``files`` in a new batch and return them as held files."""
    if not files:
        return []
    purge_held()
    batch = secrets.token_hex(16)
    folder = _root() / batch
    folder.mkdir(parents=True, exist_ok=True)
    held = []
    for i, f in enumerate(files):
        f.seek(0)
        with (folder / str(i)).open("wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        held.append(HeldFile(key=f"{batch}/{i}", name=str(f.name or ""), size=int(f.size or 0)))
    return held


def token_for(held: list[HeldFile], *, user: User) -> str:
    """The signed token the page carries; empty when nothing is held."""
    if not held:
        return ""
    return signing.dumps({"u": user.pk, "f": [[h.key, h.name, h.size] for h in held]}, salt=SALT, compress=True)


def load(token: str, *, user: User, drop: list[str] | None = None) -> list[HeldFile]:
    """The held files a token names, still on disk, minus those in ``drop``.

    A forged, expired or other registrar's token names nothing (the form simply shows no kept files)."""
    if not token:
        return []
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return []
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("f"), list):
        return []
    dropped = set(drop or [])
    out = []
    for row in data["f"]:
        if not (isinstance(row, list) and len(row) == 3):
            continue
        key, name, size = str(row[0]), str(row[1]), row[2]
        path = _path(key)
        if key in dropped or path is None or not path.is_file():
            continue
        out.append(HeldFile(key=key, name=name, size=int(size) if isinstance(size, int) else 0))
    return out


def open_held(held: list[HeldFile]) -> list[UploadedFile[bytes]]:
    """The held files as uploads again, for the intake service (its type and size checks apply as to any upload)."""
    files: list[UploadedFile[bytes]] = []
    for h in held:
        path = _path(h.key)
        if path is None or not path.is_file():
            continue
        content_type = mimetypes.guess_type(h.name)[0] or "application/octet-stream"
        files.append(SimpleUploadedFile(h.name, path.read_bytes(), content_type=content_type))
    return files


def release(held: list[HeldFile]) -> None:
    """Delete held copies (after they became attachments, or were removed); empty batch folders go too."""
    for h in held:
        path = _path(h.key)
        if path is None:
            continue
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # other files of the batch are still held
            path.parent.rmdir()


def purge_held(max_age_seconds: int = MAX_AGE_SECONDS) -> int:
    """Remove batches older than their token's lifetime; returns how many were removed."""
    root = _root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - max_age_seconds
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and _BATCH.match(folder.name) and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
