"""Workbench forms for every proposal action call the same services as the API; refusals come back at the field
with the service's status; rewards and commendations are recorded by staff and shown on the public page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import Personas, Tree
from xinfang.core import timeutil
from xinfang.orgs.models import User
from xinfang.proposals.models import Call, Commendation, Proposal
from xinfang.proposals.tests.helpers import submit
from xinfang.proposals.workflow import State

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _act(user: User, p: Proposal, action: str, data: dict[str, object]) -> Any:
    return _client(user).post(
        reverse("proposals:act", args=[p.pk, action]), {f"{action}-{k}": v for k, v in data.items()}
    )


def test_refer_decide_implement_commend_through_the_workbench(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    assert (
        'id="action-refer"'
        in _client(personas.registrar_a).get(reverse("proposals:detail", args=[p.pk])).content.decode()
    )
    assert _act(personas.registrar_a, p, "refer", {"to_unit": tree.housing.pk}).status_code == 302
    assert _act(personas.head_b, p, "decide", {"outcome": "adopted", "reason": "可行"}).status_code == 302
    assert _act(personas.handler_b, p, "implement", {"feedback": "已增设站点"}).status_code == 302
    r = _act(
        personas.head_b, p, "commend", {"kind": "reward", "given_on": timeutil.today().isoformat(), "text": "金点子奖"}
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.state, p.outcome, p.implementation) == (State.IMPLEMENTED, "adopted", "已增设站点")
    c = Commendation.objects.get(proposal=p)
    assert (c.kind, c.text, c.recorded_by) == ("reward", "金点子奖", personas.head_b)


def test_a_refused_action_comes_back_at_its_form_with_the_services_status(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    _act(personas.registrar_a, p, "refer", {"to_unit": tree.housing.pk})
    r = _act(personas.handler_b, p, "decide", {"outcome": "adopted", "reason": "可行"})  # a handler may not decide
    assert r.status_code == 403
    r = _act(personas.head_b, p, "decide", {"outcome": "maybe", "reason": "可行"})
    assert r.status_code == 400 and "outcome" in r.context["action_forms"][0][1].errors
    r = _act(personas.registrar_a, p, "refer", {"to_unit": tree.housing.pk})  # already referred
    assert r.status_code == 409
    assert _act(personas.registrar_a, p, "nonsense", {}).status_code == 404
    assert _act(personas.outsider, p, "refer", {"to_unit": tree.housing.pk}).status_code == 404
    p.refresh_from_db()
    assert p.state == State.REFERRED


def test_a_commendation_dated_in_the_future_is_refused_at_the_date(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    _act(personas.registrar_a, p, "refer", {"to_unit": tree.housing.pk})
    _act(personas.head_b, p, "decide", {"outcome": "adopted", "reason": "可行"})
    tomorrow = (timeutil.today() + dt.timedelta(days=1)).isoformat()
    r = _act(personas.head_b, p, "commend", {"kind": "reward", "given_on": tomorrow, "text": "奖"})
    assert r.status_code == 400
    assert not Commendation.objects.exists()


def test_commendation_through_the_api_and_on_the_public_page_if_public(tree: Tree, personas: Personas) -> None:
    api = APIClient()
    shown, hidden = (
        submit(tree.county_dept, title="公开建议"),
        submit(tree.county_dept, title="私下建议", is_public=False),
    )
    for p in (shown, hidden):
        _act(personas.registrar_a, p, "refer", {"to_unit": tree.housing.pk})
        _act(personas.head_b, p, "decide", {"outcome": "adopted", "reason": "可行"})
    api.force_authenticate(personas.head_b)
    for p, text in ((shown, "授予年度金点子奖"), (hidden, "私下表彰")):
        r = api.post(f"/api/v1/proposals/{p.pk}/commend/", {"kind": "commendation", "text": text})
        assert r.status_code == 200 and r.json()["commendations"][0]["text"] == text
    r = api.post(f"/api/v1/proposals/{shown.pk}/commend/", {"kind": "medal", "text": "x"})
    assert r.status_code == 400 and "kind" in str(r.json())
    html = Client().get(reverse("proposals:adopted")).content.decode()
    assert "授予年度金点子奖" in html and "私下表彰" not in html


def test_staff_publish_a_call_from_the_desk(tree: Tree, personas: Personas) -> None:
    client = _client(personas.handler_b)
    today = timeutil.today()
    data = {"call-topic": "老旧小区改造", "call-opens_on": today.isoformat(), "call-closes_on": today.isoformat()}
    assert client.post(reverse("proposals:call_new"), data).status_code == 302
    assert Call.objects.get().unit == tree.housing
    bad = {**data, "call-closes_on": (today - dt.timedelta(days=1)).isoformat()}
    r = client.post(reverse("proposals:call_new"), bad)
    assert r.status_code == 400 and "closes_on" in r.context["call_form"].errors


def test_nav_links_to_the_proposal_pages(tree: Tree, personas: Personas) -> None:
    desk = _client(personas.registrar_a).get(reverse("proposals:desk")).content.decode()
    assert f'href="{reverse("proposals:desk")}"' in desk
    portal = Client().get(reverse("proposals:adopted")).content.decode()
    assert f'href="{reverse("proposals:calls")}"' in portal
