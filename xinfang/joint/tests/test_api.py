"""API flows beyond the permission table: Art. 24 carried out by a superior outside the conference, masking."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from xinfang.core import timeutil
from xinfang.joint import services
from xinfang.joint.tests import helpers as h
from xinfang.petitions.models import Petition, RoutingMode
from xinfang.petitions.services import petition_escalate_dispute
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_art_24_common_superior_outside_the_conference_carries_out_its_decision(personas, tree):
    p = personas
    conf = services.conference_create(
        actor=p.supervisor, unit=tree.city_dept, name="A市联席会议", members=[tree.housing]
    )
    m = h.meeting(p, conf)
    petition, _ = register(p.registrar_a)
    petition_escalate_dispute(
        petition=petition, actor=p.registrar_a, units=[tree.housing, tree.environment], reason="争议"
    )
    item = h.petition_item(p, m, petition)
    r = api(p.supervisor).post(
        f"/api/v1/joint/agenda-items/{item.pk}/jurisdiction/", {"to_unit": tree.housing.pk}, format="json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["follow_up"] == "open" and r.json()["assignments"][0]["unit"]["id"] == tree.county.pk
    assert api(p.county_head).get(f"/api/v1/joint/meetings/{m.pk}/").status_code == 404  # not a member
    r = api(p.county_head).post(f"/api/v1/joint/agenda-items/{item.pk}/jurisdiction/carry-out/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["follow_up"] == "done"
    petition = Petition.objects.get(pk=petition.pk)
    assert petition.current_unit == tree.housing and petition.routing_mode == RoutingMode.DECIDED


def test_meeting_detail_masks_a_petition_the_member_may_not_see(personas, tree):
    p = personas
    m = h.meeting(p, h.conference(p, tree))
    petition, _ = register(p.registrar_a)  # registered at A, held there: unit B (a member) is not involved
    h.petition_item(p, m, petition)
    seen = api(p.supervisor).get(f"/api/v1/joint/meetings/{m.pk}/").json()["items"][0]
    hidden = api(p.handler_b).get(f"/api/v1/joint/meetings/{m.pk}/").json()["items"][0]
    assert seen["petition"]["number"] == petition.number and seen["has_petition"]
    assert hidden["petition"] is None and hidden["has_petition"] and hidden["title"] == petition.title


def test_triage_api_registers_a_petition_type_matter(personas, tree):
    p = personas
    _centre, window = h.centre(p, tree)
    r = api(p.registrar_a).post(
        "/api/v1/joint/intakes/",
        {
            "window": window.pk,
            "kind": "petition",
            "summary": "噪音扰民",
            "petition": {"title": "噪音扰民", "request": "请整治", "petitioners": [{"name": "张三"}]},
            "route_to": tree.housing.pk,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["petition"]["number"].startswith(tree.county_dept.code) and body["routed_to"]["id"] == tree.housing.pk
    assert body["window"]["is_universal"] and body["kind"] == "petition"
    assert timeutil.today().isoformat() == body["taken_on"]
