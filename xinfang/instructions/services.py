"""领导阅批 services (Art. 18: leaders read letters and online petitions and instruct on them).

- ``mailbox_submit`` — an online petition addressed to a leader's mailbox (领导信箱): registered by the mailbox's
  petition department and put before the leader, in one transaction.
- ``instruction_request`` — the petition department puts any petition before a leader (呈阅).
- ``instruction_give`` — 批示: text, units, deadline; an ``Assignment`` per unit (Art. 30 ¶3 guard per unit).
- ``instruction_mark_read`` — 已阅 without an instruction.
- ``instruction_release`` — the instruction is made known to the petitioner (the only public line).

Who may read and instruct: the addressed leader, or a leader of a unit above the addressed leader's unit.
Every service writes the petition's timeline through its petition service in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.instructions.models import (
    INSTRUCTION_TEXT_MAX,
    REQUEST_NOTE_MAX,
    Instruction,
    InstructionStatus,
    LeaderMailbox,
)
from xinfang.orgs.models import Role, Unit, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import (
    IntakeData,
    petition_instruct,
    petition_mark_read,
    petition_register,
    petition_release_instruction,
    petition_request_instruction,
)
from xinfang.petitions.sides import is_accused_side
from xinfang.supervision.assignments import assignment_create, require_not_accused
from xinfang.supervision.models import AssignmentSource

# Staff of the petition department who may put a petition before a leader (the workflow row also checks roles).
REQUESTER_ROLES = (Role.REGISTRAR, Role.HANDLER, Role.HEAD, Role.SUPERVISOR)
MAX_UNITS = 10  # units one instruction may name


def leader_label(user: User) -> str:
    """How a leader is named on the timeline: 职务 and name (e.g. "区长 陈某")."""
    return " ".join(x for x in (user.title, user.full_name or user.username) if x)


def may_act_for(actor: User, leader: User) -> bool:
    """The addressed leader, or a leader of a unit above the addressed leader's unit (上级领导)."""
    if not actor.is_unit_staff or not actor.has_role(Role.LEADER):
        return False
    if actor.pk == leader.pk:
        return True
    if actor.unit is None or leader.unit is None:
        return False
    return actor.unit.pk in leader.unit.ancestor_ids


def _require_leader(actor: User, instruction: Instruction) -> None:
    if not may_act_for(actor, instruction.leader):
        raise NotPermitted(_("Only the leader it was put before, or a leader above, can read and instruct on it."))


def _lock(instruction: Instruction) -> Instruction:
    return (
        Instruction.objects.select_for_update(of=("self",))  # the row only: given_by is an outer join
        .select_related("petition", "leader", "leader__unit", "given_by", "given_by__unit")
        .get(pk=instruction.pk)
    )


def _ref(instruction: Instruction) -> str:
    return f"instruction:{instruction.pk}"


def _require_leader_account(leader: User, field: str = "leader") -> None:
    if not leader.is_unit_staff or not leader.has_role(Role.LEADER):
        raise InvalidInput(_("%(name)s is not a leader's account.") % {"name": leader_label(leader)}, field=field)


@transaction.atomic
def mailbox_submit(
    *, mailbox: LeaderMailbox, data: IntakeData, citizen: User | None = None
) -> tuple[Petition, str, Instruction]:
    """领导信箱 — register an online petition addressed to a leader's mailbox at the mailbox's petition department
    and put it on the leader's desk as 待阅批. Returns the petition, its 查询码 and the instruction row."""
    mailbox = LeaderMailbox.objects.select_related("leader", "registering_unit").get(pk=mailbox.pk)
    if not mailbox.is_open:
        raise InvalidInput(_("The mailbox “%(title)s” is closed.") % {"title": mailbox.title}, field="mailbox")
    petition, code = petition_register(actor=None, unit=mailbox.registering_unit, data=data, citizen=citizen)
    instruction = Instruction.objects.create(
        petition=petition, leader=mailbox.leader, mailbox=mailbox, requested_at=timeutil.now()
    )
    petition_request_instruction(
        petition=petition,
        actor=None,
        leader=leader_label(mailbox.leader),
        mailbox=mailbox.title,
        ref=_ref(instruction),
    )
    return petition, code, instruction


@transaction.atomic
def instruction_request(*, actor: User, petition: Petition, leader: User, note: str = "") -> Instruction:
    """呈阅 — the petition department puts a petition or letter before a leader for reading (Art. 18)."""
    if actor.unit is None or not actor.unit.is_petition_department or not actor.has_role(*REQUESTER_ROLES):
        raise NotPermitted(_("Only the petition department's staff can put a petition before a leader."))
    note = note.strip()
    if len(note) > REQUEST_NOTE_MAX:
        raise InvalidInput(
            _("Keep the note within %(n)s characters.") % {"n": REQUEST_NOTE_MAX}, field="note", code="too_long"
        )
    _require_leader_account(leader)
    if is_accused_side(leader.unit, leader, petition):
        raise RuleViolation(
            _("%(name)s is on the accused side of this petition and cannot read it.") % {"name": leader_label(leader)},
            field="leader",
            article="Art. 30 ¶3",
        )
    if not petitions_visible_to(leader).filter(pk=petition.pk).exists():
        raise InvalidInput(
            _("%(name)s oversees no unit that holds this petition.") % {"name": leader_label(leader)}, field="leader"
        )
    if Instruction.objects.filter(petition=petition, leader=leader, status=InstructionStatus.WAITING).exists():
        raise RuleViolation(
            _("This petition is already waiting for %(name)s.") % {"name": leader_label(leader)},
            field="leader",
            code="already_waiting",
        )
    try:
        with transaction.atomic():
            instruction = Instruction.objects.create(
                petition=petition, leader=leader, requested_by=actor, requested_at=timeutil.now(), request_note=note
            )
    except IntegrityError:  # a concurrent request for the same leader won the unique index
        raise RuleViolation(
            _("This petition is already waiting for %(name)s.") % {"name": leader_label(leader)},
            field="leader",
            code="already_waiting",
        ) from None
    petition_request_instruction(
        petition=petition, actor=actor, leader=leader_label(leader), ref=_ref(instruction), note=note
    )
    return instruction


@transaction.atomic
def instruction_give(
    *, actor: User, instruction: Instruction, text: str, units: Sequence[Unit], due: dt.date
) -> Instruction:
    """批示 — the leader's written instruction naming the units to act and the deadline. Each named unit gets a
    交办事项 (``supervision.Assignment``) with that deadline; a unit on the accused side is refused (Art. 30 ¶3).
    The timeline line is internal until ``instruction_release``."""
    instruction = _lock(instruction)
    _require_leader(actor, instruction)
    if instruction.status == InstructionStatus.INSTRUCTED:
        raise RuleViolation(_("This petition has already been instructed on."), code="already_instructed")
    text = text.strip()
    if not text:
        raise InvalidInput(_("Write the instruction."), field="text")
    if len(text) > INSTRUCTION_TEXT_MAX:
        raise InvalidInput(
            _("Keep the instruction within %(n)s characters.") % {"n": INSTRUCTION_TEXT_MAX},
            field="text",
            code="too_long",
        )
    named = list(dict.fromkeys(units))  # keep the order, drop repeats
    if not named:
        raise InvalidInput(_("Name at least one unit to act on the instruction."), field="units")
    if len(named) > MAX_UNITS:
        raise InvalidInput(_("Name at most %(n)s units.") % {"n": MAX_UNITS}, field="units")
    assert actor.unit is not None  # noqa: S101 - may_act_for checked a unit
    petition = instruction.petition
    for unit in named:
        if not unit.is_within(actor.unit.scope_path):
            raise InvalidInput(
                _("%(unit)s is not under your unit; a leader instructs the units below.") % {"unit": unit.name},
                field="units",
            )
        require_not_accused(petition, unit=unit, field="units")
    instruction.status = InstructionStatus.INSTRUCTED
    instruction.text = text
    instruction.due = due
    instruction.given_by = actor
    instruction.given_at = timeutil.now()
    instruction.save(update_fields=["status", "text", "due", "given_by", "given_at"])
    matter = _("Leader's instruction on %(number)s: %(text)s") % {"number": petition.number, "text": text}
    for unit in named:
        assignment_create(
            actor=actor,
            source=AssignmentSource.INSTRUCTION,
            source_id=instruction.pk,
            matter=matter,
            unit=unit,
            due=due,
            petition=petition,
        )
    petition_instruct(
        petition=petition,
        actor=actor,
        leader=leader_label(actor),
        text=text,
        units=[u.name for u in named],
        due=due,
        ref=_ref(instruction),
    )
    return instruction


@transaction.atomic
def instruction_mark_read(*, actor: User, instruction: Instruction, note: str = "") -> Instruction:
    """已阅 — the leader has read the petition and gives no instruction."""
    instruction = _lock(instruction)
    _require_leader(actor, instruction)
    if instruction.status != InstructionStatus.WAITING:
        raise RuleViolation(_("This petition is no longer waiting for reading."), code="not_waiting")
    note = note.strip()
    if len(note) > REQUEST_NOTE_MAX:
        raise InvalidInput(
            _("Keep the note within %(n)s characters.") % {"n": REQUEST_NOTE_MAX}, field="note", code="too_long"
        )
    instruction.status = InstructionStatus.READ
    instruction.given_by = actor
    instruction.given_at = timeutil.now()
    instruction.save(update_fields=["status", "given_by", "given_at"])
    petition_mark_read(
        petition=instruction.petition, actor=actor, leader=leader_label(actor), ref=_ref(instruction), note=note
    )
    return instruction


@transaction.atomic
def instruction_release(*, actor: User, instruction: Instruction) -> Instruction:
    """批示告知 — make the instruction known to the petitioner: a public timeline line with its text. Until then
    the 批示 is internal. Taken by the leader who gave it or a leader above."""
    instruction = _lock(instruction)
    if instruction.status != InstructionStatus.INSTRUCTED or instruction.given_by is None:
        raise RuleViolation(_("Only a given instruction can be made known."), code="not_instructed")
    if not may_act_for(actor, instruction.given_by):
        raise NotPermitted(_("Only the leader who gave the instruction, or a leader above, can make it known."))
    if instruction.released_at is not None:
        raise RuleViolation(_("This instruction has already been made known."), code="already_released")
    instruction.released_at = timeutil.now()
    instruction.released_by = actor
    instruction.save(update_fields=["released_at", "released_by"])
    petition_release_instruction(
        petition=instruction.petition,
        actor=actor,
        leader=leader_label(instruction.given_by),
        text=instruction.text,
        ref=_ref(instruction),
    )
    return instruction
