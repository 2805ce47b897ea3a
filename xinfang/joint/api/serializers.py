"""API shapes of joint work. Input serializers parse types; the rules live in ``xinfang.joint.services``.

A petition referred to from a joint record is shown (``petition``: id, 编号, title) only to users who may see it;
the view puts the visible ids of the page into the context as ``visible_petitions``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinfang.joint import selectors
from xinfang.joint.models import (
    AgendaItem,
    AgendaKind,
    Centre,
    Decision,
    FollowUpVisit,
    GrassrootsPoint,
    HouseholdVisit,
    Intake,
    JointConference,
    JointSession,
    LitigationRoute,
    MediationReferral,
    Meeting,
    TriageKind,
    VisitOutcome,
    Window,
)
from xinfang.orgs.api.serializers import UnitBriefSerializer
from xinfang.orgs.models import Unit
from xinfang.petitions.api.serializers import FiveQuestionsSerializer, PetitionerInSerializer
from xinfang.petitions.models import Channel, Nature, PetitionerKind, Satisfaction
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.supervision.models import Assignment

# ---------------------------------------------------------------- shared


def _units() -> serializers.PrimaryKeyRelatedField[Unit]:
    return serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active(), many=True)


def _unit(**kwargs: Any) -> serializers.PrimaryKeyRelatedField[Unit]:
    return serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active(), **kwargs)


class PetitionRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class PetitionRefMixin(serializers.Serializer[Any]):
    """``petition`` for those who may see it, otherwise null; ``has_petition`` says whether one is linked."""

    petition = serializers.SerializerMethodField()
    has_petition = serializers.SerializerMethodField()

    @extend_schema_field(PetitionRefSerializer(allow_null=True))
    def get_petition(self, obj: Any) -> dict[str, Any] | None:
        pid = getattr(obj, "petition_id", None)
        if pid is None or pid not in self.context.get("visible_petitions", set()):
            return None
        p = obj.petition
        return {"id": p.pk, "number": p.number, "title": p.title}

    def get_has_petition(self, obj: Any) -> bool:
        return getattr(obj, "petition_id", None) is not None


class AssignmentOutSerializer(serializers.ModelSerializer[Assignment]):
    unit = UnitBriefSerializer()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "unit", "matter", "assigned_on", "due", "done_on", "result", "status"]
        read_only_fields = fields

    def get_status(self, obj: Assignment) -> str:
        """Set by ``selectors.assignments_of`` for lists; computed by the same rule for a single row."""
        status: str | None = getattr(obj, "status", None)
        return status if status is not None else selectors.assignment_status(obj, self.context["today"])


class AssignmentInSerializer(serializers.Serializer[Any]):
    unit = _unit()
    due = serializers.DateField()
    matter = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ResultSerializer(serializers.Serializer[Any]):
    result = serializers.CharField(max_length=5000)


class PetitionInSerializer(serializers.Serializer[Any]):
    """What the petition says (Art. 19) for a matter registered at a window or on a household visit."""

    title = serializers.CharField(max_length=200)
    request = serializers.CharField(max_length=5000)
    facts_and_reasons = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    nature = serializers.ChoiceField(choices=Nature.choices, required=False, default=Nature.APPEAL)
    petitioner_kind = serializers.ChoiceField(
        choices=PetitionerKind.choices, required=False, default=PetitionerKind.PERSON
    )
    is_anonymous = serializers.BooleanField(required=False, default=False)
    head_count = serializers.IntegerField(required=False, default=1, min_value=1)
    petitioners = PetitionerInSerializer(many=True, required=False, default=list)
    problem_division_code = serializers.CharField(max_length=9, required=False, allow_blank=True, default="")
    problem_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    five_questions = FiveQuestionsSerializer(required=False, default=dict)


def to_intake(v: dict[str, Any], channel: str) -> IntakeData:
    return IntakeData(
        channel=channel,
        title=v["title"],
        request=v["request"],
        facts_and_reasons=v["facts_and_reasons"],
        nature=v["nature"],
        petitioner_kind=v["petitioner_kind"],
        is_anonymous=v["is_anonymous"],
        head_count=v["head_count"],
        petitioners=[PetitionerData(**p) for p in v["petitioners"]],
        problem_division_code=v["problem_division_code"],
        problem_address=v["problem_address"],
        five_questions=dict(v["five_questions"]),
    )


# ---------------------------------------------------------------- 联席会议


class ConferenceSerializer(serializers.ModelSerializer[JointConference]):
    unit = UnitBriefSerializer()
    members = UnitBriefSerializer(many=True)

    class Meta:
        model = JointConference
        fields = ["id", "unit", "name", "members", "created_at"]
        read_only_fields = fields


class ConferenceCreateSerializer(serializers.Serializer[Any]):
    unit = _unit()
    name = serializers.CharField(max_length=100)
    members = _units()


class MembersSerializer(serializers.Serializer[Any]):
    members = _units()


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    conference = serializers.SerializerMethodField()
    attendees = UnitBriefSerializer(many=True)

    class Meta:
        model = Meeting
        fields = ["id", "conference", "held_on", "convened_by", "attendees", "minutes", "created_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_conference(self, obj: Meeting) -> dict[str, Any]:
        return {"id": obj.conference_id, "name": obj.conference.name}


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    follow_up = serializers.SerializerMethodField(help_text=_("done, overdue, open, or none (no assignments)"))
    n_assigned = serializers.IntegerField(read_only=True)
    n_done = serializers.IntegerField(read_only=True)
    n_overdue = serializers.IntegerField(read_only=True)
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "item", "text", "created_at", "follow_up", "n_assigned", "n_done", "n_overdue", "assignments"]
        read_only_fields = fields

    def get_follow_up(self, obj: Any) -> str:
        return selectors.follow_up_status(obj.n_assigned, obj.n_done, obj.n_overdue)

    @extend_schema_field(AssignmentOutSerializer(many=True))
    def get_assignments(self, obj: Decision) -> list[dict[str, Any]]:
        rows = self.context.get("assignments", {}).get(obj.pk, [])
        return list(AssignmentOutSerializer(rows, many=True, context=self.context).data)


class AgendaItemSerializer(PetitionRefMixin, serializers.ModelSerializer[AgendaItem]):
    jurisdiction_unit = UnitBriefSerializer(allow_null=True)
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "reference",
            "petition",
            "has_petition",
            "jurisdiction_unit",
            "jurisdiction_route",
            "jurisdiction_note",
            "decisions",
        ]
        read_only_fields = fields

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, obj: AgendaItem) -> list[dict[str, Any]]:
        rows = self.context.get("decisions", {}).get(obj.pk, [])
        return list(DecisionSerializer(rows, many=True, context=self.context).data)


class MeetingDetailSerializer(MeetingSerializer):
    items = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_items(self, obj: Meeting) -> list[dict[str, Any]]:
        return list(AgendaItemSerializer(self.context["items"], many=True, context=self.context).data)


class MeetingCreateSerializer(serializers.Serializer[Any]):
    conference = serializers.IntegerField()
    held_on = serializers.DateField()
    convened_by = serializers.CharField(max_length=100)
    attendees = _units()
    minutes = serializers.CharField(required=False, allow_blank=True, default="")


class MinutesSerializer(serializers.Serializer[Any]):
    minutes = serializers.CharField()


class AgendaItemCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=AgendaKind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    petition = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=_("Petition id or 编号")
    )


class DecisionCreateSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    assignments = AssignmentInSerializer(many=True)


class JurisdictionSerializer(serializers.Serializer[Any]):
    to_unit = _unit()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    due = serializers.DateField(required=False, allow_null=True, default=None)


class EmptySerializer(serializers.Serializer[Any]):
    pass


# ---------------------------------------------------------------- centres


class WindowSerializer(serializers.ModelSerializer[Window]):
    department = UnitBriefSerializer(allow_null=True)

    class Meta:
        model = Window
        fields = ["id", "name", "department", "is_universal"]
        read_only_fields = fields


class CentreSerializer(serializers.ModelSerializer[Centre]):
    unit = UnitBriefSerializer()
    departments = UnitBriefSerializer(many=True)
    windows = WindowSerializer(many=True)

    class Meta:
        model = Centre
        fields = ["id", "unit", "name", "address", "departments", "windows", "created_at"]
        read_only_fields = fields


class CentreCreateSerializer(serializers.Serializer[Any]):
    unit = _unit()
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    departments = _units()


class DepartmentsSerializer(serializers.Serializer[Any]):
    departments = _units()


class WindowCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    department = _unit(required=False, allow_null=True, default=None)
    is_universal = serializers.BooleanField(required=False, default=False)


class IntakeSerializer(PetitionRefMixin, serializers.ModelSerializer[Intake]):
    window = WindowSerializer()
    routed_to = UnitBriefSerializer(allow_null=True)
    referral = serializers.SerializerMethodField()

    class Meta:
        model = Intake
        fields = [
            "id",
            "centre",
            "window",
            "kind",
            "summary",
            "reason",
            "petition",
            "has_petition",
            "routed_to",
            "litigation_route",
            "guidance",
            "referral",
            "taken_on",
        ]
        read_only_fields = fields

    def get_referral(self, obj: Intake) -> int | None:
        referral = getattr(obj, "referral", None)
        return referral.pk if referral is not None else None


class TriageSerializer(serializers.Serializer[Any]):
    """无差别受理: ``petition`` for 访; ``litigation_route`` (+ mediation or court fields) for 诉."""

    window = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TriageKind.choices)
    summary = serializers.CharField(max_length=200)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    petition = PetitionInSerializer(required=False, allow_null=True, default=None)
    route_to = _unit(required=False, allow_null=True, default=None)
    litigation_route = serializers.ChoiceField(
        choices=LitigationRoute.choices, required=False, allow_blank=True, default=""
    )
    guidance = serializers.CharField(required=False, allow_blank=True, default="")
    parties_summary = serializers.CharField(required=False, allow_blank=True, default="")
    mediator_org = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class MediationSerializer(serializers.ModelSerializer[MediationReferral]):
    class Meta:
        model = MediationReferral
        fields = [
            "id",
            "centre",
            "intake",
            "matter",
            "parties_summary",
            "mediator_org",
            "status",
            "referred_on",
            "agreement_text",
            "concluded_on",
        ]
        read_only_fields = fields


class MediationCreateSerializer(serializers.Serializer[Any]):
    centre = serializers.IntegerField()
    matter = serializers.CharField()
    parties_summary = serializers.CharField()
    mediator_org = serializers.CharField(max_length=100)


class MediationOutcomeSerializer(serializers.Serializer[Any]):
    reached = serializers.BooleanField()
    agreement_text = serializers.CharField(required=False, allow_blank=True, default="")
    concluded_on = serializers.DateField()


class SessionSerializer(PetitionRefMixin, serializers.ModelSerializer[JointSession]):
    departments = UnitBriefSerializer(many=True)
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = JointSession
        fields = [
            "id",
            "centre",
            "held_on",
            "led_by",
            "matter",
            "petition",
            "has_petition",
            "departments",
            "outcome",
            "assignments",
        ]
        read_only_fields = fields

    @extend_schema_field(AssignmentOutSerializer(many=True))
    def get_assignments(self, obj: JointSession) -> list[dict[str, Any]]:
        rows = self.context.get("assignments", {}).get(obj.pk, [])
        return list(AssignmentOutSerializer(rows, many=True, context=self.context).data)


class SessionCreateSerializer(serializers.Serializer[Any]):
    centre = serializers.IntegerField()
    held_on = serializers.DateField()
    led_by = serializers.CharField(max_length=100)
    matter = serializers.CharField()
    departments = _units()
    outcome = serializers.CharField()
    petition = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    assignments = AssignmentInSerializer(many=True, required=False, default=list)


# ---------------------------------------------------------------- grassroots


class PointSerializer(serializers.ModelSerializer[GrassrootsPoint]):
    unit = UnitBriefSerializer()

    class Meta:
        model = GrassrootsPoint
        fields = ["id", "unit", "name", "grid", "created_at"]
        read_only_fields = fields


class PointCreateSerializer(serializers.Serializer[Any]):
    unit = _unit()
    name = serializers.CharField(max_length=100)
    grid = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class VisitSerializer(PetitionRefMixin, serializers.ModelSerializer[HouseholdVisit]):
    class Meta:
        model = HouseholdVisit
        fields = ["id", "point", "visited_on", "place", "findings", "outcome", "resolution", "petition", "has_petition"]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer[Any]):
    point = serializers.IntegerField()
    visited_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    outcome = serializers.ChoiceField(choices=VisitOutcome.choices)
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    resolution = serializers.CharField(required=False, allow_blank=True, default="")
    petition = PetitionInSerializer(required=False, allow_null=True, default=None)


class FollowUpSerializer(PetitionRefMixin, serializers.ModelSerializer[FollowUpVisit]):
    unit = UnitBriefSerializer()

    class Meta:
        model = FollowUpVisit
        fields = ["id", "petition", "has_petition", "point", "unit", "visited_on", "view", "view_text"]
        read_only_fields = fields


class FollowUpCreateSerializer(serializers.Serializer[Any]):
    petition = serializers.CharField(max_length=40, help_text=_("Petition id or 编号"))
    visited_on = serializers.DateField()
    view = serializers.ChoiceField(choices=Satisfaction.choices)
    view_text = serializers.CharField(required=False, allow_blank=True, default="")
    point = serializers.IntegerField(required=False, allow_null=True, default=None)


VISIT_CHANNEL = Channel.VISIT
