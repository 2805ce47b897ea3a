"""The leader's desk page composes my reception days, my appointments, my 包案 cases and my unit's assignments."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_user
from xinfang.casework.tests.helpers import TODAY, case_in_charge, on, petition_received
from xinfang.orgs.models import Role
from xinfang.supervision.assignments import assignment_create
from xinfang.supervision.models import AssignmentSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(tree):
    return make_user("city_leader", tree.city, Role.LEADER, full_name="陈副市长")


def test_a_baoan_case_shows_on_the_leaders_desk_page(client, personas, leader):
    petition = petition_received(personas, 200, title="老旧小区加装电梯补贴未兑现")
    case_in_charge(personas, petition, leader)
    client.force_login(leader)
    with on(TODAY):
        page = client.get("/workbench/desk/")
    assert page.status_code == 200
    html = page.content.decode()
    assert petition.number in html and "老旧小区加装电梯补贴未兑现" in html


def test_another_leader_does_not_see_my_case_on_their_desk(client, personas, leader, tree):
    petition = petition_received(personas, 200, title="老旧小区加装电梯补贴未兑现")
    case_in_charge(personas, petition, leader)
    other = make_user("a2_leader", tree.county2, Role.LEADER, full_name="林区长")
    client.force_login(other)
    with on(TODAY):
        page = client.get("/workbench/desk/")
    assert page.status_code == 200  # their own desk rendered: the absence below is not a refusal page
    html = page.content.decode()
    assert petition.number not in html


def test_work_assigned_to_my_unit_shows_with_its_deadline(client, personas, tree):
    with on(TODAY):
        assignment_create(
            actor=personas.supervisor,
            source=AssignmentSource.JOINT_MEETING,
            source_id=1,
            matter="核实加装电梯补贴发放情况",
            unit=tree.housing,
            due=TODAY + dt.timedelta(days=3),
        )
        client.force_login(personas.head_b)
        html = client.get("/workbench/desk/").content.decode()
    assert "核实加装电梯补贴发放情况" in html and (TODAY + dt.timedelta(days=3)).isoformat() in html


def test_the_desk_needs_a_staff_login(client):
    assert client.get("/workbench/desk/").status_code in (302, 403)
