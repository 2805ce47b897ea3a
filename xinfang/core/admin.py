"""Admin for core records: the identity-read audit is read-only (append-only rows)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.core.models import IdentityRead


@admin.register(IdentityRead)
class IdentityReadAdmin(admin.ModelAdmin[IdentityRead]):
    list_display = ["at", "user", "petition", "booking_id", "proposal_id", "surface"]
    list_filter = ["surface", "at"]
    search_fields = ["petition__number", "user__username", "user__full_name"]
    date_hierarchy = "at"
    list_select_related = ["user", "petition"]
    raw_id_fields = ["user", "petition"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
