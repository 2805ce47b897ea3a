"""Admin for the unit tree and staff accounts.

With ~90,000 units no unit field may render as a <select>: ``parent`` is a raw id, ``User.unit`` an
autocomplete. A change of parent goes through ``unit_move`` so that the whole subtree's paths follow; a plain
``save()`` would only rewrite the unit's own path and strand its descendants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinfang.core.errors import InvalidInput
from xinfang.orgs.models import StaffRole, Unit, User
from xinfang.orgs.services import check_placement, unit_move

# The stubs make these generic; at runtime they are plain classes (no django_stubs_ext monkeypatching here).
if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts
    from django.utils.functional import _StrOrPromise

    _UnitFormBase = forms.ModelForm[Unit]
    _UnitAdminBase = admin.ModelAdmin[Unit]
    _StaffRoleInlineBase = admin.TabularInline[StaffRole, User]
    _UserAdminBase = DjangoUserAdmin[User]
else:
    _UnitFormBase = forms.ModelForm
    _UnitAdminBase = admin.ModelAdmin
    _StaffRoleInlineBase = admin.TabularInline
    _UserAdminBase = DjangoUserAdmin


class UnitAdminForm(_UnitFormBase):
    class Meta:
        model = Unit
        fields = ["name", "code", "division_code", "level", "unit_type", "parent", "address", "phone", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        level, division_code = cleaned.get("level"), cleaned.get("division_code")
        parent: Unit | None = cleaned.get("parent")
        if self.instance.pk is not None and parent is not None and parent.is_within(self.instance.path):
            raise ValidationError(
                {"parent": _("A unit cannot be moved under itself or one of its own subordinate units.")}
            )
        if level and division_code:
            try:
                check_placement(level=level, division_code=division_code, parent=parent)
            except InvalidInput as exc:
                raise ValidationError({exc.field or "__all__": exc.message}) from exc
        return cleaned


@admin.register(Unit)
class UnitAdmin(_UnitAdminBase):
    form = UnitAdminForm
    list_display = ["name", "code", "division_code", "level", "unit_type", "parent", "is_active"]
    list_filter = ["level", "unit_type", "is_active"]
    search_fields = ["name", "code", "division_code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]
    ordering = ["path"]
    show_full_result_count = False  # skips a second COUNT(*) over the whole table on filtered pages

    def save_model(self, request: HttpRequest, obj: Unit, form: _UnitFormBase, change: bool) -> None:
        if change and "parent" in form.changed_data:
            new_parent = obj.parent
            # Save the other fields under the old parent, then move the subtree in one statement.
            obj.parent_id = Unit.objects.values_list("parent_id", flat=True).get(pk=obj.pk)
            super().save_model(request, obj, form, change)
            unit_move(unit=obj, new_parent=new_parent)
            return
        super().save_model(request, obj, form, change)


class StaffRoleInline(_StaffRoleInlineBase):
    model = StaffRole
    extra = 1


_STAFF_FIELDS: tuple[_StrOrPromise, _FieldOpts] = (
    _("Unit and position"),
    {"fields": ("unit", "full_name", "staff_no", "title")},
)


@admin.register(User)
class UserAdmin(_UserAdminBase):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), _STAFF_FIELDS)
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, _STAFF_FIELDS)
    inlines = [StaffRoleInline]
    list_display = ["username", "full_name", "unit", "staff_no", "title", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "roles__role"]
    search_fields = ["username", "full_name", "staff_no", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
