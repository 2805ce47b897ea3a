from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from xinfang.deadlines.models import HolidayOverride, LocalTarget

# ModelAdmin is generic only in the type stubs; at runtime it cannot be subscripted without django-stubs-ext's
# monkeypatch, which is a project-wide setting this app does not own.
if TYPE_CHECKING:
    _OverrideAdminBase = admin.ModelAdmin[HolidayOverride]
    _TargetAdminBase = admin.ModelAdmin[LocalTarget]
else:
    _OverrideAdminBase = _TargetAdminBase = admin.ModelAdmin

# Saving or deleting a HolidayOverride here (including the bulk "delete selected" action, which sends
# post_delete per row because a receiver is connected) invalidates the cached calendar via deadlines.signals.


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(_OverrideAdminBase):
    list_display = ["day", "is_workday", "name", "note"]
    list_filter = ["is_workday"]
    search_fields = ["name", "note"]
    date_hierarchy = "day"
    ordering = ["-day"]


@admin.register(LocalTarget)
class LocalTargetAdmin(_TargetAdminBase):
    list_display = ["unit", "kind", "days", "day_kind", "include_subtree", "first_time_only", "label"]
    list_filter = ["kind", "day_kind", "include_subtree", "first_time_only"]
    search_fields = ["unit__name", "unit__code", "label"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]
