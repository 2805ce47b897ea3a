"""Who gets what from every supervision endpoint: a hand-written table of endpoints × personas.

Columns: anonymous, a citizen account (no unit), registrar of A1区信访局 (oversees A1区), handler and head of
A1区住建局 (unit B, the unit supervised), the supervisor at A市信访局 (the issuer), an outsider unit (A2区住建局:
inside the city but outside A1区), and the head of A市信访局. The world: an order from A市信访局 to unit B about a
petition B handles, a recommendation to B, a 约谈 of B, and the October bulletin of A1区信访局.
``test_every_supervision_endpoint_is_in_the_table`` fails when an endpoint is added without a row here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from conftest import make_tree, make_user
from xinfang.orgs.models import Role, User
from xinfang.petitions.tests.helpers import register, to_handling
from xinfang.petitions.tests.test_matrix_world import FAST_HASHERS
from xinfang.supervision import services
from xinfang.supervision.bulletin import bulletin_generate
from xinfang.supervision.models import RecommendationKind
from xinfang.supervision.typical_cases import bulletin_case_add

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "citizen", "registrar_a", "handler_b", "head_b", "supervisor", "outsider", "city_dept_head")
NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as in the OpenAPI schema
    codes: tuple[int, ...]  # one per persona, in PERSONAS order
    body: Any = None
    state: str = ""  # "replied": the order was replied to before the call


# fmt: off
STAFF_OK = (401, 403, 200, 200, 200, 200, 200, 200)
ISSUERS = (401, 403, 403, 403, 403, 201, 403, 201)  # a supervising role above the unit supervised
SEEN = (401, 403, 200, 200, 200, 200, 404, 200)  # issuer, unit supervised, and those overseeing either
BY_B = (401, 403, 403, 200, 200, 403, 404, 403)  # only the unit supervised
BY_ISSUER = (401, 403, 403, 403, 403, 200, 404, 200)
COUNTY_BULLETIN = (401, 403, 200, 200, 200, 200, 404, 200)
NOT_THE_ISSUER = (401, 403, 403, 403, 403, 403, 404, 403)
PENDING_CASE = (401, 403, 404, 404, 404, 404, 404, 404)  # a case awaiting approval is the issuing unit's alone

ENDPOINTS: dict[str, Endpoint] = {
    "warnings": Endpoint("get", "/api/v1/supervision/warnings/", STAFF_OK),
    "warnings-summary": Endpoint("get", "/api/v1/supervision/warnings/summary/", STAFF_OK),
    "assignments-overdue": Endpoint("get", "/api/v1/supervision/assignments/overdue/", STAFF_OK),
    "orders": Endpoint("get", "/api/v1/supervision/orders/", STAFF_OK),
    "orders-create": Endpoint("post", "/api/v1/supervision/orders/", ISSUERS,
                              lambda w: {"target_unit": w["b"].pk, "matter": "督办", "petition": w["petition"].number}),
    "order": Endpoint("get", "/api/v1/supervision/orders/{id}/", SEEN),
    "order-reply": Endpoint("post", "/api/v1/supervision/orders/{id}/reply/", BY_B, lambda w: {"text": "已办理"}),
    "order-close": Endpoint("post", "/api/v1/supervision/orders/{id}/close/", BY_ISSUER, lambda w: {},
                            state="replied"),
    "order-return": Endpoint("post", "/api/v1/supervision/orders/{id}/return/", BY_ISSUER,
                             lambda w: {"reason": "措施不具体"}, state="replied"),
    "recommendations": Endpoint("get", "/api/v1/supervision/recommendations/", STAFF_OK),
    "recommendations-create": Endpoint("post", "/api/v1/supervision/recommendations/", ISSUERS,
                                       lambda w: {"kind": "improve_work", "to_unit": w["b"].pk, "text": "建议"}),
    "recommendation": Endpoint("get", "/api/v1/supervision/recommendations/{id}/", SEEN),
    "recommendation-feedback": Endpoint("post", "/api/v1/supervision/recommendations/{id}/feedback/", BY_B,
                                        lambda w: {"adoption": "adopted", "text": "已采纳"}),
    "interviews": Endpoint("get", "/api/v1/supervision/interviews/", STAFF_OK),
    "interviews-create": Endpoint("post", "/api/v1/supervision/interviews/", ISSUERS,
                                  lambda w: {"unit": w["b"].pk, "persons": "赵局长", "reason": "超期件多",
                                             "held_on": "2026-11-13", "conducted_by": "市信访局局长",
                                             "rectifications": [{"matter": "清理超期件", "due": "2026-12-15"}]}),
    "interview": Endpoint("get", "/api/v1/supervision/interviews/{id}/", SEEN),
    "bulletins": Endpoint("get", "/api/v1/supervision/bulletins/", STAFF_OK),
    # Petition departments (and governments) issue bulletins for their own scope.
    "bulletins-create": Endpoint("post", "/api/v1/supervision/bulletins/", (401, 403, 403, 403, 403, 201, 403, 201),
                                 lambda w: {"month": "2026-10"}),
    "bulletin": Endpoint("get", "/api/v1/supervision/bulletins/{id}/", COUNTY_BULLETIN),
    "bulletin-docx": Endpoint("get", "/api/v1/supervision/bulletins/{id}/docx/", COUNTY_BULLETIN),
    "bulletin-xlsx": Endpoint("get", "/api/v1/supervision/bulletins/{id}/xlsx/", COUNTY_BULLETIN),
    # Typical cases: every reader lists the approved ones; only the issuing unit's supervisors, analysts, heads and
    # leaders choose, and its head or leader approves (none of the personas: the county head below is not one).
    "bulletin-cases": Endpoint("get", "/api/v1/supervision/bulletins/{id}/cases/", COUNTY_BULLETIN),
    "bulletin-cases-create": Endpoint("post", "/api/v1/supervision/bulletins/{id}/cases/", NOT_THE_ISSUER,
                                      lambda w: {"petition": w["petition"].number, "unit": w["b"].pk,
                                                 "verdict": "good", "account": "主动上门，当月化解"}),
    "bulletin-case-approve": Endpoint("post", "/api/v1/supervision/bulletins/{id}/cases/{case_pk}/approve/",
                                      PENDING_CASE, lambda w: {}),
}
# fmt: on


@dataclass
class People:
    registrar_a: User
    handler_b: User
    head_b: User
    supervisor: User
    outsider: User
    city_dept_head: User
    citizen: User


def _build() -> tuple[People, dict[str, Any]]:
    tree = make_tree()
    people = People(
        registrar_a=make_user("registrar_a", tree.county_dept, Role.REGISTRAR, Role.HANDLER),
        handler_b=make_user("handler_b", tree.housing, Role.HANDLER),
        head_b=make_user("head_b", tree.housing, Role.HEAD),
        supervisor=make_user("supervisor", tree.city_dept, Role.SUPERVISOR),
        outsider=make_user("outsider", tree.county2_housing, Role.HANDLER, Role.HEAD),
        city_dept_head=make_user("city_dept_head", tree.city_dept, Role.HEAD, Role.REGISTRAR, Role.HANDLER),
        citizen=make_user("citizen", None),
    )
    with time_machine.travel(NOW, tick=False):
        petition, _code = register(people.registrar_a)
        to_handling(people, petition)
        order = services.order_issue(
            actor=people.supervisor,
            data=services.OrderData(target_unit=tree.housing, matter="督办噪音问题", petition=petition),
        )
        rec = services.recommendation_issue(
            actor=people.supervisor, kind=RecommendationKind.IMPROVE_WORK, to_unit=tree.housing, text="建议"
        )
        interview = services.interview_record(
            actor=people.supervisor,
            unit=tree.housing,
            persons="赵局长",
            reason="超期",
            held_on=NOW.date(),
            conducted_by="市信访局",
        )
        bulletin = bulletin_generate(unit=tree.county_dept, month=dt.date(2026, 10, 1))
        county_head = make_user("county_head", tree.county_dept, Role.HEAD)
        case = bulletin_case_add(
            actor=county_head,
            bulletin=bulletin,
            petition=petition,
            unit=tree.housing,
            verdict="good",
            account="按期办结并回访",
        )
    world = {
        "petition": petition,
        "b": tree.housing,
        "order": order,
        "recommendation": rec,
        "interview": interview,
        "bulletin": bulletin,
        "case": case,
    }
    return people, world


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[People, dict[str, Any]]]:
    """Built once for the module and rolled back at its end; each test's own changes roll back too."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield _build()
        transaction.set_rollback(True)


def _cases() -> list[Any]:
    return [
        pytest.param(name, persona, code, id=f"{name}-{persona}-{code}")
        for name, endpoint in ENDPOINTS.items()
        for persona, code in zip(PERSONAS, endpoint.codes, strict=True)
    ]


def _url(world: dict[str, Any], name: str, template: str) -> str:
    key = "order"
    if name.startswith("recommendation"):
        key = "recommendation"
    elif name.startswith("interview"):
        key = "interview"
    elif name.startswith("bulletin"):
        key = "bulletin"
    return template.replace("{id}", str(world[key].pk)).replace("{case_pk}", str(world["case"].pk))


@pytest.mark.parametrize(("name", "persona", "expected"), _cases())
def test_supervision_api_permissions(
    built: tuple[People, dict[str, Any]], name: str, persona: str, expected: int
) -> None:
    people, world = built
    endpoint = ENDPOINTS[name]
    client = APIClient()
    user = None if persona == "anonymous" else getattr(people, persona)
    if user is not None:
        client.force_authenticate(user)
    with time_machine.travel(NOW, tick=False):
        if endpoint.state == "replied":
            services.order_reply(actor=people.handler_b, order=world["order"], text="已办理")
        url = _url(world, name, endpoint.template)
        if endpoint.method == "get":
            response = client.get(url)
        else:
            response = client.post(url, endpoint.body(world) if endpoint.body else {}, format="json")
    body = b"" if response.streaming else response.content[:300]
    assert response.status_code == expected, f"{name} as {persona}: {response.status_code} {body!r}"


def test_every_supervision_endpoint_is_in_the_table() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (method, path)
        for path, ops in schema["paths"].items()
        for method in ops
        if path.startswith("/api/v1/supervision/")
    }
    assert in_schema == {(e.method, e.template) for e in ENDPOINTS.values()}
