"""The portal's only table: what a citizen account adds to ``orgs.User`` (a user without a unit)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.petitions.models import phone_validator


class CitizenProfile(models.Model):
    """Optional details of a citizen account; used only to pre-fill the submission form."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile")
    phone = models.CharField(_("phone"), max_length=24, blank=True, validators=[phone_validator])

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return str(self.user)
