"""API shapes of text intelligence: hot issues, and suggestions for a petition still being registered."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xinfang.insight.models import HotIssue
from xinfang.orgs.api.serializers import UnitBriefSerializer
from xinfang.petitions.api.serializers import (
    CategorySuggestionSerializer,
    PetitionerInSerializer,
    RepeatCandidateSerializer,
)


class HotIssueSerializer(serializers.ModelSerializer[HotIssue]):
    region = UnitBriefSerializer(source="unit")
    name = serializers.SerializerMethodField()

    class Meta:
        model = HotIssue
        fields = [
            "id",
            "region",
            "snapshot_on",
            "since",
            "until",
            "rank",
            "name",
            "place_code",
            "place_people",
            "description",
            "heat",
            "first_on",
            "last_on",
            "petition_count",
            "petitioner_count",
            "signatures",
            "sudden_rise",
        ]

    def get_name(self, obj: HotIssue) -> str:
        return f"{obj.place_people} {obj.description}".strip()


class DraftSuggestionInSerializer(serializers.Serializer[dict[str, Any]]):
    """What a registrar has typed so far."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    facts_and_reasons = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    petitioners = PetitionerInSerializer(many=True, required=False, default=list)


class DraftSuggestionSerializer(serializers.Serializer[Any]):
    categories = CategorySuggestionSerializer(many=True, help_text=_("Top-3 first-level categories"))
    repeat_candidates = RepeatCandidateSerializer(
        many=True, help_text=_("The petitioner's earlier petitions on the same matter that you may see")
    )
