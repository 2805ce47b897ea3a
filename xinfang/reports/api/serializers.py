"""Serializers of the reports API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xinfang.reports.models import Report, ReportIssue, ReportKind

YEARS = (2000, 2100)


class ReportSerializer(serializers.ModelSerializer[Report]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    issued_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "unit",
            "unit_name",
            "period_start",
            "period_end",
            "status",
            "generated_at",
            "created_at",
            "updated_at",
            "issued_at",
            "issued_by_name",
        ]
        read_only_fields = fields

    def get_issued_by_name(self, report: Report) -> str:
        user = report.issued_by
        return (user.full_name or user.username) if user else ""


class ReportIssueSerializer(serializers.ModelSerializer[ReportIssue]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ReportIssue
        fields = ["id", "title", "description", "unit", "unit_name", "due", "agenda_item", "assignment"]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.JSONField(read_only=True)
    sections = serializers.DictField(child=serializers.CharField(allow_blank=True), read_only=True)
    issues = ReportIssueSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "figures", "sections", "issues"]
        read_only_fields = fields


class ReportInSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text=_("YYYY-MM (monthly reports)"))
    year = serializers.IntegerField(min_value=YEARS[0], max_value=YEARS[1], required=False)

    def validate_month(self, value: str) -> str:
        if not YEARS[0] <= int(value[:4]) <= YEARS[1]:
            raise serializers.ValidationError(_("Give a month from 2000 to 2100."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == ReportKind.MONTHLY and not attrs.get("month"):
            raise serializers.ValidationError({"month": _("Give the month as YYYY-MM.")})
        if attrs["kind"] == ReportKind.ANNUAL and not attrs.get("year"):
            raise serializers.ValidationError({"year": _("Give the year.")})
        return attrs


class ReportEditSerializer(serializers.Serializer[dict[str, Any]]):
    sections = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=20000))


class ProblemInSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    due = serializers.DateField()


class ReportIssueInSerializer(serializers.Serializer[dict[str, Any]]):
    problems = ProblemInSerializer(many=True, required=False, default=list)
    meeting = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
