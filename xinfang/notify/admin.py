"""Read-only admin for the message log and the job-run log: both are records, never edited by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.notify.models import JobRun, Notification


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "kind", "subject", "recipient", "address", "status", "attempts"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["subject", "kind", "address", "recipient__username", "recipient__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    show_full_result_count = False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "name", "outcome", "finished_at", "summary"]
    list_filter = ["outcome", "name"]
    search_fields = ["name", "task_id"]
    date_hierarchy = "started_at"
    show_full_result_count = False
