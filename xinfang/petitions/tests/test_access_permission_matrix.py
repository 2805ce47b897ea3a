"""Who gets what from every API endpoint: a hand-written status-code table over endpoints × personas.

Each action endpoint is called on a petition in a state from which the action is legal, with valid input, so the
answer depends only on who asks: 200 for whoever may take it, 403 for someone who can see the petition but may not
act, 404 for someone who cannot see it (no existence oracle), 401 without credentials. The table is written out by
hand (not derived from the code under test); ``test_every_api_endpoint_is_in_the_matrix`` makes a new endpoint fail
until its row is added here.

Columns: anonymous, a citizen account (no unit), registrar of unit A (A1区信访局), handler and head of unit B
(A1区住建局), supervisor above A (A市信访局), an outsider unit (A2区住建局), the accused unit (A1区生态环境局,
no part in these petitions), the head of A1区政府 (复查) and of A市政府 (复核).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from xinfang.orgs.models import User
from xinfang.petitions.models import Attachment, Document, DocumentKind
from xinfang.petitions.tests.test_matrix_world import NOW, PASSWORD, World, world_fixture
from xinfang.petitions.workflow import State

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "citizen",
    "registrar_a",
    "handler_b",
    "head_b",
    "supervisor",
    "outsider",
    "accused",
    "county_head",
    "city_head",
)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_fixture(django_db_blocker)


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()  # the public endpoints are throttled per client address; every case starts afresh


def user_of(world: World, persona: str) -> User | None:
    if persona == "anonymous":
        return None
    if persona == "citizen":
        return world.citizen
    user: User = getattr(world.people, persona)
    return user


Body = Callable[[World], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as in the OpenAPI schema
    petition: str | None  # world key filled into {key} / {number}
    body: Body | None
    codes: tuple[int, ...]  # one per persona, in PERSONAS order
    multipart: bool = False
    query: Body | None = None


def _files(_: World) -> dict[str, Any]:
    return {"files": [SimpleUploadedFile("补充材料.pdf", b"%PDF-1.4 matrix")]}


def _tracked(extra: dict[str, Any]) -> Body:
    return lambda w: extra  # the code is added by the test


# fmt: off
#                       anon citzn reg_a hnd_b hd_b  super outsd accsd cnty  city
ALL_STAFF_OK =         (401, 200,  200,  200,  200,  200,  200,  200,  200,  200)
ROUTE_AT_A =           (401, 404,  200,  404,  404,  403,  404,  404,  404,  404)
HANDLE_AT_B =          (401, 404,  403,  200,  200,  403,  404,  404,  404,  404)
HEAD_AT_B =            (401, 404,  403,  403,  200,  403,  404,  404,  404,  404)
VISIBLE_ON_B =         (401, 404,  200,  200,  200,  200,  404,  404,  404,  404)
HEAD_OF_REVIEW =       (401, 404,  403,  403,  403,  403,  404,  404,  200,  404)
RECHECK_AT_CITY =      (401, 404,  403,  403,  403,  403,  404,  404,  403,  200)
PUBLIC =               (200, 200,  200,  200,  200,  200,  200,  200,  200,  200)
PUBLIC_CREATED =       (201, 201,  201,  201,  201,  201,  201,  201,  201,  201)
PUBLIC_NOT_FOUND =     (404, 404,  404,  404,  404,  404,  404,  404,  404,  404)
UNIT_STAFF =           (401, 403,  200,  200,  200,  200,  200,  200,  200,  200)

ENDPOINTS: dict[str, Endpoint] = {
    "list": Endpoint("get", "/api/v1/petitions/", None, None, ALL_STAFF_OK),
    "list-inbox": Endpoint("get", "/api/v1/petitions/", None, None, ALL_STAFF_OK, query=lambda w: {"box": "inbox"}),
    # Online submission is public; signed in, only a registrar registers (at their own unit).
    "create": Endpoint("post", "/api/v1/petitions/", None, lambda w: {
        "title": "路灯损坏", "request": "请修复路灯", "problem_division_code": "990101",
        "petitioners": [{"name": "钱七"}],
    },                     (201, 201,  201,  403,  403,  403,  403,  201,  403,  403)),
    "detail": Endpoint("get", "/api/v1/petitions/{key}/", State.HANDLING, None, VISIBLE_ON_B),
    "detail-missing": Endpoint("get", "/api/v1/petitions/{key}/", "missing", None,
                           (401, 404,  404,  404,  404,  404,  404,  404,  404,  404)),
    "forward": Endpoint("post", "/api/v1/petitions/{key}/forward/", State.REGISTERED,
                        lambda w: {"to_unit": w.tree.housing.pk}, ROUTE_AT_A),
    "assign": Endpoint("post", "/api/v1/petitions/{key}/assign/", State.REGISTERED,
                       lambda w: {"to_unit": w.tree.housing.pk, "feedback_days": 30}, ROUTE_AT_A),
    "refer-discipline": Endpoint("post", "/api/v1/petitions/{key}/refer-discipline/", State.REGISTERED,
                                 lambda w: {"to_unit": w.tree.discipline.pk}, ROUTE_AT_A),
    "divert": Endpoint("post", "/api/v1/petitions/{key}/divert/", "registered_appeal",
                       lambda w: {"route": "arbitration", "guidance": "请申请劳动仲裁"}, ROUTE_AT_A),
    "decline": Endpoint("post", "/api/v1/petitions/{key}/decline/", State.REGISTERED,
                        lambda w: {"ground": "out_of_scope", "reason": "不属信访事项"}, ROUTE_AT_A),
    "escalate-dispute": Endpoint("post", "/api/v1/petitions/{key}/escalate-dispute/", State.REGISTERED,
                                 lambda w: {"units": [w.tree.housing.pk, w.tree.environment.pk], "reason": "争议"},
                                 ROUTE_AT_A),
    # Any unit involved in the petition reports (the registering unit A and the holder B).
    "report-urgent": Endpoint("post", "/api/v1/petitions/{key}/report-urgent/", State.HANDLING,
                              lambda w: {"summary": "可能引发群体性事件"},
                           (401, 404,  200,  200,  200,  403,  404,  404,  404,  404)),
    "accept": Endpoint("post", "/api/v1/petitions/{key}/accept/", State.PENDING_ACCEPTANCE,
                       lambda w: {"notice": "已受理"}, HANDLE_AT_B),
    "accept-simple": Endpoint("post", "/api/v1/petitions/{key}/accept-simple/", State.PENDING_ACCEPTANCE,
                              lambda w: {}, HANDLE_AT_B),
    "object": Endpoint("post", "/api/v1/petitions/{key}/object/", State.PENDING_ACCEPTANCE,
                       lambda w: {"reason": "不属本单位职责"}, HANDLE_AT_B),
    "decide-jurisdiction": Endpoint("post", "/api/v1/petitions/{key}/decide-jurisdiction/", State.DISPUTED,
                                    lambda w: {"to_unit": w.tree.housing.pk},
                           (401, 404,  403,  404,  404,  403,  404,  404,  200,  404)),
    "request-extension": Endpoint("post", "/api/v1/petitions/{key}/request-extension/", State.HANDLING,
                                  lambda w: {"days": 10, "reason": "需现场检测"}, HANDLE_AT_B),
    "approve-extension": Endpoint("post", "/api/v1/petitions/{key}/approve-extension/",
                                  State.EXTENSION_REQUESTED, lambda w: {}, HEAD_AT_B),
    "reject-extension": Endpoint("post", "/api/v1/petitions/{key}/reject-extension/", State.EXTENSION_REQUESTED,
                                 lambda w: {"reason": "请按期办结"}, HEAD_AT_B),
    "submit-decision": Endpoint("post", "/api/v1/petitions/{key}/submit-decision/", State.HANDLING,
                                lambda w: {"outcome": "explain", "opinion": "经核查……"}, HANDLE_AT_B),
    "approve-decision": Endpoint("post", "/api/v1/petitions/{key}/approve-decision/", State.DECISION_PENDING,
                                 lambda w: {}, HEAD_AT_B),
    "return-decision": Endpoint("post", "/api/v1/petitions/{key}/return-decision/", State.DECISION_PENDING,
                                lambda w: {"reason": "补充依据"}, HEAD_AT_B),
    "record-agreement": Endpoint("post", "/api/v1/petitions/{key}/record-agreement/", State.HANDLING,
                                 lambda w: {"kind": "settlement", "text": "双方和解"}, HANDLE_AT_B),
    # Registrar A is involved and a handler, but the report belongs to the handling unit: refused as a rule (409).
    "submit-report": Endpoint("post", "/api/v1/petitions/{key}/submit-report/", "assigned_replied",
                              lambda w: {"report": "已办结"},
                           (401, 404,  409,  200,  200,  403,  404,  404,  404,  404)),
    # A registrar of the registering unit records a rating given by phone or letter.
    "rate": Endpoint("post", "/api/v1/petitions/{key}/rate/", State.REPLIED,
                     lambda w: {"target": "responsible_unit", "value": "basically"},
                           (401, 404,  200,  403,  403,  403,  404,  404,  404,  404)),
    # A registrar of the holding unit records an urge made by phone; only while something is overdue.
    "urge": Endpoint("post", "/api/v1/petitions/{key}/urge/", "overdue", lambda w: {"message": "来电催办"},
                           (401, 404,  200,  404,  404,  403,  404,  404,  404,  404)),
    "request-review": Endpoint("post", "/api/v1/petitions/{key}/request-review/", State.REPLIED,
                               lambda w: {"reason": "来信申请复查"},
                           (401, 404,  200,  403,  403,  403,  404,  404,  404,  404)),
    "decide-review": Endpoint("post", "/api/v1/petitions/{key}/decide-review/", State.REVIEW,
                              lambda w: {"outcome": "uphold", "opinion": "维持"}, HEAD_OF_REVIEW),
    "order-redo": Endpoint("post", "/api/v1/petitions/{key}/order-redo/", State.REVIEW,
                           lambda w: {"reason": "事实不清"}, HEAD_OF_REVIEW),
    "request-recheck": Endpoint("post", "/api/v1/petitions/{key}/request-recheck/", State.REVIEWED,
                                lambda w: {"reason": "来信申请复核"},
                           (401, 404,  200,  403,  403,  403,  404,  404,  403,  404)),
    "start-hearing": Endpoint("post", "/api/v1/petitions/{key}/start-hearing/", State.RECHECK,
                              lambda w: {}, RECHECK_AT_CITY),
    "end-hearing": Endpoint("post", "/api/v1/petitions/{key}/end-hearing/", "hearing", lambda w: {},
                            RECHECK_AT_CITY),
    "decide-recheck": Endpoint("post", "/api/v1/petitions/{key}/decide-recheck/", State.RECHECK,
                               lambda w: {"outcome": "uphold", "opinion": "维持"}, RECHECK_AT_CITY),
    "close": Endpoint("post", "/api/v1/petitions/{key}/close/", "replied_old", lambda w: {}, HANDLE_AT_B),
    # 关联重复信访 to the same petitioner's earlier item: the holder's routers only.
    "link-repeat": Endpoint("post", "/api/v1/petitions/{key}/link-repeat/", State.REGISTERED,
                            lambda w: {"previous": w.petitions[State.CLOSED].number}, ROUTE_AT_A),
    # 确认被反映单位 (Art. 30 ¶3): the holder's routers only.
    "confirm-accused": Endpoint("post", "/api/v1/petitions/{key}/confirm-accused/", State.REGISTERED,
                                lambda w: {"no_unit": True}, ROUTE_AT_A),
    # 指定承办人: the head of the holding unit only.
    "assign-handler": Endpoint("post", "/api/v1/petitions/{key}/assign-handler/", State.HANDLING,
                               lambda w: {"assignee": w.people.handler_b.pk}, HEAD_AT_B),
    # 并案 into a petition the same unit holds, and its undo: the holder's routers only.
    "merge": Endpoint("post", "/api/v1/petitions/{key}/merge/", State.REGISTERED,
                      lambda w: {"primary": w.petitions["merge_primary"].number}, ROUTE_AT_A),
    "unmerge": Endpoint("post", "/api/v1/petitions/{key}/unmerge/", State.MERGED, lambda w: {}, ROUTE_AT_A),
    "attachments": Endpoint("post", "/api/v1/petitions/{key}/attachments/", State.HANDLING, _files,
                           (401, 404,  201,  201,  201,  403,  404,  404,  404,  404), multipart=True),
    "attachment-download": Endpoint("get", "/api/v1/petitions/{key}/attachments/{attachment_id}/", State.HANDLING,
                                    None, VISIBLE_ON_B),
    # The issued 信访处理意见书 as .docx: whoever sees the petition (names masked for those who need not see them).
    "document-docx": Endpoint("get", "/api/v1/petitions/{key}/documents/{document_id}/docx", State.REPLIED, None,
                           (401, 404,  200,  200,  200,  200,  404,  404,  404,  404)),
    # The petitioner's side: 编号 + 查询码, whoever is signed in.
    "track": Endpoint("get", "/api/v1/track/{number}", State.HANDLING, None, PUBLIC),
    "track-wrong-code": Endpoint("get", "/api/v1/track/{number}", State.HANDLING, None, PUBLIC_NOT_FOUND),
    "track-rate": Endpoint("post", "/api/v1/track/{number}/rate/", State.REPLIED,
                           _tracked({"target": "responsible_unit", "value": "satisfied"}), PUBLIC),
    "track-urge": Endpoint("post", "/api/v1/track/{number}/urge/", "overdue", _tracked({"message": "请尽快"}), PUBLIC),
    "track-review": Endpoint("post", "/api/v1/track/{number}/review/", State.REPLIED,
                             _tracked({"reason": "不服"}), PUBLIC),
    "track-recheck": Endpoint("post", "/api/v1/track/{number}/recheck/", State.REVIEWED,
                              _tracked({"reason": "不服"}), PUBLIC),
    "track-attachments": Endpoint("post", "/api/v1/track/{number}/attachments/", State.HANDLING, _files,
                                  PUBLIC_CREATED, multipart=True),
    "clocks-overdue": Endpoint("get", "/api/v1/clocks/overdue/", None, None, ALL_STAFF_OK),
    "clocks-due-soon": Endpoint("get", "/api/v1/clocks/due-soon/", None, None, ALL_STAFF_OK),
    "categories": Endpoint("get", "/api/v1/categories/", None, None, PUBLIC),
    # Each persona asks for a token with its own password; anonymous sends a wrong one.
    "auth-token": Endpoint("post", "/api/v1/auth/token/", None, None,
                           (400, 200,  200,  200,  200,  200,  200,  200,  200,  200)),
    # Revokes the token it is sent with; these clients sign in without one (force_authenticate): nothing to revoke.
    "auth-logout": Endpoint("post", "/api/v1/auth/logout/", None, None,
                            (401, 400,  400,  400,  400,  400,  400,  400,  400,  400)),
    "me": Endpoint("get", "/api/v1/me/", None, None, ALL_STAFF_OK),
    "units": Endpoint("get", "/api/v1/units/", None, None, UNIT_STAFF),
    "unit": Endpoint("get", "/api/v1/units/{id}/", None, None, UNIT_STAFF),
    "unit-children": Endpoint("get", "/api/v1/units/{id}/children/", None, None, UNIT_STAFF),
    "calendar-deadline": Endpoint("get", "/api/v1/calendar/deadline", None, None, PUBLIC,
                                  query=lambda w: {"start": "2026-04-01", "days": "5", "kind": "working"}),
    "schema": Endpoint("get", "/api/schema/", None, None, PUBLIC, query=lambda w: {"format": "json"}),
    "docs": Endpoint("get", "/api/docs/", None, None, PUBLIC),
}
# fmt: on

KNOWN_BUGS: dict[tuple[str, str], str] = {}  # (endpoint, persona) → reason, while a bug is open


def _cases() -> list[Any]:
    cases = []
    for name, endpoint in ENDPOINTS.items():
        assert len(endpoint.codes) == len(PERSONAS), name
        for persona, code in zip(PERSONAS, endpoint.codes, strict=True):
            marks = []
            if (name, persona) in KNOWN_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name, persona]))
            cases.append(pytest.param(name, persona, code, id=f"{name}-{persona}-{code}", marks=marks))
    return cases


def _url(world: World, name: str, endpoint: Endpoint) -> str:
    url = endpoint.template
    if endpoint.petition == "missing":
        return url.replace("{key}", "99999999")
    if endpoint.petition is not None:
        petition = world.petitions[endpoint.petition]
        url = url.replace("{key}", str(petition.pk)).replace("{number}", petition.number)
        if "{attachment_id}" in url:
            attachment = Attachment.objects.filter(petition=petition).first()
            assert attachment is not None
            url = url.replace("{attachment_id}", str(attachment.pk))
        if "{document_id}" in url:
            document = Document.objects.filter(petition=petition, kind=DocumentKind.OPINION).first()
            assert document is not None
            url = url.replace("{document_id}", str(document.pk))
    return url.replace("{id}", str(world.tree.county.pk))


def _data(world: World, name: str, endpoint: Endpoint, user: User | None) -> Any:
    if name == "auth-token":
        return {"username": user.username if user else "registrar_a", "password": PASSWORD if user else "wrong"}
    data = endpoint.body(world) if endpoint.body else None
    if name.startswith("track") and endpoint.method == "post":
        data = {**(data or {}), "code": world.codes[str(endpoint.petition)]}
    return data


@pytest.mark.parametrize(("name", "persona", "expected"), _cases())
def test_api_permission_matrix(world: World, name: str, persona: str, expected: int) -> None:
    endpoint = ENDPOINTS[name]
    user = user_of(world, persona)
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    url = _url(world, name, endpoint)
    data = _data(world, name, endpoint, user)
    with time_machine.travel(NOW, tick=False):
        if endpoint.method == "get":
            query = endpoint.query(world) if endpoint.query else {}
            if endpoint.petition is not None and url.startswith("/api/v1/track/"):
                query = {"code": "WRONGCODE000" if name == "track-wrong-code" else world.codes[endpoint.petition]}
            response = client.get(url, query)
        elif endpoint.multipart:
            data["code"] = world.codes[str(endpoint.petition)] if url.startswith("/api/v1/track/") else None
            response = client.post(url, {k: v for k, v in data.items() if v is not None}, format="multipart")
        else:
            response = client.post(url, data, format="json")
    streamed: Any = response  # a FileResponse streams its body
    raw = b"".join(streamed.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace")[:300]
    assert response.status_code == expected, f"{name} as {persona}: {response.status_code} {body}"


# Apps whose endpoints have their own permission table (``<app>/tests/test_permissions.py``), each with a test
# like the one below for its own prefix.
OWN_MATRICES = tuple(
    f"/api/v1/{app}/"
    for app in (
        "insight",
        "notify",
        "supervision",
        "reception",
        "casework",
        "joint",
        "stats",
        "audit",
        "proposals",
        # Their own tests hold who may read and act: instructions/tests, reports/tests, assessment/tests.
        "instructions",
        "reports",
        "assessment",
    )
)


def test_every_api_endpoint_is_in_the_matrix() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (method, path) for path, ops in schema["paths"].items() for method in ops if not path.startswith(OWN_MATRICES)
    }
    in_matrix = {(e.method, e.template) for e in ENDPOINTS.values() if e.template.startswith("/api/v1/")}
    assert in_schema == in_matrix
