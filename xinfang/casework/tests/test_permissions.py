"""Who gets what from every casework API endpoint: a hand-written status-code table over endpoints × personas.

Each action is called on a case in a status from which it is legal, with valid input, so the answer depends only
on who asks: 200/201 for whoever may take it, 403 for someone who can see the case but may not act, 404 for
someone who cannot see it (no existence oracle), 401 without credentials, 403 for a citizen account.
``test_every_casework_endpoint_is_in_the_table`` makes a new endpoint fail until its row is added here.

Columns: anonymous; a citizen account (no unit); registrar of A1区信访局 (registrar + handler); handler and head of
A1区住建局 (the unit handling the petition and responsible for the case); supervisor of A市信访局 (above);
an outsider head at A2区住建局; the city leader in charge of the case (A市人民政府).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from conftest import make_tree, make_user
from xinfang.casework import services
from xinfang.casework.models import BacklogCase, CaseKind, Milestone, WeeklySchedule
from xinfang.casework.schedule import weekly_schedules_build
from xinfang.casework.tests.helpers import TODAY
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register, to_handling

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "citizen", "registrar_a", "handler_b", "head_b", "supervisor", "outsider", "leader")
NOW = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)


@dataclass
class World:
    people: dict[str, User]
    petitions: dict[str, Petition]
    cases: dict[str, BacklogCase]
    milestone: Milestone
    schedule: WeeklySchedule


def _build() -> World:
    tree = make_tree()
    people = {
        "citizen": make_user("citizen", None),
        "registrar_a": make_user("registrar_a", tree.county_dept, Role.REGISTRAR, Role.HANDLER),
        "handler_b": make_user("handler_b", tree.housing, Role.HANDLER),
        "head_b": make_user("head_b", tree.housing, Role.HEAD),
        "supervisor": make_user("supervisor", tree.city_dept, Role.SUPERVISOR),
        "outsider": make_user("outsider", tree.county2_housing, Role.HANDLER, Role.HEAD),
        "leader": make_user("leader", tree.city, Role.LEADER, full_name="陈副市长"),
    }

    class P:
        registrar_a = people["registrar_a"]
        handler_b = people["handler_b"]

    def handled() -> Petition:
        petition, _ = register(people["registrar_a"], received_on=TODAY - dt.timedelta(days=200))
        return to_handling(P, petition)

    petitions = {key: handled() for key in ("fresh", "candidate", "in_charge")}
    sup = people["supervisor"]
    services.backlog_scan()
    BacklogCase.objects.filter(petition=petitions["fresh"]).delete()
    candidate = BacklogCase.objects.get(petition=petitions["candidate"])
    in_charge = BacklogCase.objects.get(petition=petitions["in_charge"])
    services.case_confirm(actor=sup, case=in_charge, reason="多年未结")
    services.case_take_charge(
        actor=sup, case=in_charge, leader=people["leader"], unit=tree.housing, person="王承办", note=""
    )
    milestone = services.milestone_add(
        actor=people["leader"], case=in_charge, what="入户走访", due=TODAY + dt.timedelta(days=7), unit=tree.housing
    )
    weekly_schedules_build()
    return World(
        people,
        petitions,
        {"candidate": candidate, "in_charge": in_charge},
        milestone,
        WeeklySchedule.objects.get(leader=people["leader"]),
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, XINFANG_BACKLOG_RULES={}),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        yield _build()
        transaction.set_rollback(True)


Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as in the OpenAPI schema
    case: str | None  # world case filled into {id}
    body: Body | None
    codes: tuple[int, ...]  # one per persona, in PERSONAS order


# fmt: off
#                   anon citzn reg_a hnd_b hd_b  super outsd leader
ALL_STAFF =        (401, 403,  200,  200,  200,  200,  200,  200)
SEES_CASE =        (401, 403,  200,  200,  200,  200,  404,  200)
MANAGERS =         (401, 403,  403,  403,  200,  200,  404,  200)
CASE_PARTIES =     (401, 403,  403,  201,  201,  201,  404,  201)
PLAN_PARTIES =     (401, 403,  403,  200,  200,  200,  404,  200)
RESPONSIBLE_UNIT = (401, 403,  403,  200,  200,  403,  404,  403)
OWN_SCHEDULE =     (401, 403,  404,  404,  404,  404,  404,  200)

ENDPOINTS: dict[str, Endpoint] = {
    "list": Endpoint("get", "/api/v1/casework/cases/", None, None, ALL_STAFF),
    "board": Endpoint("get", "/api/v1/casework/board/", None, None, ALL_STAFF),
    "mine": Endpoint("get", "/api/v1/casework/mine/", None, None, ALL_STAFF),
    "schedules": Endpoint("get", "/api/v1/casework/schedules/", None, None, ALL_STAFF),
    "schedule": Endpoint("get", "/api/v1/casework/schedules/{id}/", None, None, OWN_SCHEDULE),
    "detail": Endpoint("get", "/api/v1/casework/cases/{id}/", "in_charge", None, SEES_CASE),
    # Marking by hand: managers who see the petition; the outsider cannot name a petition it cannot see (400).
    "mark": Endpoint("post", "/api/v1/casework/cases/", None,
                     lambda w: {"petition": w.petitions["fresh"].number, "kind": "key", "reason": "重点关注"},
                       (401, 403,  403,  403,  201,  201,  400,  201)),
    "confirm": Endpoint("post", "/api/v1/casework/cases/{id}/confirm/", "candidate",
                        lambda w: {"reason": "确认积案", "kind": "backlog"}, MANAGERS),
    "dismiss": Endpoint("post", "/api/v1/casework/cases/{id}/dismiss/", "candidate",
                        lambda w: {"reason": "不属积案"}, MANAGERS),
    "take-charge": Endpoint("post", "/api/v1/casework/cases/{id}/take-charge/", "candidate",
                            lambda w: {"leader": w.people["leader"].pk, "unit": w.people["handler_b"].unit_id,
                                       "person": "王承办"}, MANAGERS),
    "plan": Endpoint("post", "/api/v1/casework/cases/{id}/plan/", "in_charge",
                     lambda w: {"plan": "一案一策：先鉴定，再协商补偿"}, PLAN_PARTIES),
    "milestones": Endpoint("post", "/api/v1/casework/cases/{id}/milestones/", "in_charge",
                           lambda w: {"what": "召开听证会", "due": "2026-07-01", "unit": w.people["handler_b"].unit_id},
                           CASE_PARTIES),
    "milestone-complete": Endpoint("post", "/api/v1/casework/cases/{id}/milestones/{milestone_id}/complete/",
                                   "in_charge", lambda w: {"result": "已入户走访"}, RESPONSIBLE_UNIT),
    "progress": Endpoint("post", "/api/v1/casework/cases/{id}/progress/", "in_charge",
                         lambda w: {"text": "已与信访人面谈"}, CASE_PARTIES),
    # The outcome: the leader in charge or a manager (the responsible unit's head is a manager too).
    "close": Endpoint("post", "/api/v1/casework/cases/{id}/close/", "in_charge",
                      lambda w: {"outcome": "resolved", "text": "已化解", "on": "2026-06-15", "quiet": "quiet",
                                 "basis": "pledge"}, MANAGERS),
}
# fmt: on


def _cases() -> list[Any]:
    out = []
    for name, endpoint in ENDPOINTS.items():
        assert len(endpoint.codes) == len(PERSONAS), name
        for persona, code in zip(PERSONAS, endpoint.codes, strict=True):
            out.append(pytest.param(name, persona, code, id=f"{name}-{persona}-{code}"))
    return out


def _url(world: World, endpoint: Endpoint) -> str:
    url = endpoint.template
    if endpoint.case is not None:
        url = url.replace("{id}", str(world.cases[endpoint.case].pk))
    elif "{id}" in url:
        url = url.replace("{id}", str(world.schedule.pk))
    return url.replace("{milestone_id}", str(world.milestone.pk))


@pytest.mark.parametrize(("name", "persona", "expected"), _cases())
def test_casework_permission_table(world: World, name: str, persona: str, expected: int) -> None:
    endpoint = ENDPOINTS[name]
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(world.people[persona])
    url = _url(world, endpoint)
    with time_machine.travel(NOW, tick=False):
        if endpoint.method == "get":
            response = client.get(url)
        else:
            response = client.post(url, endpoint.body(world) if endpoint.body else {}, format="json")
    assert response.status_code == expected, f"{name} as {persona}: {response.status_code} {response.content[:300]!r}"


def test_every_casework_endpoint_is_in_the_table() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (method, path)
        for path, ops in schema["paths"].items()
        for method in ops
        if path.startswith("/api/v1/casework/")
    }
    in_table = {(e.method, e.template) for e in ENDPOINTS.values()}
    assert in_schema == in_table


def test_the_mark_row_needs_a_petition_without_a_case(world: World) -> None:
    assert not BacklogCase.objects.filter(petition=world.petitions["fresh"]).exists()
    assert world.cases["candidate"].kind == CaseKind.BACKLOG
