"""Saved views of the inbox (保存的视图): a named set of filters, sort and columns per user, optionally shared."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit


class SavedView(models.Model):
    """The inbox query a user saved under a name: ``params`` holds the tab, sort, filters and columns.

    A shared view is listed for every staff member of ``unit`` (the owner's unit when it was saved); only the
    owner renames or deletes it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    params = models.JSONField(_("filters"), default=dict)
    shared = models.BooleanField(_("shared with my unit"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="savedview_owner_name_unique")]
        indexes = [models.Index(fields=["unit", "shared"], name="savedview_unit_shared_idx")]

    def __str__(self) -> str:
        return self.name
