"""The proposal workflow (人民建议征集, Art. 29 ¶2): each step, its clock, and every illegal step refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from conftest import Personas, Tree
from xinfang.core import timeutil
from xinfang.core.errors import IllegalTransition, InvalidInput, NotPermitted
from xinfang.deadlines import services as deadline_services
from xinfang.deadlines.calendar import DayKind
from xinfang.proposals import services
from xinfang.proposals.models import ClockKind, Proposal, ProposalClock, ProposalEvent
from xinfang.proposals.tests.helpers import days_from_today, submit
from xinfang.proposals.workflow import TRANSITIONS, Action, CommendationKind, Outcome, State

pytestmark = pytest.mark.django_db


def _open_clock(proposal: Proposal) -> ProposalClock:
    return ProposalClock.objects.get(proposal=proposal, stopped_on__isnull=True)


def _expected_due(days: int) -> dt.date:
    return deadline_services.deadline_for(start=timeutil.today(), days=days, kind=DayKind.CALENDAR).due


def test_full_journey_writes_one_event_per_step_and_moves_the_clock(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    assert p.state == State.SUBMITTED and p.number.startswith(f"JY-{tree.county_dept.code}-")
    clock = _open_clock(p)
    assert (clock.kind, clock.owing_unit_id, clock.due) == (ClockKind.REFER, tree.county_dept.pk, _expected_due(15))

    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    clock = _open_clock(p)
    assert (clock.kind, clock.owing_unit_id, clock.due) == (ClockKind.DECIDE, tree.housing.pk, _expected_due(30))

    services.proposal_decide(proposal=p, actor=personas.head_b, outcome=Outcome.PARTLY_ADOPTED, reason="东门可设站")
    clock = _open_clock(p)
    assert (clock.kind, clock.due) == (ClockKind.IMPLEMENT, _expected_due(90))

    p = services.proposal_implement(proposal=p, actor=personas.handler_b, feedback="已于东门增设站点")
    assert p.state == State.IMPLEMENTED
    assert not ProposalClock.objects.filter(proposal=p, stopped_on__isnull=True).exists()
    assert list(ProposalEvent.objects.filter(proposal=p).values_list("action", "to_state")) == [
        (Action.SUBMIT, State.SUBMITTED),
        (Action.REFER, State.REFERRED),
        (Action.DECIDE, State.DECIDED),
        (Action.IMPLEMENT, State.IMPLEMENTED),
    ]


@override_settings(PROPOSAL_LIMITS={"refer": 7, "decide": 20})
def test_step_limits_come_from_settings(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    assert _open_clock(p).due == _expected_due(7)
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    assert _open_clock(p).due == _expected_due(20)


def test_not_adopted_opens_no_implementation_clock_and_cannot_be_implemented(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    services.proposal_decide(proposal=p, actor=personas.head_b, outcome=Outcome.NOT_ADOPTED, reason="规划不允许")
    assert not ProposalClock.objects.filter(proposal=p, stopped_on__isnull=True).exists()
    with pytest.raises(IllegalTransition):
        services.proposal_implement(proposal=p, actor=personas.handler_b, feedback="x")
    with pytest.raises(IllegalTransition):
        services.proposal_commend(proposal=p, actor=personas.head_b, kind=CommendationKind.REWARD, text="x")


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for a, t in TRANSITIONS.items() if t.sources for s in State if s not in t.sources],
)
def test_every_illegal_step_is_refused_and_writes_nothing(
    tree: Tree, personas: Personas, state: State, action: Action
) -> None:
    p = submit(tree.county_dept)
    Proposal.objects.filter(pk=p.pk).update(state=state, owning_unit=tree.housing, outcome=Outcome.ADOPTED)
    p.refresh_from_db()
    events = ProposalEvent.objects.count()
    calls = {
        Action.REFER: lambda: services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing),
        Action.DECIDE: lambda: services.proposal_decide(
            proposal=p, actor=personas.head_b, outcome=Outcome.ADOPTED, reason="r"
        ),
        Action.IMPLEMENT: lambda: services.proposal_implement(proposal=p, actor=personas.head_b, feedback="f"),
        Action.COMMEND: lambda: services.proposal_commend(
            proposal=p, actor=personas.head_b, kind=CommendationKind.REWARD, text="n"
        ),
        Action.CONVERT: lambda: services.proposal_convert_to_petition(
            proposal=p, actor=personas.registrar_a, reason="实为投诉"
        ),
    }
    with pytest.raises(IllegalTransition) as err:
        calls[action]()
    assert err.value.status_code == 409
    assert ProposalEvent.objects.count() == events
    p.refresh_from_db()
    assert p.state == state


def test_wrong_unit_and_wrong_role_are_refused(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    with pytest.raises(NotPermitted):  # not the receiving unit
        services.proposal_refer(proposal=p, actor=personas.outsider, to_unit=tree.housing)
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    with pytest.raises(NotPermitted) as err:  # a handler may not decide: the head does
        services.proposal_decide(proposal=p, actor=personas.handler_b, outcome=Outcome.ADOPTED, reason="r")
    assert err.value.status_code == 403
    with pytest.raises(NotPermitted):  # the receiving unit does not decide for the competent unit
        services.proposal_decide(proposal=p, actor=personas.registrar_a, outcome=Outcome.ADOPTED, reason="r")
    p.refresh_from_db()
    assert p.state == State.REFERRED


def test_decision_needs_a_known_outcome_and_reasons(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    with pytest.raises(InvalidInput) as err:
        services.proposal_decide(proposal=p, actor=personas.head_b, outcome="support", reason="r")
    assert err.value.field == "outcome"
    with pytest.raises(InvalidInput) as err:
        services.proposal_decide(proposal=p, actor=personas.head_b, outcome=Outcome.ADOPTED, reason="  ")
    assert err.value.field == "reason"


def test_anonymous_submission_keeps_no_proposer_data(tree: Tree) -> None:
    p = submit(tree.county_dept, proposer_name="", proposer_phone="")
    assert p.is_anonymous and p.number
    assert ProposalEvent.objects.get(proposal=p).actor is None


def test_submission_to_a_call_goes_to_its_unit_only_while_open(tree: Tree, personas: Personas) -> None:
    call = services.call_create(
        actor=personas.handler_b,
        topic="老旧小区改造金点子",
        opens_on=days_from_today(-1),
        closes_on=days_from_today(10),
    )
    p = submit(None, call=call)
    assert p.receiving_unit_id == tree.housing.pk
    closed = services.call_create(
        actor=personas.handler_b, topic="已结束", opens_on=days_from_today(-10), closes_on=days_from_today(-1)
    )
    with pytest.raises(InvalidInput) as err:
        submit(tree.county_dept, call=closed)
    assert err.value.field == "call"


def test_numbers_run_per_unit_and_year(tree: Tree) -> None:
    a, b = submit(tree.county_dept), submit(tree.county_dept)
    year = timeutil.today().year
    assert (a.number, b.number) == (f"JY-990101XFJ-{year}-000001", f"JY-990101XFJ-{year}-000002")


def test_commendation_is_recorded_with_an_event(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    services.proposal_decide(proposal=p, actor=personas.head_b, outcome=Outcome.ADOPTED, reason="r")
    c = services.proposal_commend(
        proposal=p, actor=personas.head_b, kind=CommendationKind.REWARD, text="授予金点子奖", given_on=None
    )
    assert (c.kind, c.text, c.given_on, c.recorded_by, c.unit) == (
        CommendationKind.REWARD,
        "授予金点子奖",
        timeutil.today(),
        personas.head_b,
        tree.housing,
    )
    assert ProposalEvent.objects.filter(proposal=p, action=Action.COMMEND).count() == 1
