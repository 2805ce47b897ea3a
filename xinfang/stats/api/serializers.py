"""Response serializers of the statistics API (they describe the contract in OpenAPI)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from xinfang.stats import catalogue


def _figure_field(kpi: catalogue.Kpi) -> serializers.Field[Any, Any, Any, Any]:
    help_text = f"{kpi.label} ({kpi.unit}): {kpi.definition}"
    if kpi.unit == catalogue.KpiUnit.COUNT:
        return serializers.IntegerField(allow_null=True, help_text=help_text)
    return serializers.FloatField(allow_null=True, help_text=help_text)


FiguresSerializer = type(
    "FiguresSerializer",
    (serializers.Serializer,),
    {k.name: _figure_field(k) for k in catalogue.KPIS},
)

DefinitionsSerializer = type(
    "DefinitionsSerializer",
    (serializers.Serializer,),
    {k.name: serializers.CharField() for k in catalogue.KPIS},
)


class KpiHotIssueSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    region = serializers.IntegerField(help_text="The petition department whose region the issue is in.")
    region_name = serializers.CharField()
    snapshot_on = serializers.DateField()
    since = serializers.DateField()
    until = serializers.DateField()
    rank = serializers.IntegerField()
    heat = serializers.FloatField()
    description = serializers.CharField()
    petitions = serializers.IntegerField()
    sudden_rise = serializers.BooleanField()


class KpisSerializer(serializers.Serializer[Any]):
    # "from" is a Python keyword: declared below.
    to = serializers.DateField()
    unit = serializers.IntegerField(allow_null=True, help_text="The unit narrowing the view, or null for all.")
    figures = FiguresSerializer(help_text="Rates are fractions in [0, 1], null when the denominator is 0.")
    previous = FiguresSerializer(help_text="环比: the same number of days just before (overdue_open is null).")
    year_ago = FiguresSerializer(help_text="同比: the same dates a year before (overdue_open is null).")
    previous_period = serializers.ListField(child=serializers.DateField(), min_length=2, max_length=2)
    year_ago_period = serializers.ListField(child=serializers.DateField(), min_length=2, max_length=2)
    definitions = DefinitionsSerializer()
    hot_issues = KpiHotIssueSerializer(many=True, help_text="Top hot issues of the snapshot counted by hot_issues.")


KpisSerializer._declared_fields["from"] = serializers.DateField()


class SeriesPointSerializer(serializers.Serializer[Any]):
    period = serializers.CharField(help_text="2026-11-03, 2026-W45, 2026-11, 2026-Q4 or 2026")
    start = serializers.DateField(help_text="First day of the period within [from, to].")
    end = serializers.DateField(help_text="Last day of the period within [from, to].")
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True, help_text="null for counts")


class SeriesSerializer(serializers.Serializer[Any]):
    kpi = serializers.CharField()
    interval = serializers.CharField()
    to = serializers.DateField()
    unit = serializers.IntegerField(allow_null=True)
    points = SeriesPointSerializer(many=True, help_text="At most 366 points.")


SeriesSerializer._declared_fields["from"] = serializers.DateField()


class RowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Unit id, 6-digit division code, category id, channel or nature; '' = none")
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField(help_text="Items counted: the denominator of a rate, the value of a count.")


# "label" is an attribute of every Field: declared here.
RowSerializer._declared_fields["label"] = serializers.CharField()


class BreakdownSerializer(serializers.Serializer[Any]):
    kpi = serializers.CharField()
    by = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)
    to = serializers.DateField()
    unit = serializers.IntegerField(allow_null=True)
    rows = RowSerializer(many=True, help_text="Ranked by value, at most 500 rows.")
    truncated = serializers.BooleanField()


BreakdownSerializer._declared_fields["from"] = serializers.DateField()
