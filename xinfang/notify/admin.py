"""Admin: the message log and the job-run log are read-only records; petitioner message templates are edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinfang.notify.models import (
    PLACEHOLDERS,
    Channel,
    JobRun,
    Notification,
    PetitionerMessageTemplate,
    PetitionerStep,
)
from xinfang.petitions.identity import mask_phone


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def mask_address(channel: str, address: str) -> str:
    """An address as the admin shows it (Art. 30; 个人信息保护法): a phone as 138****5678, an e-mail address with
    only the first character of its local part, z***@example.com."""
    if not address:
        return ""
    if channel == Channel.EMAIL or "@" in address:
        local, _at, domain = address.rpartition("@")
        return f"{local[:1]}***@{domain}" if local else "***"
    return mask_phone(address)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The message log. The address is encrypted at rest and shown masked: it can be neither read whole nor searched
    (a Fernet token matches nothing), so search by subject, kind or staff account."""

    list_display = ["created_at", "channel", "kind", "subject", "recipient", "masked_address", "status", "attempts"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["subject", "kind", "recipient__username", "recipient__full_name"]
    exclude = ["address"]
    readonly_fields = ["masked_address"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    show_full_result_count = False

    @admin.display(description=_("address"))
    def masked_address(self, obj: Notification) -> str:
        return mask_address(obj.channel, obj.address)


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
