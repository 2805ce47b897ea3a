"""Permission-limited reads of 领导阅批: every list starts from the petitions the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from xinfang.core.limits import is_id
from xinfang.instructions.models import Instruction, InstructionStatus, LeaderMailbox
from xinfang.orgs.models import Role, Unit, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.models import Assignment, AssignmentSource


def instructions_visible_to(user: User) -> QuerySet[Instruction]:
    """Instructions on the petitions this staff user may see (so never one on an accusation against them)."""
    return Instruction.objects.filter(petition__in=petitions_visible_to(user).values("pk")).select_related(
        "petition", "leader", "mailbox", "requested_by", "given_by"
    )


def instruction_get_visible(user: User, pk: str | int) -> Instruction:
    """404 for missing and forbidden alike."""
    if not is_id(str(pk)):
        raise Http404
    instruction = instructions_visible_to(user).filter(pk=int(pk)).first()
    if instruction is None:
        raise Http404
    return instruction


def waiting_for(user: User) -> QuerySet[Instruction]:
    """待阅批 — what waits for this leader, oldest first (the partial index on waiting rows)."""
    return (
        instructions_visible_to(user)
        .filter(leader=user, status=InstructionStatus.WAITING)
        .order_by("requested_at", "id")
    )


def given_by(user: User) -> QuerySet[Instruction]:
    """The instructions this leader gave, newest first."""
    return (
        instructions_visible_to(user)
        .filter(given_by=user, status=InstructionStatus.INSTRUCTED)
        .order_by("-given_at", "-id")
    )


def for_petition(user: User, petition: Petition) -> QuerySet[Instruction]:
    """The instruction card of a petition page (staff only; the selector re-checks visibility)."""
    return instructions_visible_to(user).filter(petition=petition).order_by("requested_at", "id")


@dataclass
class Outcome:
    """One instruction with what came of it: each named unit's assignment, its status and feedback."""

    instruction: Instruction
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for a in self.assignments if a.done_on is not None)


def with_outcomes(instructions: list[Instruction]) -> list[Outcome]:
    """Attach each instruction's assignments with one query, whatever the number of instructions."""
    ids = [i.pk for i in instructions]
    by_source: dict[int, list[Assignment]] = {}
    if ids:
        rows = Assignment.objects.filter(source=AssignmentSource.INSTRUCTION, source_id__in=ids).select_related("unit")
        for a in rows.order_by("id"):
            by_source.setdefault(a.source_id, []).append(a)
    return [Outcome(i, by_source.get(i.pk, [])) for i in instructions]


def open_mailboxes() -> QuerySet[LeaderMailbox]:
    """领导信箱 the public may write to."""
    return LeaderMailbox.objects.filter(is_open=True).select_related("unit").order_by("unit__path", "id")


def leaders_for(user: User) -> QuerySet[User]:
    """Leaders this petition department's staff may put a petition before: leaders of the units it serves (its
    scope) and of the units above it."""
    if user.unit is None:
        return User.objects.none()
    unit = user.unit
    in_reach = Q(unit__in=Unit.objects.within(unit.scope_path)) | Q(unit_id__in=unit.ancestor_ids)
    return (
        User.objects.filter(in_reach, is_active=True, roles__role=Role.LEADER)
        .select_related("unit")
        .order_by("unit__path", "id")
        .distinct()
    )
