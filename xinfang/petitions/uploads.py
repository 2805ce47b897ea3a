"""Attachments as received: type checked by content and by name, names of any length stored safely.

An upload is accepted only when its extension is allowed (``XINFANG_ATTACHMENT_TYPES``) **and** its first bytes
are a file of that kind (``filetype``, pure Python): an ``.exe`` renamed ``.pdf`` is refused. Plain text has no
magic bytes, so a ``.txt`` must decode as UTF-8 or GB18030 and hold no control characters. The content type
stored, and served on download, is the one detected, never the one the client claimed.

The stored file gets a short, safe name (the start of the original name plus the extension); the original name
is kept, shortened to its column, for display and download. If the row cannot be written the stored file is
removed again, so a refused upload leaves nothing on disk.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput
from xinfang.petitions.models import Attachment, Petition

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc (Word 97–2003): an OLE compound file
HEAD_BYTES = 8192
STORED_STEM_CHARS = 40

#: What the content must be for each allowed extension (MIME types as ``filetype`` reports them).
EXPECTED: dict[str, set[str]] = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "gif": {"image/gif"},
    "doc": {"application/msword"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xls": {"application/vnd.ms-excel"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "mp3": {"audio/mpeg"},
    "mp4": {"video/mp4"},
    "txt": {"text/plain"},
}
TEXT_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Checked:
    extension: str
    content_type: str


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _head(f: UploadedFile[bytes]) -> bytes:
    f.seek(0)
    head: bytes = f.read(HEAD_BYTES)
    f.seek(0)
    return head


def _is_text(f: UploadedFile[bytes]) -> str | None:
    """The text's MIME type if the whole file is UTF-8 or GB18030 text without control characters, else None."""
    f.seek(0)
    data = f.read()
    f.seek(0)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
            return None
        return TEXT_TYPE if encoding == "utf-8" else "text/plain; charset=gb18030"
    return None


def detect(f: UploadedFile[bytes]) -> str | None:
    """The MIME type of the content as far as it can be told from the bytes (None: unknown)."""
    head = _head(f)
    if head.startswith(OLE2):
        return "application/msword" if _extension(f.name or "") == "doc" else "application/x-ole-storage"
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def check_upload(f: UploadedFile[bytes], *, field: str) -> Checked:
    """Refuse (400 naming ``field``) a file whose extension is not allowed or whose content is not of that kind."""
    name = f.name or ""
    ext = _extension(name)
    allowed = {t.lower() for t in settings.XINFANG_ATTACHMENT_TYPES}
    if ext not in allowed:
        raise InvalidInput(
            _("“%(name)s”: file type not accepted. Accepted: %(types)s.")
            % {"name": name[:80], "types": ", ".join(sorted(allowed))},
            field=field,
        )
    if (f.size or 0) > settings.XINFANG_ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("“%(name)s” is larger than %(mb)s MB.")
            % {"name": name[:80], "mb": settings.XINFANG_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            field=field,
        )
    if ext == "txt":
        content_type = _is_text(f)
        if content_type is None:
            raise InvalidInput(_("“%(name)s” is not plain text (UTF-8 or GB18030).") % {"name": name[:80]}, field=field)
        return Checked(ext, content_type)
    detected = detect(f)
    if detected is None or detected not in EXPECTED.get(ext, set()):
        raise InvalidInput(
            _("“%(name)s”: the content is not a .%(ext)s file. Send the file in its own format.")
            % {"name": name[:80], "ext": ext},
            field=field,
        )
    return Checked(ext, detected)


def stored_name(original: str, extension: str) -> str:
    """A short, safe file name for storage: the start of the original name plus its extension."""
    stem = os.path.splitext(os.path.basename(original))[0][:STORED_STEM_CHARS]
    safe = get_valid_filename(stem) if stem.strip(" .") else ""
    return f"{safe or 'file'}.{extension}"


def display_name(original: str) -> str:
    """The original name shortened to its column, keeping the extension."""
    limit = Attachment._meta.get_field("original_name").max_length or 200
    name = os.path.basename(original) or "file"
    if len(name) <= limit:
        return name
    stem, ext = os.path.splitext(name)
    ext = ext[:20]
    return stem[: limit - len(ext) - 1] + "…" + ext


def store_attachment(petition: Petition, f: UploadedFile[bytes], *, field: str = "attachments") -> Attachment:
    """Check ``f`` and write it with its row; a row that cannot be written leaves no file behind."""
    checked = check_upload(f, field=field)
    original = f.name or ""
    f.name = stored_name(original, checked.extension)
    attachment = Attachment(
        petition=petition,
        original_name=display_name(original),
        content_type=checked.content_type,
        size=f.size or 0,
    )
    attachment.file.save(f.name, f, save=False)
    try:
        attachment.save()
    except Exception:
        with contextlib.suppress(OSError):
            attachment.file.delete(save=False)
        raise
    return attachment
