"""The desk actions (督办, 包案, 接访, 联席会议, 回访): a timeline line, no state change, only for those who see it."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.core.errors import IllegalTransition, NotPermitted
from xinfang.petitions import services
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.selectors import allowed_actions
from xinfang.petitions.tests.helpers import register, to_handling, to_replied
from xinfang.petitions.workflow import Action, State

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


def test_supervise_writes_a_public_event_and_keeps_the_state(personas):
    petition, _ = register(personas.registrar_a)
    to_handling(personas, petition)
    event = services.petition_supervise(
        petition=petition, actor=personas.supervisor, to_unit="A1区住建局", reply_due=DAY, ref="supervision_order:1"
    )
    petition.refresh_from_db()
    assert petition.state == State.HANDLING
    assert event.action == Action.SUPERVISE and event.is_public
    assert event.data == {"to_unit": "A1区住建局", "reply_due": "2026-03-10", "ref": "supervision_order:1"}
    assert event.from_state == event.to_state == State.HANDLING


def test_a_unit_that_cannot_see_the_petition_may_not_supervise_it(personas):
    petition, _ = register(personas.registrar_a)
    with pytest.raises(NotPermitted):
        services.petition_supervise(petition=petition, actor=personas.outsider, to_unit="x", reply_due=DAY)
    assert not PetitionEvent.objects.filter(petition=petition, action=Action.SUPERVISE).exists()


def test_a_handler_without_an_oversight_role_may_not_supervise(personas):
    petition, _ = register(personas.registrar_a)
    to_handling(personas, petition)
    with pytest.raises(NotPermitted):
        services.petition_supervise(petition=petition, actor=personas.handler_b, to_unit="x", reply_due=DAY)


def test_the_accused_side_cannot_take_charge_of_an_accusation(personas):
    petition, _ = register(personas.registrar_a, nature="accusation", accused_unit=personas.accused.unit)
    with pytest.raises(NotPermitted):
        services.petition_take_charge(petition=petition, actor=personas.accused, leader="x", unit="y")
    assert not PetitionEvent.objects.filter(petition=petition, action=Action.TAKE_CHARGE).exists()


def test_take_charge_and_receive_work_on_an_ended_matter(personas):
    """A backlog case (积案) is often a matter already declined or terminated that the petitioner still pursues."""
    petition, _ = register(personas.registrar_a)
    services.petition_decline(petition=petition, actor=personas.registrar_a, ground="out_of_scope", reason="不属")
    services.petition_take_charge(petition=petition, actor=personas.supervisor, leader="张副市长", unit="A1区住建局")
    services.petition_receive(petition=petition, actor=personas.supervisor, leader="张副市长", on=DAY)
    actions = list(PetitionEvent.objects.filter(petition=petition).values_list("action", flat=True))
    assert actions[-2:] == [Action.TAKE_CHARGE, Action.RECEIVE]


def test_follow_up_visit_after_the_reply_records_the_petitioners_view(personas):
    petition, _ = register(personas.registrar_a)
    to_replied(personas, petition)
    event = services.petition_follow_up_visit(petition=petition, actor=personas.supervisor, on=DAY, view="基本满意")
    assert event.data["view"] == "基本满意" and event.to_state == State.REPLIED


def test_follow_up_visit_needs_an_answer_first(personas):
    petition, _ = register(personas.registrar_a)
    with pytest.raises(IllegalTransition):
        services.petition_follow_up_visit(petition=petition, actor=personas.supervisor, on=DAY)


def test_desk_actions_are_not_offered_on_the_petition_page(personas):
    petition, _ = register(personas.registrar_a)
    to_handling(personas, petition)
    desk = {Action.SUPERVISE, Action.TAKE_CHARGE, Action.RECEIVE, Action.COORDINATE, Action.FOLLOW_UP_VISIT}
    assert not desk & set(allowed_actions(personas.supervisor, petition))
