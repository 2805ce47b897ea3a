"""包案 services: marking, decisions, taking charge, plan and milestones, progress, outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_user
from xinfang.casework import services
from xinfang.casework.models import (
    BacklogCase,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    ProgressUpdate,
    QuietStatus,
    Resolution,
)
from xinfang.casework.tests.helpers import TODAY, case_in_charge, on, open_case, petition_received, registered
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.notify.models import Notification
from xinfang.orgs.models import Role
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.petitions.workflow import Action
from xinfang.supervision.models import Assignment, AssignmentSource

pytestmark = pytest.mark.django_db


def test_mark_by_hand_records_kind_and_reason(personas):
    petition = petition_received(personas, 20)
    with on(TODAY):
        case = services.case_mark(actor=personas.supervisor, petition=petition, kind=CaseKind.KEY, reason="群体性隐患")
    assert (case.kind, case.status, case.reason, case.marked_by) == (
        CaseKind.KEY,
        CaseStatus.OPEN,
        "群体性隐患",
        personas.supervisor,
    )
    assert case.rules == []
    assert CaseEvent.objects.get(case=case).kind == CaseEventKind.MARKED


def test_marking_needs_a_reason(personas):
    petition = petition_received(personas, 20)
    with pytest.raises(InvalidInput) as err:
        services.case_mark(actor=personas.supervisor, petition=petition, kind=CaseKind.BACKLOG, reason="  ")
    assert err.value.field == "reason"
    assert not BacklogCase.objects.exists()


def test_marking_needs_a_managing_role_and_sight_of_the_petition(personas):
    petition = petition_received(personas, 20)
    with pytest.raises(NotPermitted):  # a handler without an oversight role
        services.case_mark(actor=personas.handler_b, petition=petition, kind=CaseKind.BACKLOG, reason="x")
    with pytest.raises(NotPermitted):  # a head of a unit that cannot see the petition
        services.case_mark(actor=personas.outsider, petition=petition, kind=CaseKind.BACKLOG, reason="x")
    assert not BacklogCase.objects.exists()


def test_a_petition_is_marked_once(personas):
    petition = petition_received(personas, 20)
    open_case(personas, petition)
    with pytest.raises(RuleViolation):
        services.case_mark(actor=personas.supervisor, petition=petition, kind=CaseKind.KEY, reason="再次标记")


def test_confirm_and_dismiss_a_candidate_with_a_reason(personas, settings):
    settings.XINFANG_BACKLOG_RULES = {}
    a = petition_received(personas, 200)
    b = petition_received(personas, 300)
    with on(TODAY):
        services.backlog_scan()
        ca, cb = BacklogCase.objects.get(petition=a), BacklogCase.objects.get(petition=b)
        with pytest.raises(InvalidInput):
            services.case_confirm(actor=personas.supervisor, case=ca, reason="")
        services.case_confirm(actor=personas.supervisor, case=ca, reason="多年未结", kind=CaseKind.KEY)
        services.case_dismiss(actor=personas.head_b, case=cb, reason="已进入诉讼程序")
    ca.refresh_from_db()
    cb.refresh_from_db()
    assert (ca.status, ca.kind, ca.decision_reason, ca.decided_by) == (
        CaseStatus.OPEN,
        CaseKind.KEY,
        "多年未结",
        personas.supervisor,
    )
    assert (cb.status, cb.decision_reason) == (CaseStatus.DISMISSED, "已进入诉讼程序")
    with pytest.raises(RuleViolation):  # only a candidate is confirmed
        services.case_confirm(actor=personas.supervisor, case=cb, reason="x")


def test_take_charge_writes_the_petitions_timeline_and_notifies_the_leader(personas, leader):
    petition = petition_received(personas, 200)
    case = case_in_charge(personas, petition, leader)
    assert (case.status, case.leader, case.responsible_unit, case.responsible_person) == (
        CaseStatus.IN_CHARGE,
        leader,
        personas.handler_b.unit,
        "王承办",
    )
    event = PetitionEvent.objects.get(petition=petition, action=Action.TAKE_CHARGE)
    assert event.data["unit"] == personas.handler_b.unit.name
    assert event.data["ref"] == f"casework_case:{case.pk}"
    assert "陈副市长" in event.data["leader"]
    note = Notification.objects.get(recipient=leader, kind="casework.take_charge")
    assert petition.number in note.subject and note.link == f"/workbench/casework/{case.pk}/"


def test_take_charge_needs_a_leader(personas):
    case = open_case(personas, petition_received(personas, 200))
    with pytest.raises(InvalidInput) as err:
        services.case_take_charge(
            actor=personas.supervisor, case=case, leader=personas.head_b, unit=personas.head_b.unit, person="王"
        )
    assert err.value.field == "leader"
    assert not PetitionEvent.objects.filter(petition=case.petition, action=Action.TAKE_CHARGE).exists()
    assert not Notification.objects.exists()


def test_take_charge_refuses_a_leader_outside_the_deciders_reach(personas, leader, far_leader):
    """The rule of the form's leader list, in the service: the head of the handling unit (A1区住建局) may put a
    leader above it in charge, not a leader of A2区, whom the API would otherwise accept."""
    case = open_case(personas, petition_received(personas, 200))
    head = personas.head_b
    with pytest.raises(InvalidInput) as err:
        services.case_take_charge(actor=head, case=case, leader=far_leader, unit=head.unit, person="王")
    assert err.value.field == "leader"
    assert not PetitionEvent.objects.filter(petition=case.petition, action=Action.TAKE_CHARGE).exists()
    taken = services.case_take_charge(actor=head, case=case, leader=leader, unit=head.unit, person="王")
    assert taken.leader == leader  # the city's leader is above A1区住建局: allowed


def test_take_charge_refuses_the_accused_unit_and_an_accused_side_leader_art_30(personas, tree):
    """Art. 30 ¶3: 包案 of an accusation against 生态环境局 goes neither to that unit nor to a leader there; refused
    before anything is written (no case change, no timeline line, no notification)."""
    petition = registered(personas, nature="accusation", accused_unit=tree.environment)
    case = open_case(personas, petition)
    env_leader = make_user("env_leader", tree.environment, Role.LEADER, full_name="何局长")
    county_leader = make_user("county_leader", tree.county, Role.LEADER, full_name="陈区长")
    refusals = [
        (county_leader, tree.environment, "unit"),  # the accused unit as the responsible unit
        (env_leader, tree.housing, "leader"),  # a leader of the accused unit in charge
    ]
    for leader, unit, field in refusals:
        with pytest.raises(RuleViolation) as err, on(TODAY):
            services.case_take_charge(
                actor=personas.supervisor, case=case, leader=leader, unit=unit, person="王", note="包案"
            )
        assert (err.value.field, err.value.article) == (field, "Art. 30 ¶3")
    case.refresh_from_db()
    assert (case.status, case.leader_id, case.responsible_unit_id) == (CaseStatus.OPEN, None, None)
    assert not PetitionEvent.objects.filter(petition=petition, action=Action.TAKE_CHARGE).exists()
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.TAKEN).exists()
    assert not Notification.objects.filter(kind="casework.take_charge").exists()
    with on(TODAY):  # the same case with neither on the accused side is taken in charge
        taken = services.case_take_charge(
            actor=personas.supervisor, case=case, leader=county_leader, unit=tree.housing, person="王"
        )
    assert taken.status == CaseStatus.IN_CHARGE


def test_take_charge_refuses_the_accused_person_as_leader_art_30(personas, tree):
    county_leader = make_user("county_leader", tree.county, Role.LEADER, full_name="陈区长")
    petition = registered(personas, nature="accusation", accused_unit=tree.environment)
    Petition.objects.filter(pk=petition.pk).update(accused_staff=county_leader)
    case = open_case(personas, petition)
    with pytest.raises(RuleViolation) as err, on(TODAY):
        services.case_take_charge(
            actor=personas.supervisor, case=case, leader=county_leader, unit=tree.housing, person="王"
        )
    assert (err.value.field, err.value.article) == ("leader", "Art. 30 ¶3")
    assert not PetitionEvent.objects.filter(petition=petition, action=Action.TAKE_CHARGE).exists()
    assert not Notification.objects.filter(kind="casework.take_charge").exists()


def test_a_milestone_is_also_an_assignment_followed_by_supervision(personas, leader):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    due = TODAY + dt.timedelta(days=14)
    with on(TODAY):
        milestone = services.milestone_add(
            actor=leader, case=case, what="组织听证并形成化解方案", due=due, unit=personas.handler_b.unit
        )
    assignment = Assignment.objects.get(source=AssignmentSource.CASEWORK, source_id=milestone.pk)
    assert milestone.assignment == assignment
    assert (assignment.unit, assignment.due, assignment.petition) == (personas.handler_b.unit, due, case.petition)
    assert "组织听证" in assignment.matter and assignment.done_on is None


def test_the_responsible_unit_reports_a_milestone_done_as_progress(personas, leader):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    with on(TODAY):
        milestone = services.milestone_add(
            actor=leader, case=case, what="入户走访", due=TODAY + dt.timedelta(days=7), unit=personas.handler_b.unit
        )
        with pytest.raises(NotPermitted):  # only the responsible unit reports it done
            services.milestone_complete(actor=leader, milestone=milestone, result="已走访")
    with on(TODAY + dt.timedelta(days=3)):
        services.milestone_complete(actor=personas.handler_b, milestone=milestone, result="已入户走访")
    milestone.assignment.refresh_from_db()
    assert milestone.assignment.done_on == TODAY + dt.timedelta(days=3)
    case.refresh_from_db()
    assert case.last_progress_on == TODAY + dt.timedelta(days=3)
    assert ProgressUpdate.objects.filter(case=case, author=personas.handler_b).count() == 1


def test_progress_updates_are_immutable(personas, leader):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    with on(TODAY):
        update = services.progress_add(actor=personas.handler_b, case=case, text="已与信访人面谈")
    assert (update.author, update.text) == (personas.handler_b, "已与信访人面谈")
    update.text = "改写"
    with pytest.raises(RuntimeError):
        update.save()
    with pytest.raises(RuntimeError):
        update.delete()
    with pytest.raises(NotPermitted):  # a unit with no part in the case
        services.progress_add(actor=personas.registrar_a, case=case, text="x")


def test_recording_the_outcome_closes_the_case(personas, leader):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    with on(TODAY + dt.timedelta(days=20)):
        services.case_close(
            actor=leader,
            case=case,
            outcome=Resolution.RESOLVED,
            text="补偿款已到位，信访人签署息访承诺书",
            on=TODAY + dt.timedelta(days=19),
            quiet=QuietStatus.QUIET,
            basis="pledge",
        )
    case.refresh_from_db()
    assert (case.status, case.outcome, case.quiet_status, case.quiet_basis, case.closed_on) == (
        CaseStatus.CLOSED,
        Resolution.RESOLVED,
        QuietStatus.QUIET,
        "pledge",
        TODAY + dt.timedelta(days=20),
    )
    assert case.events.filter(kind=CaseEventKind.CLOSED).exists()
    with pytest.raises(RuleViolation):  # closed: no more progress
        services.progress_add(actor=leader, case=case, text="x")


def test_petitioning_stopped_needs_what_confirms_it(personas, leader):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    with on(TODAY), pytest.raises(InvalidInput) as err:
        services.case_close(
            actor=leader, case=case, outcome=Resolution.PARTLY, text="部分解决", on=TODAY, quiet=QuietStatus.QUIET
        )
    assert err.value.field == "basis"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_CHARGE
