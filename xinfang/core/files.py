"""Serving stored files (attachments) after the caller has checked that the user may see them.

Uploaded files are never served from a public URL: a view first answers "may this user see this petition", then
calls :func:`protected_file_response`. Without ``XINFANG_ACCEL_REDIRECT_PREFIX`` the file is streamed from Python
(``FileResponse``, the embedded default). Behind nginx the setting names an ``internal`` location mapped to
``MEDIA_ROOT``; the answer is then an empty 200 with ``X-Accel-Redirect`` and nginx sends the bytes, so a large
download does not hold a web worker. Either way the same headers describe the file (type, name, no caching).
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

#: Personal data: no shared cache (proxy, browser disk) may keep a copy.
NO_STORE = "private, no-store"


def accel_redirect_target(name: str) -> str:
    """The internal URI nginx serves for the stored file ``name`` (a path relative to ``MEDIA_ROOT``)."""
    prefix: str = settings.XINFANG_ACCEL_REDIRECT_PREFIX
    # Percent-encode everything but the separators: nginx decodes the URI before mapping it onto the alias.
    return prefix + quote(name.lstrip("/"), safe="/")


def protected_file_response(file: FieldFile, *, filename: str, content_type: str = "") -> HttpResponseBase:
    """A download of ``file`` named ``filename`` (404 when the stored file is gone).

    Call only after the visibility check. ``content_type`` empty: guessed from ``filename`` as ``FileResponse``
    does.
    """
    storage: Storage = file.storage
    if not file.name or not storage.exists(file.name):
        raise Http404
    if not settings.XINFANG_ACCEL_REDIRECT_PREFIX:
        try:
            handle = file.open("rb")
        except FileNotFoundError:  # removed between the check and the open
            raise Http404 from None
        streamed = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type or None)
        streamed["Cache-Control"] = NO_STORE
        return streamed
    guessed, encoding = mimetypes.guess_type(filename)
    if not content_type:
        content_type = "application/octet-stream" if encoding or not guessed else guessed
    response = HttpResponse(b"", content_type=content_type)
    response["X-Accel-Redirect"] = accel_redirect_target(file.name)
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = NO_STORE
    return response
