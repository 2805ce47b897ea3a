"""Admin: sites are editable (name, address, in use); schedules and sessions are read-only lists here — they
are created and changed through the reception services (workbench or API), which check the actor and record who."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.reception.models import ReceptionSchedule, ReceptionSession, ReceptionSite


@admin.register(ReceptionSite)
class ReceptionSiteAdmin(admin.ModelAdmin[ReceptionSite]):
    list_display = ["name", "kind", "unit", "address", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "address"]
    fields = ["name", "address", "kind", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a site belongs to a unit: created through the desk (site_create)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(ReadOnlyAdmin):
    list_display = ["leader", "site", "recurrence", "day_of_month", "weekday", "topic", "published"]
    list_filter = ["recurrence", "published"]


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(ReadOnlyAdmin):
    list_display = ["date", "nominal_date", "leader", "site", "status", "published"]
    list_filter = ["status", "published"]
    date_hierarchy = "date"
