"""Cases are visible to those who can see the petition and to the leader in charge; nobody else (404)."""

from __future__ import annotations

import pytest
from django.http import Http404

from xinfang.casework.selectors import case_get_visible, cases_visible_to
from xinfang.casework.tests.helpers import case_in_charge, open_case, petition_received, registered

pytestmark = pytest.mark.django_db


def test_an_outsider_cannot_see_a_case(personas, client):
    case = open_case(personas, petition_received(personas, 200))
    assert list(cases_visible_to(personas.outsider)) == []
    with pytest.raises(Http404):
        case_get_visible(personas.outsider, case.pk)
    client.force_login(personas.outsider)
    assert client.get(f"/api/v1/casework/cases/{case.pk}/").status_code == 404
    assert client.get(f"/workbench/casework/{case.pk}/").status_code == 404
    assert client.get("/api/v1/casework/cases/").json()["results"] == []


def test_those_who_see_the_petition_see_the_case(personas):
    case = open_case(personas, petition_received(personas, 200))
    for user in (personas.registrar_a, personas.handler_b, personas.supervisor):
        assert case_get_visible(user, case.pk) == case


def test_the_leader_in_charge_sees_the_case_outside_their_scope(personas, far_leader):
    petition = petition_received(personas, 200)
    case = case_in_charge(personas, petition, far_leader)
    assert case_get_visible(far_leader, case.pk) == case


def test_the_accused_side_never_sees_an_accusation_case(personas):
    petition = registered(personas, nature="accusation", accused_unit=personas.accused.unit)
    case = open_case(personas, petition)
    assert case_get_visible(personas.supervisor, case.pk) == case
    with pytest.raises(Http404):
        case_get_visible(personas.accused, case.pk)
