"""The staff pages at /workbench/joint/: they render, refuse who may not see, and drive the same services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from xinfang.core import timeutil
from xinfang.joint import services
from xinfang.joint.models import FollowUpVisit, HouseholdVisit, Intake, MediationReferral
from xinfang.joint.tests import helpers as h
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.petitions.tests.helpers import register, to_replied
from xinfang.petitions.workflow import Action
from xinfang.supervision.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def world(personas: Any, tree: Any) -> dict[str, Any]:
    p = personas
    conf = h.conference(p, tree)
    m = h.meeting(p, conf)
    petition, _ = register(p.registrar_a)
    item = h.petition_item(p, m, petition)
    services.decision_record(
        actor=p.supervisor,
        item=item,
        text="住建局限期整改",
        assignments=[services.AssignmentSpec(tree.housing, h.days(5))],
    )
    centre, window = h.centre(p, tree)
    point = h.point(p, tree)
    referral = services.mediation_refer(
        actor=p.registrar_a, centre=centre, matter="租金纠纷", parties_summary="甲乙", mediator_org="人民调解委员会"
    )
    return {
        "conf": conf,
        "meeting": m,
        "item": item,
        "centre": centre,
        "window": window,
        "point": point,
        "referral": referral,
    }


def test_every_page_renders_for_the_staff_who_run_it(personas, world):
    pages = [
        reverse("joint:index"),
        reverse("joint:conferences"),
        reverse("joint:conference", args=[world["conf"].pk]),
        reverse("joint:meeting", args=[world["meeting"].pk]),
        reverse("joint:decisions"),
        reverse("joint:decisions") + "?follow_up=overdue",
        reverse("joint:centres"),
        reverse("joint:centre", args=[world["centre"].pk]),
        reverse("joint:sessions", args=[world["centre"].pk]),
        reverse("joint:mediations"),
        reverse("joint:mediation", args=[world["referral"].pk]),
        reverse("joint:grassroots"),
        reverse("joint:follow_ups"),
    ]
    for user in (personas.supervisor, personas.registrar_a):
        c = client_for(user)
        for url in pages:
            if user == personas.registrar_a and ("conference" in url or "meeting" in url):
                continue  # not a member of the city conference
            response = c.get(url)
            assert response.status_code == 200, (user, url)


def test_pages_hide_records_from_units_that_may_not_see_them(personas, world):
    c = client_for(personas.outsider)
    for url in (
        reverse("joint:conference", args=[world["conf"].pk]),
        reverse("joint:meeting", args=[world["meeting"].pk]),
        reverse("joint:centre", args=[world["centre"].pk]),
        reverse("joint:sessions", args=[world["centre"].pk]),
        reverse("joint:mediation", args=[world["referral"].pk]),
    ):
        assert c.get(url).status_code == 404, url
    assert Client().get(reverse("joint:index")).status_code == 302  # to the login page


def test_intake_window_page_triages_a_petition_type_matter(personas, tree, world):
    c = client_for(personas.registrar_a)
    response = c.post(
        reverse("joint:centre", args=[world["centre"].pk]),
        {
            "window": world["window"].pk,
            "kind": "petition",
            "summary": "物业不维修电梯",
            "title": "电梯长期故障",
            "request": "请督促物业维修电梯",
            "name": "王五",
            "route_to": tree.housing.pk,
        },
    )
    assert response.status_code == 302
    record = Intake.objects.get()
    assert record.petition is not None and record.petition.registering_unit == tree.county_dept
    assert record.routed_to == tree.housing


def test_intake_window_page_shows_the_services_refusal_at_the_field(personas, world):
    c = client_for(personas.registrar_a)
    response = c.post(
        reverse("joint:centre", args=[world["centre"].pk]),
        {"window": world["window"].pk, "kind": "litigation", "summary": "借款纠纷", "litigation_route": "court"},
    )
    assert response.status_code == 200
    assert not Intake.objects.exists()
    assert "id_guidance_error" in response.content.decode()


def test_meeting_page_records_a_decision_with_an_assignment(personas, tree, world):
    c = client_for(personas.supervisor)
    item = world["item"]
    response = c.post(
        reverse("joint:meeting", args=[world["meeting"].pk]),
        {
            "action": "decision",
            "item": item.pk,
            f"d{item.pk}-text": "生态环境局配合监测",
            f"d{item.pk}-due": h.days(10).isoformat(),
            f"d{item.pk}-units": [tree.environment.pk],
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(unit=tree.environment, due=h.days(10)).exists()


def test_decisions_page_lets_the_responsible_unit_report_done(personas, tree, world):
    assignment = Assignment.objects.get(unit=tree.housing)
    c = client_for(personas.handler_b)
    response = c.post(reverse("joint:assignment_complete", args=[assignment.pk]), {"result": "已整改"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.done_on == timeutil.today() and assignment.result == "已整改"


def test_grassroots_page_registers_a_matter_found_on_a_visit(personas, tree, world):
    c = client_for(personas.registrar_a)
    before = Petition.objects.count()
    response = c.post(
        reverse("joint:grassroots"),
        {
            "point": world["point"].pk,
            "visited_on": timeutil.today().isoformat(),
            "place": "丽发新城5栋",
            "outcome": "registered",
            "title": "楼道堆物",
            "request": "请清理楼道堆物",
            "name": "赵六",
        },
    )
    assert response.status_code == 302
    assert Petition.objects.count() == before + 1
    assert HouseholdVisit.objects.get().petition.channel == "visit"


def test_follow_up_page_records_the_view_on_the_timeline(personas, tree, world):
    petition, _ = register(personas.registrar_a)
    to_replied(personas, petition)
    c = client_for(personas.registrar_a)
    response = c.post(
        reverse("joint:follow_ups"),
        {"petition": petition.number, "visited_on": timeutil.today().isoformat(), "view": "satisfied"},
    )
    assert response.status_code == 302
    assert FollowUpVisit.objects.filter(petition=petition, view="satisfied").exists()
    assert PetitionEvent.objects.filter(petition=petition, action=Action.FOLLOW_UP_VISIT).exists()


def test_mediation_page_records_an_agreement(personas, world):
    c = client_for(personas.registrar_a)
    referral = world["referral"]
    response = c.post(
        reverse("joint:mediation", args=[referral.pk]),
        {"reached": "1", "agreement_text": "分期支付", "concluded_on": timeutil.today().isoformat()},
    )
    assert response.status_code == 302
    referral = MediationReferral.objects.get(pk=referral.pk)
    assert referral.status == "agreed" and referral.agreement_text == "分期支付"


def test_assignment_status_reads_the_same_on_the_pages_and_in_the_api(personas, tree):
    """Done, overdue or open: one rule (``selectors.assignment_status``) for the decisions and sessions pages and
    the API."""
    p = personas
    m = h.meeting(p, h.conference(p, tree))
    item = services.agenda_item_add(actor=p.supervisor, meeting=m, kind="hot_issue", title="物业收费纠纷集中")
    _decision, rows = services.decision_record(
        actor=p.supervisor,
        item=item,
        text="限期规范物业收费",
        assignments=[
            services.AssignmentSpec(tree.housing, h.days(1)),
            services.AssignmentSpec(tree.city_housing, h.days(1)),
            services.AssignmentSpec(tree.environment, h.days(10)),
        ],
    )
    done = next(a for a in rows if a.unit == tree.housing)
    services.joint_assignment_complete(actor=p.handler_b, assignment=done, result="已规范")
    centre, _window = h.centre(p, tree)
    services.joint_session_record(
        actor=p.registrar_a,
        centre=centre,
        held_on=timeutil.today(),
        led_by="区信访局",
        matter="联合接访：电梯故障",
        departments=[tree.housing, tree.legal],
        outcome="分工处理",
        assignments=[
            services.AssignmentSpec(tree.housing, h.days(1), "维修电梯"),
            services.AssignmentSpec(tree.legal, h.days(10), "法律释明"),
        ],
    )
    later = dt.datetime.combine(h.days(3), dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(later, tick=False):
        api = APIClient()
        api.force_authenticate(p.supervisor)
        body = api.get("/api/v1/joint/decisions/").json()["results"][0]
        assert body["follow_up"] == "overdue"
        assert {a["unit"]["id"]: a["status"] for a in body["assignments"]} == {
            tree.housing.pk: "done",
            tree.city_housing.pk: "overdue",
            tree.environment.pk: "open",
        }
        html = client_for(p.supervisor).get(reverse("joint:decisions")).content.decode()
        assert html.count("status status-overdue") == 2  # the decision's follow-up and its overdue assignment
        html = client_for(p.registrar_a).get(reverse("joint:sessions", args=[centre.pk])).content.decode()
        assert html.count("status status-overdue") == 1  # 维修电梯 is past its deadline, 法律释明 is not
