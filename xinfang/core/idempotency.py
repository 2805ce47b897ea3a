"""``Idempotency-Key`` on the public doors that create something (online submission, booking a reception slot).

A client that sends ``Idempotency-Key: <up to 128 printable characters>`` may retry the same request safely: the
retry gets the first answer again (same 编号 and 查询码, same status, header ``Idempotent-Replayed: true``) and
nothing is written. The key is scoped to the endpoint and to the client — the signed-in account, else the client
address of ``xinfang.core.clientip`` — so one client cannot replay another's answer.

How a duplicate is caught, even when it arrives while the first is still running: the ``IdempotencyRecord`` row is
inserted *first*, inside the same transaction as the submission. A concurrent duplicate's insert waits on the
unique index until the first transaction ends; if it committed, the insert fails and the duplicate reads the
committed row and replays its answer; if it rolled back (the submission was refused), the duplicate goes ahead
as if it were first. Refusals (4xx) are not stored, so a corrected retry with the same key is judged afresh.

The same key with a different body (or another session to book) is refused with 422. Records expire after
``TTL`` (24 h): expired ones are ignored at once and deleted by the job ``core.expire_idempotency_records``.

The stored answer carries the 查询码 or booking code, which are otherwise stored only as keyed hashes, so it is
encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with a key derived from ``SECRET_KEY`` *and the Idempotency-Key*;
the row keeps only an HMAC of the key, so the database alone — or the database and ``SECRET_KEY`` — cannot
reveal a code: only a client presenting the key again can.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from xinfang.core import timeutil
from xinfang.core.clientip import client_ip
from xinfang.core.errors import DomainError, InvalidInput, RuleViolation
from xinfang.core.models import IdempotencyRecord
from xinfang.core.schema import ErrorSerializer

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 128
TTL = dt.timedelta(hours=24)

OPENAPI_PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH, "pattern": r"^[\x21-\x7E]([\x20-\x7E]*[\x21-\x7E])?$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional, 1–128 printable ASCII characters (e.g. a UUID). A retry with the same key and the same body "
        "within 24 hours returns the first answer (same number and code, same status, header "
        "`Idempotent-Replayed: true`) and writes nothing; concurrent duplicates create one record. The same key "
        "with a different body is refused with 422. Keys are scoped to the client (account, else address)."
    ),
)

OPENAPI_REPLAYED = OpenApiParameter(
    REPLAYED_HEADER,
    str,
    location=OpenApiParameter.HEADER,
    response=[201],
    enum=["true"],
    description="Present (`true`) when this is the stored first answer to an earlier request with the same key.",
)
OPENAPI_MISMATCH = OpenApiResponse(
    ErrorSerializer, description="The Idempotency-Key was already used for a different request (or session)."
)


class IdempotencyMismatch(DomainError):
    """The Idempotency-Key was already used for a different request (422)."""

    status_code = 422
    default_code = "idempotency_key_reused"


def _hmac(label: str, value: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"xinfang.idempotency.{label}\x00{value}".encode(), "sha256").digest()


def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_hmac("response", key)))


def idempotency_key(request: Request) -> str | None:
    """The request's Idempotency-Key, or ``None`` when it sent none; a malformed key is a 400 naming the header."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            _("The Idempotency-Key header must be 1 to %(n)s printable ASCII characters (for example a UUID).")
            % {"n": MAX_LENGTH},
            field=HEADER,
            code="invalid_idempotency_key",
        )
    return key


def _client(request: Request) -> str:
    user = getattr(request, "user", None)
    ident = f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request)}"
    return _hmac("client", ident).hex()


def _plain(data: Any) -> Any:
    if isinstance(data, QueryDict):
        return {k: data.getlist(k) for k in sorted(data.keys())}
    return data


def _body_hash(request: Request, extra: tuple[object, ...]) -> str:
    def fallback(value: Any) -> str:  # uploaded files and the like: their name and size
        return f"{type(value).__name__}:{getattr(value, 'name', '')}:{getattr(value, 'size', '')}"

    text = json.dumps(
        [[str(x) for x in extra], _plain(request.data)],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=fallback,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(record: IdempotencyRecord | None, key: str, body_hash: str) -> Response:
    if record is not None and not hmac.compare_digest(record.body_hash, body_hash):
        raise IdempotencyMismatch(
            _(
                "This Idempotency-Key was already used for a different request. "
                "Send the same request again, or use a new key for a new request."
            ),
            field=HEADER,
        )
    if record is None or record.status == 0 or not record.response:  # (None: deleted by the expiry job meanwhile)
        raise RuleViolation(
            _("The first request with this Idempotency-Key is still being processed; try again shortly."),
            code="idempotency_in_progress",
            field=HEADER,
        )
    try:
        data = json.loads(_fernet(key).decrypt(record.response.encode()))
    except InvalidToken:  # SECRET_KEY changed since: the answer cannot be read back, and must not be made again
        raise RuleViolation(
            _("The first answer to this Idempotency-Key can no longer be read; use a new key."),
            code="idempotency_unreadable",
            field=HEADER,
        ) from None
    return Response(data, status=record.status, headers={REPLAYED_HEADER: "true"})


def idempotent(
    request: Request, *, scope: str, run: Callable[[], Response], extra: tuple[object, ...] = ()
) -> Response:
    """Answer ``request`` with ``run()`` once per Idempotency-Key (see the module docstring).

    ``extra`` are the request's path arguments (e.g. the session booked): they count as part of the body, so the
    same key for another session is a different request. Without the header, ``run()`` is simply called.
    """
    key = idempotency_key(request)
    if key is None:
        return run()
    client = _client(request)
    key_hash = _hmac("key", key).hex()
    body_hash = _body_hash(request, extra)
    ident = {"scope": scope, "client": client, "key_hash": key_hash}
    now = timeutil.now()
    with transaction.atomic():
        IdempotencyRecord.objects.filter(**ident, created_at__lt=now - TTL).delete()
        try:
            with transaction.atomic():  # a savepoint: a duplicate key leaves the outer transaction usable
                record = IdempotencyRecord.objects.create(**ident, body_hash=body_hash, created_at=now)
        except IntegrityError:
            # Another request with this key committed first (we waited for it on the unique index): replay it.
            return _replay(IdempotencyRecord.objects.filter(**ident).first(), key, body_hash)
        response = run()
        if not 200 <= response.status_code < 300:
            record.delete()  # only successes are replayed; a refusal is judged afresh on retry
            return response
        token = _fernet(key).encrypt(json.dumps(response.data, cls=JSONEncoder, ensure_ascii=False).encode())
        record.status = response.status_code
        record.response = token.decode()
        record.save(update_fields=["status", "response"])
    return response


def idempotency_records_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the records older than ``TTL``; returns how many were deleted."""
    cutoff = (now or timeutil.now()) - TTL
    deleted, _detail = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
