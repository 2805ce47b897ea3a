"""Serializers of the casework API: input validation and the shapes returned."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xinfang.casework.models import (
    BacklogCase,
    CaseEvent,
    CaseKind,
    Milestone,
    ProgressUpdate,
    QuietBasis,
    QuietStatus,
    Resolution,
    WeeklySchedule,
)
from xinfang.core import timeutil
from xinfang.orgs.models import Unit, User
from xinfang.petitions.api.serializers import staff_label


class CaseUnitSerializer(serializers.ModelSerializer[Unit]):
    level = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "level"]


class CaseListSerializer(serializers.ModelSerializer[BacklogCase]):
    number = serializers.CharField(source="petition.number")
    title = serializers.CharField(source="petition.title")
    petition_state = serializers.CharField(source="petition.state")
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    rules = serializers.ListField(child=serializers.CharField())
    age_days = serializers.SerializerMethodField()
    unit = CaseUnitSerializer()
    leader = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    quiet_status = serializers.CharField(read_only=True)

    class Meta:
        model = BacklogCase
        fields = [
            "id",
            "number",
            "title",
            "petition_state",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "rules",
            "chain_length",
            "first_received_on",
            "age_days",
            "unit",
            "level",
            "leader",
            "responsible_person",
            "marked_on",
            "outcome",
            "quiet_status",
        ]

    def get_age_days(self, obj: BacklogCase) -> int:
        return obj.age_days(self.context.get("today") or timeutil.today())

    def get_leader(self, obj: BacklogCase) -> str:
        return staff_label(obj.leader) if obj.leader_id else ""


class CaseMilestoneSerializer(serializers.ModelSerializer[Milestone]):
    unit = CaseUnitSerializer()
    done_on = serializers.DateField(source="assignment.done_on", allow_null=True, default=None)
    result = serializers.CharField(source="assignment.result", default="")
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)

    class Meta:
        model = Milestone
        fields = ["id", "what", "due", "unit", "assignment", "done_on", "result"]


class CaseProgressSerializer(serializers.ModelSerializer[ProgressUpdate]):
    author = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        fields = ["id", "at", "author", "text"]

    def get_author(self, obj: ProgressUpdate) -> str:
        return staff_label(obj.author)


class CaseEventSerializer(serializers.ModelSerializer[CaseEvent]):
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display")
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "kind", "kind_label", "actor", "data", "note"]

    def get_actor(self, obj: CaseEvent) -> str:
        return staff_label(obj.actor) if obj.actor_id else ""


class CaseDetailSerializer(CaseListSerializer):
    responsible_unit = CaseUnitSerializer(allow_null=True)
    milestones = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    quiet_basis = serializers.CharField(read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "reason",
            "decision_reason",
            "decided_on",
            "responsible_unit",
            "taken_on",
            "plan",
            "last_progress_on",
            "outcome_text",
            "outcome_on",
            "quiet_basis",
            "closed_on",
            "milestones",
            "progress",
            "events",
        ]

    def get_milestones(self, obj: BacklogCase) -> list[dict[str, Any]]:
        qs = obj.milestones.select_related("unit", "assignment").order_by("due", "id")
        return list(CaseMilestoneSerializer(qs, many=True).data)

    def get_progress(self, obj: BacklogCase) -> list[dict[str, Any]]:
        return list(CaseProgressSerializer(obj.progress.select_related("author")[:100], many=True).data)

    def get_events(self, obj: BacklogCase) -> list[dict[str, Any]]:
        return list(CaseEventSerializer(obj.events.select_related("actor"), many=True).data)


# --- Input ----------------------------------------------------------------------------------------------------


class CaseMarkSerializer(serializers.Serializer[Any]):
    petition = serializers.CharField(help_text=_("Petition number (编号) or id"))
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    reason = serializers.CharField()


class CaseConfirmSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)


class CaseReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class CaseTakeChargeSerializer(serializers.Serializer[Any]):
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True, unit__isnull=False))
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active())
    person = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CasePlanSerializer(serializers.Serializer[Any]):
    plan = serializers.CharField()


class CaseMilestoneInSerializer(serializers.Serializer[Any]):
    what = serializers.CharField()
    due = serializers.DateField()
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active())


class MilestoneResultSerializer(serializers.Serializer[Any]):
    result = serializers.CharField()


class CaseProgressInSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()


class CaseCloseSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=Resolution.choices)
    text = serializers.CharField()
    on = serializers.DateField()
    quiet = serializers.ChoiceField(choices=QuietStatus.choices)
    basis = serializers.ChoiceField(choices=QuietBasis.choices, required=False, allow_blank=True, default="")


# --- Board and schedules --------------------------------------------------------------------------------------


class BacklogGroupSerializer(serializers.Serializer[Any]):
    level = serializers.CharField()
    level_label = serializers.CharField(required=False)
    unit_id = serializers.IntegerField(required=False)
    unit__name = serializers.CharField(required=False)
    total = serializers.IntegerField()
    candidates = serializers.IntegerField()
    active = serializers.IntegerField()
    in_charge = serializers.IntegerField()
    closed = serializers.IntegerField()
    resolved = serializers.IntegerField()
    age_lt6m = serializers.IntegerField()
    age_6to12m = serializers.IntegerField()
    age_1to2y = serializers.IntegerField()
    age_gt2y = serializers.IntegerField()


class BacklogBoardSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    ageing = serializers.DictField(child=serializers.IntegerField(), help_text="Active cases by age of the matter")
    by_level = BacklogGroupSerializer(many=True)
    by_unit = BacklogGroupSerializer(many=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    period_cases = serializers.IntegerField()
    period_resolved = serializers.IntegerField()
    resolution_rate = serializers.FloatField(allow_null=True, help_text="化解率: resolved ÷ cases in the period")


class WeeklyScheduleSerializer(serializers.ModelSerializer[WeeklySchedule]):
    class Meta:
        model = WeeklySchedule
        fields = ["id", "week_start", "generated_at", "sent_at", "data"]
