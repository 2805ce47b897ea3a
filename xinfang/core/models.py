"""Model building blocks shared by every domain."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.core.totp import TotpDevice as TotpDevice  # the model lives there; imported here so the app loads it


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


class IdentitySurface(models.TextChoices):
    """Where an unmasked petitioner identity was shown or handed out."""

    PETITION_PAGE = "petition_page", _("Petition page")
    API_DETAIL = "api_detail", _("API: petition detail")
    API_ACTION = "api_action", _("API: answer to an action")
    DOCX = "docx", _("Document (.docx)")
    LEDGER = "ledger", _("Ledger export (.xlsx, .csv)")
    RECEPTION_SESSION = "reception_session", _("Reception session: booking phones")
    API_BOOKINGS = "api_bookings", _("API: booking phones")
    NOTIFICATION = "notification", _("Notification")
    PROPOSAL_CONVERSION = "proposal_conversion", _("Conversion into a proposal")
    PETITION_CONVERSION = "petition_conversion", _("Conversion of a proposal into a petition")
    PROPOSAL_PAGE = "proposal_page", _("Proposal page")
    API_PROPOSAL = "api_proposal", _("API: proposal")


class IdentityRead(AppendOnly):
    """One display or download of an unmasked petitioner identity (Art. 30; 个人信息保护法): who, when, which
    petition (or booking, or proposal), which surface. Written by ``xinfang.core.audit.identity_read_record``; never
    changed.

    ``booking_id`` and ``proposal_id`` are plain numbers, not keys, so that core depends on neither reception nor
    proposals. A booking linked to a petition carries that petition too, so the petition's scope decides who may
    list the read; a proposal's read is listed to whoever may see the proposal (``core.audit`` read scopes)."""

    at = models.DateTimeField(_("at"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    booking_id = models.PositiveBigIntegerField(_("booking"), null=True, blank=True)
    proposal_id = models.PositiveBigIntegerField(_("proposal"), null=True, blank=True)
    surface = models.CharField(_("surface"), max_length=24, choices=IdentitySurface.choices)

    class Meta:
        verbose_name = _("identity read")
        verbose_name_plural = _("identity reads")
        indexes = [
            models.Index(fields=["petition", "at"], name="core_idread_petition_at"),
            models.Index(fields=["user", "at"], name="core_idread_user_at"),
            models.Index(fields=["at"], name="core_idread_at"),
        ]

    def __str__(self) -> str:
        subject = self.petition_id or self.booking_id or self.proposal_id
        return f"{self.user_id} {self.surface} {subject} {self.at:%Y-%m-%d %H:%M}"
