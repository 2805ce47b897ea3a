"""Joint work, one test per rule (Arts. 12, 13, 18 ¶3, 24, 28, 31; 四门四访)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import make_user
from xinfang.core import timeutil
from xinfang.core.errors import IllegalTransition, InvalidInput, NotPermitted, RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.joint import selectors, services
from xinfang.joint.models import (
    Decision,
    FollowUpVisit,
    HouseholdVisit,
    Intake,
    JurisdictionRoute,
    MediationReferral,
    MediationStatus,
)
from xinfang.joint.tests import helpers as h
from xinfang.orgs.models import Role
from xinfang.petitions.models import Clock, Petition, PetitionEvent, RoutingMode
from xinfang.petitions.services import petition_escalate_dispute
from xinfang.petitions.tests.helpers import register, to_handling, to_replied
from xinfang.petitions.workflow import Action, State
from xinfang.supervision.models import Assignment, AssignmentSource

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def on(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=TZ), tick=False)


# --- 联席会议 ---


def test_conference_decision_creates_an_assignment_with_deadline_and_a_timeline_line_art_12(personas, tree):
    p = personas
    petition, _ = register(p.registrar_a)
    to_handling(p, petition)
    m = h.meeting(p, h.conference(p, tree))
    item = h.petition_item(p, m, petition)
    due = h.days(20)
    decision, rows = services.decision_record(
        actor=p.supervisor,
        item=item,
        text="区住建局牵头，区生态环境局配合，一个月内完成搅拌站夜间施工整治",
        assignments=[services.AssignmentSpec(tree.housing, due), services.AssignmentSpec(tree.environment, due)],
    )
    stored = Assignment.objects.filter(source=AssignmentSource.JOINT_MEETING, source_id=decision.pk).order_by("id")
    assert [(a.unit, a.due, a.petition_id, a.done_on) for a in stored] == [
        (tree.housing, due, petition.pk, None),
        (tree.environment, due, petition.pk, None),
    ]
    assert [a.pk for a in rows] == [a.pk for a in stored]
    line = PetitionEvent.objects.get(petition=petition, action=Action.COORDINATE)
    assert line.data["ref"] == f"joint_decision:{decision.pk}"
    assert line.data["meeting"] == f"A市信访工作联席会议 {m.held_on.isoformat()}"
    assert line.actor == p.supervisor and line.note.startswith("区住建局牵头")


def test_decision_follow_up_status_comes_from_its_assignments(personas, tree):
    p = personas
    m = h.meeting(p, h.conference(p, tree))
    item = services.agenda_item_add(actor=p.supervisor, meeting=m, kind="hot_issue", title="物业收费纠纷集中")
    start = timeutil.today()
    with on(start):
        d1, (a1,) = services.decision_record(
            actor=p.supervisor,
            item=item,
            text="住建局出台指导价",
            assignments=[services.AssignmentSpec(tree.housing, start + dt.timedelta(days=3))],
        )
        d2, _rows = services.decision_record(
            actor=p.supervisor,
            item=item,
            text="生态环境局排查",
            assignments=[services.AssignmentSpec(tree.environment, start + dt.timedelta(days=3))],
        )
        services.joint_assignment_complete(actor=p.handler_b, assignment=a1, result="指导价已发布")
    with on(start + dt.timedelta(days=10)):
        got = {
            d.pk: selectors.follow_up_status(d.n_assigned, d.n_done, d.n_overdue)
            for d in selectors.decisions_visible_to(p.supervisor)
        }
    assert got == {d1.pk: "done", d2.pk: "overdue"}


def test_a_hot_issue_item_refers_to_no_petition_and_a_petition_item_needs_one(personas, tree):
    p = personas
    m = h.meeting(p, h.conference(p, tree))
    petition, _ = register(p.registrar_a)
    with pytest.raises(InvalidInput) as e1:
        services.agenda_item_add(actor=p.supervisor, meeting=m, kind="petition", title="x")
    with pytest.raises(InvalidInput) as e2:
        services.agenda_item_add(actor=p.supervisor, meeting=m, kind="policy", title="x", petition=petition)
    assert e1.value.field == e2.value.field == "petition"


def test_only_organisers_of_the_conference_record_its_meetings_and_decisions(personas, tree):
    p = personas
    conf = h.conference(p, tree)
    for actor in (p.handler_b, p.outsider, p.registrar_a):
        with pytest.raises(NotPermitted):
            services.meeting_create(
                actor=actor, conference=conf, held_on=timeutil.today(), convened_by="x", attendees=[tree.housing]
            )


def _disputed(p: Any, tree: Any) -> Petition:
    petition, _ = register(p.registrar_a)
    petition_escalate_dispute(
        petition=petition, actor=p.registrar_a, units=[tree.housing, tree.environment], reason="均称不属本单位"
    )
    petition.refresh_from_db()
    assert petition.state == State.DISPUTED and petition.current_unit == tree.county
    return petition


def test_art_24_dispute_settled_by_the_conference_sitting_at_the_common_superior(personas, tree):
    """The county conference's head is a head of the holding common superior: decided through the service."""
    p = personas
    petition = _disputed(p, tree)
    conf = services.conference_create(
        actor=p.county_head, unit=tree.county, name="A1区信访工作联席会议", members=[tree.housing, tree.environment]
    )
    m = services.meeting_create(
        actor=p.county_head,
        conference=conf,
        held_on=timeutil.today(),
        convened_by="陈区长",
        attendees=[tree.housing, tree.environment],
    )
    item = services.agenda_item_add(
        actor=p.county_head, meeting=m, kind="petition", title="管辖争议", petition=petition
    )
    services.jurisdiction_settle(actor=p.county_head, item=item, to_unit=tree.housing, note="属住建局监管职责")
    petition.refresh_from_db()
    item.refresh_from_db()
    assert petition.state == State.PENDING_ACCEPTANCE and petition.current_unit == tree.housing
    assert petition.routing_mode == RoutingMode.DECIDED  # the named unit cannot object again
    assert item.jurisdiction_unit == tree.housing and item.jurisdiction_route == JurisdictionRoute.SERVICE
    actions = list(PetitionEvent.objects.filter(petition=petition).order_by("id").values_list("action", flat=True))
    assert actions[-2:] == [Action.COORDINATE, Action.DECIDE_JURISDICTION]
    assert not Assignment.objects.filter(petition=petition).exists()


def test_art_24_dispute_settled_by_a_conference_that_cannot_act_assigns_the_common_superior(personas, tree):
    """The city conference office (A市信访局) may not decide in the county government's name: it records the
    decision and assigns the common superior, whose head carries it out through the petition service."""
    p = personas
    petition = _disputed(p, tree)
    m = h.meeting(p, h.conference(p, tree))
    item = h.petition_item(p, m, petition)
    decision = services.jurisdiction_settle(
        actor=p.supervisor, item=item, to_unit=tree.housing, note="属住建局监管职责"
    )
    petition.refresh_from_db()
    assert petition.state == State.DISPUTED and petition.current_unit == tree.county  # not moved by the conference
    (assignment,) = Assignment.objects.filter(source=AssignmentSource.JOINT_MEETING, source_id=decision.pk)
    assert assignment.unit == tree.county and assignment.petition == petition and assignment.due > timeutil.today()
    item.refresh_from_db()
    assert item.jurisdiction_route == JurisdictionRoute.ASSIGNED and item.jurisdiction_unit == tree.housing
    assert PetitionEvent.objects.filter(petition=petition, action=Action.COORDINATE).exists()

    with pytest.raises(NotPermitted):
        services.jurisdiction_carry_out(actor=p.registrar_a, item=item)  # only a head of the holder decides
    services.jurisdiction_carry_out(actor=p.county_head, item=item)
    petition.refresh_from_db()
    assignment.refresh_from_db()
    assert petition.current_unit == tree.housing and petition.routing_mode == RoutingMode.DECIDED
    assert assignment.done_on == timeutil.today() and assignment.done_by == p.county_head


def test_art_24_only_a_disputed_petition_is_settled(personas, tree):
    p = personas
    petition, _ = register(p.registrar_a)
    m = h.meeting(p, h.conference(p, tree))
    item = h.petition_item(p, m, petition)
    with pytest.raises(RuleViolation) as err:
        services.jurisdiction_settle(actor=p.supervisor, item=item, to_unit=tree.housing)
    assert err.value.article == "Art. 24"
    assert not Decision.objects.exists()


# --- 一站式 centre ---


def _fang(t: Any, route: Any = None) -> services.Triage:
    return services.Triage(
        kind="petition",
        summary="小区噪音扰民",
        intake=h.visit_intake(),
        route_to=route,
    )


def test_triage_fang_registers_a_petition_at_the_centres_unit_and_routes_it_to_the_stationed_department(personas, tree):
    p = personas
    centre, window = h.centre(p, tree)
    before = Petition.objects.count()
    record = services.centre_triage(actor=p.registrar_a, window=window, triage=_fang(tree, tree.housing))
    assert Petition.objects.count() == before + 1
    petition = record.petition
    assert petition is not None
    assert petition.registering_unit == tree.county_dept == centre.unit
    assert petition.channel == "visit"
    assert petition.state == State.PENDING_ACCEPTANCE and petition.current_unit == tree.housing
    assert record.window == window and record.routed_to == tree.housing and record.kind == "petition"
    assert list(PetitionEvent.objects.filter(petition=petition).order_by("id").values_list("action", flat=True)) == [
        Action.REGISTER,
        Action.FORWARD,
    ]


def test_triage_fang_only_routes_to_a_stationed_department(personas, tree):
    p = personas
    _centre, window = h.centre(p, tree)
    before = Petition.objects.count()
    with pytest.raises(InvalidInput) as err:
        services.centre_triage(actor=p.registrar_a, window=window, triage=_fang(tree, tree.environment))
    assert err.value.field == "route_to" and Petition.objects.count() == before


def test_triage_su_creates_a_mediation_referral_and_registers_no_petition_art_28(personas, tree):
    p = personas
    centre, window = h.centre(p, tree)
    before = Petition.objects.count()
    record = services.centre_triage(
        actor=p.registrar_a,
        window=window,
        triage=services.Triage(
            kind="litigation",
            summary="邻里房屋买卖合同纠纷",
            reason="民事合同纠纷，属诉讼类",
            litigation_route="mediation",
            parties_summary="买方张某与卖方李某",
            mediator_org="A1区人民调解委员会",
        ),
    )
    assert Petition.objects.count() == before
    referral = MediationReferral.objects.get(intake=record)
    assert (referral.centre, referral.status, referral.mediator_org) == (
        centre,
        MediationStatus.REFERRED,
        "A1区人民调解委员会",
    )
    assert record.petition is None and record.kind == "litigation" and record.window == window


def test_triage_su_guided_to_court_is_recorded_without_a_referral(personas, tree):
    p = personas
    _centre, window = h.centre(p, tree)
    with pytest.raises(InvalidInput):
        services.centre_triage(
            actor=p.registrar_a,
            window=window,
            triage=services.Triage(kind="litigation", summary="离婚纠纷", litigation_route="court"),
        )
    record = services.centre_triage(
        actor=p.registrar_a,
        window=window,
        triage=services.Triage(
            kind="litigation", summary="离婚纠纷", litigation_route="court", guidance="向A1区人民法院起诉"
        ),
    )
    assert record.guidance == "向A1区人民法院起诉" and not MediationReferral.objects.exists()


def test_only_a_registrar_of_the_centres_unit_takes_matters_in(personas, tree):
    p = personas
    _centre, window = h.centre(p, tree)
    for actor in (p.handler_b, p.supervisor, p.outsider):
        with pytest.raises(NotPermitted):
            services.centre_triage(actor=actor, window=window, triage=_fang(tree))
    assert not Intake.objects.exists()


def test_mediation_agreement_is_recorded_with_text_and_date(personas, tree):
    p = personas
    centre, _window = h.centre(p, tree)
    referral = services.mediation_refer(
        actor=p.registrar_a,
        centre=centre,
        matter="租金纠纷",
        parties_summary="房东王某、租客赵某",
        mediator_org="A1区人民调解委员会",
    )
    with pytest.raises(InvalidInput) as err:
        services.mediation_record_outcome(
            actor=p.registrar_a, referral=referral, reached=True, concluded_on=timeutil.today()
        )
    assert err.value.field == "agreement_text"
    done = services.mediation_record_outcome(
        actor=p.registrar_a,
        referral=referral,
        reached=True,
        agreement_text="租客于月底前补交租金",
        concluded_on=timeutil.today(),
    )
    assert (done.status, done.agreement_text, done.concluded_on, done.outcome_by) == (
        MediationStatus.AGREED,
        "租客于月底前补交租金",
        timeutil.today(),
        p.registrar_a,
    )
    with pytest.raises(RuleViolation):
        services.mediation_record_outcome(
            actor=p.registrar_a, referral=referral, reached=False, concluded_on=timeutil.today()
        )


def test_joint_session_has_several_departments_and_turns_decisions_into_assignments(personas, tree):
    p = personas
    centre, _window = h.centre(p, tree)
    petition, _ = register(p.registrar_a)
    with pytest.raises(InvalidInput):
        services.joint_session_record(
            actor=p.registrar_a,
            centre=centre,
            held_on=timeutil.today(),
            led_by="区信访局局长",
            matter="噪音",
            departments=[tree.housing],
            outcome="x",
        )
    session, rows = services.joint_session_record(
        actor=p.registrar_a,
        centre=centre,
        held_on=timeutil.today(),
        led_by="区信访局局长",
        matter="搅拌站噪音",
        departments=[tree.housing, tree.environment],
        outcome="住建局责令限时停工，生态环境局监测",
        petition=petition,
        assignments=[services.AssignmentSpec(tree.housing, h.days(7), "责令停止夜间施工")],
    )
    assert set(session.departments.all()) == {tree.housing, tree.environment}
    assert [(a.source, a.source_id, a.unit, a.matter) for a in rows] == [
        (AssignmentSource.JOINT_SESSION, session.pk, tree.housing, "责令停止夜间施工")
    ]
    line = PetitionEvent.objects.get(petition=petition, action=Action.RECEIVE)
    assert line.data["ref"] == f"joint_session:{session.pk}" and line.data["leader"] == "区信访局局长"


# --- grassroots ---


def test_household_visit_matter_enters_the_same_intake(personas, tree):
    p = personas
    pt = h.point(p, tree)
    visit = services.household_visit_record(
        actor=p.registrar_a,
        point=pt,
        visited_on=timeutil.today(),
        place="丽发新城3栋",
        outcome="registered",
        intake=h.visit_intake(title="楼上漏水物业不处理"),
    )
    petition = visit.petition
    assert petition is not None
    assert petition.registering_unit == tree.county_dept and petition.channel == "visit"
    assert petition.number.startswith(f"{tree.county_dept.code}-")  # the unit's own 编号 sequence
    assert Clock.objects.filter(petition=petition, kind=ClockKind.ROUTE, stopped_on__isnull=True).exists()  # Art. 22
    assert PetitionEvent.objects.filter(petition=petition, action=Action.REGISTER, actor=p.registrar_a).exists()


def test_household_visit_matter_resolved_on_the_spot_registers_nothing(personas, tree):
    p = personas
    pt = h.point(p, tree)
    before = Petition.objects.count()
    with pytest.raises(InvalidInput) as err:
        services.household_visit_record(
            actor=p.registrar_a,
            point=pt,
            visited_on=timeutil.today(),
            place="3栋",
            outcome="resolved",
            findings="邻里停车纠纷",
        )
    assert err.value.field == "resolution"
    visit = services.household_visit_record(
        actor=p.registrar_a,
        point=pt,
        visited_on=timeutil.today(),
        place="3栋",
        outcome="resolved",
        findings="邻里停车纠纷",
        resolution="当场协调划定车位",
    )
    assert visit.petition is None and Petition.objects.count() == before
    assert HouseholdVisit.objects.get().resolution == "当场协调划定车位"


def test_household_visit_is_recorded_by_the_points_own_staff(personas, tree):
    p = personas
    pt = h.point(p, tree)
    with pytest.raises(NotPermitted):
        services.household_visit_record(
            actor=p.handler_b, point=pt, visited_on=timeutil.today(), place="3栋", outcome="nothing"
        )


def test_follow_up_visit_records_the_view_on_the_petition_timeline(personas, tree):
    p = personas
    petition, _ = register(p.registrar_a)
    to_replied(p, petition)
    pt = h.point(p, tree)
    row = services.follow_up_visit_record(
        actor=p.registrar_a,
        petition=petition,
        visited_on=timeutil.today(),
        view="basically",
        view_text="噪音已减小，希望持续监管",
        point=pt,
    )
    line = PetitionEvent.objects.get(petition=petition, action=Action.FOLLOW_UP_VISIT)
    assert line.data == {"on": timeutil.today().isoformat(), "view": "basically", "ref": f"joint_follow_up:{row.pk}"}
    assert line.note == "噪音已减小，希望持续监管" and line.is_public


def test_follow_up_visit_only_after_the_reply(personas, tree):
    p = personas
    petition, _ = register(p.registrar_a)
    to_handling(p, petition)
    with pytest.raises(IllegalTransition):
        services.follow_up_visit_record(
            actor=p.registrar_a, petition=petition, visited_on=timeutil.today(), view="satisfied"
        )
    assert not FollowUpVisit.objects.exists()


# --- visibility ---


def test_conferences_are_visible_to_their_unit_members_and_overseers_above_only(personas, tree):
    p = personas
    conf = h.conference(p, tree)  # members: city housing, county gov, county housing, environment
    assert list(selectors.conferences_visible_to(p.supervisor)) == [conf]
    assert list(selectors.conferences_visible_to(p.handler_b)) == [conf]  # a member unit
    assert list(selectors.conferences_visible_to(p.outsider)) == []
    assert list(selectors.conferences_visible_to(p.registrar_a)) == []  # not a member, oversees only its county
    province_analyst = make_user("analyst", tree.province_dept, Role.ANALYST)
    assert list(selectors.conferences_visible_to(province_analyst)) == [conf]


def test_centres_are_visible_to_their_unit_stationed_departments_and_overseers_only(personas, tree):
    p = personas
    centre, _window = h.centre(p, tree)  # run by A1区信访局, 住建局 and 政法委 stationed
    for user in (p.registrar_a, p.handler_b, p.legal, p.supervisor):
        assert list(selectors.centres_visible_to(user)) == [centre], user
    for user in (p.outsider, p.accused, p.discipline):
        assert list(selectors.centres_visible_to(user)) == [], user


def test_agenda_petition_is_shown_only_to_those_who_may_see_the_petition_art_30(personas, tree):
    p = personas
    accusation, _ = register(p.registrar_a, nature="accusation", accused_unit=tree.environment, title="反映生态环境局")
    m = h.meeting(p, h.conference(p, tree))
    item = h.petition_item(p, m, accusation)
    assert selectors.visible_petition_ids(p.supervisor, [item.petition_id]) == {accusation.pk}
    assert selectors.visible_petition_ids(p.accused, [item.petition_id]) == set()  # a member, but the accused


def test_joint_records_about_an_accusation_are_hidden_from_the_accused_side(personas, tree):
    """Art. 30 ¶3: a 回访 on an accusation against the A1区 government is not listed to that government."""
    p = personas
    accusation, _ = register(p.registrar_a, nature="accusation", accused_unit=tree.county)
    appeal, _ = register(p.registrar_a)
    rows = [
        FollowUpVisit.objects.create(
            petition=petition,
            unit=tree.county_dept,
            unit_path=tree.county_dept.path,
            visited_on=timeutil.today(),
            view="satisfied",
            visited_by=p.registrar_a,
            created_at=timeutil.now(),
        )
        for petition in (accusation, appeal)
    ]
    accused_leader = make_user("a1_gov_leader", tree.county, Role.LEADER)  # oversees A1区, the accused government
    assert list(selectors.follow_ups_visible_to(accused_leader).order_by("id")) == [rows[1]]
    assert list(selectors.follow_ups_visible_to(p.registrar_a).order_by("id")) == rows


def test_follow_up_filter_is_one_rule_for_page_and_api(personas, tree):
    """``selectors.filter_follow_up``: the API refuses an unknown value at ``follow_up``; the page ignores it."""
    p = personas
    m = h.meeting(p, h.conference(p, tree))
    item = services.agenda_item_add(actor=p.supervisor, meeting=m, kind="hot_issue", title="物业收费纠纷集中")
    start = timeutil.today()
    with on(start):
        d_done, (a1,) = services.decision_record(
            actor=p.supervisor,
            item=item,
            text="住建局出台指导价",
            assignments=[services.AssignmentSpec(tree.housing, start + dt.timedelta(days=3))],
        )
        d_late, _rows = services.decision_record(
            actor=p.supervisor,
            item=item,
            text="生态环境局排查",
            assignments=[services.AssignmentSpec(tree.environment, start + dt.timedelta(days=3))],
        )
        d_open, _rows = services.decision_record(
            actor=p.supervisor,
            item=item,
            text="市住建局督导",
            assignments=[services.AssignmentSpec(tree.city_housing, start + dt.timedelta(days=30))],
        )
        services.joint_assignment_complete(actor=p.handler_b, assignment=a1, result="指导价已发布")
    with on(start + dt.timedelta(days=10)):
        qs = selectors.decisions_visible_to(p.supervisor)
        got = {
            state: {d.pk for d in selectors.filter_follow_up(qs, state)} for state in ("", "open", "overdue", "done")
        }
        with pytest.raises(InvalidInput) as err:
            selectors.filter_follow_up(qs, "late")
        api = APIClient()
        api.force_authenticate(p.supervisor)
        r = api.get("/api/v1/joint/decisions/?follow_up=late")
        listed = {d["id"] for d in api.get("/api/v1/joint/decisions/?follow_up=open").json()["results"]}
        c = Client()
        c.force_login(p.supervisor)
        page = c.get(reverse("joint:decisions") + "?follow_up=late")
    assert got == {
        "": {d_done.pk, d_late.pk, d_open.pk},
        "open": {d_late.pk, d_open.pk},
        "overdue": {d_late.pk},
        "done": {d_done.pk},
    }
    assert err.value.field == "follow_up"
    assert r.status_code == 400 and r.json()["field"] == "follow_up"
    assert listed == {d_late.pk, d_open.pk}
    assert page.status_code == 200 and len(page.context["decisions"]) == 3
