"""Serializers for units and the current user.

Other apps that show a unit inside their own payloads should reuse :class:`UnitBriefSerializer` so that the
OpenAPI schema has one ``UnitBrief`` component rather than several look-alikes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinfang.orgs.models import Level, Role, Unit, UnitType, User


class UnitBriefSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "name", "code", "level", "unit_type", "depth"]
        read_only_fields = fields


class UnitSerializer(serializers.ModelSerializer[Unit]):
    # From an Exists() annotation in the view's queryset, so listing units costs no query per row.
    has_children = serializers.BooleanField(read_only=True, help_text=_("Whether the unit has subordinate units."))

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "code",
            "division_code",
            "level",
            "unit_type",
            "parent",
            "depth",
            "is_active",
            "has_children",
        ]
        read_only_fields = fields


class UnitDetailSerializer(UnitSerializer):
    ancestors = serializers.SerializerMethodField(
        help_text=_("The superior units from the root down to the parent (the 上一级机关 chain).")
    )

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "address", "phone", "ancestors"]
        read_only_fields = fields

    @extend_schema_field(UnitBriefSerializer(many=True))
    def get_ancestors(self, obj: Unit) -> Any:
        # The ids are encoded in the path, so this is one primary-key query whatever the depth.
        return UnitBriefSerializer(Unit.objects.ancestors(obj), many=True).data


class UnitFilterSerializer(serializers.Serializer[dict[str, Any]]):
    """Query parameters of the unit list; invalid values give 400 with a message per parameter."""

    # Built in get_fields() because two parameter names, ``parent`` and ``root``, are also attributes of
    # DRF's Field; declared as class attributes they would only confuse the type checker.
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        units = Unit.objects.all()
        return {
            "q": serializers.CharField(
                required=False,
                max_length=100,
                help_text=_("Part of the name, or the start of the unit code or division code."),
            ),
            "parent": serializers.PrimaryKeyRelatedField(
                queryset=units, required=False, help_text=_("Only the direct subordinates of this unit.")
            ),
            "level": serializers.ChoiceField(choices=Level.choices, required=False, help_text=_("Level.")),
            "type": serializers.ChoiceField(choices=UnitType.choices, required=False, help_text=_("Unit type.")),
            "within": serializers.PrimaryKeyRelatedField(
                queryset=units,
                required=False,
                help_text=_("Only this unit and the units below it, at any depth."),
            ),
            "root": serializers.BooleanField(
                required=False, help_text=_("true: only units without a parent unit; false: only the others.")
            ),
            "active": serializers.BooleanField(required=False, help_text=_("Filter on whether the unit is active.")),
        }


class MeUnitSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "name"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer[User]):
    unit = MeUnitSerializer(read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "full_name", "staff_no", "title", "unit", "roles"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, obj: User) -> list[str]:
        return sorted(obj.role_set())
