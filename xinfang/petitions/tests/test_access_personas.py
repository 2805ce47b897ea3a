"""Access with personas: who sees which petition, 404 without an existence oracle, identity masking, and the
accused side that never sees an accusation (Art. 30 ¶3). The status-code table over every endpoint is in
``test_access_permission_matrix``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework.test import APIClient

from conftest import make_user
from xinfang.orgs.models import Role, User
from xinfang.petitions import selectors, services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import ID_OK, register, to_handling

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
MARCH_2 = dt.datetime(2026, 3, 2, 10, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_throttles(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def citizen(db: None) -> User:
    return User.objects.create_user(username="citizen", password="pw-xinfang-test")


@pytest.fixture
def petitions(personas: Any, tree: Any) -> dict[str, Petition]:
    """``at_b``: registered at A, accepted by B. ``at_a2``: registered at A市信访局, forwarded to A2区住建局."""
    p = personas
    with time_machine.travel(MARCH_2, tick=False):
        at_b, _ = register(p.registrar_a)
        to_handling(p, at_b)
        at_a2, _ = register(p.city_dept_head, title="A2区小区电梯停运")
        services.petition_forward(petition=at_a2, actor=p.city_dept_head, to_unit=tree.county2_housing)
    return {"at_b": at_b, "at_a2": at_a2}


# Which petitions each persona sees (``petitions_visible_to``): those its unit registered, holds or held, plus,
# for a petition department or a supervisory role, those of every unit in its area.
VISIBILITY = {
    "registrar_a": {"at_b"},  # A1区信访局: registered it; A2 is outside its area
    "handler_b": {"at_b"},
    "head_b": {"at_b"},
    "supervisor": {"at_b", "at_a2"},  # A市信访局 oversees the whole city
    "city_dept_head": {"at_b", "at_a2"},
    "outsider": {"at_a2"},  # A2区住建局 holds the other one
    "accused": set(),
    "discipline": set(),
    "legal": set(),
    "county_head": set(),  # a government sees what it is given (review, report), not its departments' items
    "county_registrar": set(),
    "city_head": set(),
}


@pytest.mark.parametrize(("persona", "expected"), list(VISIBILITY.items()), ids=list(VISIBILITY))
def test_who_sees_which_petition(personas, petitions, persona, expected):
    user = getattr(personas, persona)
    visible = set(selectors.petitions_visible_to(user).values_list("pk", flat=True))
    assert visible == {petitions[key].pk for key in expected}


def test_citizens_and_anonymous_see_no_petition_in_the_staff_lists(petitions, citizen):
    assert not selectors.petitions_visible_to(AnonymousUser()).exists()
    assert not selectors.petitions_visible_to(citizen).exists()
    assert client_for(None).get("/api/v1/petitions/").status_code == 401
    response = client_for(citizen).get("/api/v1/petitions/")
    assert response.status_code == 200 and response.json()["results"] == []


def test_inbox_holds_only_what_the_unit_holds_now(personas, petitions):
    inbox_b = client_for(personas.handler_b).get("/api/v1/petitions/", {"box": "inbox"}).json()["results"]
    assert [row["number"] for row in inbox_b] == [petitions["at_b"].number]
    inbox_a = client_for(personas.registrar_a).get("/api/v1/petitions/", {"box": "inbox"}).json()["results"]
    assert inbox_a == []  # A registered it and still sees it, but B holds it
    visible_a = client_for(personas.registrar_a).get("/api/v1/petitions/").json()["results"]
    assert [row["number"] for row in visible_a] == [petitions["at_b"].number]


def test_detail_answers_404_for_outsiders_and_for_missing_ids_alike(personas, petitions):
    petition = petitions["at_b"]
    outsider = client_for(personas.outsider)
    answers = [
        outsider.get(f"/api/v1/petitions/{petition.pk}/"),
        outsider.get(f"/api/v1/petitions/{petition.number}/"),
        outsider.get("/api/v1/petitions/99999999/"),
        outsider.get("/api/v1/petitions/990101XFJ-2026-999999/"),
        client_for(personas.accused).get(f"/api/v1/petitions/{petition.pk}/"),
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert len({a.content for a in answers}) == 1  # one and the same body: nothing tells "exists" from "hidden"
    # Acting on it answers the same, and changes nothing.
    assert outsider.post(f"/api/v1/petitions/{petition.pk}/accept/", {}, format="json").status_code == 404
    petition.refresh_from_db()
    assert petition.state == "handling"
    assert client_for(personas.handler_b).get(f"/api/v1/petitions/{petition.number}/").status_code == 200


# ---------------------------------------------------------------- identity masking (Art. 30; Zhejiang Art. 26)

FULL = {"name": "张三", "id_number": ID_OK, "phone": "13812345678", "address": "丽发新城3栋"}
MASKED = {"name": "张*", "id_number": "110***********002X", "phone": "138****5678", "address": ""}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        pytest.param("registrar_a", FULL, id="registrar-of-the-registering-unit-sees-full"),
        pytest.param("handler_b", FULL, id="holder-sees-full"),
        pytest.param("head_b", FULL, id="head-of-the-holder-sees-full"),
        pytest.param("supervisor", MASKED, id="supervisor-sees-masked"),
        pytest.param("city_dept_head", MASKED, id="city-petition-department-sees-masked"),
    ],
)
def test_identity_is_shown_in_full_only_to_the_units_that_contact_the_petitioner(
    personas, petitions, persona, expected
):
    response = client_for(getattr(personas, persona)).get(f"/api/v1/petitions/{petitions['at_b'].pk}/")
    assert response.status_code == 200
    (petitioner,) = response.json()["petitioners"]
    assert {k: petitioner[k] for k in expected} == expected
    if expected is MASKED:
        text = response.content.decode()
        assert ID_OK not in text and "13812345678" not in text and "丽发新城3栋" not in text


def test_the_reviewing_unit_sees_the_identity_it_must_answer(personas, petitions):
    petition = petitions["at_b"]
    services.petition_submit_decision(petition=petition, actor=personas.handler_b, outcome="explain", opinion="核查")
    services.petition_approve_decision(petition=petition, actor=personas.head_b)
    services.petition_request_review(petition=petition, actor=None, reason="不服")
    for persona in ("county_head", "handler_b"):  # the reviewer holds it now; B handled it
        body = client_for(getattr(personas, persona)).get(f"/api/v1/petitions/{petition.pk}/").json()
        assert body["petitioners"][0]["id_number"] == ID_OK, persona
    body = client_for(personas.supervisor).get(f"/api/v1/petitions/{petition.pk}/").json()
    assert body["petitioners"][0]["id_number"] == MASKED["id_number"]


def test_the_list_shows_no_identity_at_all(personas, petitions):
    text = client_for(personas.supervisor).get("/api/v1/petitions/").content.decode()
    assert "张三" not in text and ID_OK not in text and "13812345678" not in text


# ---------------------------------------------------------------- Art. 30 ¶3: never to the accused side


def _accusation_against(p: Any, tree: Any, accused_unit: Any) -> Petition:
    with time_machine.travel(MARCH_2, tick=False):
        petition, _ = register(
            p.registrar_a, nature="accusation", accused_unit=accused_unit, accused_name=accused_unit.name,
            title="反映执法人员收受好处",
        )  # fmt: skip
        services.petition_refer_discipline(petition=petition, actor=p.registrar_a, to_unit=tree.discipline)
    return petition


def _sees(user: User, petition: Petition, today: dt.date) -> dict[str, bool]:
    client = client_for(user)
    with time_machine.travel(dt.datetime.combine(today, dt.time(10), tzinfo=TZ), tick=False):
        listed = {row["number"] for row in client.get("/api/v1/petitions/").json()["results"]}
        inbox = {row["number"] for row in client.get("/api/v1/petitions/", {"box": "inbox"}).json()["results"]}
        overdue = {row["petition"] for row in client.get("/api/v1/clocks/overdue/").json()["results"]}
        soon = {row["petition"] for row in client.get("/api/v1/clocks/due-soon/", {"days": "60"}).json()["results"]}
        detail = client.get(f"/api/v1/petitions/{petition.pk}/").status_code
    return {
        "visible": selectors.petitions_visible_to(user).filter(pk=petition.pk).exists(),
        "listed": petition.number in listed,
        "inbox": petition.number in inbox,
        "overdue": petition.number in overdue,
        "due_soon": petition.number in soon,
        "detail": detail == 200,
    }


def test_accusation_is_never_visible_to_the_accused_unit_art_30_3(personas, tree):
    p = personas
    accusation = _accusation_against(p, tree, tree.environment)
    accused_leader = make_user("env_leader", tree.environment, Role.LEADER, Role.SUPERVISOR)
    overdue_day = dt.date(2026, 3, 20)  # the discipline organ's 15-day notice (due 17 March) is overdue

    # In the supervisor's area, and overdue there:
    seen = _sees(p.supervisor, accusation, overdue_day)
    assert seen["visible"] and seen["listed"] and seen["detail"] and seen["overdue"]
    assert _sees(p.discipline, accusation, overdue_day) == {
        "visible": True, "listed": True, "inbox": True, "overdue": True, "due_soon": False, "detail": True,
    }  # fmt: skip
    nowhere = {"visible": False, "listed": False, "inbox": False, "overdue": False, "due_soon": False, "detail": False}
    for accused in (p.accused, accused_leader):
        assert _sees(accused, accusation, overdue_day) == nowhere, accused.username
        assert _sees(accused, accusation, dt.date(2026, 3, 3)) == nowhere, accused.username


def test_accusation_against_a_government_is_hidden_from_its_overseeing_leader_art_30_3(personas, tree):
    p = personas
    leader = make_user("county_leader", tree.county, Role.LEADER)  # oversees A1区政府 and everything under it
    accusation = _accusation_against(p, tree, tree.county)
    with time_machine.travel(MARCH_2, tick=False):
        ordinary, _ = register(p.registrar_a, title="小区路灯损坏")
        services.petition_forward(petition=ordinary, actor=p.registrar_a, to_unit=tree.discipline)
    overdue_day = dt.date(2026, 3, 20)
    # The leader's area holds both (the control shows the leader would otherwise see such an item) ...
    control = _sees(leader, ordinary, overdue_day)
    assert control["visible"] and control["listed"] and control["overdue"] and control["detail"]
    # ... but the accusation against the leader's own government reaches none of the leader's views.
    assert not any(_sees(leader, accusation, overdue_day).values())
    assert selectors.allowed_actions(leader, accusation) == []
    # The discipline organ under that government keeps it (its duty is to receive accusations).
    assert _sees(p.discipline, accusation, overdue_day)["inbox"]


def test_accusation_against_a_staff_member_is_hidden_from_that_person_art_30_3(personas, tree):
    p = personas
    with time_machine.travel(MARCH_2, tick=False):
        accusation, _ = register(p.registrar_a, nature="accusation", title="反映承办人员索要财物")
    Petition.objects.filter(pk=accusation.pk).update(accused_staff=p.registrar_a)
    assert not selectors.petitions_visible_to(p.registrar_a).filter(pk=accusation.pk).exists()
    assert client_for(p.registrar_a).get(f"/api/v1/petitions/{accusation.pk}/").status_code == 404
    assert selectors.petitions_visible_to(p.supervisor).filter(pk=accusation.pk).exists()
