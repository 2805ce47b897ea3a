"""Input validation and output shapes of the reception API. Rules stay in the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xinfang.orgs.models import Unit, User
from xinfang.petitions.identity import mask_phone
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.reception import services
from xinfang.reception.models import (
    Booking,
    BookingStatus,
    FieldVisit,
    FieldVisitCase,
    Invitation,
    InvitationStatus,
    Matter,
    Outcome,
    ReceptionSchedule,
    ReceptionSession,
    ReceptionSite,
    Recurrence,
    SessionStatus,
    ShiftPolicy,
    SiteKind,
    Visit,
)


class ReceptionLeaderSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    title = serializers.CharField()
    unit = serializers.CharField(source="unit.name", default="")

    def get_name(self, obj: User) -> str:
        return obj.full_name or obj.username


class ReceptionSiteSerializer(serializers.ModelSerializer[ReceptionSite]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ReceptionSite
        fields = ["id", "unit", "unit_name", "name", "address", "kind", "is_active"]
        read_only_fields = ["is_active"]


class ReceptionSiteInputSerializer(serializers.Serializer[Any]):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active())
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=SiteKind.choices, default=SiteKind.RECEPTION_VENUE)


class ReceptionPublicSiteSerializer(serializers.ModelSerializer[ReceptionSite]):
    class Meta:
        model = ReceptionSite
        fields = ["id", "name", "address", "kind"]


class ReceptionScheduleSerializer(serializers.ModelSerializer[ReceptionSchedule]):
    leader = ReceptionLeaderSerializer(read_only=True)
    site = ReceptionPublicSiteSerializer(read_only=True)

    class Meta:
        model = ReceptionSchedule
        fields = [
            "id",
            "leader",
            "site",
            "recurrence",
            "day_of_month",
            "weekday",
            "dates",
            "start_time",
            "end_time",
            "topic",
            "slot_minutes",
            "slot_capacity",
            "shift_policy",
            "published",
            "valid_from",
            "valid_until",
        ]


class ReceptionScheduleInputSerializer(serializers.Serializer[Any]):
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(unit__isnull=False))
    site = serializers.PrimaryKeyRelatedField(queryset=ReceptionSite.objects.all())
    recurrence = serializers.ChoiceField(choices=Recurrence.choices)
    day_of_month = serializers.IntegerField(min_value=1, max_value=31, required=False, allow_null=True)
    weekday = serializers.IntegerField(min_value=0, max_value=6, required=False, allow_null=True)
    dates = serializers.ListField(child=serializers.DateField(), required=False, default=list, max_length=366)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    topic = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    slot_minutes = serializers.IntegerField(min_value=5, max_value=480, default=30)
    slot_capacity = serializers.IntegerField(min_value=1, max_value=100, default=2)
    shift_policy = serializers.ChoiceField(choices=ShiftPolicy.choices, required=False, default="")
    published = serializers.BooleanField(default=False)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)

    def to_data(self) -> services.ScheduleData:
        return services.ScheduleData(**self.validated_data)


class ReceptionPeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()


class ReceptionPublishSerializer(serializers.Serializer[Any]):
    published = serializers.BooleanField()


class ReceptionSessionSerializer(serializers.ModelSerializer[ReceptionSession]):
    leader = ReceptionLeaderSerializer(read_only=True)
    site = ReceptionPublicSiteSerializer(read_only=True)
    unit = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ReceptionSession
        fields = [
            "id",
            "date",
            "nominal_date",
            "moved_reason",
            "start_time",
            "end_time",
            "leader",
            "unit",
            "site",
            "topic",
            "status",
            "status_note",
            "published",
            "slot_minutes",
            "slot_capacity",
        ]


class ReceptionSlotSerializer(serializers.Serializer[Any]):
    start = serializers.TimeField()
    end = serializers.TimeField()
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField()
    free = serializers.IntegerField()


class ReceptionPublicSessionSerializer(serializers.ModelSerializer[ReceptionSession]):
    leader = ReceptionLeaderSerializer(read_only=True)
    site = ReceptionPublicSiteSerializer(read_only=True)
    unit = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ReceptionSession
        fields = ["id", "date", "moved_reason", "start_time", "end_time", "leader", "unit", "site", "topic"]


class ReceptionPublicSessionDetailSerializer(ReceptionPublicSessionSerializer):
    slots = ReceptionSlotSerializer(many=True, read_only=True)

    class Meta(ReceptionPublicSessionSerializer.Meta):
        fields = [*ReceptionPublicSessionSerializer.Meta.fields, "slots"]


class ReceptionSessionStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[(s, s.label) for s in (SessionStatus.HELD, SessionStatus.MISSED, SessionStatus.CANCELLED)]
    )
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class ReceptionBookingInputSerializer(serializers.Serializer[Any]):
    slot_start = serializers.TimeField(help_text=_("Start of the chosen slot, e.g. 09:30"))
    name = serializers.CharField(max_length=50)
    phone = serializers.RegexField(
        r"^1\d{10}$", max_length=11, error_messages={"invalid": _("Give an 11-digit mobile number.")}
    )
    summary = serializers.CharField(max_length=1000)
    petition_number = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    tracking_code = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)

    def to_data(self) -> services.BookingData:
        return services.BookingData(**self.validated_data)


class ReceptionBookingCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text=_("Booking code: shown once, needed to view or cancel the booking"))
    session = ReceptionPublicSessionSerializer()
    slot_start = serializers.TimeField()
    status = serializers.CharField()


class ReceptionBookingSerializer(serializers.ModelSerializer[Booking]):
    """A booking for staff. The phone is whole only for those who receive the citizen (context ``contact``, from
    ``selectors.receives_citizens_of``): the session's leader, and the staff of the site's unit and of the leader's
    unit; a unit overseeing from above sees its tail. The linked petition's number is left out ("") when it is an
    accusation against the viewer's side (context ``hidden_petitions``, Art. 30 ¶3)."""

    petition = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["id", "session", "slot_start", "name", "phone", "summary", "petition", "status", "status_note"]

    def get_petition(self, obj: Booking) -> str:
        if obj.petition_id is None or obj.petition_id in self.context.get("hidden_petitions", ()):
            return ""
        return obj.petition.number if obj.petition else ""

    def get_phone(self, obj: Booking) -> str:
        return obj.phone if self.context.get("contact") else mask_phone(obj.phone)


class ReceptionPublicBookingSerializer(serializers.ModelSerializer[Booking]):
    session = ReceptionPublicSessionSerializer(read_only=True)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["session", "slot_start", "name", "phone", "summary", "status"]

    def get_phone(self, obj: Booking) -> str:
        return mask_phone(obj.phone)


class ReceptionCodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=20)


class ReceptionBookingMarkSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[(s, s.label) for s in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW, BookingStatus.ATTENDED)]
    )
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class ReceptionInvitationSerializer(serializers.ModelSerializer[Invitation]):
    leader = ReceptionLeaderSerializer(read_only=True)
    petition = serializers.CharField(source="petition.number", read_only=True)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "petition", "leader", "on", "at", "place", "phone", "note", "status"]

    def get_phone(self, obj: Invitation) -> str:
        return mask_phone(obj.phone)  # the number stays with the petition; only its tail is shown


class ReceptionInvitationInputSerializer(serializers.Serializer[Any]):
    petition = serializers.CharField(max_length=40, help_text=_("Petition id or number"))
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(unit__isnull=False))
    on = serializers.DateField()
    at = serializers.TimeField()
    place = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class ReceptionInvitationMarkSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[(s, s.label) for s in (InvitationStatus.HELD, InvitationStatus.NO_SHOW, InvitationStatus.CANCELLED)]
    )
    note = serializers.CharField(required=False, default="", allow_blank=True)


class ReceptionAssignmentInputSerializer(serializers.Serializer[Any]):
    matter = serializers.CharField()
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active())
    due = serializers.DateField()


class ReceptionNewPetitionSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    request = serializers.CharField()
    facts_and_reasons = serializers.CharField(required=False, default="", allow_blank=True)
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=24, required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    problem_division_code = serializers.CharField(max_length=9, required=False, default="", allow_blank=True)

    @staticmethod
    def to_intake(data: dict[str, Any], head_count: int) -> IntakeData:
        return IntakeData(
            channel="visit",
            title=data["title"],
            request=data["request"],
            facts_and_reasons=data["facts_and_reasons"],
            head_count=head_count,
            petitioners=[PetitionerData(name=data["name"], phone=data["phone"], address=data["address"])],
            problem_division_code=data["problem_division_code"],
        )


class ReceptionMatterInputSerializer(serializers.Serializer[Any]):
    petition = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    new = ReceptionNewPetitionSerializer(required=False, allow_null=True, default=None)
    solved_on_spot = serializers.BooleanField(default=False)
    solution = serializers.CharField(required=False, default="", allow_blank=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, default=Outcome.PENDING)
    assignments = ReceptionAssignmentInputSerializer(many=True, required=False, default=list)


class ReceptionVisitInputSerializer(serializers.Serializer[Any]):
    head_count = serializers.IntegerField(min_value=1, max_value=10000, default=1)
    summary = serializers.CharField(required=False, default="", allow_blank=True)
    booking = serializers.PrimaryKeyRelatedField(queryset=Booking.objects.all(), required=False, allow_null=True)
    matters = ReceptionMatterInputSerializer(many=True, required=False, default=list)

    def matter_data(self) -> list[services.MatterData]:
        head_count = self.validated_data["head_count"]
        return [
            services.MatterData(
                petition_key=m["petition"],
                new=ReceptionNewPetitionSerializer.to_intake(m["new"], head_count) if m["new"] else None,
                solved_on_spot=m["solved_on_spot"],
                solution=m["solution"],
                outcome=m["outcome"],
                assignments=[services.AssignmentData(a["matter"], a["unit"], a["due"]) for a in m["assignments"]],
            )
            for m in self.validated_data["matters"]
        ]


class ReceptionMatterSerializer(serializers.ModelSerializer[Matter]):
    petition = serializers.CharField(source="petition.number", read_only=True)

    class Meta:
        model = Matter
        fields = ["id", "petition", "registered_here", "solved_on_spot", "solution", "outcome"]


class ReceptionVisitSerializer(serializers.ModelSerializer[Visit]):
    matters = ReceptionMatterSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "session", "head_count", "booking", "summary", "matters", "recorded_at"]


class ReceptionVisitRecordedSerializer(ReceptionVisitSerializer):
    new_petitions = serializers.DictField(
        child=serializers.CharField(), help_text=_("Number → query code of petitions registered on the spot")
    )

    class Meta(ReceptionVisitSerializer.Meta):
        fields = [*ReceptionVisitSerializer.Meta.fields, "new_petitions"]


class ReceptionFieldVisitCaseSerializer(serializers.ModelSerializer[FieldVisitCase]):
    petition = serializers.CharField(source="petition.number", read_only=True)

    class Meta:
        model = FieldVisitCase
        fields = ["id", "petition", "result", "outcome"]


class ReceptionFieldVisitSerializer(serializers.ModelSerializer[FieldVisit]):
    leader = ReceptionLeaderSerializer(read_only=True)
    cases = ReceptionFieldVisitCaseSerializer(many=True, read_only=True)

    class Meta:
        model = FieldVisit
        fields = ["id", "leader", "on", "place", "purpose", "status", "minutes", "cases"]


class ReceptionFieldVisitInputSerializer(serializers.Serializer[Any]):
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(unit__isnull=False))
    on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    purpose = serializers.CharField()
    petitions = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)


class ReceptionCaseInputSerializer(serializers.Serializer[Any]):
    petition = serializers.CharField(max_length=40)


class ReceptionCaseResultSerializer(serializers.Serializer[Any]):
    result = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices, default=Outcome.PENDING)


class ReceptionDecisionInputSerializer(ReceptionAssignmentInputSerializer):
    petition = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


class ReceptionMinutesInputSerializer(serializers.Serializer[Any]):
    minutes = serializers.CharField()
    decisions = ReceptionDecisionInputSerializer(many=True, required=False, default=list)


class ReceptionReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class ReceptionAssignmentOutSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    matter = serializers.CharField()
    unit = serializers.CharField(source="unit.name")
    due = serializers.DateField()


class ReceptionPeriodComplianceSerializer(serializers.Serializer[Any]):
    period = serializers.CharField(source="label")
    start = serializers.DateField()
    end = serializers.DateField()
    days_required = serializers.IntegerField(source="required")
    days_held = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["compliant", "non_compliant", "pending", "not_tracked"])


class ReceptionLeaderComplianceSerializer(serializers.Serializer[Any]):
    leader = ReceptionLeaderSerializer()
    level = serializers.CharField()
    period = serializers.CharField()
    days_required = serializers.IntegerField(source="required")
    compliant = serializers.BooleanField()
    missed_periods = serializers.IntegerField()
    periods = ReceptionPeriodComplianceSerializer(many=True)


class ReceptionStatisticsSerializer(serializers.Serializer[Any]):
    leader_days = serializers.IntegerField(help_text="接访下访人次")
    batches = serializers.IntegerField(help_text="接待群众批次")
    persons = serializers.IntegerField(help_text="接待群众人次")
    solved = serializers.IntegerField(help_text="协调解决问题件数")
    sessions_held = serializers.IntegerField()
    sessions_missed = serializers.IntegerField()
    field_visits = serializers.IntegerField()


class ReceptionAppointmentSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["booking", "invitation"])
    on = serializers.DateField()
    at = serializers.TimeField()
    place = serializers.CharField()
    who = serializers.CharField()
    matter = serializers.CharField()
    petition_number = serializers.CharField()


class ReceptionDeskSerializer(serializers.Serializer[Any]):
    reception_days = ReceptionSessionSerializer(many=True)
    appointments = ReceptionAppointmentSerializer(many=True)
