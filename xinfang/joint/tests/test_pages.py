"""The staff pages at /workbench/joint/: they render, refuse who may not see, and drive the same services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

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
