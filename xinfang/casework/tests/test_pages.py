"""Staff pages under /workbench/casework/: board, case page and its forms, marking, my cases, schedules."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.casework.models import BacklogCase, CaseStatus, WeeklySchedule
from xinfang.casework.schedule import weekly_schedules_build
from xinfang.casework.tests.helpers import TODAY, case_in_charge, on, open_case, petition_received
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db


def test_board_page_shows_counts_and_the_list(personas, client):
    case = open_case(personas, petition_received(personas, 400))
    client.force_login(personas.supervisor)
    with on(TODAY):
        page = client.get("/workbench/casework/")
        filtered = client.get("/workbench/casework/", {"age": "1to2y"})
        bad = client.get("/workbench/casework/", {"from": "not-a-date"})
    assert page.status_code == 200
    assert case.petition.number in page.content.decode()
    assert case.petition.number in filtered.content.decode()
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.content.decode()


def test_citizens_are_refused_and_anonymous_users_sent_to_log_in(personas, client, django_user_model):
    assert client.get("/workbench/casework/").status_code == 302
    citizen = django_user_model.objects.create_user(username="citizen", password="x-pw-123456")
    client.force_login(citizen)
    assert client.get("/workbench/casework/").status_code == 403


def test_mark_page_marks_a_petition(personas, client):
    petition = petition_received(personas, 30)
    client.force_login(personas.supervisor)
    with on(TODAY):
        form = client.get("/workbench/casework/mark/", {"petition": petition.number})
        response = client.post(
            "/workbench/casework/mark/", {"petition": petition.number, "kind": "key", "reason": "媒体关注"}
        )
        missing = client.post("/workbench/casework/mark/", {"petition": "NOPE", "kind": "key", "reason": "x"})
    assert form.status_code == 200
    case = BacklogCase.objects.get(petition=petition)
    assert response.status_code == 302 and response["Location"] == f"/workbench/casework/{case.pk}/"
    assert missing.status_code == 400


def test_take_charge_form_on_the_case_page(personas, leader, client):
    case = open_case(personas, petition_received(personas, 200))
    client.force_login(personas.supervisor)
    with on(TODAY):
        page = client.get(f"/workbench/casework/{case.pk}/")
        assert page.status_code == 200 and "陈副市长" in page.content.decode()  # offered as leader
        response = client.post(
            f"/workbench/casework/{case.pk}/take-charge/",
            {"leader": leader.pk, "unit": personas.handler_b.unit_id, "person": "王承办", "note": ""},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_CHARGE and case.leader == leader
    assert PetitionEvent.objects.filter(petition=case.petition, action=Action.TAKE_CHARGE).exists()


def test_a_refused_form_keeps_what_was_typed(personas, leader, client):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    client.force_login(leader)
    with on(TODAY):
        response = client.post(
            f"/workbench/casework/{case.pk}/close/",
            {"outcome": "resolved", "text": "补偿到位", "on": TODAY.isoformat(), "quiet": "quiet", "basis": ""},
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "补偿到位" in body and 'role="alert"' in body


def test_milestone_and_progress_forms_and_report_done(personas, leader, client):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    client.force_login(leader)
    with on(TODAY):
        client.post(
            f"/workbench/casework/{case.pk}/milestones/",
            {
                "what": "司法鉴定",
                "due": (TODAY + dt.timedelta(days=10)).isoformat(),
                "unit": personas.handler_b.unit_id,
            },
        )
        client.post(f"/workbench/casework/{case.pk}/progress/", {"text": "约见信访人"})
    milestone = case.milestones.get()
    client.force_login(personas.handler_b)
    with on(TODAY):
        page = client.get(f"/workbench/casework/{case.pk}/")
        assert "司法鉴定" in page.content.decode() and "约见信访人" in page.content.decode()
        done = client.post(f"/workbench/casework/{case.pk}/milestones/{milestone.pk}/complete/", {"result": "鉴定完成"})
    assert done.status_code == 302
    milestone.assignment.refresh_from_db()
    assert milestone.assignment.result == "鉴定完成"


def test_my_cases_and_my_schedule_pages(personas, leader, client):
    case = case_in_charge(personas, petition_received(personas, 200), leader)
    with on(TODAY):
        weekly_schedules_build()
    schedule = WeeklySchedule.objects.get(leader=leader)
    client.force_login(leader)
    with on(TODAY):
        mine = client.get("/workbench/casework/mine/")
        sched = client.get(f"/workbench/casework/schedules/{schedule.pk}/")
    assert case.petition.number in mine.content.decode()
    assert sched.status_code == 200 and case.petition.number in sched.content.decode()
    client.force_login(personas.supervisor)
    assert client.get(f"/workbench/casework/schedules/{schedule.pk}/").status_code == 404
