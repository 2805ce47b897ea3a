"""The portal's tables: what a citizen account adds to ``orgs.User`` (a user without a unit), and the ratings of the
online service."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField
from xinfang.petitions.models import Satisfaction, phone_validator


class CitizenProfile(models.Model):
    """Optional details of a citizen account; used only to pre-fill the submission form."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile")
    # Encrypted at rest (xinfang.core.crypto); never searched, so no keyed hash.
    phone = EncryptedTextField(_("phone"), max_length=24, blank=True, validators=[phone_validator])

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return str(self.user)


# The petitioner may change a rating of the online service for this many days after first giving it.
SERVICE_RATING_EDIT_DAYS = 7
SERVICE_RATING_COMMENT_MAX = 500


class ServiceRating(models.Model):
    """满意 / 基本满意 / 不满意 for the online service itself (the portal), not for the handling (``Rating``).

    One per petition per citizen account, or per tracking session for a visitor with 编号 + 查询码 (the session
    holds a random token; only its keyed hash is stored). Counted by the statistics layer by ``rated_on``.
    """

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="service_ratings", db_index=False
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    value = models.CharField(_("rating"), max_length=14, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), max_length=SERVICE_RATING_COMMENT_MAX, blank=True)
    rated_on = models.DateField(_("rated on"))  # the day first given; an edit does not move it
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating of the online service")
        verbose_name_plural = _("ratings of the online service")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "account"], condition=Q(account__isnull=False), name="servicerating_one_per_account"
            ),
            models.UniqueConstraint(
                fields=["petition", "session_token_hash"],
                condition=~Q(session_token_hash=""),
                name="servicerating_one_per_session",
            ),
        ]
        indexes = [models.Index(fields=["petition", "rated_on"], name="servicerating_petition_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.value}"
