"""Serializers of the proposals API: input parsing and the staff view of a proposal."""

from __future__ import annotations

from rest_framework import serializers

from xinfang.orgs.models import Unit
from xinfang.proposals.models import Call, Proposal, ProposalClock, ProposalEvent
from xinfang.proposals.workflow import Outcome


class ClockSerializer(serializers.ModelSerializer[ProposalClock]):
    class Meta:
        model = ProposalClock
        fields = ["kind", "owing_unit", "start", "days", "due", "stopped_on"]


class EventSerializer(serializers.ModelSerializer[ProposalEvent]):
    class Meta:
        model = ProposalEvent
        fields = ["action", "actor_unit", "at", "from_state", "to_state", "data"]


class ProposalListSerializer(serializers.ModelSerializer[Proposal]):
    class Meta:
        model = Proposal
        fields = ["id", "number", "title", "state", "outcome", "receiving_unit", "owning_unit", "received_on", "call"]


class ProposalDetailSerializer(serializers.ModelSerializer[Proposal]):
    clocks = ClockSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

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
            "commendation",
            "clocks",
            "events",
        ]


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
    note = serializers.CharField(max_length=5000)
