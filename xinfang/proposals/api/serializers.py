"""Serializers of the proposals API: input parsing and the staff view of a proposal."""

from __future__ import annotations

from rest_framework import serializers

from xinfang.orgs.models import Unit
from xinfang.petitions.models import Nature, Petition
from xinfang.proposals.models import (
    Call,
    Commendation,
    Proposal,
    ProposalAttachment,
    ProposalClock,
    ProposalEvent,
)
from xinfang.proposals.workflow import CommendationKind, Outcome


class ClockSerializer(serializers.ModelSerializer[ProposalClock]):
    class Meta:
        model = ProposalClock
        fields = ["kind", "owing_unit", "start", "days", "due", "stopped_on"]


class EventSerializer(serializers.ModelSerializer[ProposalEvent]):
    class Meta:
        model = ProposalEvent
        fields = ["action", "actor_unit", "at", "from_state", "to_state", "data"]


class ProposalAttachmentSerializer(serializers.ModelSerializer[ProposalAttachment]):
    class Meta:
        model = ProposalAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class CommendationSerializer(serializers.ModelSerializer[Commendation]):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Commendation
        fields = ["id", "kind", "given_on", "text", "unit", "recorded_by"]

    def get_recorded_by(self, obj: Commendation) -> str:
        user = obj.recorded_by
        return str(getattr(user, "full_name", "") or user.get_username())


class ProposalListSerializer(serializers.ModelSerializer[Proposal]):
    class Meta:
        model = Proposal
        fields = ["id", "number", "title", "state", "outcome", "receiving_unit", "owning_unit", "received_on", "call"]


class ProposalDetailSerializer(serializers.ModelSerializer[Proposal]):
    clocks = ClockSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    attachments = ProposalAttachmentSerializer(many=True, read_only=True)
    commendations = CommendationSerializer(many=True, read_only=True)
    same_as = serializers.SerializerMethodField(
        help_text="The number of the proposal heading its near-duplicate group."
    )
    petition: serializers.SlugRelatedField[Petition] = serializers.SlugRelatedField(slug_field="number", read_only=True)
    source_petition: serializers.SlugRelatedField[Petition] = serializers.SlugRelatedField(
        slug_field="number", read_only=True
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "number",
            "call",
            "title",
            "reason",
            "suggestion",
            "proposer_name",
            "proposer_phone",
            "is_public",
            "state",
            "receiving_unit",
            "owning_unit",
            "received_on",
            "outcome",
            "outcome_reason",
            "decided_on",
            "implementation",
            "implemented_on",
            "attachments_public",
            "same_as",
            "duplicate_similarity",
            "petition",
            "source_petition",
            "closed_on",
            "closing_reason",
            "attachments",
            "commendations",
            "clocks",
            "events",
        ]

    def get_same_as(self, obj: Proposal) -> str | None:
        return obj.duplicate_of.number if obj.duplicate_of is not None else None


class CallSerializer(serializers.ModelSerializer[Call]):
    class Meta:
        model = Call
        fields = ["id", "unit", "topic", "description", "opens_on", "closes_on"]
        read_only_fields = ["id", "unit"]


class ReferInput(serializers.Serializer[None]):
    to_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DecideInput(serializers.Serializer[None]):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(max_length=5000)


class ImplementInput(serializers.Serializer[None]):
    feedback = serializers.CharField(max_length=5000)


class CommendInput(serializers.Serializer[None]):
    kind = serializers.ChoiceField(choices=CommendationKind.choices)
    given_on = serializers.DateField(required=False, allow_null=True, default=None)
    text = serializers.CharField(max_length=5000)


class ConvertInput(serializers.Serializer[None]):
    reason = serializers.CharField(max_length=2000)
    nature = serializers.ChoiceField(
        choices=[(Nature.APPEAL.value, Nature.APPEAL.label), (Nature.ACCUSATION.value, Nature.ACCUSATION.label)],
        default=Nature.APPEAL.value,
    )


class ConvertOutput(serializers.Serializer[dict[str, str]]):
    proposal = serializers.CharField()
    petition = serializers.CharField()
    tracking_code = serializers.CharField(help_text="The petition's 查询码, shown this once: give it to the proposer.")


class FromPetitionInput(serializers.Serializer[None]):
    petition = serializers.CharField(max_length=40, help_text="The petition's 编号 (or id).")
    reason = serializers.CharField(max_length=2000)
