"""Admin: the taxonomy is editable; petitions are read-only here (state changes go through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.petitions.models import Category, Clock, Petition, PetitionEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["full_name", "level"]
    list_filter = ["level"]
    search_fields = ["name", "full_name"]
    raw_id_fields = ["parent"]


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = PetitionEvent
    fields = ["at", "action", "actor", "actor_unit", "from_state", "to_state", "note"]


class ClockInline(ReadOnlyInline):
    model = Clock
    fields = ["kind", "owing_unit", "start", "days", "day_kind", "extended_days", "paused_days", "due", "stopped_on"]


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin[Petition]):
    """Read-only: the timeline must tell the whole story, so nothing is edited behind the services' back."""

    list_display = ["number", "title", "state", "channel", "current_unit", "received_on"]
    list_filter = ["state", "channel", "nature"]
    search_fields = ["number", "title"]
    show_full_result_count = False  # counting millions of rows on every page load is wasteful
    list_select_related = ["current_unit"]
    inlines = [ClockInline, EventInline]
    exclude = ["tracking_code_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Petition | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Petition | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Petition | None = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)
