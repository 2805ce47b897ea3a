"""The staff API under /api/v1/proposals/: visibility, the workflow actions and their 4xx answers."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from conftest import Personas, Tree
from xinfang.orgs.models import User
from xinfang.proposals.models import Proposal
from xinfang.proposals.tests.helpers import days_from_today, submit
from xinfang.proposals.workflow import State

pytestmark = pytest.mark.django_db


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_and_detail_follow_visibility(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    listed = _client(personas.registrar_a).get("/api/v1/proposals/").json()["results"]
    assert [row["number"] for row in listed] == [p.number]
    assert _client(personas.outsider).get("/api/v1/proposals/").json()["results"] == []
    assert _client(personas.outsider).get(f"/api/v1/proposals/{p.pk}/").status_code == 404
    assert _client(personas.registrar_a).get(f"/api/v1/proposals/{p.number}/").json()["state"] == "submitted"


def test_workflow_actions_through_the_api(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    r = _client(personas.registrar_a).post(f"/api/v1/proposals/{p.pk}/refer/", {"to_unit": tree.housing.pk})
    assert r.status_code == 200 and r.json()["state"] == "referred"
    r = _client(personas.handler_b).post(f"/api/v1/proposals/{p.pk}/decide/", {"outcome": "adopted", "reason": "可行"})
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    r = _client(personas.head_b).post(f"/api/v1/proposals/{p.pk}/decide/", {"outcome": "adopted", "reason": "可行"})
    assert r.status_code == 200 and r.json()["outcome"] == "adopted"
    r = _client(personas.head_b).post(f"/api/v1/proposals/{p.pk}/decide/", {"outcome": "adopted", "reason": "可行"})
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    r = _client(personas.handler_b).post(f"/api/v1/proposals/{p.pk}/implement/", {"feedback": "已落实"})
    assert r.status_code == 200
    assert Proposal.objects.get(pk=p.pk).state == State.IMPLEMENTED


def test_bad_input_answers_400_naming_the_field(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    r = _client(personas.registrar_a).post(f"/api/v1/proposals/{p.pk}/refer/", {"to_unit": 999999})
    assert r.status_code == 400 and "to_unit" in r.json()
    services_ok = _client(personas.registrar_a).post(f"/api/v1/proposals/{p.pk}/refer/", {"to_unit": tree.housing.pk})
    assert services_ok.status_code == 200
    r = _client(personas.head_b).post(f"/api/v1/proposals/{p.pk}/decide/", {"outcome": "support", "reason": "x"})
    assert r.status_code == 400 and "outcome" in r.json()


def test_citizens_and_anonymous_users_are_refused(tree: Tree) -> None:
    citizen = User.objects.create_user(username="citizen", password="pw-xinfang-test")
    assert _client(citizen).get("/api/v1/proposals/").status_code == 403
    assert APIClient().get("/api/v1/proposals/").status_code in (401, 403)


def test_a_unit_publishes_a_call(tree: Tree, personas: Personas) -> None:
    r = _client(personas.handler_b).post(
        "/api/v1/proposals/calls/",
        {"topic": "金点子征集", "opens_on": str(days_from_today(0)), "closes_on": str(days_from_today(-1))},
    )
    assert r.status_code == 400 and r.json().get("field") == "closes_on"
    r = _client(personas.handler_b).post(
        "/api/v1/proposals/calls/",
        {"topic": "金点子征集", "opens_on": str(days_from_today(0)), "closes_on": str(days_from_today(30))},
    )
    assert r.status_code == 201 and r.json()["unit"] == tree.housing.pk
