"""Admin: the message log and the job-run log are read-only records; petitioner message templates are edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinfang.notify.models import PLACEHOLDERS, JobRun, Notification, PetitionerMessageTemplate, PetitionerStep


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


@admin.register(PetitionerMessageTemplate)
class PetitionerMessageTemplateAdmin(admin.ModelAdmin[PetitionerMessageTemplate]):
    """The texts petitioners receive, per step and channel; an unknown ``{placeholder}`` is refused on save."""

    list_display = ["kind", "channel", "subject", "updated_at"]
    list_filter = ["kind", "channel"]
    search_fields = ["subject", "body"]
    readonly_fields = ["placeholders"]
    fields = ["kind", "channel", "placeholders", "subject", "body"]

    @admin.display(description=_("Placeholders this step offers"))
    def placeholders(self, obj: PetitionerMessageTemplate | None) -> str:
        if obj is None or not obj.kind:
            return "; ".join(
                f"{PetitionerStep(k).label}: {' '.join('{' + n + '}' for n in sorted(v))}"
                for k, v in PLACEHOLDERS.items()
            )
        return " ".join("{" + n + "}" for n in sorted(PLACEHOLDERS.get(obj.kind, ())))
