"""API shapes. Input serializers parse and validate types only; the rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinfang.core import timeutil
from xinfang.deadlines.calendar import Step, explain
from xinfang.orgs.api.serializers import UnitBriefSerializer
from xinfang.orgs.models import Unit, User
from xinfang.petitions import identity
from xinfang.petitions.models import (
    Attachment,
    Category,
    Channel,
    Clock,
    DeclineGround,
    DivertRoute,
    Document,
    Nature,
    Outcome,
    Petition,
    Petitioner,
    PetitionerKind,
    PetitionEvent,
    RatingTarget,
    ReviewOutcome,
    Satisfaction,
)
from xinfang.petitions.services.intake import FIVE_QUESTIONS, IntakeData, PetitionerData

# ---------------------------------------------------------------- input


class PetitionerInSerializer(serializers.Serializer[PetitionerData]):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    is_representative = serializers.BooleanField(required=False, default=False)


class FiveQuestionsSerializer(serializers.Serializer[dict[str, str]]):
    """五必问: 事实真相, 诉求与理由, 实际困难, 信访经历, 此前办理情况."""

    facts = serializers.CharField(required=False, allow_blank=True, label=_("Facts"))
    request_and_reasons = serializers.CharField(required=False, allow_blank=True, label=_("Request and reasons"))
    difficulties = serializers.CharField(required=False, allow_blank=True, label=_("Practical difficulties"))
    history = serializers.CharField(required=False, allow_blank=True, label=_("Petition history"))
    prior_handling = serializers.CharField(required=False, allow_blank=True, label=_("Earlier handling"))


class SubmissionSerializer(serializers.Serializer[IntakeData]):
    """Online submission (public) and staff registration share this shape."""

    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.active(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Receiving petition department; by default the one for the problem location."),
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default=Channel.ONLINE)
    title = serializers.CharField(max_length=200)
    request = serializers.CharField(max_length=5000)
    facts_and_reasons = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    nature = serializers.ChoiceField(choices=Nature.choices, required=False, default=Nature.APPEAL)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None
    )
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    petitioner_kind = serializers.ChoiceField(
        choices=PetitionerKind.choices, required=False, default=PetitionerKind.PERSON
    )
    is_anonymous = serializers.BooleanField(required=False, default=False)
    head_count = serializers.IntegerField(min_value=1, max_value=100000, required=False, default=1)
    petitioners = PetitionerInSerializer(many=True, required=False, default=list)
    problem_division_code = serializers.RegexField(
        r"^(\d{6}|\d{9})$",
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": _("A division code has 6 digits, or 9 for a township (GB/T 2260).")},
    )
    problem_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    accused_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    accused_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, default=None
    )
    accused_confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Staff registration only: the accusation accuses no unit (a person only). Choosing accused_unit "
            "confirms that unit. Online submissions are confirmed by staff later (Art. 30 ¶3)."
        ),
    )
    is_urgent = serializers.BooleanField(required=False, default=False)
    is_law_related = serializers.BooleanField(required=False, default=False)
    is_collective = serializers.BooleanField(required=False, default=False)
    is_joint = serializers.BooleanField(required=False, default=False)
    previous = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Earlier 编号"))
    five_questions = FiveQuestionsSerializer(required=False, default=dict)
    notify_channel = serializers.ChoiceField(
        choices=[("sms", _("SMS")), ("email", _("E-mail")), ("inapp", _("In-app"))],
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "How the petitioner is told of each step. By default: SMS if a phone was given, else e-mail, else "
            "in-app for a signed-in citizen account."
        ),
    )
    notify_opt_out = serializers.BooleanField(
        required=False, default=False, help_text=_("The petitioner wants no messages about this petition.")
    )

    def to_intake(self, previous: Petition | None) -> IntakeData:
        v: dict[str, Any] = dict(self.validated_data)
        return IntakeData(
            channel=v["channel"],
            title=v["title"],
            request=v["request"],
            facts_and_reasons=v["facts_and_reasons"],
            nature=v["nature"],
            category=v["category"],
            received_on=v["received_on"],
            petitioner_kind=v["petitioner_kind"],
            is_anonymous=v["is_anonymous"],
            head_count=v["head_count"],
            petitioners=[PetitionerData(**p) for p in v["petitioners"]],
            problem_division_code=v["problem_division_code"],
            problem_address=v["problem_address"],
            accused_name=v["accused_name"],
            accused_unit=v["accused_unit"],
            accused_confirmed=v["accused_confirmed"],
            is_urgent=v["is_urgent"],
            is_law_related=v["is_law_related"],
            is_collective=v["is_collective"],
            is_joint=v["is_joint"],
            previous=previous,
            five_questions={k: v["five_questions"].get(k, "") for k in FIVE_QUESTIONS if k in v["five_questions"]},
            notify_channel=v["notify_channel"],
            notify_opt_out=v["notify_opt_out"],
        )


class SubmissionResultSerializer(serializers.Serializer[Petition]):
    number = serializers.CharField()
    tracking_code = serializers.CharField()
    state = serializers.CharField()
    unit = serializers.CharField()
    clocks = serializers.ListField(child=serializers.DictField())


class NoteSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RouteSerializer(NoteSerializer):
    to_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    co_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False, default=list)


class AssignSerializer(RouteSerializer):
    feedback_days = serializers.IntegerField(min_value=1, max_value=90)


class ReferSerializer(NoteSerializer):
    to_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())


class DivertSerializer(serializers.Serializer[dict[str, Any]]):
    route = serializers.ChoiceField(choices=DivertRoute.choices)
    guidance = serializers.CharField(max_length=5000)


class DeclineSerializer(serializers.Serializer[dict[str, Any]]):
    ground = serializers.ChoiceField(choices=DeclineGround.choices)
    reason = serializers.CharField(max_length=5000)


class SummarySerializer(serializers.Serializer[dict[str, Any]]):
    summary = serializers.CharField(max_length=5000)


class AcceptSerializer(serializers.Serializer[dict[str, Any]]):
    notice = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=5000)


class OptionalReasonSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DisputeSerializer(ReasonSerializer):
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)


class ExtensionSerializer(ReasonSerializer):
    days = serializers.IntegerField(min_value=1, max_value=30)


class DecisionSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    opinion = serializers.CharField(max_length=20000)
    legal_basis = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ApproveDecisionSerializer(serializers.Serializer[dict[str, Any]]):
    served_on = serializers.DateField(required=False, allow_null=True, default=None)


class AgreementSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=[("mediation", _("Mediation")), ("settlement", _("Settlement"))])
    text = serializers.CharField(max_length=20000)


class ReportSerializer(serializers.Serializer[dict[str, Any]]):
    report = serializers.CharField(max_length=20000)


class ReviewDecisionSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    opinion = serializers.CharField(max_length=20000)


@extend_schema_field(OpenApiTypes.STR)
class EarlierPetitionField(serializers.Field):  # type: ignore[type-arg]
    """An earlier petition given by its 编号.

    An unknown number becomes an unsaved petition, which the service refuses exactly as it refuses one the actor
    may not see: the same message either way, so the field is no oracle for which numbers exist.
    """

    default_error_messages = {"blank": _("Give the earlier petition's number.")}

    def to_internal_value(self, data: Any) -> Petition:
        number = str(data).strip().upper()[:40]
        if not number:
            self.fail("blank")
        return Petition.objects.filter(number=number).first() or Petition(number=number)

    def to_representation(self, value: Petition) -> str:
        return value.number


class AssignHandlerSerializer(NoteSerializer):
    """指定承办人: a staff member of the holding unit (the service checks the unit), or null to clear."""

    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(unit__isnull=False), allow_null=True)


class ConfirmAccusedSerializer(NoteSerializer):
    """确认被反映单位 (Art. 30 ¶3): the accused unit, or ``no_unit`` when a person only (or no unit) is accused."""

    accused_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, default=None
    )
    no_unit = serializers.BooleanField(
        required=False, default=False, help_text=_("The accusation is about a person only, or about no unit.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("accused_unit") is None) == (not attrs.get("no_unit")):
            raise serializers.ValidationError(
                {
                    "accused_unit": _(
                        "Choose the unit the accusation is about, or confirm that it accuses no unit (a person "
                        "only) — one of the two."
                    )
                }
            )
        return attrs


class LinkRepeatSerializer(NoteSerializer):
    previous = EarlierPetitionField(help_text=_("Earlier 编号"))


@extend_schema_field(OpenApiTypes.STR)
class PrimaryPetitionField(EarlierPetitionField):
    """The primary petition of a merge (并案), given by its 编号; unknown and unseen numbers are refused alike."""

    default_error_messages = {"blank": _("Give the number of the petition to merge into.")}


class MergeSerializer(NoteSerializer):
    """并案: the 编号 of the primary petition this one is closed into (same holding unit, not yet decided)."""

    primary = PrimaryPetitionField(help_text=_("编号 of the primary petition"))


class EmptySerializer(serializers.Serializer[dict[str, Any]]):
    pass


class TrackCodeSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(max_length=20)


class RateSerializer(TrackCodeSerializer):
    target = serializers.ChoiceField(choices=RatingTarget.choices)
    value = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class UrgeSerializer(TrackCodeSerializer):
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PetitionerRequestSerializer(TrackCodeSerializer):
    reason = serializers.CharField(max_length=5000)


class UrgeStaffSerializer(serializers.Serializer[dict[str, Any]]):
    """催办 recorded by a registrar for a petitioner who urged by phone or letter."""

    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class StaffRateSerializer(serializers.Serializer[dict[str, Any]]):
    target = serializers.ChoiceField(choices=RatingTarget.choices)
    value = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AttachmentUploadSerializer(serializers.Serializer[dict[str, Any]]):
    files = serializers.ListField(child=serializers.FileField())


class TrackAttachmentUploadSerializer(AttachmentUploadSerializer):
    code = serializers.CharField(max_length=20)


# ---------------------------------------------------------------- output


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


def render_explanation(raw: list[dict[str, Any]]) -> list[str]:
    return explain(Step(code=s["code"], params=dict(s.get("params", {}))) for s in raw)


class ClockSerializer(serializers.ModelSerializer[Clock]):
    kind_label = serializers.CharField(source="get_kind_display")
    owing_unit = serializers.CharField(source="owing_unit.name", default=None)
    explanation = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()

    class Meta:
        model = Clock
        fields = [
            "id",
            "kind",
            "kind_label",
            "owing_unit",
            "is_obligation",
            "article",
            "start",
            "days",
            "day_kind",
            "extended_days",
            "paused_days",
            "due",
            "target_due",
            "target_label",
            "stopped_on",
            "status",
            "days_left",
            "explanation",
        ]

    def get_explanation(self, obj: Clock) -> list[str]:
        return render_explanation(obj.explanation)

    def _today(self) -> dt.date:
        today: dt.date = self.context.get("today") or timeutil.today()
        return today

    def get_status(self, obj: Clock) -> str:
        """running / due_soon (临期) / overdue (超期) / paused / stopped / closed (a window that has passed)."""
        from django.conf import settings

        if obj.stopped_on is not None:
            return "stopped"
        if obj.paused_since is not None:
            return "paused"  # hearing time is not counted (Art. 36 ¶2)
        today = self._today()
        if obj.due < today:
            return "overdue" if obj.is_obligation else "closed"
        if obj.is_obligation and (obj.due - today).days <= settings.XINFANG_DUE_SOON_DAYS:
            return "due_soon"
        return "running"

    def get_days_left(self, obj: Clock) -> int | None:
        return None if obj.stopped_on else (obj.due - self._today()).days


def staff_label(user: User | None) -> str:
    """三亮: name, 工号 and 职务 of the staff member who acted."""
    if user is None:
        return ""
    parts = [user.full_name or user.username]
    if user.staff_no:
        parts.append(f"工号 {user.staff_no}")
    if user.title:
        parts.append(user.title)
    return " · ".join(parts)


def actor_label_text(label: str) -> str:
    """Events without a staff actor store 信访人 / 系统; show them in the reader's language."""
    from xinfang.petitions.services.common import PETITIONER_LABEL, SYSTEM_LABEL

    return {PETITIONER_LABEL: str(_("Petitioner")), SYSTEM_LABEL: str(_("System"))}.get(label, label)


class EventSerializer(serializers.ModelSerializer[PetitionEvent]):
    action_label = serializers.CharField(source="get_action_display")
    from_state_label = serializers.CharField(source="get_from_state_display")
    to_state_label = serializers.CharField(source="get_to_state_display")
    actor = serializers.SerializerMethodField()
    unit = serializers.CharField(source="actor_unit.name", default=None)

    class Meta:
        model = PetitionEvent
        fields = [
            "id",
            "at",
            "action",
            "action_label",
            "actor",
            "unit",
            "from_state",
            "from_state_label",
            "to_state",
            "to_state_label",
            "data",
            "note",
            "is_public",
        ]

    def get_actor(self, obj: PetitionEvent) -> str:
        return staff_label(obj.actor) or actor_label_text(obj.actor_label)


class PublicEventSerializer(EventSerializer):
    """The petitioner's timeline: no internal notes, no staff identities beyond the unit."""

    class Meta(EventSerializer.Meta):
        fields = ["at", "action", "action_label", "unit", "from_state_label", "to_state_label", "public_data"]

    public_data = serializers.SerializerMethodField()

    def get_public_data(self, obj: PetitionEvent) -> dict[str, Any]:
        keep = {
            "to_unit",
            "co_units",
            "due",
            "days",
            "reason",
            "old_due",
            "new_due",
            "outcome",
            "served_on",
            "route",
            "ground",
            "text",
            "unit",
            "value",
            "target",
            "channel",
            "received_on",
            # 督办 / 包案 / 接访 / 联席会议 / 回访: the petitioner sees who took the matter up and the reply date.
            "reply_due",
            "leader",
            "on",
            "meeting",
            "view",
            # 并案: the 编号 of the primary petition the item was merged into (or taken out of).
            "primary",
        }
        return {k: v for k, v in obj.data.items() if k in keep}


class DocumentSerializer(serializers.ModelSerializer[Document]):
    kind_label = serializers.CharField(source="get_kind_display")
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "unit",
            "outcome",
            "body",
            "legal_basis",
            "data",
            "issued_on",
            "served_on",
            "is_public",
        ]


class PetitionerOutSerializer(serializers.ModelSerializer[Petitioner]):
    class Meta:
        model = Petitioner
        fields = ["name", "id_number", "phone", "address", "email", "is_representative"]

    def to_representation(self, instance: Petitioner) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("show_identity"):
            data["name"] = identity.mask_name(instance.name)
            data["id_number"] = identity.mask_id_number(instance.id_number) if instance.id_number else ""
            data["phone"] = identity.mask_phone(instance.phone) if instance.phone else ""
            data["address"] = ""
            data["email"] = ""
        return data


class PetitionListSerializer(serializers.ModelSerializer[Petition]):
    state_label = serializers.CharField(source="get_state_display")
    current_unit = UnitBriefSerializer()
    channel_label = serializers.CharField(source="get_channel_display")

    class Meta:
        model = Petition
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_label",
            "channel",
            "channel_label",
            "nature",
            "current_unit",
            "received_on",
            "is_urgent",
            "is_repeat",
            "is_collective",
        ]


class AccusedMatchSerializer(serializers.Serializer[Any]):
    unit = UnitBriefSerializer()
    strength = serializers.ChoiceField(
        choices=[
            ("qualified", _("Full or area-qualified name")),
            ("level", _("Level and short name (区住建局)")),
            ("bare", _("Short name only (住建局), in the problem's area")),
        ]
    )
    in_area = serializers.BooleanField(help_text=_("The unit serves the problem's own area."))


class AccusedSerializer(serializers.Serializer[Any]):
    """检举控告: the accused as the petitioner wrote it, what staff confirmed, and the units the text may name."""

    name = serializers.CharField(help_text=_("The accused as written (被反映对象)."))
    unit = UnitBriefSerializer(allow_null=True)
    confirmed = serializers.BooleanField(
        help_text=_("Staff confirmed the accused unit, or that no unit is accused; routing waits for it.")
    )
    confirmed_at = serializers.DateTimeField(allow_null=True)
    matches = AccusedMatchSerializer(many=True, help_text=_("Units the text may name, best first (Art. 30 ¶3)."))


class AssigneeSerializer(serializers.Serializer[Any]):
    """承办人 as colleagues see them: the account's id and display name (no contact details)."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="__str__")


class PetitionDetailSerializer(serializers.ModelSerializer[Petition]):
    state_label = serializers.CharField(source="get_state_display")
    channel_label = serializers.CharField(source="get_channel_display")
    nature_label = serializers.CharField(source="get_nature_display")
    registering_unit = UnitBriefSerializer()
    current_unit = UnitBriefSerializer()
    handling_unit = UnitBriefSerializer(allow_null=True)
    category = serializers.CharField(source="category.full_name", default=None)
    previous = serializers.CharField(source="previous.number", default=None)
    assignee = serializers.SerializerMethodField(help_text=_("承办人: the staff member of the holding unit in charge"))
    merged_into = serializers.CharField(
        source="merged_into.number", default=None, help_text=_("并案: 编号 of the primary petition")
    )
    merged_items = serializers.SerializerMethodField(help_text=_("并案: 编号 of the petitions merged into this one"))
    petitioners = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    co_handlers = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    accused = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = [
            "id",
            "number",
            "state",
            "state_label",
            "channel",
            "channel_label",
            "nature",
            "nature_label",
            "category",
            "title",
            "request",
            "facts_and_reasons",
            "five_questions",
            "petitioner_kind",
            "is_anonymous",
            "head_count",
            "petitioners",
            "problem_division_code",
            "problem_address",
            "accused_name",
            "accused",
            "is_urgent",
            "is_law_related",
            "is_collective",
            "is_joint",
            "is_repeat",
            "previous",
            "merged_into",
            "merged_items",
            "is_simple",
            "registering_unit",
            "current_unit",
            "handling_unit",
            "co_handlers",
            "assignee",
            "routing_mode",
            "received_on",
            "accepted_on",
            "reply_served_on",
            "closed_on",
            "outcome",
            "clocks",
            "events",
            "documents",
            "attachments",
            "allowed_actions",
        ]

    @extend_schema_field(AssigneeSerializer(allow_null=True))
    def get_assignee(self, obj: Petition) -> dict[str, Any] | None:
        return None if obj.assignee is None else dict(AssigneeSerializer(obj.assignee).data)

    def get_merged_items(self, obj: Petition) -> list[str]:
        return list(obj.merged_items.order_by("pk").values_list("number", flat=True))

    def get_petitioners(self, obj: Petition) -> list[dict[str, Any]]:
        return list(PetitionerOutSerializer(obj.petitioners.all(), many=True, context=self.context).data)

    def get_clocks(self, obj: Petition) -> list[dict[str, Any]]:
        return list(ClockSerializer(obj.clocks.select_related("owing_unit"), many=True, context=self.context).data)

    def get_events(self, obj: Petition) -> list[dict[str, Any]]:
        qs = obj.events.select_related("actor", "actor_unit")
        return list(EventSerializer(qs, many=True, context=self.context).data)

    def get_documents(self, obj: Petition) -> list[dict[str, Any]]:
        return list(DocumentSerializer(obj.documents.select_related("unit"), many=True).data)

    def get_co_handlers(self, obj: Petition) -> list[str]:
        return [c.unit.name for c in obj.co_handlers.select_related("unit")]

    @extend_schema_field(AccusedSerializer(allow_null=True))
    def get_accused(self, obj: Petition) -> dict[str, Any] | None:
        """Only for accusations; matches are looked up while the accused unit is unconfirmed."""
        from xinfang.petitions.services.accused import accused_status

        status = accused_status(obj)
        if status is None:
            return None
        data = {
            "name": obj.accused_name,
            "unit": obj.accused_unit,
            "confirmed": status.confirmed,
            "confirmed_at": obj.accused_confirmed_at,
            "matches": [
                {"unit": m.unit, "strength": m.strength.name.lower(), "in_area": m.in_area} for m in status.matches
            ],
        }
        return dict(AccusedSerializer(data).data)

    def get_allowed_actions(self, obj: Petition) -> list[str]:
        from xinfang.petitions.selectors import allowed_actions

        user = self.context["request"].user
        return [str(a) for a in allowed_actions(user, obj)]


# ---------------------------------------------------------------- text intelligence on the staff detail
# Computed by ``xinfang.insight.integration.staff_insight`` (passed in the context as "insight"); suggestions only.


class CategorySuggestionSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    confidence = serializers.FloatField()
    category = serializers.IntegerField(source="category.pk", default=None, allow_null=True)


class UnitSuggestionSerializer(serializers.Serializer[Any]):
    unit = UnitBriefSerializer()
    reason = serializers.ChoiceField(
        choices=[
            ("competent", _("Department whose remit the category is")),
            ("locality", _("Petition department where the problem arose")),
            ("usual", _("Usual unit")),
        ],
        help_text=_(
            "competent: a department whose remit the suggested category is, in the problem's area first; "
            "locality: 属地 petition department; usual: where this category usually went from this unit"
        ),
    )
    share = serializers.FloatField(allow_null=True)


class PlaceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class RoutingSuggestionsSerializer(serializers.Serializer[Any]):
    categories = CategorySuggestionSerializer(many=True)
    units = UnitSuggestionSerializer(many=True)
    place = PlaceSerializer(allow_null=True)


class RepeatCandidateSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(source="earlier.number")
    title = serializers.CharField(source="earlier.title")
    state = serializers.CharField()
    state_label = serializers.CharField()
    received_on = serializers.DateField(source="earlier.received_on")
    current_unit = serializers.CharField(source="earlier.current_unit.name")
    similarity = serializers.FloatField()
    matched_on = serializers.CharField()
    bars_acceptance = serializers.SerializerMethodField()
    bar_ground = serializers.CharField()
    bar_article = serializers.CharField()
    bar_message = serializers.CharField()
    linked = serializers.SerializerMethodField()

    def get_bars_acceptance(self, obj: Any) -> bool:
        return bool(obj.bar_ground)

    def get_linked(self, obj: Any) -> bool:
        petition = self.context.get("petition")
        return petition is not None and petition.previous_id == obj.earlier.pk


class SimilarPetitionSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(source="petition.number")
    title = serializers.CharField(source="petition.title")
    state = serializers.CharField(source="petition.state")
    state_label = serializers.CharField(source="petition.get_state_display")
    received_on = serializers.DateField(source="petition.received_on")
    similarity = serializers.FloatField()


class PetitionStaffDetailSerializer(PetitionDetailSerializer):
    """The detail with text-intelligence suggestions (GET of one petition by staff; not on lists or actions)."""

    routing_suggestions = serializers.SerializerMethodField(
        help_text=_("Top-3 categories and suggested units, while the petition waits to be routed or accepted")
    )
    repeat_candidates = serializers.SerializerMethodField(
        help_text=_("The same petitioner's earlier petitions on the same matter that you may see (重复信访)")
    )
    similar_petitions = serializers.SerializerMethodField(
        help_text=_("Near-identical petitions by other people that you may see (propose grouping)")
    )

    class Meta(PetitionDetailSerializer.Meta):
        fields = [
            *PetitionDetailSerializer.Meta.fields,
            "routing_suggestions",
            "repeat_candidates",
            "similar_petitions",
        ]

    @extend_schema_field(RoutingSuggestionsSerializer(allow_null=True))
    def get_routing_suggestions(self, obj: Petition) -> dict[str, Any] | None:
        insight = self.context["insight"]
        if not insight.categories and not insight.units:
            return None
        data = {"categories": insight.categories, "units": insight.units, "place": insight.place}
        return dict(RoutingSuggestionsSerializer(data).data)

    @extend_schema_field(RepeatCandidateSerializer(many=True))
    def get_repeat_candidates(self, obj: Petition) -> list[dict[str, Any]]:
        ctx = {"petition": obj}
        return list(RepeatCandidateSerializer(self.context["insight"].repeats, many=True, context=ctx).data)

    @extend_schema_field(SimilarPetitionSerializer(many=True))
    def get_similar_petitions(self, obj: Petition) -> list[dict[str, Any]]:
        return list(SimilarPetitionSerializer(self.context["insight"].similar, many=True).data)


class TrackSerializer(serializers.ModelSerializer[Petition]):
    """What a petitioner sees with 编号 + 查询码: no internal notes, no other people's identities."""

    state_label = serializers.CharField(source="get_state_display")
    current_unit = serializers.CharField(source="current_unit.name")
    handling_unit = serializers.CharField(source="handling_unit.name", default=None)
    clocks = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    rights = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = [
            "number",
            "title",
            "state",
            "state_label",
            "channel",
            "received_on",
            "current_unit",
            "handling_unit",
            "outcome",
            "reply_served_on",
            "closed_on",
            "clocks",
            "events",
            "documents",
            "rights",
        ]

    def get_clocks(self, obj: Petition) -> list[dict[str, Any]]:
        return list(ClockSerializer(obj.clocks.select_related("owing_unit"), many=True, context=self.context).data)

    def get_events(self, obj: Petition) -> list[dict[str, Any]]:
        qs = obj.events.public().select_related("actor_unit")
        return list(PublicEventSerializer(qs, many=True).data)

    def get_documents(self, obj: Petition) -> list[dict[str, Any]]:
        qs = obj.documents.filter(is_public=True, status="issued").select_related("unit")
        return [
            {
                "kind": d.kind,
                "kind_label": d.get_kind_display(),
                "unit": d.unit.name,
                "outcome": d.outcome,
                "body": d.body,
                "legal_basis": d.legal_basis,
                "issued_on": d.issued_on,
                "served_on": d.served_on,
            }
            for d in qs
        ]

    def get_rights(self, obj: Petition) -> list[dict[str, Any]]:
        from xinfang.petitions.selectors import petitioner_rights

        return petitioner_rights(obj)
