"""Model building blocks shared by every domain."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnly(models.Model):
    """A record that is only ever inserted: timelines, logs, progress notes. Saving again or deleting raises."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} rows are immutable (append-only)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{type(self).__name__} rows are immutable (append-only)")


class IdempotencyRecord(models.Model):
    """The first answer to a request sent with an ``Idempotency-Key`` (public submission, booking), kept 24 h.

    Inserted first in the request's transaction, so a concurrent duplicate blocks on the unique index until the
    first commits and then replays the stored answer (``xinfang.core.idempotency``). Nothing here is readable on
    its own: the key and the client are keyed hashes, and the answer (which carries the 查询码 or booking code) is
    encrypted with a key derived from ``SECRET_KEY`` and the Idempotency-Key itself.
    """

    scope = models.CharField(max_length=64)  # which endpoint: "petitions.submit", "reception.booking"
    key_hash = models.CharField(max_length=64)  # HMAC-SHA256 of the Idempotency-Key
    client = models.CharField(max_length=64)  # HMAC-SHA256 of "user:<id>" or "ip:<address>"
    body_hash = models.CharField(max_length=64)  # SHA-256 of the request body (and path arguments)
    status = models.PositiveSmallIntegerField(default=0)  # HTTP status of the first answer; 0 while in flight
    response = models.TextField(blank=True)  # the first answer's body, encrypted (Fernet token)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "client", "key_hash"], name="core_idempotency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:12]} ({self.status})"
