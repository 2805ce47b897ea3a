"""领导阅批 services: the mailbox, 呈阅, 批示 → assignments, 已阅, release, and who may do what (Art. 18, Art. 30)."""

from __future__ import annotations

import pytest

from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.instructions import selectors, services
from xinfang.instructions.models import INSTRUCTION_TEXT_MAX, Instruction, InstructionStatus
from xinfang.instructions.tests.conftest import in_ten_days, online
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.workflow import Action
from xinfang.supervision.models import Assignment, AssignmentSource

pytestmark = pytest.mark.django_db


def _waiting(personas, leaders, **overrides) -> Instruction:
    petition, _ = register(personas.registrar_a, **overrides)
    return services.instruction_request(actor=personas.registrar_a, petition=petition, leader=leaders.county)


def test_a_mailbox_petition_lands_on_the_leaders_desk_as_waiting(mailbox, leaders, tree):
    petition, code, instruction = services.mailbox_submit(mailbox=mailbox, data=online())

    assert code
    assert petition.registering_unit == tree.county_dept  # the mailbox's petition department registers it
    assert list(selectors.waiting_for(leaders.county)) == [instruction]
    assert instruction.status == InstructionStatus.WAITING and instruction.mailbox == mailbox
    line = petition.events.get(action=Action.REQUEST_INSTRUCTION)
    assert line.data["mailbox"] == "区长信箱" and not line.is_public


def test_a_closed_mailbox_takes_no_letter(mailbox):
    mailbox.is_open = False
    mailbox.save()
    with pytest.raises(InvalidInput) as refused:
        services.mailbox_submit(mailbox=mailbox, data=online())
    assert refused.value.field == "mailbox"
    assert not Instruction.objects.exists()


def test_the_waiting_list_is_oldest_first(personas, leaders):
    first = _waiting(personas, leaders)
    second = _waiting(personas, leaders)
    assert list(selectors.waiting_for(leaders.county)) == [first, second]
    assert list(selectors.waiting_for(leaders.city)) == []  # addressed to the county head only


def test_only_the_petition_department_puts_a_petition_before_a_leader(personas, leaders):
    petition, _ = register(personas.registrar_a)
    with pytest.raises(NotPermitted):
        services.instruction_request(actor=personas.head_b, petition=petition, leader=leaders.county)
    assert not Instruction.objects.exists()


def test_the_same_leader_is_not_asked_twice_while_the_first_request_waits(personas, leaders):
    instruction = _waiting(personas, leaders)
    with pytest.raises(RuleViolation) as refused:
        services.instruction_request(actor=personas.registrar_a, petition=instruction.petition, leader=leaders.county)
    assert (refused.value.field, refused.value.code) == ("leader", "already_waiting")


def test_a_leader_who_oversees_no_unit_holding_the_petition_cannot_be_asked(personas, leaders):
    petition, _ = register(personas.registrar_a)
    with pytest.raises(InvalidInput) as refused:
        services.instruction_request(actor=personas.registrar_a, petition=petition, leader=leaders.county2)
    assert refused.value.field == "leader"


def test_an_account_without_the_leader_role_cannot_be_asked(personas, leaders):
    petition, _ = register(personas.registrar_a)
    with pytest.raises(InvalidInput) as refused:
        services.instruction_request(actor=personas.registrar_a, petition=petition, leader=personas.county_head)
    assert refused.value.field == "leader"


def test_an_instruction_becomes_an_assignment_per_named_unit_with_its_deadline(personas, leaders, tree):
    instruction = _waiting(personas, leaders)
    due = in_ten_days()

    services.instruction_give(
        actor=leaders.county,
        instruction=instruction,
        text="请区住建局、区生态环境局联合核查，十日内办结并反馈。",
        units=[tree.housing, tree.environment, tree.housing],  # a repeat is named once
        due=due,
    )

    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.INSTRUCTED and instruction.given_by == leaders.county
    rows = Assignment.objects.filter(source=AssignmentSource.INSTRUCTION, source_id=instruction.pk).order_by("id")
    assert [(a.unit, a.due, a.petition_id) for a in rows] == [
        (tree.housing, due, instruction.petition_id),
        (tree.environment, due, instruction.petition_id),
    ]
    assert "请区住建局" in rows[0].matter
    assert list(selectors.waiting_for(leaders.county)) == []
    outcome = selectors.with_outcomes(list(selectors.given_by(leaders.county)))
    assert [len(o.assignments) for o in outcome] == [2]


def test_the_instruction_is_internal_until_released(personas, leaders, tree):
    instruction = _waiting(personas, leaders)
    petition = instruction.petition
    services.instruction_give(
        actor=leaders.county, instruction=instruction, text="请住建局核查处理", units=[tree.housing], due=in_ten_days()
    )

    staff_line = petition.events.get(action=Action.INSTRUCT)
    assert staff_line.data["text"] == "请住建局核查处理" and not staff_line.is_public
    # What the petitioner's tracking page and API read (PetitionEvent.objects.public()):
    assert not any("请住建局核查处理" in str(e.data) for e in petition.events.public())

    services.instruction_release(actor=leaders.county, instruction=instruction)

    public = petition.events.public().get(action=Action.RELEASE_INSTRUCTION)
    assert public.data["text"] == "请住建局核查处理"
    with pytest.raises(RuleViolation):
        services.instruction_release(actor=leaders.county, instruction=instruction)
    assert petition.events.filter(action=Action.RELEASE_INSTRUCTION).count() == 1


def test_a_unit_on_the_accused_side_is_refused_and_nothing_is_written(personas, leaders, tree):
    """Art. 30 ¶3: an accusation is never given to the accused unit, not even by a leader's instruction."""
    instruction = _waiting(personas, leaders, nature="accusation", accused_unit=tree.environment)

    with pytest.raises(RuleViolation) as refused:
        services.instruction_give(
            actor=leaders.county,
            instruction=instruction,
            text="请核查",
            units=[tree.housing, tree.environment],
            due=in_ten_days(),
        )

    assert (refused.value.field, refused.value.article) == ("units", "Art. 30 ¶3")
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.WAITING
    assert not Assignment.objects.filter(source=AssignmentSource.INSTRUCTION).exists()
    assert not PetitionEvent.objects.filter(action=Action.INSTRUCT).exists()


def test_only_the_addressed_leader_or_one_above_may_instruct(personas, leaders, tree):
    instruction = _waiting(personas, leaders)
    for outsider in (leaders.county2, personas.registrar_a, personas.county_head):
        with pytest.raises(NotPermitted):
            services.instruction_give(
                actor=outsider, instruction=instruction, text="请核查", units=[tree.housing], due=in_ten_days()
            )
    assert not Assignment.objects.exists()

    services.instruction_give(
        actor=leaders.city, instruction=instruction, text="请区住建局核查", units=[tree.housing], due=in_ten_days()
    )
    instruction.refresh_from_db()
    assert instruction.given_by == leaders.city


def test_a_leader_names_only_units_under_their_own(personas, leaders, tree):
    instruction = _waiting(personas, leaders)
    with pytest.raises(InvalidInput) as refused:
        services.instruction_give(
            actor=leaders.county,
            instruction=instruction,
            text="请核查",
            units=[tree.county2_housing],
            due=in_ten_days(),
        )
    assert refused.value.field == "units"


@pytest.mark.parametrize(
    ("text", "units", "field"),
    [("   ", "housing", "text"), ("批" * (INSTRUCTION_TEXT_MAX + 1), "housing", "text"), ("请核查", None, "units")],
)
def test_an_empty_or_overlong_instruction_or_one_naming_no_unit_is_refused_at_its_field(
    personas, leaders, tree, text, units, field
):
    instruction = _waiting(personas, leaders)
    with pytest.raises(InvalidInput) as refused:
        services.instruction_give(
            actor=leaders.county,
            instruction=instruction,
            text=text,
            units=[getattr(tree, units)] if units else [],
            due=in_ten_days(),
        )
    assert refused.value.field == field


def test_marking_read_closes_the_request_without_assignments(personas, leaders):
    instruction = _waiting(personas, leaders)
    services.instruction_mark_read(actor=leaders.county, instruction=instruction, note="已阅")
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.READ
    assert list(selectors.waiting_for(leaders.county)) == []
    assert not instruction.petition.events.get(action=Action.MARK_READ).is_public
    with pytest.raises(RuleViolation):
        services.instruction_mark_read(actor=leaders.county, instruction=instruction)
