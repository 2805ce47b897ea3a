"""Admin: units publish their leaders' mailboxes (领导信箱) here."""

from __future__ import annotations

from django.contrib import admin

from xinfang.instructions.models import LeaderMailbox


@admin.register(LeaderMailbox)
class LeaderMailboxAdmin(admin.ModelAdmin[LeaderMailbox]):
    list_display = ["title", "unit", "leader", "registering_unit", "is_open"]
    list_filter = ["is_open"]
    raw_id_fields = ["unit", "leader", "registering_unit"]
    search_fields = ["title", "unit__name"]
