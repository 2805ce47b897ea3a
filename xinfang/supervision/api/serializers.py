"""API shapes of the supervision desk. Input serializers check types; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinfang.orgs.models import Unit
from xinfang.petitions.models import Clock
from xinfang.supervision.models import (
    Adoption,
    Assignment,
    Bulletin,
    BulletinCase,
    CaseVerdict,
    Interview,
    OrderLog,
    Recommendation,
    RecommendationKind,
    SupervisionOrder,
    WarningLevel,
)


def inline_choice(choices: type[models.TextChoices], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field documented with an inline enum (no shared component whose name could collide)."""

    @extend_schema_field({"type": "string", "enum": list(choices.values)})
    class Field(serializers.ChoiceField):
        pass

    return Field(choices=choices.choices, **kwargs)


# ------------------------------------------------------------------------------------------ input


class OrderInSerializer(serializers.Serializer[dict[str, Any]]):
    target_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active(), label=_("unit supervised"))
    matter = serializers.CharField(label=_("matter"))
    requirements = serializers.CharField(required=False, allow_blank=True, default="", label=_("requirements"))
    petition = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("编号 or id of a petition you can see")
    )
    reply_due = serializers.DateField(required=False, allow_null=True, default=None, label=_("reply deadline"))
    reply_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=60, help_text=_("working days")
    )
    is_listed = serializers.BooleanField(required=False, default=False, label=_("listed for supervision"))


class ReplySerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(label=_("written reply"))


class CloseSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField()
    reply_due = serializers.DateField(required=False, allow_null=True, default=None)


class RecommendationInSerializer(serializers.Serializer[dict[str, Any]]):
    kind = inline_choice(RecommendationKind)
    to_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active())
    text = serializers.CharField()
    petitions = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    order = serializers.IntegerField(required=False, allow_null=True, default=None)
    feedback_due = serializers.DateField(required=False, allow_null=True, default=None)


class FeedbackSerializer(serializers.Serializer[dict[str, Any]]):
    adoption = inline_choice(Adoption)
    text = serializers.CharField()


class RectificationSerializer(serializers.Serializer[dict[str, Any]]):
    matter = serializers.CharField()
    due = serializers.DateField()


class InterviewInSerializer(serializers.Serializer[dict[str, Any]]):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active())
    persons = serializers.CharField()
    reason = serializers.CharField()
    held_on = serializers.DateField()
    conducted_by = serializers.CharField(max_length=200)
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    order = serializers.IntegerField(required=False, allow_null=True, default=None)
    rectifications = RectificationSerializer(many=True, required=False, default=list)


MONTH_YEARS = (1990, 2100)  # bulletins: years a 通报 can be about


class BulletinInSerializer(serializers.Serializer[dict[str, Any]]):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text=_("YYYY-MM"))

    def validate_month(self, value: str) -> str:
        # The pattern admits year 0000, which no date has (and a far year overflows the month arithmetic).
        if not MONTH_YEARS[0] <= int(value[:4]) <= MONTH_YEARS[1]:
            raise serializers.ValidationError(
                _("Give a month from %(first)s to %(last)s.") % {"first": MONTH_YEARS[0], "last": MONTH_YEARS[1]}
            )
        return value


class BulletinCaseInSerializer(serializers.Serializer[dict[str, Any]]):
    petition = serializers.CharField(max_length=40, help_text=_("编号 (or id) of a petition you can see."))
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), help_text=_("The unit concerned."))
    verdict = inline_choice(CaseVerdict)
    account = serializers.CharField(
        max_length=4000, help_text=_("What went right or wrong; never the petitioner's identity.")
    )


# ------------------------------------------------------------------------------------------ output


class WarningClockSerializer(serializers.ModelSerializer[Clock]):
    level = inline_choice(WarningLevel)
    kind = serializers.CharField()
    petition = serializers.CharField(source="petition.number")
    title = serializers.CharField(source="petition.title")
    kind_label = serializers.CharField(source="get_kind_display")
    owing_unit = serializers.CharField(source="owing_unit.name", default=None)

    class Meta:
        model = Clock
        fields = ["id", "petition", "title", "kind", "kind_label", "owing_unit", "start", "days", "due", "level"]


class LevelCountsSerializer(serializers.Serializer[dict[str, int]]):
    due_soon = serializers.IntegerField()
    overdue = serializers.IntegerField()
    severe = serializers.IntegerField()


class OrderLogSerializer(serializers.ModelSerializer[OrderLog]):
    step = serializers.CharField(help_text=_("issued, replied, returned, closed or escalated"))
    actor = serializers.CharField(source="actor.full_name", default=None)

    class Meta:
        model = OrderLog
        fields = ["step", "actor", "at", "note", "data"]


class OrderSerializer(serializers.ModelSerializer[SupervisionOrder]):
    issuing_unit = serializers.CharField(source="issuing_unit.name")
    target_unit = serializers.CharField(source="target_unit.name")
    target_unit_id = serializers.IntegerField()
    petition = serializers.CharField(source="petition.number", default=None)
    status = serializers.CharField(help_text=_("issued, replied, escalated or closed"))
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = SupervisionOrder
        fields = [
            "id",
            "number",
            "issuing_unit",
            "target_unit",
            "target_unit_id",
            "petition",
            "matter",
            "requirements",
            "is_listed",
            "issued_on",
            "first_reply_due",
            "reply_due",
            "status",
            "status_label",
            "escalation_level",
            "reply_text",
            "replied_on",
            "closed_on",
        ]


class OrderDetailSerializer(OrderSerializer):
    log = OrderLogSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "log"]


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    issuing_unit = serializers.CharField(source="issuing_unit.name")
    to_unit = serializers.CharField(source="to_unit.name")
    kind = serializers.CharField(help_text=_("improve_work, improve_policy or accountability"))
    adoption = serializers.CharField(help_text=_("adopted, partly, not_adopted, or empty before the feedback"))
    kind_label = serializers.CharField(source="get_kind_display")
    order = serializers.CharField(source="order.number", default=None)
    petitions: Any = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "kind",
            "kind_label",
            "issuing_unit",
            "to_unit",
            "order",
            "petitions",
            "text",
            "issued_on",
            "feedback_due",
            "adoption",
            "feedback_text",
            "feedback_on",
        ]


class InterviewSerializer(serializers.ModelSerializer[Interview]):
    unit = serializers.CharField(source="unit.name")
    by_unit = serializers.CharField(source="by_unit.name")
    order = serializers.CharField(source="order.number", default=None)

    class Meta:
        model = Interview
        fields = ["id", "unit", "by_unit", "persons", "reason", "held_on", "conducted_by", "minutes", "order"]


class BulletinSerializer(serializers.ModelSerializer[Bulletin]):
    unit = serializers.CharField(source="unit.name")
    title = serializers.CharField(source="data.title", default="")

    class Meta:
        model = Bulletin
        fields = ["id", "unit", "month", "title", "created_at"]


class BulletinDetailSerializer(BulletinSerializer):
    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "data"]


class BulletinCaseSerializer(serializers.ModelSerializer[BulletinCase]):
    """A typical case as printed: 编号, unit, kind, account — nothing else of the petition, no identity."""

    petition = serializers.CharField(source="petition.number")
    unit = serializers.CharField(source="unit.name")
    verdict = inline_choice(CaseVerdict)
    approved = serializers.SerializerMethodField()

    class Meta:
        model = BulletinCase
        fields = ["id", "petition", "unit", "verdict", "account", "chosen_at", "approved", "approved_at"]

    def get_approved(self, case: BulletinCase) -> bool:
        return case.approved_at is not None


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    source: Any = serializers.CharField()
    unit = serializers.CharField(source="unit.name")
    petition = serializers.CharField(source="petition.number", default=None)

    class Meta:
        model = Assignment
        fields = ["id", "source", "source_id", "matter", "unit", "petition", "assigned_on", "due", "done_on"]
