"""Serializers of /api/v1/instructions/: inputs are bounded; outputs never carry the petitioner's identity."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xinfang.instructions.models import (
    INSTRUCTION_TEXT_MAX,
    REQUEST_NOTE_MAX,
    Instruction,
    InstructionStatus,
    LeaderMailbox,
)
from xinfang.instructions.services import MAX_UNITS, leader_label
from xinfang.orgs.models import User
from xinfang.supervision.models import Assignment

ID_MAX = 2**63 - 1  # larger ids cannot be bound by SQLite or PostgreSQL bigint


def _label(user: User | None) -> str:
    return leader_label(user) if user is not None else ""


class MailboxSerializer(serializers.ModelSerializer[LeaderMailbox]):
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = LeaderMailbox
        fields = ["id", "title", "unit"]


class OutcomeAssignmentSerializer(serializers.ModelSerializer[Assignment]):
    """What came of the instruction at one named unit: its deadline, whether it is done, its written feedback."""

    unit = serializers.CharField(source="unit.name")
    unit_id = serializers.IntegerField()

    class Meta:
        model = Assignment
        fields = ["id", "unit", "unit_id", "due", "done_on", "result"]


class InstructionSerializer(serializers.ModelSerializer[Instruction]):
    petition = serializers.CharField(source="petition.number")
    petition_id = serializers.IntegerField()
    petition_title = serializers.CharField(source="petition.title")
    leader = serializers.SerializerMethodField()
    leader_id = serializers.IntegerField()
    mailbox = serializers.CharField(source="mailbox.title", default=None, allow_null=True)
    requested_by = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=InstructionStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    given_by = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = Instruction
        fields = [
            "id",
            "petition",
            "petition_id",
            "petition_title",
            "leader",
            "leader_id",
            "mailbox",
            "requested_by",
            "requested_at",
            "request_note",
            "status",
            "status_label",
            "text",
            "due",
            "given_by",
            "given_at",
            "released_at",
            "assignments",
        ]

    def get_leader(self, obj: Instruction) -> str:
        return _label(obj.leader)

    def get_requested_by(self, obj: Instruction) -> str:
        return _label(obj.requested_by)

    def get_given_by(self, obj: Instruction) -> str:
        return _label(obj.given_by)

    def get_assignments(self, obj: Instruction) -> list[dict[str, Any]]:
        rows: dict[int, list[Assignment]] = self.context.get("assignments", {})
        return list(OutcomeAssignmentSerializer(rows.get(obj.pk, []), many=True).data)


class RequestSerializer(serializers.Serializer[dict[str, Any]]):
    petition = serializers.CharField(max_length=40, help_text=_("编号 or id of a petition you can see"))
    leader = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=_("The leader's user id"))
    note = serializers.CharField(max_length=REQUEST_NOTE_MAX, required=False, allow_blank=True, default="")


class GiveSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(max_length=INSTRUCTION_TEXT_MAX)
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        min_length=1,
        max_length=MAX_UNITS,
        help_text=_("Ids of the units to act on the instruction"),
    )
    due = serializers.DateField()


class ReadSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(max_length=REQUEST_NOTE_MAX, required=False, allow_blank=True, default="")
