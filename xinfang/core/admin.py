"""Admin for core records: the identity-read audit is read-only (append-only rows); staff authenticator apps are
listed and deleted (a lost phone), never shown with their key."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.core.models import IdentityRead, TotpDevice


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


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin[TotpDevice]):
    """Staff authenticator apps: an administrator deletes the device of a lost phone (the user then sets up a new one on
    the workbench) or clears its throttle. The secret key is never shown, nor typed in (stricter than django-otp's
    ``OTP_ADMIN_HIDE_SENSITIVE_DATA``, which still shows it on the add form): a device is only made by the set-up on
    /workbench/2fa/, where its owner scans it."""

    list_display = ["user", "name", "created_at", "last_used_at", "confirmed"]
    list_filter = ["confirmed", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = [
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "step",
        "t0",
        "digits",
        "tolerance",
        "drift",
        "last_t",
        "throttling_failure_timestamp",
        "throttling_failure_count",
    ]
    readonly_fields = ["user", "created_at", "last_used_at", "step", "t0", "digits", "tolerance", "drift", "last_t"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# django-otp's own TOTP device keeps the key in plain text; its rows were moved into TotpDevice (core migration 0007).
# Its admin (registered by django_otp.plugins.otp_totp, an earlier app) would still let a key be typed in: removed.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
