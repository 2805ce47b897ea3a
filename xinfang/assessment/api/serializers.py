"""Serializers of the assessment API: input validation and the shapes returned."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xinfang.assessment.models import (
    AdjustmentKind,
    Campaign,
    CampaignCase,
    CampaignProgress,
    Contest,
    ContestStatus,
    Indicator,
    PetitionerView,
    Pledge,
    Scheme,
    ScoreLine,
    ScoringRule,
)
from xinfang.casework.models import CaseKind
from xinfang.orgs.models import Unit, User
from xinfang.stats import catalogue

ASSESSABLE = sorted(catalogue.ASSESSABLE)
UNITS = Unit.objects.active()


class UnitRefSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    kpi = serializers.CharField(read_only=True)
    rule = serializers.CharField(read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "kpi", "label", "weight", "floor", "target", "rule"]

    def get_label(self, obj: Indicator) -> str:
        kpi = catalogue.BY_NAME.get(obj.kpi)
        return kpi.label if kpi else obj.kpi


class ContestSerializer(serializers.ModelSerializer[Contest]):
    status = serializers.CharField(read_only=True)
    raised_by = serializers.CharField(source="raised_by.__str__", read_only=True)
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Contest
        fields = [
            "id",
            "reason",
            "evidence",
            "raised_by",
            "raised_at",
            "points_before",
            "status",
            "new_points",
            "decision_reason",
            "decided_by",
            "decided_at",
        ]

    def get_decided_by(self, obj: Contest) -> str:
        return str(obj.decided_by) if obj.decided_by_id else ""


class ScoreLineSerializer(serializers.ModelSerializer[ScoreLine]):
    unit = UnitRefSerializer()
    kpi = serializers.SerializerMethodField()
    adjustment_kind = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    final_points = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True)
    contests = ContestSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreLine
        fields = [
            "id",
            "unit",
            "kpi",
            "adjustment_kind",
            "reason",
            "evidence",
            "value",
            "numerator",
            "denominator",
            "points",
            "decided_points",
            "final_points",
            "computed_at",
            "contests",
        ]

    def get_kpi(self, obj: ScoreLine) -> str:
        return obj.indicator.kpi if obj.indicator_id and obj.indicator else ""

    def get_adjustment_kind(self, obj: ScoreLine) -> str:
        return obj.adjustment.kind if obj.adjustment_id and obj.adjustment else ""

    def get_reason(self, obj: ScoreLine) -> str:
        return obj.adjustment.reason if obj.adjustment_id and obj.adjustment else ""

    def get_evidence(self, obj: ScoreLine) -> str:
        return obj.adjustment.evidence if obj.adjustment_id and obj.adjustment else ""


class RankedSerializer(serializers.Serializer[Any]):
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    rank = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=9, decimal_places=2)
    indicators = serializers.DecimalField(max_digits=9, decimal_places=2)
    adjustments = serializers.DecimalField(max_digits=9, decimal_places=2)
    pending_contests = serializers.IntegerField()


class SchemeSerializer(serializers.ModelSerializer[Scheme]):
    issuing_unit = UnitRefSerializer()
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "year", "title", "issuing_unit", "period_start", "period_end", "status", "computed_at",
                  "published_at"]  # fmt: skip


class SchemeDetailSerializer(SchemeSerializer):
    units = UnitRefSerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    ranking = RankedSerializer(many=True, source="ranking_rows")
    lines = ScoreLineSerializer(many=True, source="visible_lines")

    class Meta(SchemeSerializer.Meta):
        fields = [*SchemeSerializer.Meta.fields, "units", "indicators", "ranking", "lines"]


# --- input ---


class SchemeInSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    units = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=UNITS), min_length=1, max_length=500
    )
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)


class IndicatorInSerializer(serializers.Serializer[Any]):
    kpi = serializers.CharField(max_length=64, help_text=_("Key of an assessable KPI: %s") % ", ".join(ASSESSABLE))
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    target = serializers.DecimalField(max_digits=5, decimal_places=4, min_value=Decimal(0), max_value=Decimal(1))
    floor = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal(0), max_value=Decimal(1), required=False, default=Decimal(0)
    )
    rule = serializers.ChoiceField(choices=ScoringRule.choices, default=ScoringRule.LINEAR)


class AdjustmentInSerializer(serializers.Serializer[Any]):
    unit = serializers.PrimaryKeyRelatedField(queryset=UNITS)
    kind = serializers.ChoiceField(choices=AdjustmentKind.choices)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=4000)
    evidence = serializers.CharField(max_length=2000, help_text=_("A reference or a link to the evidence"))
    evidence_file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_("The evidence as a file (multipart/form-data)")
    )


class ContestInSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=4000)
    evidence = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecideInSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[c for c in ContestStatus.choices if c[0] != ContestStatus.PENDING])
    reason = serializers.CharField(max_length=4000)
    new_points = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True, default=None)


# --- campaigns ---


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    scope_unit = UnitRefSerializer()
    owner = serializers.CharField(source="owner.__str__", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "title", "scope_unit", "start", "end", "goal_rate", "description", "owner"]


class BoardSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    in_charge = serializers.IntegerField()
    double_owned = serializers.IntegerField()
    resolved = serializers.IntegerField()
    signed_off = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    goal = serializers.FloatField()
    on_track = serializers.BooleanField()
    pledged_units = serializers.IntegerField()


class CampaignCaseSerializer(serializers.ModelSerializer[CampaignCase]):
    backlog_case = serializers.IntegerField(source="case_id")
    number = serializers.CharField(source="case.petition.number")
    title = serializers.CharField(source="case.petition.title")
    case_status = serializers.CharField(source="case.status")
    leader = serializers.SerializerMethodField()
    responsible_unit = serializers.SerializerMethodField()
    responsible_person = serializers.CharField(source="case.responsible_person")
    petitioner_view = serializers.CharField(read_only=True)

    class Meta:
        model = CampaignCase
        fields = [
            "id",
            "backlog_case",
            "number",
            "title",
            "case_status",
            "leader",
            "responsible_unit",
            "responsible_person",
            "by_rule",
            "added_on",
            "signed_off_on",
            "evidence",
            "petitioner_view",
        ]

    def get_leader(self, obj: CampaignCase) -> str:
        return str(obj.case.leader) if obj.case.leader_id else ""

    def get_responsible_unit(self, obj: CampaignCase) -> str:
        unit = obj.case.responsible_unit
        return unit.name if unit is not None else ""


class PledgeSerializer(serializers.ModelSerializer[Pledge]):
    unit = UnitRefSerializer()

    class Meta:
        model = Pledge
        fields = ["id", "unit", "signed_by", "signed_on", "text"]


class ProgressSerializer(serializers.ModelSerializer[CampaignProgress]):
    author = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = CampaignProgress
        fields = ["id", "week_start", "text", "figures", "author", "at"]


class CampaignDetailSerializer(CampaignSerializer):
    board = BoardSerializer(source="board_data")
    cases = CampaignCaseSerializer(many=True, source="visible_cases")
    pledges = PledgeSerializer(many=True, source="pledge_rows")
    progress = ProgressSerializer(many=True, source="progress_rows")

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "board", "cases", "pledges", "progress"]


class CampaignInSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    scope_unit = serializers.PrimaryKeyRelatedField(queryset=UNITS)
    start = serializers.DateField()
    end = serializers.DateField()
    goal_rate = serializers.DecimalField(max_digits=5, decimal_places=4, min_value=Decimal(0), max_value=Decimal(1))
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True, unit__isnull=False), required=False, allow_null=True
    )
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class CampaignCaseInSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=_("Backlog case id"))


class ByRuleInSerializer(serializers.Serializer[Any]):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=CaseKind.choices), required=False, default=list, max_length=2
    )


class AddedSerializer(serializers.Serializer[Any]):
    added = serializers.IntegerField()


class PledgeInSerializer(serializers.Serializer[Any]):
    unit = serializers.PrimaryKeyRelatedField(queryset=UNITS)
    signed_by = serializers.CharField(max_length=100)
    signed_on = serializers.DateField()
    text = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, default="", help_text=_("The text, or attach the file")
    )
    file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_("The signed letter (multipart/form-data)")
    )


class ProgressInSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=8000)


class SignOffInSerializer(serializers.Serializer[Any]):
    evidence = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text=_("Evidence, or attach it as a file")
    )
    evidence_file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_("The evidence as a file (multipart/form-data)")
    )
    petitioner_view = serializers.ChoiceField(choices=PetitionerView.choices)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
