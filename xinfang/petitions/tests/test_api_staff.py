"""The staff side of the API: every action endpoint through one happy path, the lists with cursor pagination and a
flat query count, the OpenAPI schema and its offline docs page, and token authentication.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from xinfang.petitions import selectors, services
from xinfang.petitions.api import views
from xinfang.petitions.models import Document, PetitionEvent
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.tests.test_matrix_world import NOW, PASSWORD, World, world_fixture
from xinfang.petitions.workflow import TRANSITIONS, Action, State

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_fixture(django_db_blocker)


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


def staff_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# One happy path per action endpoint: the world petition, who acts, what they send.
HAPPY: dict[Action, tuple[str, str, dict[str, Any]]] = {
    Action.FORWARD: (State.REGISTERED, "registrar_a", {"to_unit": "housing", "note": "请依法处理"}),
    Action.ASSIGN: (State.REGISTERED, "registrar_a", {"to_unit": "housing", "feedback_days": 20}),
    Action.REFER_DISCIPLINE: (State.REGISTERED, "registrar_a", {"to_unit": "discipline"}),
    Action.DIVERT: ("registered_appeal", "registrar_a", {"route": "arbitration", "guidance": "请申请劳动仲裁"}),
    Action.DECLINE: (State.REGISTERED, "registrar_a", {"ground": "out_of_scope", "reason": "不属信访事项"}),
    Action.REPORT_URGENT: (State.HANDLING, "handler_b", {"summary": "可能引发聚集"}),
    Action.ACCEPT: (State.PENDING_ACCEPTANCE, "handler_b", {"notice": "你反映的问题已受理"}),
    Action.ACCEPT_SIMPLE: (State.PENDING_ACCEPTANCE, "handler_b", {}),
    Action.OBJECT: (State.PENDING_ACCEPTANCE, "handler_b", {"reason": "不属本单位职责"}),
    Action.ESCALATE_DISPUTE: (State.REGISTERED, "registrar_a", {"units": ["housing", "environment"], "reason": "争议"}),
    Action.DECIDE_JURISDICTION: (State.DISPUTED, "county_head", {"to_unit": "housing"}),
    Action.REQUEST_EXTENSION: (State.HANDLING, "handler_b", {"days": 30, "reason": "需委托检测"}),
    Action.APPROVE_EXTENSION: (State.EXTENSION_REQUESTED, "head_b", {}),
    Action.REJECT_EXTENSION: (State.EXTENSION_REQUESTED, "head_b", {"reason": "请按期办结"}),
    Action.SUBMIT_DECISION: (
        State.HANDLING,
        "handler_b",
        {"outcome": "support", "opinion": "责令停工", "legal_basis": "《噪声污染防治法》"},
    ),
    Action.APPROVE_DECISION: (State.DECISION_PENDING, "head_b", {"served_on": "2026-03-11"}),
    Action.RETURN_DECISION: (State.DECISION_PENDING, "head_b", {"reason": "补充法律依据"}),
    Action.RECORD_AGREEMENT: (State.HANDLING, "handler_b", {"kind": "mediation", "text": "双方同意调解"}),
    Action.SUBMIT_REPORT: ("assigned_replied", "handler_b", {"report": "已办结并回访"}),
    Action.RATE: (State.REPLIED, "registrar_a", {"target": "petition_dept", "value": "satisfied", "comment": "电话"}),
    Action.REQUEST_REVIEW: (State.REPLIED, "registrar_a", {"reason": "来信申请复查"}),
    Action.DECIDE_REVIEW: (State.REVIEW, "county_head", {"outcome": "modify", "opinion": "变更处理意见"}),
    Action.ORDER_REDO: (State.REVIEW, "county_head", {"reason": "事实不清，责令重新办理"}),
    Action.REQUEST_RECHECK: (State.REVIEWED, "registrar_a", {"reason": "来信申请复核"}),
    Action.START_HEARING: (State.RECHECK, "city_head", {"note": "定于下周听证"}),
    Action.END_HEARING: ("hearing", "city_head", {}),
    Action.DECIDE_RECHECK: (State.RECHECK, "city_head", {"outcome": "uphold", "opinion": "维持"}),
    Action.URGE: ("overdue", "registrar_a", {"message": "信访人来电催办"}),
    Action.CLOSE: ("replied_old", "handler_b", {}),
    # The same petitioner's earlier, closed item (every world petition is 张三's).
    Action.LINK_REPEAT: (State.REGISTERED, "registrar_a", {"previous": State.CLOSED, "note": "同一事项再次来信"}),
    Action.CONFIRM_ACCUSED: (State.REGISTERED, "registrar_a", {"accused_unit": "environment", "note": "核实"}),
    # 指定承办人: the head of the holding unit names one of its staff.
    Action.ASSIGN_HANDLER: (State.HANDLING, "head_b", {"assignee": "handler_b", "note": "由王承办负责"}),
    # 并案: a registered item closed into another unit A holds; and the merged one taken back out.
    Action.MERGE: (State.REGISTERED, "registrar_a", {"primary": "merge_primary", "note": "同一事项"}),
    Action.UNMERGE: (State.MERGED, "registrar_a", {"note": "并非同一事项"}),
}
# What each happy path leaves behind besides the event (checked on the database, not on the response).
DOCUMENTS = {
    Action.FORWARD: "forwarding_slip",
    Action.ASSIGN: "assignment_slip",
    Action.DIVERT: "diversion_notice",
    Action.DECLINE: "non_acceptance_notice",
    Action.ACCEPT: "acceptance_notice",
    Action.ACCEPT_SIMPLE: "acceptance_notice",
    Action.OBJECT: "objection",
    Action.SUBMIT_DECISION: "opinion",
    Action.RECORD_AGREEMENT: "agreement",
    Action.SUBMIT_REPORT: "completion_report",
    Action.DECIDE_REVIEW: "review_opinion",
    Action.ORDER_REDO: "review_opinion",
    Action.DECIDE_RECHECK: "recheck_opinion",
}


def _resolve(world: World, body: dict[str, Any]) -> dict[str, Any]:
    """Unit names in the table above become ids."""
    out = dict(body)
    if "to_unit" in out:
        out["to_unit"] = getattr(world.tree, out["to_unit"]).pk
    if "accused_unit" in out:
        out["accused_unit"] = getattr(world.tree, out["accused_unit"]).pk
    if "units" in out:
        out["units"] = [getattr(world.tree, name).pk for name in out["units"]]
    if "assignee" in out:  # a persona becomes that user's id
        out["assignee"] = getattr(world.people, out["assignee"]).pk
    if "previous" in out:  # a world key becomes that petition's 编号
        out["previous"] = world.petitions[out["previous"]].number
    if "primary" in out:
        out["primary"] = world.petitions[out["primary"]].number
    return out


def test_every_action_endpoint_has_a_happy_path_here() -> None:
    assert set(HAPPY) == set(views.ACTIONS)


@pytest.mark.parametrize("action", list(HAPPY), ids=[a.value.replace("_", "-") for a in HAPPY])
def test_action_endpoint_happy_path(world: World, action: Action) -> None:
    key, persona, body = HAPPY[action]
    petition = world.fresh(key)
    before_state = petition.state
    transition = TRANSITIONS[action]
    assert before_state in transition.sources
    url = f"/api/v1/petitions/{petition.number}/{action.value.replace('_', '-')}/"
    with time_machine.travel(NOW, tick=False):
        response = staff_client(getattr(world.people, persona)).post(url, _resolve(world, body), format="json")
    assert response.status_code == 200, response.content.decode()

    after = world.fresh(key)
    expected_state = transition.target or before_state
    if action == Action.OBJECT:
        expected_state = State.REGISTERED  # returned to the sender (Art. 23 ¶3)
    if action == Action.ORDER_REDO:
        expected_state = State.HANDLING
    if action == Action.UNMERGE:
        expected_state = State.REGISTERED  # the state it had before the merge
    assert after.state == expected_state
    payload = response.json()
    if "state" in payload:  # the detail of a petition the actor still sees
        assert payload["state"] == expected_state and payload["number"] == petition.number
        assert isinstance(payload["allowed_actions"], list)
    else:
        assert payload["number"] == petition.number
    event = PetitionEvent.objects.filter(petition=after).order_by("-id").first()
    assert event is not None and event.action == action
    assert event.actor == getattr(world.people, persona)
    if action in DOCUMENTS:
        assert Document.objects.filter(petition=after, kind=DOCUMENTS[action]).exists()


def test_api_refusals_carry_code_article_and_status(world: World) -> None:
    petition = world.petitions[State.HANDLING]
    pending = world.petitions[State.PENDING_ACCEPTANCE]
    client = staff_client(world.people.registrar_a)
    with time_machine.travel(NOW, tick=False):
        illegal = client.post(f"/api/v1/petitions/{petition.pk}/forward/", {"to_unit": world.tree.housing.pk})
        not_holder = client.post(f"/api/v1/petitions/{pending.pk}/accept/", {}, format="json")
        bad_input = client.post(f"/api/v1/petitions/{petition.pk}/report-urgent/", {"summary": ""}, format="json")
    assert illegal.status_code == 409
    assert illegal.json()["code"] == "illegal_transition" and illegal.json()["article"]
    assert not_holder.status_code == 403 and not_holder.json()["code"] == "not_permitted"
    assert bad_input.status_code == 400 and "summary" in bad_input.json()


# ---------------------------------------------------------------- lists: cursor pagination, flat query count


def _fill_inbox(world: World, n: int) -> list[str]:
    numbers = []
    p = world.people
    with time_machine.travel(NOW, tick=False):
        for i in range(n):
            petition, _ = register(p.registrar_a, title=f"第{i}号事项")
            services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=world.tree.housing)
            numbers.append(petition.number)
    return numbers


def test_inbox_is_paginated_by_cursor_newest_first(world: World) -> None:
    added = _fill_inbox(world, 5)
    client = staff_client(world.people.handler_b)
    held = list(selectors.inbox(world.people.handler_b).values_list("pk", "number"))
    assert len(held) >= 8 and set(added) <= {number for _, number in held}
    seen: list[tuple[int, str]] = []
    url: str | None = "/api/v1/petitions/?box=inbox&page_size=3"
    for _page in range(10):
        assert url is not None
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"next", "previous", "results"}  # a cursor page: no count, no offset
        assert 1 <= len(body["results"]) <= 3
        seen += [(row["id"], row["number"]) for row in body["results"]]
        url = body["next"]
        if url is None:
            break
        assert "cursor=" in url and "offset=" not in url
    assert url is None, "pagination did not end"
    assert seen == sorted(held, reverse=True)  # every held item once, newest (highest id) first


@pytest.mark.parametrize("box", ["inbox", "visible"])
def test_list_query_count_stays_flat_as_rows_grow(world: World, box: str, django_assert_max_num_queries: Any) -> None:
    user = world.people.handler_b if box == "inbox" else world.people.supervisor
    client = staff_client(user)
    url = f"/api/v1/petitions/?box={box}&page_size=50"
    client.get(url)  # warm caches that are per process (calendar, content types)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    _fill_inbox(world, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        many = client.get(url)
    assert len(many.json()["results"]) >= len(first.json()["results"]) + 25


def test_clock_lists_query_count_stays_flat_as_rows_grow(world: World, django_assert_max_num_queries: Any) -> None:
    client = staff_client(world.people.supervisor)
    later = NOW.replace(month=5)  # every NOW clock of the new items is overdue by then
    with time_machine.travel(later, tick=False):
        client.get("/api/v1/clocks/overdue/")
        with CaptureQueriesContext(connection) as few:
            first = client.get("/api/v1/clocks/overdue/")
    _fill_inbox(world, 20)
    with time_machine.travel(later, tick=False), django_assert_max_num_queries(len(few.captured_queries)):
        many = client.get("/api/v1/clocks/overdue/?page_size=200")
    assert len(many.json()["results"]) >= len(first.json()["results"]) + 20


# ---------------------------------------------------------------- OpenAPI schema and offline docs


def test_openapi_schema_lists_every_action_endpoint(world: World) -> None:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for action in views.ACTIONS:
        path = f"/api/v1/petitions/{{key}}/{action.value.replace('_', '-')}/"
        assert "post" in schema["paths"][path], path
    operation_ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_api_docs_page_serves_its_assets_without_a_cdn(world: World) -> None:
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html.lower()
    assert "unpkg" not in html and "jsdelivr" not in html
    assets = re.findall(r"""(?:src|href)=["']/static/([^"'?]+)""", html)
    assert any(a.endswith(".js") for a in assets), html[:500]
    for asset in assets:
        assert finders.find(asset), f"{asset} is not shipped with the app"


# ---------------------------------------------------------------- token authentication


def test_token_authentication(world: World) -> None:
    client = APIClient()
    assert client.get("/api/v1/petitions/").status_code == 401
    wrong = client.post("/api/v1/auth/token/", {"username": "handler_b", "password": "wrong"}, format="json")
    assert wrong.status_code == 400 and "non_field_errors" in wrong.json()

    response = client.post("/api/v1/auth/token/", {"username": "handler_b", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    again = client.post("/api/v1/auth/token/", {"username": "handler_b", "password": PASSWORD}, format="json")
    assert again.json()["token"] != token  # each sign-in issues its own token (hashed, expiring: core/auth.py)

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    inbox = client.get("/api/v1/petitions/", {"box": "inbox"})
    assert inbox.status_code == 200
    assert world.petitions[State.HANDLING].number in {row["number"] for row in inbox.json()["results"]}
    assert client.get(f"/api/v1/petitions/{world.petitions[State.HANDLING].pk}/").status_code == 200

    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    refused = client.get("/api/v1/petitions/")
    assert refused.status_code == 401 and refused.headers.get("WWW-Authenticate") == "Token"
